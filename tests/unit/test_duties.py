"""The Coordinator duties on a Cluster, with a frozen clock (semantics.md sections 7 and 10.1 to 10.5)."""

from __future__ import annotations

from typing import Any

import pytest

from fakedruid.errors import InvalidConfig
from fakedruid.model.clock import FrozenClock
from fakedruid.model.cluster import Cluster
from fakedruid.model.duties import KILL_TASK_ID_PREFIX, DutyConfig, DutyReport, run_duties
from fakedruid.model.intervals import MAX_INSTANT, MIN_INSTANT, Interval, Period, parse_instant, parse_interval
from fakedruid.model.rules import NULL_RULE_ERROR, rules_from_json
from fakedruid.model.tasks import FAILED, RUNNING, SUCCESS

NOW = "2024-05-01T10:00:00.123Z"
#: Segment versions: ISO instants before NOW, as a real Druid's tasks write them (a kill task's lock, whose version
#: is its start time, covers only versions that sort at or before it: ``TaskLocks.isLockCoversSegments``).
V1 = "2015-01-01T00:00:00.000Z"
V2 = "2015-01-02T00:00:00.000Z"
DAY = 86_400_000
DS = "wiki"
TOMBSTONE = {"type": "tombstone"}
#: Long before the default kill buffer (P30D) and durationToRetain (P90D) of NOW.
LONG_AGO = "2024-01-01T00:00:00.000Z"


def make_cluster(**kwargs: Any) -> Cluster:
    return Cluster(clock=FrozenClock(NOW), **kwargs)


def advance(cluster: Cluster, ms: int) -> None:
    clock = cluster.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(ms)


def set_rules(cluster: Cluster, ds: str, rules: list[dict[str, Any] | None]) -> None:
    with cluster.lock:
        cluster.rules.set_rules(ds, rules_from_json(rules, datasource=ds), now=cluster.now())


def cycle(cluster: Cluster, *, count_killable_only: bool = False) -> DutyReport:
    return run_duties(cluster, count_killable_only=count_killable_only)


def day(cluster: Cluster, d: int, version: str = V1, ds: str = DS, **kwargs: Any) -> str:
    """Seed the segment of 2015-09-<d> (one day)."""
    return cluster.add_segment(ds, f"2015-09-{d:02d}/2015-09-{d + 1:02d}", version, **kwargs)


def used(cluster: Cluster, ds: str = DS) -> set[str]:
    return cluster.segment_ids(ds, used=True)


def unused(cluster: Cluster, ds: str = DS) -> set[str]:
    return cluster.segment_ids(ds, used=False)


# ====================================================================== 7.1 RunRules


def test_run_rules_drop_rule_marks_matching_segments_unused() -> None:
    cluster = make_cluster()
    ids = [day(cluster, d) for d in (10, 11, 12)]
    set_rules(cluster, DS, [{"type": "dropByInterval", "interval": "2015-09-10/2015-09-12"}])

    report = cycle(cluster)

    assert unused(cluster) == {ids[0], ids[1]}
    assert report.run_rules.ran is True
    assert report.run_rules.marked_unused == {DS: [ids[0], ids[1]]}
    assert report.marked_unused == {ids[0], ids[1]}


def test_run_rules_drop_resets_used_status_last_updated() -> None:
    cluster = make_cluster()
    sid = day(cluster, 10, used_status_last_updated=LONG_AGO)
    set_rules(cluster, DS, [{"type": "dropForever"}])
    advance(cluster, 5)

    cycle(cluster)

    record = cluster.record(sid)
    assert record is not None and record.used_status_last_updated == cluster.now()


def test_run_rules_default_rules_follow_datasource_rules() -> None:
    cluster = make_cluster()
    kept = day(cluster, 10)
    dropped = day(cluster, 11)
    set_rules(cluster, DS, [{"type": "loadByInterval", "interval": "2015-09-10/2015-09-11"}])
    set_rules(cluster, "_default", [{"type": "dropForever"}])

    cycle(cluster)

    assert used(cluster) == {kept}
    assert unused(cluster) == {dropped}


def test_run_rules_first_matching_rule_wins() -> None:
    cluster = make_cluster()
    sid = day(cluster, 10)
    set_rules(cluster, DS, [{"type": "loadForever"}, {"type": "dropForever"}])

    report = cycle(cluster)

    assert used(cluster) == {sid}
    assert report.run_rules.marked_unused == {}


def test_run_rules_only_touches_the_datasource_of_the_rule() -> None:
    cluster = make_cluster()
    day(cluster, 10)
    other = day(cluster, 10, ds="other")
    set_rules(cluster, DS, [{"type": "dropForever"}])

    cycle(cluster)

    assert used(cluster) == set()
    assert used(cluster, "other") == {other}


def test_run_rules_period_chain_drops_segments_older_than_window() -> None:
    # semantics 6.5: [loadByPeriod P1M, dropForever] drops what ends at or before now - P1M.
    cluster = make_cluster()
    old = cluster.add_segment(DS, "2024-03-30/2024-04-01T10:00:00.123Z", V1)
    recent = cluster.add_segment(DS, "2024-03-30/2024-04-01T10:00:00.124Z", V2)
    future = cluster.add_segment(DS, "2025-01-01/2025-01-02", V1)
    set_rules(cluster, DS, [{"type": "loadByPeriod", "period": "P1M"}, {"type": "dropForever"}])

    cycle(cluster)

    assert unused(cluster) == {old}
    assert used(cluster) == {recent, future}


def test_run_rules_period_rule_uses_the_clock() -> None:
    cluster = make_cluster()
    sid = cluster.add_segment(DS, "2024-04-29/2024-04-30", V1)
    set_rules(cluster, DS, [{"type": "dropBeforeByPeriod", "period": "P3D"}])

    cycle(cluster)
    assert used(cluster) == {sid}

    advance(cluster, 2 * DAY)
    cycle(cluster)
    assert unused(cluster) == {sid}


def test_run_rules_no_matching_rule_keeps_segment_used_and_reports_it() -> None:
    cluster = make_cluster()
    sid = day(cluster, 10)
    set_rules(cluster, "_default", [{"type": "loadByInterval", "interval": "2020-01-01/2021-01-01"}])

    report = cycle(cluster)

    assert used(cluster) == {sid}
    assert report.no_matching_rule == {DS: [sid]}
    assert report.to_json()["runRules"]["noMatchingRule"] == {DS: [sid]}


def test_run_rules_broadcast_and_zero_replica_rules_drop_nothing() -> None:
    cluster = make_cluster()
    a = day(cluster, 10)
    b = day(cluster, 11)
    set_rules(
        cluster,
        DS,
        [
            {"type": "broadcastByInterval", "interval": "2015-09-10/2015-09-11"},
            {"type": "loadForever", "tieredReplicants": {}},
            {"type": "dropForever"},
        ],
    )

    report = cycle(cluster)

    assert used(cluster) == {a, b}
    assert report.no_matching_rule == {}


def test_run_rules_without_servers_does_nothing() -> None:
    cluster = make_cluster(tiers={})
    sid = day(cluster, 10)
    set_rules(cluster, DS, [{"type": "dropForever"}])

    report = cycle(cluster)

    assert used(cluster) == {sid}
    assert report.run_rules.ran is False
    assert report.run_rules.reason == "no data servers"


def test_run_rules_skips_overshadowed_segments() -> None:
    # The old version is overshadowed, so RunRules leaves it to MarkOvershadowedSegmentsAsUnused; the new one
    # is dropped, so it is not served and cannot turn the old one off in this cycle.
    cluster = make_cluster()
    old = day(cluster, 10, V1)
    new = day(cluster, 10, V2)
    set_rules(cluster, DS, [{"type": "dropForever"}])

    report = cycle(cluster)

    assert used(cluster) == {old}
    assert report.run_rules.marked_unused == {DS: [new]}
    assert report.mark_overshadowed.marked_unused == {}

    # Next cycle: the old version is no longer overshadowed by a used segment, so its drop rule applies.
    cycle(cluster)
    assert used(cluster) == set()


def test_run_rules_null_rule_fails_the_run_and_stops_the_group() -> None:
    # Druid calls appliesTo on the null entry: a NullPointerException ends RunRules (its drops come after its
    # loop, so none is made, for any datasource) and the rest of the duty group's run.
    cluster = make_cluster()
    old = day(cluster, 10, "v1")
    new = day(cluster, 10, "v2")
    dropped = day(cluster, 12, ds="other")
    set_rules(cluster, DS, [None])
    set_rules(cluster, "other", [{"type": "dropForever"}])

    report = cycle(cluster)

    assert used(cluster) == {old, new}
    assert used(cluster, "other") == {dropped}
    assert report.run_rules.ran is False
    assert report.run_rules.reason == NULL_RULE_ERROR
    assert report.no_matching_rule == {}
    assert report.mark_overshadowed.ran is False
    assert report.mark_eternity_tombstones.ran is False
    assert "RunRules failed" in (report.mark_overshadowed.reason or "")
    assert report.kill_unused.reason == "druid.coordinator.kill.on is false"


def test_run_rules_null_rule_after_a_matching_rule_is_never_reached() -> None:
    cluster = make_cluster()
    sid = day(cluster, 10)
    set_rules(cluster, DS, [{"type": "dropForever"}, None])

    report = cycle(cluster)

    assert report.run_rules.ran is True
    assert report.run_rules.marked_unused == {DS: [sid]}


def test_run_rules_null_rule_without_servers_does_not_fail() -> None:
    # RunRules returns before its loop when the cluster has no data servers.
    cluster = make_cluster(tiers={})
    day(cluster, 10)
    set_rules(cluster, DS, [None])

    report = cycle(cluster)

    assert report.run_rules.reason == "no data servers"
    assert report.mark_overshadowed.ran is True


# ====================================================================== 7.2 MarkOvershadowedSegmentsAsUnused


def test_mark_overshadowed_served_newer_version_marks_older_unused() -> None:
    cluster = make_cluster()
    old = day(cluster, 10, V1)
    new = day(cluster, 10, V2)

    report = cycle(cluster)

    assert unused(cluster) == {old}
    assert used(cluster) == {new}
    assert report.mark_overshadowed.marked_unused == {DS: [old]}


def test_mark_overshadowed_newer_version_not_served_keeps_older_used() -> None:
    cluster = make_cluster()
    old = day(cluster, 10, V1)
    new = day(cluster, 10, V2)
    # A load rule naming a tier without servers: nothing is loaded.
    set_rules(cluster, DS, [{"type": "loadForever", "tieredReplicants": {"hot": 1}}])

    cycle(cluster)
    assert used(cluster) == {old, new}

    set_rules(cluster, DS, [{"type": "loadForever", "tieredReplicants": {"_default_tier": 1}}])
    cycle(cluster)
    assert used(cluster) == {new}


def test_mark_overshadowed_partly_served_newer_set_keeps_older_used() -> None:
    cluster = make_cluster()
    old = cluster.add_segment(DS, "2015-09-10/2015-09-12", V1)
    new_a = day(cluster, 10, V2)
    new_b = day(cluster, 11, V2)
    # Only the first half of the newer data is loaded; the second half is dropped by RunRules.
    set_rules(cluster, DS, [{"type": "loadByInterval", "interval": "2015-09-10/2015-09-11"}, {"type": "dropForever"}])

    report = cycle(cluster)

    assert report.run_rules.marked_unused == {DS: [new_b]}
    assert used(cluster) == {old, new_a}


def test_mark_overshadowed_zero_replica_newer_version_marks_older_unused() -> None:
    cluster = make_cluster()
    old = day(cluster, 10, V1)
    new = day(cluster, 10, V2)
    set_rules(cluster, DS, [{"type": "loadForever", "tieredReplicants": {"_default_tier": 0}}])

    report = cycle(cluster)

    assert report.mark_overshadowed.marked_unused == {DS: [old]}
    assert used(cluster) == {new}


def test_mark_overshadowed_without_servers_does_nothing() -> None:
    cluster = make_cluster(tiers={})
    old = day(cluster, 10, V1)
    new = day(cluster, 10, V2)
    set_rules(cluster, DS, [{"type": "loadForever", "tieredReplicants": {}}])

    cycle(cluster)

    assert used(cluster) == {old, new}


def test_mark_overshadowed_partial_overlap_keeps_older_used() -> None:
    cluster = make_cluster()
    old = cluster.add_segment(DS, "2015-09-10/2015-09-12", V1)
    new = day(cluster, 10, V2)

    cycle(cluster)

    assert used(cluster) == {old, new}


def test_mark_overshadowed_incomplete_newer_set_keeps_older_used() -> None:
    cluster = make_cluster()
    old = day(cluster, 10, V1)
    new = day(cluster, 10, V2, partition_num=0, partitions=2)

    cycle(cluster)

    assert used(cluster) == {old, new}


def test_mark_overshadowed_waits_for_millis_to_wait_before_deleting() -> None:
    cluster = make_cluster()
    cluster.duty_config.millis_to_wait_before_deleting = 900_000
    old = day(cluster, 10, V1)
    new = day(cluster, 10, V2)

    report = cycle(cluster)
    assert used(cluster) == {old, new}
    assert report.mark_overshadowed.ran is False
    assert report.mark_overshadowed.reason == (
        "waiting for millisToWaitBeforeDeleting until 2024-05-01T10:15:00.123Z"
    )

    advance(cluster, 899_999)
    cycle(cluster)
    assert used(cluster) == {old, new}

    advance(cluster, 1)
    report = cycle(cluster)
    assert used(cluster) == {new}
    assert report.mark_overshadowed.ran is True


def test_mark_overshadowed_delay_counts_from_cluster_start() -> None:
    cluster = make_cluster()
    advance(cluster, 10_000)
    cluster.duty_config.millis_to_wait_before_deleting = 10_000
    old = day(cluster, 10, V1)
    day(cluster, 10, V2)

    cycle(cluster)

    assert old in unused(cluster)


# ====================================================================== 7.3 MarkEternityTombstonesAsUnused


def eternity_start(cluster: Cluster, end: str, version: str = V2) -> str:
    return cluster.add_segment(DS, Interval(MIN_INSTANT, parse_instant(end)), version, shard_spec=TOMBSTONE)


def eternity_end(cluster: Cluster, start: str, version: str = V2) -> str:
    return cluster.add_segment(DS, Interval(parse_instant(start), MAX_INSTANT), version, shard_spec=TOMBSTONE)


def test_mark_eternity_tombstones_marks_both_ends_unused() -> None:
    cluster = make_cluster()
    data = day(cluster, 10, V1)
    low = eternity_start(cluster, "2015-09-10")
    high = eternity_end(cluster, "2015-09-11")

    report = cycle(cluster)

    assert unused(cluster) == {low, high}
    assert used(cluster) == {data}
    assert report.mark_eternity_tombstones.marked_unused == {DS: [low, high]}


def test_mark_eternity_tombstones_finite_tombstone_stays_used() -> None:
    cluster = make_cluster()
    tomb = cluster.add_segment(DS, "2015-09-10/2015-09-11", V1, shard_spec=TOMBSTONE)

    report = cycle(cluster)

    assert used(cluster) == {tomb}
    assert report.mark_eternity_tombstones.marked_unused == {}


def test_mark_eternity_tombstones_overlapping_overshadowed_segment_waits_a_cycle() -> None:
    cluster = make_cluster()
    old = day(cluster, 10, V1)
    tomb = eternity_end(cluster, "2015-01-01", V2)

    report = cycle(cluster)
    # The tombstone overshadows the old segment, which this cycle marks unused; the tombstone overlapped it.
    assert report.mark_overshadowed.marked_unused == {DS: [old]}
    assert used(cluster) == {tomb}

    report = cycle(cluster)
    assert report.mark_eternity_tombstones.marked_unused == {DS: [tomb]}
    assert used(cluster) == set()


def test_mark_eternity_tombstones_overshadowed_tombstone_is_left_to_overshadow_duty() -> None:
    cluster = make_cluster()
    tomb = eternity_end(cluster, "2015-01-01", V1)
    newer = cluster.add_segment(DS, Interval(parse_instant("2015-01-01"), MAX_INSTANT), V2)

    report = cycle(cluster)

    assert report.mark_eternity_tombstones.marked_unused == {}
    assert report.mark_overshadowed.marked_unused == {DS: [tomb]}
    assert used(cluster) == {newer}


# ====================================================================== 7.4 KillUnusedSegments


def kill_on(cluster: Cluster, **changes: Any) -> None:
    cluster.duty_config.update_from_json({"on": True, **changes})


def test_kill_off_by_default_submits_nothing() -> None:
    cluster = make_cluster()
    sid = day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)

    report = cycle(cluster)

    assert unused(cluster) == {sid}
    assert report.kill_unused.ran is False
    assert report.kill_unused.reason == "druid.coordinator.kill.on is false"
    assert report.kill_task_ids == []


def test_kill_on_deletes_old_unused_segments_with_a_coordinator_task() -> None:
    cluster = make_cluster()
    gone = day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)
    kept = day(cluster, 11)
    kill_on(cluster)

    report = cycle(cluster)

    assert cluster.record(gone) is None
    assert used(cluster) == {kept}
    [task_id] = report.kill_task_ids
    assert task_id.startswith(f"{KILL_TASK_ID_PREFIX}_kill_{DS}_")
    task = cluster.tasks.get(task_id)
    assert task is not None and task.status == SUCCESS
    assert task.interval == parse_interval("2015-09-10/2015-09-11")
    assert task.payload["limit"] == 100
    assert task.payload["maxUsedStatusLastUpdatedTime"] == "2024-04-01T10:00:00.123Z"
    assert task.num_segments_killed == 1


def test_kill_task_of_the_duty_fails_on_a_version_after_its_lock() -> None:
    # The duty's task takes the same lock as any kill task (TaskLocks.isLockCoversSegments): "v1" sorts after
    # the task's start time, so the task fails and kills nothing; the duty still moves past the interval.
    cluster = make_cluster()
    late = day(cluster, 10, "v1", used=False, used_status_last_updated=LONG_AGO)
    covered = day(cluster, 11, used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster)

    report = cycle(cluster)

    [task_id] = report.kill_task_ids
    task = cluster.tasks.get(task_id)
    assert task is not None and task.status == FAILED
    assert task.error_msg is not None and "can't cover segments[[DataSegment{" in task.error_msg
    assert unused(cluster) == {late, covered}
    assert cluster.duty_config.last_kill_interval_end[DS] == task.interval.end


def test_kill_never_touches_used_segments_inside_the_umbrella_interval() -> None:
    cluster = make_cluster()
    first = day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)
    middle = day(cluster, 11)
    last = day(cluster, 12, used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster)

    report = cycle(cluster)

    task = cluster.tasks.get(report.kill_task_ids[0])
    assert task is not None and task.interval == parse_interval("2015-09-10/2015-09-13")
    assert cluster.segment_ids(DS) == {middle}
    assert cluster.record(first) is None and cluster.record(last) is None


def test_kill_buffer_period_protects_recently_unused_segments() -> None:
    cluster = make_cluster()
    recent = day(cluster, 10, used=False, used_status_last_updated="2024-04-01T10:00:00.124Z")
    kill_on(cluster)

    report = cycle(cluster)
    assert unused(cluster) == {recent}
    assert report.kill_unused.ran is True
    assert report.kill_task_ids == []

    advance(cluster, DAY)  # kill.period has passed, and the buffer too
    report = cycle(cluster)
    assert cluster.segment_ids(DS) == set()
    assert len(report.kill_task_ids) == 1


def test_kill_buffer_restarts_when_a_segment_is_marked_unused_again() -> None:
    cluster = make_cluster()
    sid = day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)
    assert cluster.mark_unused_by_ids(DS, [sid]) == 1  # a no-op re-mark still resets the timestamp
    kill_on(cluster)

    cycle(cluster)

    assert unused(cluster) == {sid}


def test_kill_null_used_status_last_updated_is_never_killed() -> None:
    cluster = make_cluster()
    legacy = day(cluster, 10, used=False, used_status_last_updated=None)
    kill_on(cluster, bufferPeriod="PT0S", ignoreDurationToRetain=True)

    report = cycle(cluster)

    assert unused(cluster) == {legacy}
    assert report.kill_task_ids == []


def test_kill_duration_to_retain_applies_to_interval_end() -> None:
    cluster = make_cluster()
    # Unused long ago, but its data ends less than 90 days before now.
    young = cluster.add_segment(DS, "2024-01-31/2024-02-01T10:00:00.124Z", V1, used=False,
                                used_status_last_updated=LONG_AGO)
    old = cluster.add_segment(DS, "2024-01-31/2024-02-01T10:00:00.123Z", V2, used=False,
                              used_status_last_updated=LONG_AGO)
    kill_on(cluster)

    cycle(cluster)

    assert cluster.segment_ids(DS) == {young}
    assert cluster.record(old) is None


def test_kill_ignore_duration_to_retain_kills_recent_data() -> None:
    cluster = make_cluster()
    cluster.add_segment(DS, "2024-04-30/2024-05-01", V1, used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster, ignoreDurationToRetain=True)

    cycle(cluster)

    assert cluster.segment_ids(DS) == set()


def test_kill_negative_duration_to_retain_reaches_into_the_future() -> None:
    cluster = make_cluster()
    cluster.add_segment(DS, "2024-05-02/2024-05-03", V1, used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster, durationToRetain="P-3D")

    cycle(cluster)

    assert cluster.segment_ids(DS) == set()


def test_kill_max_segments_limits_each_task_and_resumes_after_last_interval_end() -> None:
    cluster = make_cluster()
    ids = [day(cluster, d, used=False, used_status_last_updated=LONG_AGO) for d in (10, 11, 12)]
    kill_on(cluster, maxSegments=2)

    report = cycle(cluster)
    task = cluster.tasks.get(report.kill_task_ids[0])
    assert task is not None
    assert task.interval == parse_interval("2015-09-10/2015-09-12")
    assert task.payload["limit"] == 2
    assert cluster.segment_ids(DS) == {ids[2]}
    assert cluster.duty_config.last_kill_interval_end == {DS: parse_instant("2015-09-12")}

    advance(cluster, DAY)
    report = cycle(cluster)
    task = cluster.tasks.get(report.kill_task_ids[0])
    assert task is not None and task.interval == parse_interval("2015-09-12/2015-09-13")
    assert cluster.segment_ids(DS) == set()


def test_kill_skips_unused_segments_before_last_interval_end_until_none_is_found() -> None:
    cluster = make_cluster()
    day(cluster, 12, used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster)
    cycle(cluster)
    assert cluster.duty_config.last_kill_interval_end == {DS: parse_instant("2015-09-13")}

    earlier = day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)
    advance(cluster, DAY)
    report = cycle(cluster)
    # Starts before the remembered end: not found, and the end is forgotten.
    assert report.kill_task_ids == []
    assert unused(cluster) == {earlier}
    assert cluster.duty_config.last_kill_interval_end == {}

    advance(cluster, DAY)
    cycle(cluster)
    assert cluster.segment_ids(DS) == set()


def test_kill_period_gates_the_duty() -> None:
    cluster = make_cluster()
    kill_on(cluster, period="PT6H")
    cycle(cluster)
    sid = day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)

    advance(cluster, 6 * 3_600_000 - 1)
    report = cycle(cluster)
    assert report.kill_unused.ran is False
    assert report.kill_unused.reason == "not due until 2024-05-01T16:00:00.123Z (kill.period)"
    assert unused(cluster) == {sid}

    advance(cluster, 1)
    report = cycle(cluster)
    assert report.kill_unused.ran is True
    assert cluster.segment_ids(DS) == set()


def test_kill_whitelist_limits_datasources() -> None:
    cluster = make_cluster()
    day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)
    other = day(cluster, 10, ds="other", used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster, killDataSourceWhitelist=[DS, "absent"])

    report = cycle(cluster)

    assert len(report.kill_task_ids) == 1
    assert cluster.segment_ids(DS) == set()
    assert unused(cluster, "other") == {other}


def test_kill_one_task_per_datasource_up_to_available_slots() -> None:
    cluster = make_cluster()
    for ds in ("a", "b", "c"):
        day(cluster, 10, ds=ds, used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster, workerCapacity=4, killTaskSlotRatio=0.5)

    report = cycle(cluster)

    assert [cluster.tasks.get(t).datasource for t in report.kill_task_ids] == ["a", "b"]  # type: ignore[union-attr]
    assert cluster.segment_ids("c") != set()


def test_kill_running_coordinator_tasks_use_up_slots() -> None:
    cluster = make_cluster()
    day(cluster, 10, ds="a", used=False, used_status_last_updated=LONG_AGO)
    day(cluster, 10, ds="b", used=False, used_status_last_updated=LONG_AGO)
    cluster.tasks.hold = True
    kill_on(cluster, maxKillTaskSlots=1)

    report = cycle(cluster)
    [held] = report.kill_task_ids
    assert cluster.tasks.get(held).status == RUNNING  # type: ignore[union-attr]
    assert cluster.duty_config.last_kill_interval_end == {"a": parse_instant("2015-09-11")}

    advance(cluster, DAY)
    report = cycle(cluster)
    assert report.kill_unused.ran is False
    assert report.kill_unused.reason == "no kill task slot available (capacity 1, active auto-kill tasks 1)"
    # With no free slot and no whitelist, every remembered interval end is forgotten.
    assert cluster.duty_config.last_kill_interval_end == {}

    cluster.release_tasks()
    advance(cluster, DAY)
    report = cycle(cluster)
    assert len(report.kill_task_ids) == 1


def test_kill_zero_slots_submits_nothing_and_keeps_last_kill_time_unset() -> None:
    cluster = make_cluster()
    day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster, workerCapacity=0)

    report = cycle(cluster)

    assert report.kill_task_ids == []
    assert cluster.duty_config.last_kill_time is None


def test_kill_failing_tasks_end_failed_and_delete_nothing() -> None:
    cluster = make_cluster()
    sid = day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)
    cluster.tasks.fail_with = "boom"
    kill_on(cluster)

    report = cycle(cluster)

    task = cluster.tasks.get(report.kill_task_ids[0])
    assert task is not None and (task.status, task.error_msg) == (FAILED, "boom")
    assert unused(cluster) == {sid}


def test_kill_submission_error_is_reported_and_other_datasources_go_on() -> None:
    cluster = make_cluster()
    day(cluster, 10, ds="a/b", used=False, used_status_last_updated=LONG_AGO)  # '/' is not allowed in task ids
    day(cluster, 10, ds="c", used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster)

    report = cycle(cluster)

    assert len(report.kill_task_ids) == 1
    assert cluster.segment_ids("c") == set()
    [error] = report.kill_unused.errors
    assert error.startswith("Failed to submit kill task for dataSource[a/b]")
    assert "cannot contain '/'" in error


def test_kill_profile_latest_tasks_carry_versions_field() -> None:
    cluster = make_cluster()
    day(cluster, 10, used=False, used_status_last_updated=LONG_AGO)
    kill_on(cluster)

    report = cycle(cluster, count_killable_only=True)

    task = cluster.tasks.get(report.kill_task_ids[0])
    assert task is not None and "versions" in task.payload and "markAsUnused" not in task.payload
    assert task.kill_args["count_killable_only"] is True


def test_kill_sees_segments_dropped_earlier_in_the_same_cycle() -> None:
    cluster = make_cluster()
    day(cluster, 10)
    set_rules(cluster, DS, [{"type": "dropForever"}])
    kill_on(cluster, bufferPeriod="PT0S")

    report = cycle(cluster)

    assert report.run_rules.marked_unused != {}
    assert cluster.segment_ids(DS) == set()


# ====================================================================== DutyConfig


def test_duty_config_defaults() -> None:
    assert DutyConfig().to_json() == {
        "on": False,
        "period": "P1D",
        "durationToRetain": "P90D",
        "ignoreDurationToRetain": False,
        "bufferPeriod": "P30D",
        "maxSegments": 100,
        "killDataSourceWhitelist": [],
        "killTaskSlotRatio": 1.0,
        "maxKillTaskSlots": None,
        "workerCapacity": 10,
        "millisToWaitBeforeDeleting": 0,
    }


def test_duty_config_update_changes_only_named_fields() -> None:
    config = DutyConfig()
    config.update_from_json({"maxSegments": 5, "killDataSourceWhitelist": ["a", "a", "b"], "period": "PT1H"})
    assert config.kill_max_segments == 5
    assert config.kill_datasource_whitelist == ("a", "b")
    assert config.kill_period == Period(hours=1)
    assert config.kill_buffer_period == Period(days=30)


def test_duty_config_whitelist_accepts_comma_separated_string() -> None:
    config = DutyConfig()
    config.update_from_json({"killDataSourceWhitelist": " a, b,,a "})
    assert config.kill_datasource_whitelist == ("a", "b")


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ({"on": "yes"}, "[on] must be true or false"),
        ({"period": "P1M"}, "[period] must be a fixed duration"),
        ({"period": "PT-1S"}, "[period] must not be negative"),
        ({"bufferPeriod": "soon"}, "[bufferPeriod] is not an ISO-8601 period"),
        ({"durationToRetain": 90}, "[durationToRetain] must be an ISO-8601 period string"),
        ({"maxSegments": 0}, "[maxSegments] must be an integer from 1"),
        ({"maxSegments": 1.5}, "[maxSegments] must be an integer"),
        ({"killDataSourceWhitelist": [""]}, "[killDataSourceWhitelist] must be an array"),
        ({"killTaskSlotRatio": 1.5}, "[killTaskSlotRatio] must be a number from 0 to 1"),
        ({"maxKillTaskSlots": -1}, "[maxKillTaskSlots] must be an integer from 0"),
        ({"workerCapacity": True}, "[workerCapacity] must be an integer"),
        ({"millisToWaitBeforeDeleting": 2**63}, "[millisToWaitBeforeDeleting] must be an integer from"),
        ({"kill.on": True}, "Unknown field(s) [kill.on]"),
        ([], "must be a JSON object"),
    ],
)
def test_duty_config_update_invalid_raises_and_changes_nothing(body: Any, phrase: str) -> None:
    config = DutyConfig()
    before = config.to_json()
    with pytest.raises(InvalidConfig) as info:
        config.update_from_json({"on": True, "maxSegments": 7, **body} if isinstance(body, dict) else body)
    assert phrase in info.value.message
    assert config.to_json() == before


def test_duty_config_runtime_property_change_restarts_kill_bookkeeping() -> None:
    config = DutyConfig()
    config.last_kill_time = 5
    config.last_kill_interval_end["a"] = 7
    config.update_from_json({"killDataSourceWhitelist": ["a"], "killTaskSlotRatio": 0.5})
    assert (config.last_kill_time, config.last_kill_interval_end) == (5, {"a": 7})
    config.update_from_json({"on": False})  # unchanged value: no restart
    assert config.last_kill_time == 5
    config.update_from_json({"bufferPeriod": "P1D"})
    assert (config.last_kill_time, config.last_kill_interval_end) == (None, {})


def test_duty_config_reset_restores_defaults_and_forgets_bookkeeping() -> None:
    config = DutyConfig()
    config.update_from_json({"on": True, "maxSegments": 3, "millisToWaitBeforeDeleting": 10})
    config.last_kill_time = 1
    config.reset()
    assert config.to_json() == DutyConfig().to_json()
    assert config.last_kill_time is None


# ====================================================================== DutyReport


def test_duty_report_to_json_names_every_duty_in_order() -> None:
    cluster = make_cluster()
    sid = day(cluster, 10)
    set_rules(cluster, DS, [{"type": "dropForever"}])

    body = cycle(cluster).to_json()

    assert list(body) == [
        "now",
        "runRules",
        "markOvershadowedSegmentsAsUnused",
        "markEternityTombstonesAsUnused",
        "killUnusedSegments",
    ]
    assert body["now"] == NOW
    assert body["runRules"] == {"ran": True, "reason": None, "markedUnused": {DS: [sid]}, "noMatchingRule": {}}
    assert body["markOvershadowedSegmentsAsUnused"] == {"ran": True, "reason": None, "markedUnused": {}}
    assert body["killUnusedSegments"] == {
        "ran": False,
        "reason": "druid.coordinator.kill.on is false",
        "taskIds": [],
        "errors": [],
    }
