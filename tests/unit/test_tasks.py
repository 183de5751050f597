"""Kill tasks and the task store (semantics 8 and 10.5; http-api 2.6 and 5.1 to 5.3), without HTTP."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fakedruid.errors import InvalidTask, NotImplementedByFake, TaskAlreadyExists, UnknownTask
from fakedruid.model.clock import FrozenClock
from fakedruid.model.cluster import Cluster
from fakedruid.model.intervals import MS_PER_HOUR, parse_instant, parse_interval
from fakedruid.model.tasks import (
    FAILED,
    RUNNING,
    SHUTDOWN_MESSAGE,
    SUCCESS,
    Task,
    TaskStore,
    kill_task_from_json,
)

NOW = parse_instant("2024-05-01T10:00:00.123Z")
V1 = "2017-10-15T20:19:12.565Z"
V2 = "2017-10-16T20:19:12.565Z"
DAY = parse_interval("2015-09-12/2015-09-13")
ID_RE = re.compile(
    r"^api-issued_kill_wiki_[a-p]{8}_2015-09-12T00:00:00\.000Z_2015-09-13T00:00:00\.000Z_2024-05-01T10:00:00\.123Z$"
)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def cluster(clock: FrozenClock) -> Cluster:
    return Cluster(clock=clock)


def hour(h: int) -> str:
    return f"2015-09-12T{h:02d}/2015-09-12T{h + 1:02d}"


def seed(cluster: Cluster, hours: range, *, used: bool = False, version: str = V1, **extra: Any) -> list[str]:
    return [cluster.add_segment("wiki", hour(h), version, used=used, **extra) for h in hours]


def kill(cluster: Cluster, interval: str = "2015-09-12/2015-09-13", **kwargs: Any) -> Task:
    return cluster.submit_kill(datasource="wiki", interval=parse_interval(interval), **kwargs)


# ---------------------------------------------------------------------- ids


def test_submit_kill_coordinator_id_has_druid_form(cluster: Cluster) -> None:
    task = kill(cluster)
    assert ID_RE.match(task.id)
    assert task.group_id == task.id


def test_submit_kill_without_prefix_starts_with_kill(cluster: Cluster) -> None:
    task = kill(cluster, id_prefix=None)
    assert re.match(
        r"^kill_wiki_[a-p]{8}_2015-09-12T00:00:00\.000Z_2015-09-13T00:00:00\.000Z_2024-05-01T10:00:00\.123Z$", task.id
    )


def test_random_suffix_seeded_store_repeats() -> None:
    assert TaskStore(seed=7).random_suffix() == TaskStore(seed=7).random_suffix()
    assert re.fullmatch(r"[a-p]{8}", TaskStore(seed=7).random_suffix())


def test_submit_kill_given_id_is_used(cluster: Cluster) -> None:
    assert kill(cluster, task_id="my-kill").id == "my-kill"


def test_submit_kill_taken_id_raises_task_already_exists(cluster: Cluster) -> None:
    kill(cluster, task_id="dup")
    with pytest.raises(TaskAlreadyExists) as info:
        kill(cluster, task_id="dup")
    assert info.value.task_id == "dup"


def test_submit_kill_datasource_with_slash_raises_invalid_task(cluster: Cluster) -> None:
    with pytest.raises(InvalidTask, match="cannot contain '/'"):
        cluster.submit_kill(datasource="a/b", interval=DAY)


# ---------------------------------------------------------------------- what is deleted (semantics 8.4)


def test_kill_deletes_only_unused_fully_contained(cluster: Cluster) -> None:
    used = cluster.add_segment("wiki", "2015-09-12T00/2015-09-12T01", V1)
    inside = cluster.add_segment("wiki", "2015-09-12T01/2015-09-12T02", V1, used=False)
    partial = cluster.add_segment("wiki", "2015-09-12T23/2015-09-13T01", V1, used=False)
    outside = cluster.add_segment("wiki", "2015-09-14/2015-09-15", V1, used=False)
    task = kill(cluster)
    assert task.status == SUCCESS
    assert task.killed_ids == (inside,)
    assert task.num_segments_killed == 1
    assert cluster.segment_ids("wiki") == {used, partial, outside}


def test_kill_used_segments_untouched(cluster: Cluster) -> None:
    used = seed(cluster, range(0, 3), used=True)
    task = kill(cluster)
    assert (task.num_segments_killed, task.num_batches_processed) == (0, 1)
    assert cluster.segment_ids("wiki", used=True) == set(used)


def test_kill_no_buffer_deletes_recent_and_null_timestamps(cluster: Cluster) -> None:
    recent = cluster.add_segment("wiki", hour(0), V1, used=False)
    null = cluster.add_segment("wiki", hour(1), V1, used=False, used_status_last_updated=None)
    task = kill(cluster)
    assert set(task.killed_ids) == {recent, null}


def test_kill_unknown_datasource_succeeds_killing_nothing(cluster: Cluster) -> None:
    task = cluster.submit_kill(datasource="nothing", interval=DAY)
    assert (task.status, task.num_segments_killed, task.num_batches_processed) == (SUCCESS, 0, 1)


# ---------------------------------------------------------------------- limit and batchSize (8.2, 8.3)


def test_kill_batch_size_counts_batches_29(cluster: Cluster) -> None:
    seed(cluster, range(0, 5))
    task = kill(cluster, batch_size=2)
    # batches of 2, 2, 1 and a final empty one: the profile "29" loop stops only on an empty batch
    assert (task.num_segments_killed, task.num_batches_processed) == (5, 4)
    assert cluster.segment_ids("wiki") == set()


def test_kill_batch_size_counts_batches_latest(cluster: Cluster) -> None:
    seed(cluster, range(0, 5))
    task = kill(cluster, batch_size=2, count_killable_only=True)
    assert (task.num_segments_killed, task.num_batches_processed) == (5, 3)


def test_kill_empty_first_batch_counts_as_one_29(cluster: Cluster) -> None:
    task = kill(cluster)
    assert (task.num_segments_killed, task.num_batches_processed) == (0, 1)


def test_kill_empty_first_batch_counts_as_zero_latest(cluster: Cluster) -> None:
    task = kill(cluster, count_killable_only=True)
    assert (task.num_segments_killed, task.num_batches_processed) == (0, 0)


@pytest.mark.parametrize("killable_only", [False, True])
def test_kill_limit_stops_after_limit(cluster: Cluster, killable_only: bool) -> None:
    ids = seed(cluster, range(0, 10))
    task = kill(cluster, limit=5, batch_size=2, count_killable_only=killable_only)
    # ceil(5 / 2) = 3 batches: 2 + 2 + 1
    assert (task.num_segments_killed, task.num_batches_processed) == (5, 3)
    assert cluster.segment_ids("wiki") == set(sorted(ids)[5:])


def test_kill_limit_larger_than_rows_29(cluster: Cluster) -> None:
    seed(cluster, range(0, 3))
    task = kill(cluster, limit=10, batch_size=2)
    assert (task.num_segments_killed, task.num_batches_processed) == (3, 3)


# ---------------------------------------------------------------------- maxUsedStatusLastUpdatedTime


@pytest.mark.parametrize("killable_only", [False, True])
def test_kill_max_used_status_last_updated_skips_null_and_newer(cluster: Cluster, killable_only: bool) -> None:
    old = cluster.add_segment("wiki", hour(0), V1, used=False, used_status_last_updated="2024-01-01")
    edge = cluster.add_segment("wiki", hour(1), V1, used=False, used_status_last_updated="2024-02-01")
    newer = cluster.add_segment("wiki", hour(2), V1, used=False, used_status_last_updated="2024-03-01")
    null = cluster.add_segment("wiki", hour(3), V1, used=False, used_status_last_updated=None)
    task = kill(
        cluster, max_used_status_last_updated=parse_instant("2024-02-01"), count_killable_only=killable_only
    )
    assert set(task.killed_ids) == {old, edge}
    assert cluster.segment_ids("wiki") == {newer, null}


# ---------------------------------------------------------------------- versions (latest) and markAsUnused (29)


def test_kill_versions_deletes_only_listed_versions(cluster: Cluster) -> None:
    v1 = cluster.add_segment("wiki", hour(0), V1, used=False)
    v2 = cluster.add_segment("wiki", hour(1), V2, used=False)
    task = kill(cluster, versions=[V2], count_killable_only=True)
    assert task.killed_ids == (v2,)
    assert cluster.segment_ids("wiki") == {v1}


def test_kill_empty_versions_deletes_nothing(cluster: Cluster) -> None:
    seed(cluster, range(0, 2))
    task = kill(cluster, versions=[], count_killable_only=True)
    assert task.num_segments_killed == 0
    assert len(cluster.segment_ids("wiki")) == 2


def test_kill_mark_as_unused_marks_contained_used_then_kills_29(cluster: Cluster) -> None:
    seed(cluster, range(0, 3), used=True)
    kept = cluster.add_segment("wiki", "2015-09-12T23/2015-09-13T01", V1)
    task = kill(cluster, mark_as_unused=True)
    assert (task.num_segments_marked_unused, task.num_segments_killed) == (3, 3)
    assert cluster.segment_ids("wiki") == {kept}
    assert cluster.segment_ids("wiki", used=True) == {kept}


def test_kill_without_mark_as_unused_reports_zero_marked(cluster: Cluster) -> None:
    seed(cluster, range(0, 1))
    assert kill(cluster).num_segments_marked_unused == 0


# ---------------------------------------------------------------------- shared load specs


LOAD_SPEC = {"type": "local", "path": "/druid/segments/shared.zip"}


def test_kill_load_spec_shared_with_used_segment_not_counted_latest(cluster: Cluster) -> None:
    cluster.add_segment("wiki", "2015-09-12T00/2015-09-12T01", V2, load_spec=LOAD_SPEC)
    shared = cluster.add_segment("wiki", "2015-09-12T00/2015-09-12T01", V1, used=False, load_spec=LOAD_SPEC)
    own = cluster.add_segment("wiki", hour(5), V1, used=False, load_spec={"type": "local", "path": "/own"})
    task = kill(cluster, count_killable_only=True)
    # the whole batch's rows go; only the segment whose files could be deleted is counted
    assert task.num_segments_killed == 1
    assert task.num_batches_processed == 1
    assert shared not in cluster.segment_ids("wiki") and own not in cluster.segment_ids("wiki")


def test_kill_batch_of_only_shared_load_specs_deletes_nothing_latest(cluster: Cluster) -> None:
    cluster.add_segment("wiki", "2015-09-12T00/2015-09-12T01", V2, load_spec=LOAD_SPEC)
    shared = cluster.add_segment("wiki", "2015-09-12T00/2015-09-12T01", V1, used=False, load_spec=LOAD_SPEC)
    task = kill(cluster, count_killable_only=True)
    assert (task.num_segments_killed, task.num_batches_processed) == (0, 0)
    assert shared in cluster.segment_ids("wiki")


def test_kill_load_spec_shared_with_used_segment_counted_29(cluster: Cluster) -> None:
    cluster.add_segment("wiki", "2015-09-12T00/2015-09-12T01", V2, load_spec=LOAD_SPEC)
    shared = cluster.add_segment("wiki", "2015-09-12T00/2015-09-12T01", V1, used=False, load_spec=LOAD_SPEC)
    task = kill(cluster)
    assert task.killed_ids == (shared,)
    assert task.num_segments_killed == 1


# ---------------------------------------------------------------------- lifecycle (10.5)


def test_submit_kill_default_runs_synchronously(cluster: Cluster) -> None:
    seed(cluster, range(0, 1))
    task = kill(cluster)
    assert (task.status, task.duration, task.error_msg, task.created_time) == (SUCCESS, 0, None, NOW)


def test_submit_kill_held_stays_running_until_released(cluster: Cluster, clock: FrozenClock) -> None:
    ids = seed(cluster, range(0, 2))
    cluster.tasks.hold = True
    task = kill(cluster)
    assert (task.status, task.duration) == (RUNNING, -1)
    assert cluster.segment_ids("wiki") == set(ids)
    clock.advance(1500)
    released = cluster.release_tasks()
    assert released == [task]
    assert (task.status, task.duration, task.num_segments_killed) == (SUCCESS, 1500, 2)
    assert cluster.segment_ids("wiki") == set()


def test_release_one_task_leaves_others_running(cluster: Cluster) -> None:
    cluster.tasks.hold = True
    first, second = kill(cluster), kill(cluster)
    assert cluster.release_tasks(second.id) == [second]
    assert (first.status, second.status) == (RUNNING, SUCCESS)


def test_release_complete_task_releases_nothing(cluster: Cluster) -> None:
    task = kill(cluster)
    assert cluster.release_tasks(task.id) == []


def test_release_unknown_task_raises_unknown_task(cluster: Cluster) -> None:
    with pytest.raises(UnknownTask):
        cluster.release_tasks("nope")


def test_submit_kill_fail_with_fails_and_deletes_nothing(cluster: Cluster) -> None:
    ids = seed(cluster, range(0, 2))
    cluster.tasks.fail_with = "boom"
    task = kill(cluster)
    assert (task.status, task.error_msg, task.duration, task.num_segments_killed) == (FAILED, "boom", 0, 0)
    assert cluster.segment_ids("wiki") == set(ids)


def test_release_held_task_submitted_with_fail_with_fails(cluster: Cluster) -> None:
    cluster.tasks.hold, cluster.tasks.fail_with = True, "boom"
    task = kill(cluster)
    cluster.tasks.fail_with = None
    cluster.release_tasks()
    assert (task.status, task.error_msg) == (FAILED, "boom")


def test_shutdown_running_task_fails_with_user_message(cluster: Cluster) -> None:
    ids = seed(cluster, range(0, 1))
    cluster.tasks.hold = True
    task = kill(cluster)
    assert cluster.tasks.shutdown(task.id) is task
    assert (task.status, task.error_msg, task.duration) == (FAILED, SHUTDOWN_MESSAGE, -1)
    assert cluster.release_tasks() == []
    assert cluster.segment_ids("wiki") == set(ids)


def test_shutdown_complete_task_changes_nothing(cluster: Cluster) -> None:
    task = kill(cluster)
    cluster.tasks.shutdown(task.id)
    assert (task.status, task.error_msg) == (SUCCESS, None)


def test_shutdown_unknown_task_raises_unknown_task(cluster: Cluster) -> None:
    with pytest.raises(UnknownTask):
        cluster.tasks.shutdown("nope")


def test_reset_forgets_tasks_and_switches(cluster: Cluster) -> None:
    cluster.tasks.hold, cluster.tasks.fail_with = True, "x"
    task = kill(cluster)
    cluster.reset()
    assert cluster.tasks.get(task.id) is None
    assert (cluster.tasks.hold, cluster.tasks.fail_with) == (False, None)


# ---------------------------------------------------------------------- listing (http-api 5.3)


def ids(tasks: list[Task]) -> list[str]:
    return [t.id for t in tasks]


def test_list_active_first_then_complete_newest_first(cluster: Cluster, clock: FrozenClock) -> None:
    old_done = kill(cluster, task_id="old-done")
    clock.advance(1000)
    new_done = kill(cluster, task_id="new-done")
    cluster.tasks.hold = True
    running = kill(cluster, task_id="running")
    assert ids(cluster.tasks.list(clock.now())) == [running.id, new_done.id, old_done.id]


def test_list_same_millisecond_newest_submission_first(cluster: Cluster) -> None:
    kill(cluster, task_id="a")
    kill(cluster, task_id="b")
    assert ids(cluster.tasks.list(NOW)) == ["b", "a"]


def test_list_state_filters_any_case(cluster: Cluster) -> None:
    kill(cluster, task_id="done")
    cluster.tasks.hold = True
    kill(cluster, task_id="held")
    assert ids(cluster.tasks.list(NOW, state="RUNNING")) == ["held"]
    assert ids(cluster.tasks.list(NOW, state="Complete")) == ["done"]
    assert cluster.tasks.list(NOW, state="pending") == []
    assert cluster.tasks.list(NOW, state="waiting") == []


def test_list_unknown_state_raises_value_error(cluster: Cluster) -> None:
    with pytest.raises(ValueError, match=r"Invalid task state\[done\]"):
        cluster.tasks.list(NOW, state="done")


def test_list_datasource_and_type_filters(cluster: Cluster) -> None:
    kill(cluster, task_id="wiki-task")
    cluster.submit_kill(datasource="other", interval=DAY, task_id="other-task")
    assert ids(cluster.tasks.list(NOW, datasource="other")) == ["other-task"]
    assert ids(cluster.tasks.list(NOW, task_type="kill", datasource="wiki")) == ["wiki-task"]
    assert cluster.tasks.list(NOW, task_type="index_parallel") == []


def test_list_max_complete_limits_complete_only(cluster: Cluster) -> None:
    kill(cluster, task_id="a")
    kill(cluster, task_id="b")
    cluster.tasks.hold = True
    kill(cluster, task_id="held")
    assert ids(cluster.tasks.list(NOW, max_complete=1)) == ["held", "b"]
    assert ids(cluster.tasks.list(NOW, max_complete=0)) == ["held"]


def test_list_complete_tasks_older_than_a_day_hidden(cluster: Cluster, clock: FrozenClock) -> None:
    task = kill(cluster)
    clock.advance(24 * MS_PER_HOUR)
    assert ids(cluster.tasks.list(clock.now())) == [task.id]
    clock.advance(1)
    assert cluster.tasks.list(clock.now()) == []
    assert cluster.tasks.get(task.id) is task


def test_list_created_within_replaces_default_window(cluster: Cluster, clock: FrozenClock) -> None:
    task = kill(cluster)
    clock.advance(48 * MS_PER_HOUR)
    assert ids(cluster.tasks.list(clock.now(), created_within=72 * MS_PER_HOUR)) == [task.id]
    assert cluster.tasks.list(clock.now(), created_within=47 * MS_PER_HOUR) == []


def test_list_created_within_does_not_filter_active(cluster: Cluster, clock: FrozenClock) -> None:
    cluster.tasks.hold = True
    task = kill(cluster)
    clock.advance(48 * MS_PER_HOUR)
    assert ids(cluster.tasks.list(clock.now(), created_within=1)) == [task.id]


# ---------------------------------------------------------------------- task JSON (http-api 5.1)

BASE = {"type": "kill", "dataSource": "wiki", "interval": "2015-09-12/2015-09-13"}


def read29(obj: Any) -> dict[str, Any]:
    return kill_task_from_json(obj, mark_as_unused_allowed=True, versions_allowed=False)


def read_latest(obj: Any) -> dict[str, Any]:
    return kill_task_from_json(obj, mark_as_unused_allowed=False, versions_allowed=True)


def test_kill_task_from_json_minimal_defaults() -> None:
    kwargs = read29(BASE)
    assert kwargs["datasource"] == "wiki"
    assert kwargs["interval"] == DAY
    assert (kwargs["task_id"], kwargs["id_prefix"], kwargs["batch_size"], kwargs["limit"]) == (None, None, 100, None)
    assert (kwargs["mark_as_unused"], kwargs["versions"], kwargs["max_used_status_last_updated"]) == (False, None, None)


def test_kill_task_from_json_all_fields_29() -> None:
    kwargs = read29(
        {
            **BASE,
            "id": "k1",
            "batchSize": 5,
            "maxUsedStatusLastUpdatedTime": "2024-01-01T00:00:00Z",
            "markAsUnused": True,
            "context": {"priority": 25},
            "versions": ["v1"],
        }
    )
    assert (kwargs["task_id"], kwargs["batch_size"], kwargs["mark_as_unused"]) == ("k1", 5, True)
    assert kwargs["max_used_status_last_updated"] == parse_instant("2024-01-01")
    assert kwargs["context"] == {"priority": 25}
    assert kwargs["versions"] is None  # an unknown field in profile "29"


def test_kill_task_from_json_latest_reads_versions_ignores_mark_as_unused() -> None:
    kwargs = read_latest({**BASE, "versions": ["v1", "v2"], "markAsUnused": "garbage", "limit": 3})
    assert kwargs["versions"] == ["v1", "v2"]
    assert kwargs["mark_as_unused"] is False
    assert kwargs["limit"] == 3


def test_kill_task_from_json_payload_29_form() -> None:
    payload = read29({**BASE, "markAsUnused": True, "context": {"a": 1}})["payload"]
    assert list(payload) == [
        "type", "id", "dataSource", "interval", "context", "markAsUnused", "batchSize", "limit",
        "maxUsedStatusLastUpdatedTime", "groupId", "resource",
    ]  # fmt: skip
    assert payload["interval"] == "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
    assert payload["context"] == {"a": 1, "forceTimeChunkLock": True, "useLineageBasedSegmentAllocation": True}


def test_kill_task_from_json_payload_latest_has_versions_not_mark_as_unused() -> None:
    payload = read_latest(BASE)["payload"]
    assert "markAsUnused" not in payload
    assert payload["versions"] is None


def test_submit_kill_fills_payload_ids(cluster: Cluster) -> None:
    kwargs = read29(BASE)
    task = cluster.submit_kill(**kwargs)
    assert task.payload["id"] == task.payload["groupId"] == task.id
    assert task.payload["resource"] == {"availabilityGroup": task.id, "requiredCapacity": 1}


def test_kill_task_from_json_coerces_scalars_as_jackson() -> None:
    kwargs = read29({**BASE, "batchSize": "7", "limit": 2.9, "maxUsedStatusLastUpdatedTime": 1000, "dataSource": 5})
    assert (kwargs["batch_size"], kwargs["limit"]) == (7, 2)
    assert kwargs["max_used_status_last_updated"] == 1000
    assert kwargs["datasource"] == "5"


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ({**BASE, "batchSize": 0}, "batchSize[0] must be a positive integer."),
        ({**BASE, "batchSize": -3}, "batchSize[-3] must be a positive integer."),
        ({**BASE, "limit": 0}, "limit[0] must be a positive integer."),
        ({**BASE, "limit": -1}, "limit[-1] must be a positive integer."),
        ({**BASE, "limit": 10, "markAsUnused": True}, "limit[10] cannot be provided when markAsUnused is enabled."),
        ({"type": "kill", "interval": "2015-09-12/2015-09-13"}, "problem: dataSource"),
        ({"type": "kill", "dataSource": "wiki"}, "problem: interval"),
        ({**BASE, "interval": "2015-09-12_2015-09-13"}, "Invalid interval[2015-09-12_2015-09-13]"),
        ({**BASE, "interval": "2015-09-13/2015-09-12"}, "The end instant must be greater than the start instant"),
        ({**BASE, "maxUsedStatusLastUpdatedTime": "yesterday"}, 'Invalid format: "yesterday"'),
        ({**BASE, "batchSize": "ten"}, "not a valid `int` value"),
        ({**BASE, "limit": 2**31}, "out of range of int"),
        ({**BASE, "context": []}, '["context"]'),
        ({**BASE, "id": "a/b"}, "Invalid value for field [task ID]: Value [a/b] cannot contain '/'."),
        ({**BASE, "id": ".hidden"}, "cannot start with '.'."),
        ({**BASE, "id": "a\tb"}, "contains illegal whitespace characters.  Only space is allowed."),
        ({**BASE, "id": ""}, "Invalid value for field [task ID]: must not be null"),
        ({**BASE, "id": "a\x01b"}, "contains illegal UTF8 character [#1] at position [1]"),
        ({**BASE, "id": "ab\U0001F600"}, "contains illegal UTF8 character [#55357] at position [2]"),
    ],
)
def test_kill_task_from_json_invalid_raises_druid_text(body: dict[str, Any], phrase: str) -> None:
    with pytest.raises(InvalidTask) as info:
        read29(body)
    assert phrase in info.value.message


def test_kill_task_from_json_constructor_errors_name_the_task_class() -> None:
    with pytest.raises(InvalidTask) as info:
        read29({**BASE, "batchSize": 0})
    assert info.value.message == (
        "Cannot construct instance of `org.apache.druid.indexing.common.task.KillUnusedSegmentsTask`, "
        "problem: batchSize[0] must be a positive integer."
    )


def test_kill_task_from_json_limit_with_mark_as_unused_accepted_latest() -> None:
    assert read_latest({**BASE, "limit": 10, "markAsUnused": True})["limit"] == 10


def test_kill_task_from_json_mark_as_unused_false_with_limit_accepted_29() -> None:
    assert read29({**BASE, "limit": 10, "markAsUnused": False})["limit"] == 10


def test_kill_task_from_json_bad_versions_type_latest() -> None:
    with pytest.raises(InvalidTask, match=r'\["versions"\]'):
        read_latest({**BASE, "versions": "v1"})


def test_kill_task_from_json_unknown_type_raises_druid_text() -> None:
    with pytest.raises(InvalidTask) as info:
        read29({**BASE, "type": "nuke"})
    assert info.value.message.startswith(
        "Please make sure to load all the necessary extensions and jars with type 'nuke' on 'druid/overlord' "
        "service. Could not resolve type id 'nuke'"
    )


@pytest.mark.parametrize("task_type", ["index_parallel", "index", "compact", "index_kafka", "noop"])
def test_kill_task_from_json_other_druid_type_not_implemented(task_type: str) -> None:
    with pytest.raises(NotImplementedByFake):
        read29({**BASE, "type": task_type})


@pytest.mark.parametrize("body", [{"dataSource": "wiki"}, {"type": None}, [BASE], "kill"])
def test_kill_task_from_json_missing_type_raises(body: Any) -> None:
    with pytest.raises(InvalidTask, match="missing type id property 'type'"):
        read29(body)


# ---------------------------------------------------------------------- the lock must cover each batch


def test_kill_version_after_lock_fails_and_keeps_the_batch(cluster: Cluster) -> None:
    ids = [*seed(cluster, range(2)), cluster.add_segment("wiki", hour(2), "v1", used=False)]
    task = kill(cluster)
    assert task.status == FAILED
    assert task.lock_version == "2024-05-01T10:00:00.123Z"  # the task's start, as Druid prints it
    assert cluster.segment_ids("wiki") == set(ids)  # one batch of 100: nothing is killed
    assert task.error_msg is not None and task.error_msg.startswith(
        f"org.apache.druid.java.util.common.ISE: Locks[[TimeChunkLock{{type=EXCLUSIVE, groupId='{task.id}', "
        "dataSource='wiki', interval=2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z, "
        f"version='2024-05-01T10:00:00.123Z', priority=0, revoked=false}}]] for task[{task.id}] can't cover "
        f"segments[[DataSegment{{binaryVersion=9, id={ids[0]}, "
    )
    assert task.error_msg.endswith(f"id={ids[2]}, loadSpec=null, dimensions=[], metrics=[], projections=null, "
                                   "shardSpec=NumberedShardSpec{partitionNum=0, partitions=1}, "
                                   "lastCompactionState=null, size=0, totalRows=null, "
                                   "indexingStateFingerprint=null}]]")


def test_kill_batches_before_the_uncovered_one_are_killed(cluster: Cluster) -> None:
    early = seed(cluster, range(2))
    late = cluster.add_segment("wiki", hour(2), "v1", used=False)
    after = seed(cluster, range(3, 4))
    task = kill(cluster, batch_size=1)
    assert task.status == FAILED
    assert cluster.segment_ids("wiki") == {late, *after}
    assert task.killed_ids == tuple(early)
    assert [s.id for s in task.uncovered] == [late]


def test_kill_version_equal_to_lock_is_covered(cluster: Cluster) -> None:
    # compareTo(...) >= 0: a version equal to the lock's (the frozen clock's now) is covered.
    seed(cluster, range(1), version="2024-05-01T10:00:00.123Z")
    seed(cluster, range(1, 2), version="2024")  # a prefix sorts before
    assert kill(cluster).status == SUCCESS
    assert cluster.segment_ids("wiki") == set()


def test_kill_version_after_lock_in_a_later_clock_is_covered(cluster: Cluster, clock: FrozenClock) -> None:
    seed(cluster, range(1), version="2024-05-02T00:00:00.000Z")
    assert kill(cluster).status == FAILED
    clock.advance(24 * MS_PER_HOUR)
    assert kill(cluster).status == SUCCESS
    assert cluster.segment_ids("wiki") == set()


def test_kill_used_or_outside_segments_are_not_checked(cluster: Cluster) -> None:
    cluster.add_segment("wiki", hour(0), "v1", used=True)
    cluster.add_segment("wiki", "2015-09-13/2015-09-14", "v1", used=False)
    killed = seed(cluster, range(1, 2))
    task = kill(cluster)
    assert task.status == SUCCESS and task.killed_ids == tuple(killed)


def test_kill_lock_version_passes_versions_an_earlier_ingestion_got(cluster: Cluster) -> None:
    # With a frozen clock an ingestion's version is moved past "now" when "now" is taken; the kill's lock
    # follows it, as Druid's ever-moving clock would.
    from fakedruid.ingesting import native_task, submit_native

    first = submit_native(cluster, native_task("wiki", [{"timestamp": "2015-09-12T00:00:00Z", "a": "x"}]))
    second = submit_native(cluster, native_task("wiki", [{"timestamp": "2015-09-12T00:00:00Z", "a": "y"}]))
    assert (first.status, second.status) == (SUCCESS, SUCCESS)
    (newest,) = second.published_ids
    assert newest.endswith("2024-05-01T10:00:00.124Z")
    cluster.mark_segment_unused("wiki", newest)
    task = kill(cluster)
    assert (task.status, task.lock_version) == (SUCCESS, "2024-05-01T10:00:00.125Z")
    assert newest not in cluster.segment_ids("wiki")


def test_kill_lock_failure_survives_the_state_round_trip(cluster: Cluster) -> None:
    cluster.add_segment("wiki", hour(0), "v1", used=False, load_spec={"type": "local", "path": "/p"})
    task = kill(cluster)
    again = Task.from_state(task.to_state())
    assert (again.status, again.error_msg, again.lock_version) == (FAILED, task.error_msg, task.lock_version)
    assert [s.id for s in again.uncovered] == [s.id for s in task.uncovered]
    assert "loadSpec={type=>local, path=>/p}" in (again.error_msg or "")


def test_task_store_state_keeps_the_last_lock_version() -> None:
    store = TaskStore()
    store.note_lock_version("2024-05-01T10:00:00.124Z")
    again = TaskStore()
    again.load_state(store.to_state())
    assert again.kill_lock_version(NOW) == "2024-05-01T10:00:00.125Z"
    assert again.kill_lock_version(NOW + 10) == "2024-05-01T10:00:00.133Z"
