"""Metadata-store operations of the Cluster: seeding, mark used/unused and their exact counts (semantics 2, 3)."""

from __future__ import annotations

import contextlib
import threading

import pytest

from fakedruid.errors import (
    DuplicateSegment,
    InvalidSegment,
    InvalidSegmentId,
    SegmentConflict,
    SegmentIdIndexError,
    TimelineConflict,
    UnknownSegmentIds,
    UnparseableSegmentIds,
)
from fakedruid.model.clock import FrozenClock
from fakedruid.model.cluster import DRUID, Cluster
from fakedruid.model.intervals import parse_instant, parse_interval

T0 = parse_instant("2024-05-01T00:00:00Z")
V1 = "2017-10-15T20:19:12.565Z"
V2 = "2017-10-16T20:19:12.565Z"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def cluster(clock: FrozenClock) -> Cluster:
    return Cluster(clock=clock)


def iv(text: str):
    return parse_interval(text)


def used_ids(cluster: Cluster, ds: str = "ds") -> set[str]:
    return cluster.segment_ids(ds, used=True)


# ---------------------------------------------------------------- seeding


def test_add_segment_default_shard_spec_returns_druid_id(cluster: Cluster) -> None:
    sid = cluster.add_segment("wikipedia_hour", "2015-09-12T16/2015-09-12T17", "2023-08-10T04:12:03.860Z")
    assert sid == "wikipedia_hour_2015-09-12T16:00:00.000Z_2015-09-12T17:00:00.000Z_2023-08-10T04:12:03.860Z"
    assert cluster.segment_ids("wikipedia_hour") == {sid}


def test_add_segment_partition_appends_number(cluster: Cluster) -> None:
    sid = cluster.add_segment("ds", "2015-09-12/P1D", "v", partition_num=3, partitions=4)
    assert sid.endswith("_v_3")


def test_add_segment_shard_spec_replaces_partition_arguments(cluster: Cluster) -> None:
    sid = cluster.add_segment(
        "ds", "2015-09-12/P1D", "v", partition_num=9, shard_spec={"type": "hashed", "partitionNum": 2, "partitions": 3}
    )
    assert sid.endswith("_v_2")
    assert cluster.record(sid).segment.shard_spec.type == "hashed"


def test_add_segment_same_version_overlap_refused_naming_both(cluster: Cluster) -> None:
    first = cluster.add_segment("ds", "2011-01-01/2011-01-10", "1")
    with pytest.raises(SegmentConflict) as info:
        cluster.add_segment("ds", "2011-01-05/2011-01-15", "1")
    assert first in str(info.value)
    assert "ds_2011-01-05T00:00:00.000Z_2011-01-15T00:00:00.000Z_1" in str(info.value)
    assert cluster.segment_ids("ds") == {first}


def test_add_segment_same_version_same_interval_other_partition_accepted(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2011-01-01/2011-01-10", "1", partition_num=0, partitions=2)
    cluster.add_segment("ds", "2011-01-01/2011-01-10", "1", partition_num=1, partitions=2)
    assert len(cluster.segment_ids("ds")) == 2


def test_add_segment_same_version_abutting_accepted(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2011-01-01/2011-01-10", "1")
    cluster.add_segment("ds", "2011-01-10/2011-01-15", "1")
    assert len(cluster.segment_ids("ds")) == 2


def test_add_segment_conflict_with_unused_segment_refused(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2011-01-01/2011-01-10", "1", used=False)
    with pytest.raises(SegmentConflict):
        cluster.add_segment("ds", "2011-01-02/2011-01-03", "1")


def test_add_segment_conflict_freed_by_kill(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2011-01-01/2011-01-10", "1", used=False)
    cluster.kill_unused_segments("ds", iv("2011/2012"))
    cluster.add_segment("ds", "2011-01-02/2011-01-03", "1")
    assert len(cluster.segment_ids("ds")) == 1


def test_add_segment_duplicate_id_refused(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2011-01-01/P1D", "1")
    with pytest.raises(DuplicateSegment, match="already exists"):
        cluster.add_segment("ds", "2011-01-01/P1D", "1")


def test_add_segment_bad_interval_raises_invalid_segment(cluster: Cluster) -> None:
    with pytest.raises(InvalidSegment, match="2011-13-01"):
        cluster.add_segment("ds", "2011-13-01/P1D", "1")


def test_add_segments_one_bad_object_adds_none(cluster: Cluster) -> None:
    good = {"dataSource": "ds", "interval": "2011-01-01/2011-01-02", "version": "1"}
    bad = {"dataSource": "ds", "interval": "2011-01-02/2011-01-03"}
    with pytest.raises(InvalidSegment, match=r"segment \[1\].*version"):
        cluster.add_segments([good, bad])
    assert cluster.segment_ids("ds") == set()


def test_add_segments_conflict_inside_batch_adds_none(cluster: Cluster) -> None:
    a = {"dataSource": "ds", "interval": "2011-01-01/2011-01-10", "version": "1"}
    b = {"dataSource": "ds", "interval": "2011-01-05/2011-01-15", "version": "1"}
    with pytest.raises(SegmentConflict):
        cluster.add_segments([a, b])
    assert cluster.segment_ids("ds") == set()


def test_add_segments_used_flag_and_timestamps_from_json(cluster: Cluster) -> None:
    (sid,) = cluster.add_segments(
        [
            {
                "dataSource": "ds",
                "interval": "2011-01-01/2011-01-02",
                "version": "1",
                "used": False,
                "createdDate": "2020-01-01T00:00:00.000Z",
                "usedStatusLastUpdatedDate": None,
            }
        ]
    )
    rec = cluster.record(sid)
    assert rec.used is False
    assert rec.created_date == parse_instant("2020-01-01")
    assert rec.used_status_last_updated is None


def test_add_segment_timestamps_default_to_now(cluster: Cluster) -> None:
    rec = cluster.record(cluster.add_segment("ds", "2011-01-01/P1D", "1"))
    assert rec.created_date == T0
    assert rec.used_status_last_updated == T0


# ---------------------------------------------------------------- mark used: all / interval


def _druid_mark_used_fixture(cluster: Cluster, narrow: bool) -> dict[str, str]:
    """SqlSegmentsMetadataManagerTest's unused k1..k4 (semantics 3.2)."""
    k1 = "2017-10-15/2017-10-16" if narrow else "2017-10-15/2017-10-17"
    k3 = "2017-10-19/2017-10-20" if narrow else "2017-10-19/2017-10-22"
    return {
        "k1": cluster.add_segment("ds", k1, V1, used=False),
        "k2": cluster.add_segment("ds", "2017-10-17/2017-10-18", V2, used=False),
        "k3": cluster.add_segment("ds", k3, V1, used=False),
        "k4": cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False),
    }


def test_mark_used_in_interval_partial_overlaps_and_overshadowed_skipped(cluster: Cluster) -> None:
    k = _druid_mark_used_fixture(cluster, narrow=False)
    assert cluster.mark_used_in_interval("ds", iv("2017-10-16/2017-10-20")) == 1
    assert used_ids(cluster) == {k["k2"]}


def test_mark_used_in_interval_contained_segments_counted(cluster: Cluster) -> None:
    k = _druid_mark_used_fixture(cluster, narrow=True)
    assert cluster.mark_used_in_interval("ds", iv("2017-10-15/2017-10-18")) == 2
    assert used_ids(cluster) == {k["k1"], k["k2"]}


def test_mark_used_in_interval_segment_ending_at_interval_end_included(cluster: Cluster) -> None:
    sid = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    assert cluster.mark_used_in_interval("ds", iv("2017-10-16/2017-10-18")) == 1
    assert used_ids(cluster) == {sid}


def test_mark_used_in_interval_segment_starting_at_interval_end_excluded(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-18/2017-10-19", V1, used=False)
    assert cluster.mark_used_in_interval("ds", iv("2017-10-16/2017-10-18")) == 0


def test_mark_used_all_candidates_overshadow_each_other(cluster: Cluster) -> None:
    # E13: k3 is overshadowed by k2, which is itself only a candidate.
    k1 = cluster.add_segment("ds", "2017-10-15/2017-10-17", V1, used=False)
    k2 = cluster.add_segment("ds", "2017-10-17/2017-10-18", V2, used=False)
    cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    assert cluster.mark_used_in_interval("ds") == 2
    assert used_ids(cluster) == {k1, k2}


def test_mark_used_all_overshadowed_by_used_segment_skipped(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-17/2017-10-18", V2)
    cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    assert cluster.mark_used_in_interval("ds") == 0


def test_mark_used_all_already_used_counts_nothing(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-17/2017-10-18", V1)
    assert cluster.mark_used_in_interval("ds") == 0


def test_mark_used_all_unknown_datasource_zero(cluster: Cluster) -> None:
    assert cluster.mark_used_in_interval("nope") == 0


def test_mark_used_in_interval_versions_filter(cluster: Cluster) -> None:
    a = cluster.add_segment("ds", "2017-10-17/2017-10-18", "a", used=False)
    cluster.add_segment("ds", "2017-10-18/2017-10-19", "b", used=False)
    assert cluster.mark_used_in_interval("ds", iv("2017/2018"), versions=["a"]) == 1
    assert used_ids(cluster) == {a}


def test_mark_used_in_interval_empty_versions_match_nothing(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-17/2017-10-18", "a", used=False)
    assert cluster.mark_used_in_interval("ds", iv("2017/2018"), versions=[]) == 0


def test_mark_used_in_interval_versions_filter_ignores_newer_used_version(cluster: Cluster) -> None:
    # Profile "latest" trap (semantics 3.2): the filter removes the covering used v3 from the timeline too.
    cluster.add_segment("ds", "2017-10-17/2017-10-18", "v3")
    v1 = cluster.add_segment("ds", "2017-10-17/2017-10-18", "v1", used=False)
    assert cluster.mark_used_in_interval("ds", iv("2017/2018"), versions=["v1"]) == 1
    assert v1 in used_ids(cluster)


def test_mark_used_sets_timestamp(cluster: Cluster, clock: FrozenClock) -> None:
    sid = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    clock.set(T0 + 5000)
    cluster.mark_used_in_interval("ds")
    assert cluster.record(sid).used_status_last_updated == T0 + 5000


def test_mark_used_conflict_mode_timeline_failure_changes_nothing(clock: FrozenClock) -> None:
    cluster = Cluster(clock=clock, conflict_mode=DRUID)
    cluster.add_segment("ds", "2011-01-01/2011-01-10", "1", used=False)
    cluster.add_segment("ds", "2011-01-05/2011-01-15", "1", used=False)
    with pytest.raises(TimelineConflict, match="Cannot add overlapping segments"):
        cluster.mark_used_in_interval("ds")
    assert used_ids(cluster) == set()


# ---------------------------------------------------------------- mark used: ids


def test_mark_used_by_ids_candidates_overshadow_each_other(cluster: Cluster) -> None:
    k1 = cluster.add_segment("ds", "2017-10-15/2017-10-17", V1, used=False)
    k2 = cluster.add_segment("ds", "2017-10-17/2017-10-18", V2, used=False)
    k3 = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    assert cluster.mark_used_by_ids("ds", [k1, k2, k3]) == 2
    assert used_ids(cluster) == {k1, k2}


def test_mark_used_by_ids_overshadowed_by_used_skipped(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-17/2017-10-18", V2)
    old = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    assert cluster.mark_used_by_ids("ds", [old]) == 0


def test_mark_used_by_ids_already_used_skipped(cluster: Cluster) -> None:
    sid = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1)
    assert cluster.mark_used_by_ids("ds", [sid]) == 0


def test_mark_used_by_ids_unknown_id_fails_and_changes_nothing(cluster: Cluster) -> None:
    sid = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    with pytest.raises(UnknownSegmentIds) as info:
        cluster.mark_used_by_ids("ds", [sid, "nope", "nope2", "nope"])
    assert info.value.ids == ["nope", "nope2"]
    assert str(info.value) == "Cannot find segment ids [nope, nope2]"
    assert used_ids(cluster) == set()


def test_mark_used_by_ids_id_of_other_datasource_unknown(cluster: Cluster) -> None:
    other = cluster.add_segment("other", "2017-10-17/2017-10-18", V1, used=False)
    with pytest.raises(UnknownSegmentIds):
        cluster.mark_used_by_ids("ds", [other])


def test_mark_used_by_ids_parsed_unparseable_fails_first(cluster: Cluster) -> None:
    with pytest.raises(UnparseableSegmentIds) as info:
        cluster.mark_used_by_ids("ds", ["garbage", "ds_x"], parse_ids=True)
    assert str(info.value) == "Could not parse segment IDs[[garbage, ds_x]] for datasource[ds]"


def test_mark_used_by_ids_parsed_looks_up_normalised_id(cluster: Cluster) -> None:
    sid = cluster.add_segment("ds", "2017-10-17/2017-10-18", "v", partition_num=1, partitions=2, used=False)
    assert cluster.mark_used_by_ids("ds", [sid[:-1] + "01"], parse_ids=True) == 1
    assert used_ids(cluster) == {sid}


# ---------------------------------------------------------------- single mark used


def test_mark_segment_used_overshadowed_segment_marked_anyway(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-17/2017-10-18", V2)
    old = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    assert cluster.mark_segment_used(None, old) is True
    assert old in cluster.overshadowed_segment_ids("ds")


def test_mark_segment_used_already_used_true_and_timestamp_reset(cluster: Cluster, clock: FrozenClock) -> None:
    sid = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1)
    clock.advance(1000)
    assert cluster.mark_segment_used(None, sid) is True
    assert cluster.record(sid).used_status_last_updated == T0 + 1000


def test_mark_segment_used_raw_id_any_datasource(cluster: Cluster) -> None:
    sid = cluster.add_segment("other", "2017-10-17/2017-10-18", V1, used=False)
    assert cluster.mark_segment_used(None, sid) is True
    assert cluster.segment_ids("other", used=True) == {sid}


def test_mark_segment_used_parsed_other_datasource_refused(cluster: Cluster) -> None:
    sid = cluster.add_segment("other", "2017-10-17/2017-10-18", V1, used=False)
    with pytest.raises(InvalidSegmentId, match=r"Could not parse Segment ID\[.*\] for DataSource\[ds\]"):
        cluster.mark_segment_used("ds", sid)


def test_mark_segment_used_unknown_false(cluster: Cluster) -> None:
    assert cluster.mark_segment_used(None, "nope") is False


# ---------------------------------------------------------------- mark unused


def test_mark_unused_in_interval_druid_example_contained(cluster: Cluster) -> None:
    for text in ("2017-10-15/2017-10-16", "2017-10-17/2017-10-18", "2017-10-19/2017-10-20"):
        cluster.add_segment("ds", text, V1)
    assert cluster.mark_unused_in_interval("ds", iv("2017-10-15/2017-10-18")) == 2


def test_mark_unused_in_interval_druid_example_partial(cluster: Cluster) -> None:
    for text in ("2017-10-15/2017-10-17", "2017-10-17/2017-10-18", "2017-10-19/2017-10-22"):
        cluster.add_segment("ds", text, V1)
    assert cluster.mark_unused_in_interval("ds", iv("2017-10-16/2017-10-20")) == 1


def test_mark_unused_in_interval_counts_real_changes_only(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-15/2017-10-16", V1, used=False)
    cluster.add_segment("ds", "2017-10-16/2017-10-17", V1)
    assert cluster.mark_unused_in_interval("ds", iv("2017/2018")) == 1


def test_mark_unused_in_interval_versions(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-15/2017-10-16", "v1")
    cluster.add_segment("ds", "2017-10-16/2017-10-17", "v2")
    cluster.add_segment("ds", "2017-10-17/2017-10-18", "v3")
    assert cluster.mark_unused_in_interval("ds", iv("2017/2018"), versions=["v1", "v2"]) == 2
    assert cluster.mark_unused_in_interval("ds", iv("2017/2018"), versions=["v9"]) == 0
    assert cluster.mark_unused_in_interval("ds", iv("2017/2018"), versions=[]) == 0
    assert len(used_ids(cluster)) == 1


def test_mark_all_unused_counts_used_rows(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2017-10-15/2017-10-16", V1)
    cluster.add_segment("ds", "2017-10-16/2017-10-17", V1)
    cluster.add_segment("ds", "2017-10-17/2017-10-18", V1, used=False)
    assert cluster.mark_all_unused("ds") == 2
    assert cluster.mark_all_unused("ds") == 0
    assert cluster.mark_all_unused("unknown") == 0


def test_mark_unused_by_ids_counts_existing_rows_even_if_unused(cluster: Cluster, clock: FrozenClock) -> None:
    a = cluster.add_segment("ds", "2017-10-15/2017-10-16", V1)
    b = cluster.add_segment("ds", "2017-10-16/2017-10-17", V1, used=False)
    clock.advance(7)
    assert cluster.mark_unused_by_ids("ds", [a, b, "garbage", a]) == 2
    assert cluster.record(b).used_status_last_updated == T0 + 7


def test_mark_unused_by_ids_other_datasource_dropped(cluster: Cluster) -> None:
    other = cluster.add_segment("other", "2017-10-15/2017-10-16", V1)
    assert cluster.mark_unused_by_ids("ds", [other]) == 0
    assert cluster.segment_ids("other", used=True) == {other}


def test_mark_unused_by_ids_id_equal_to_datasource_fails(cluster: Cluster) -> None:
    with pytest.raises(SegmentIdIndexError):
        cluster.mark_unused_by_ids("ds", ["ds"])


def test_mark_segment_unused_already_unused_true(cluster: Cluster) -> None:
    sid = cluster.add_segment("ds", "2017-10-15/2017-10-16", V1, used=False)
    assert cluster.mark_segment_unused("ds", sid) is True


def test_mark_segment_unused_unknown_false_unparseable_raises(cluster: Cluster) -> None:
    assert cluster.mark_segment_unused("ds", "ds_2017-10-15T00:00:00.000Z_2017-10-16T00:00:00.000Z_v") is False
    with pytest.raises(InvalidSegmentId):
        cluster.mark_segment_unused("ds", "garbage")


# ---------------------------------------------------------------- overshadowed and caches


def test_overshadowed_segment_ids_follow_marks(cluster: Cluster) -> None:
    old = cluster.add_segment("ds", "2017-10-17/2017-10-18", V1)
    new = cluster.add_segment("ds", "2017-10-17/2017-10-18", V2)
    assert cluster.overshadowed_segment_ids("ds") == {old}
    cluster.mark_segment_unused("ds", new)
    assert cluster.overshadowed_segment_ids("ds") == set()


# ---------------------------------------------------------------- kill


def test_kill_deletes_only_unused_contained(cluster: Cluster) -> None:
    used = cluster.add_segment("ds", "2017-10-15/2017-10-16", V1)
    inside = cluster.add_segment("ds", "2017-10-16/2017-10-17", V1, used=False)
    partial = cluster.add_segment("ds", "2017-10-17/2017-10-19", V1, used=False)
    result = cluster.kill_unused_segments("ds", iv("2017-10-15/2017-10-18"))
    assert result.killed == 1
    assert result.killed_ids == (inside,)
    assert cluster.segment_ids("ds") == {used, partial}


def test_kill_deleted_id_becomes_unknown(cluster: Cluster) -> None:
    sid = cluster.add_segment("ds", "2017-10-16/2017-10-17", V1, used=False)
    cluster.kill_unused_segments("ds", iv("2017/2018"))
    with pytest.raises(UnknownSegmentIds):
        cluster.mark_used_by_ids("ds", [sid])
    assert cluster.mark_segment_used(None, sid) is False


# ---------------------------------------------------------------- threads


def test_mark_operations_concurrent_threads_keep_counts_consistent(cluster: Cluster) -> None:
    ids = [cluster.add_segment("ds", f"2017-01-{d:02d}/P1D", V1) for d in range(1, 29)]
    counts: list[tuple[int, int]] = []
    lock = threading.Lock()

    def flip() -> None:
        for _ in range(20):
            n_off = cluster.mark_all_unused("ds")
            n_on = cluster.mark_used_in_interval("ds")
            with lock:
                counts.append((n_off, n_on))

    threads = [threading.Thread(target=flip) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each call sees the datasource wholly used or wholly unused (no partial update is ever visible), and
    # the counts balance against the final state.
    assert {n for pair in counts for n in pair} <= {0, len(ids)}
    final_used = len(used_ids(cluster))
    assert final_used in (0, len(ids))
    assert sum(off - on for off, on in counts) == len(ids) - final_used


# ---------------------------------------------------------------- clock


def test_set_clock_earlier_moves_coordinator_start_back(cluster: Cluster) -> None:
    cluster.set_clock(FrozenClock(T0 - 10_000))
    assert cluster.started_at == T0 - 10_000
    cluster.set_clock(FrozenClock(T0 + 10_000))
    assert cluster.started_at == T0 - 10_000


def test_overshadow_duty_runs_after_clock_frozen_in_the_past() -> None:
    from fakedruid import FakeCoordinator

    fake = FakeCoordinator()
    fake.set_now("2015-01-01T00:00:00Z")
    old = fake.add_segment("ds", "2015-01-01/P1D", "v1")
    fake.add_segment("ds", "2015-01-01/P1D", "v2")
    fake.run_duties()
    assert fake.segment_ids("ds", used=False) == {old}


# ---------------------------------------------------------------- served view


def test_served_view_follows_marks_rules_layout_and_clock(cluster: Cluster, clock: FrozenClock) -> None:
    from fakedruid.model.rules import rules_from_json
    from fakedruid.model.servers import ServerLayout

    sid = cluster.add_segment("ds", "2024-04-30/P1D", V1)
    assert [s.name for s in cluster.served("ds")[sid][1]] == ["fakedruid-historical-1:8083", "fakedruid-historical-2:8083"]
    cluster.mark_segment_unused("ds", sid)
    assert cluster.served("ds") == {}
    cluster.mark_segment_used(None, sid)
    assert sid in cluster.served("ds")
    cluster.rules.set_rules("ds", rules_from_json([{"type": "dropForever"}], datasource="ds"), now=T0)
    assert cluster.served("ds") == {}
    period_rules = [{"type": "loadByPeriod", "period": "P1D", "includeFuture": False}, {"type": "dropForever"}]
    cluster.rules.set_rules("ds", rules_from_json(period_rules, datasource="ds"), now=T0)
    assert sid in cluster.served("ds")  # the segment ends at T0, inside [T0 - 1 day, T0)
    clock.advance(2 * 86_400_000)
    assert cluster.served("ds") == {}  # two days later the period rule no longer applies
    clock.set(T0)
    cluster.layout = ServerLayout({"hot": 1})
    assert cluster.served("ds") == {}  # the rule's tier (_default_tier) has no servers now


# ---------------------------------------------------------------------- the served check's shortcut (issue 13)


@pytest.mark.parametrize("seed", range(40))
def test_served_check_shortcut_never_says_served_when_the_served_view_is_empty(seed: int) -> None:
    import random

    from fakedruid.model.rules import rules_from_json

    rng = random.Random(seed)
    cluster = Cluster(clock=FrozenClock(parse_instant("2020-06-01T00:00:00Z")))
    for i in range(rng.randint(1, 12)):
        day = rng.randint(1, 4)
        length = rng.choice([1, 1, 2])
        with contextlib.suppress(SegmentConflict):  # same version, different interval: not seedable here
            cluster.add_segment(
                "ds",
                f"2020-01-0{day}/2020-01-0{day + length}",
                f"v{rng.randint(1, 3)}",
                partition_num=i,
                partitions=rng.choice([1, i + 1, i + 2]),
                used=rng.random() < 0.7,
            )
    rules = rng.choice(
        [
            [{"type": "loadForever", "tieredReplicants": {"_default_tier": 1}}],
            [{"type": "dropByInterval", "interval": "2020-01-02/2020-01-04"}, {"type": "loadForever"}],
            [{"type": "dropForever"}],
        ]
    )
    cluster.rules.set_rules("ds", rules_from_json(rules, datasource="ds"), now=cluster.now())
    ds = cluster._datasources.get("ds")
    if ds is None:
        return
    served = bool(cluster._served("ds"))
    ds.changed()
    # The shortcut may give up (False), but it must never claim "served" when the full view is empty.
    assert not cluster._newest_is_served("ds", ds) or served
    assert cluster.is_served("ds") == served


# ---------------------------------------------------------------- Druid 37.0.0's emptied-datasource window


def _emptied(cluster: Cluster, ds: str = "ds") -> bool:
    return cluster.read(lambda r: r.emptied(ds))


def _shown(cluster: Cluster, ds: str = "ds") -> bool:
    """Druid 37.0.0's metadata view lists ``ds`` (it has used segments, or the window keeps it)."""
    return ds in cluster.datasource_names(include_unused=False, keep_emptied=True)


def test_emptied_datasource_is_kept_for_the_cache_buffer_after_the_call(cluster: Cluster, clock: FrozenClock) -> None:
    sid = cluster.add_segment("ds", "2020-01-01/P1D", V1)
    assert cluster.mark_segment_unused("ds", sid)
    assert _emptied(cluster) and _shown(cluster)
    clock.advance(9_999)
    assert _shown(cluster)
    clock.advance(2)
    assert not _emptied(cluster) and not _shown(cluster)
    assert cluster.datasource_names() == ["ds"]  # the row is still there


def test_a_later_mark_unused_call_restarts_the_window(cluster: Cluster, clock: FrozenClock) -> None:
    a = cluster.add_segment("ds", "2020-01-01/P1D", V1)
    b = cluster.add_segment("ds", "2020-01-02/P1D", V1)
    cluster.mark_segment_unused("ds", a)
    clock.advance(5_000)
    cluster.mark_unused_by_ids("ds", [b])
    clock.advance(9_000)
    assert _shown(cluster)
    clock.advance(1_001)
    assert not _shown(cluster)


def test_mark_unused_of_ids_without_rows_opens_the_window(cluster: Cluster, clock: FrozenClock) -> None:
    # Measured on 37.0.0: the segment metadata cache files any id of the datasource, a row or not (count 0).
    unknown = f"none_2020-01-01T00:00:00.000Z_2020-01-02T00:00:00.000Z_{V1}"
    assert not cluster.mark_segment_unused("none", unknown)
    assert _emptied(cluster, "none") and _shown(cluster, "none")
    assert cluster.mark_unused_by_ids("other", [unknown.replace("none", "other", 1)]) == 0
    assert _shown(cluster, "other")
    assert cluster.datasource_names() == []  # no row anywhere
    clock.advance(10_001)
    assert not _shown(cluster, "none") and not _shown(cluster, "other")


def test_interval_and_all_unused_calls_open_the_window_only_when_they_mark_a_used_segment(cluster: Cluster) -> None:
    cluster.add_segment("ds", "2020-01-01/P1D", V1, used=False)
    assert cluster.mark_unused_in_interval("ds", iv("2020-01-01/2020-01-05")) == 0
    assert cluster.mark_all_unused("ds") == 0
    assert not _shown(cluster)
    sid = cluster.add_segment("ds", "2020-01-03/P1D", V1)
    assert cluster.mark_unused_in_interval("ds", iv("2020-01-01/2020-01-05")) == 1
    assert _shown(cluster)
    assert cluster.mark_segment_used("ds", sid)
    assert cluster.mark_all_unused("ds") == 1
    assert _emptied(cluster)


def test_a_datasource_with_a_used_segment_is_not_emptied(cluster: Cluster) -> None:
    a = cluster.add_segment("ds", "2020-01-01/P1D", V1)
    cluster.add_segment("ds", "2020-01-02/P1D", V1)
    cluster.mark_segment_unused("ds", a)
    assert _shown(cluster) and not _emptied(cluster)


def test_marking_used_again_and_killing_close_the_window(cluster: Cluster) -> None:
    a = cluster.add_segment("ds", "2020-01-01/P1D", V1)
    cluster.mark_segment_unused("ds", a)
    cluster.mark_segment_used("ds", a)
    cluster.mark_all_unused("ds")
    assert _emptied(cluster)
    cluster.kill_unused_segments("ds", iv("2020-01-01/2020-01-02"))
    assert cluster.segment_ids("ds") == set()
    assert not _emptied(cluster) and not _shown(cluster)


def test_reset_forgets_the_window(cluster: Cluster) -> None:
    a = cluster.add_segment("ds", "2020-01-01/P1D", V1)
    cluster.mark_segment_unused("ds", a)
    cluster.reset()
    assert not _shown(cluster)
