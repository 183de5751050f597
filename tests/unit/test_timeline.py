"""Unit tests of fakedruid.model.timeline: the worked examples of semantics 1.11, completeness (1.4),
atomic update groups (1.5), version order (1.2), same-version conflicts (1.6, 10.8) and VersionIntervals."""

from __future__ import annotations

import pytest

from fakedruid.errors import TimelineConflict
from fakedruid.model.intervals import MS_PER_DAY, MS_PER_HOUR, Interval, days_from_civil
from fakedruid.model.segments import DataSegment
from fakedruid.model.shard_specs import ShardSpec, numbered, parse_shard_spec
from fakedruid.model.timeline import Timeline, VersionIntervals, conflict_message, same_version_conflict

DS = "ds"


def day(year: int, month: int, dom: int, hour: int = 0) -> int:
    """UTC milliseconds of a date (and hour)."""
    return days_from_civil(year, month, dom) * MS_PER_DAY + hour * MS_PER_HOUR


def days(year: int, month: int, first: int, last: int) -> Interval:
    """The interval from day ``first`` to day ``last`` (exclusive) of one month."""
    return Interval(day(year, month, first), day(year, month, last))


def seg(interval: Interval, version: str, spec: ShardSpec | None = None, datasource: str = DS) -> DataSegment:
    return DataSegment(datasource, interval, version, shard_spec=spec or numbered(0, 1))


NS = numbered


def overwrite(partition_id: int, start_root: int, end_root: int, minor: int, size: int) -> ShardSpec:
    return parse_shard_spec(
        {
            "type": "numbered_overwrite",
            "partitionId": partition_id,
            "startRootPartitionId": start_root,
            "endRootPartitionId": end_root,
            "minorVersion": minor,
            "atomicUpdateGroupSize": size,
        }
    )


# --- Worked examples (semantics 1.11) ---

E1_DAY1 = days(2022, 1, 1, 2)
E1_DAY2 = days(2022, 1, 2, 3)
E1_TIMELINE = [
    seg(E1_DAY1, "v1", NS(0, 3)),
    seg(E1_DAY1, "v1", NS(1, 3)),
    seg(E1_DAY1, "v1", NS(2, 3)),
    seg(E1_DAY2, "v2", NS(0, 2)),
    seg(E1_DAY2, "v2", NS(1, 2)),
]


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        (seg(E1_DAY1, "v1", NS(1, 3)), False),
        (seg(E1_DAY1, "v1", NS(2, 3)), False),
        (seg(E1_DAY1, "v1", NS(1, 4)), False),
        (seg(Interval(day(2022, 1, 1, 0), day(2022, 1, 1, 6)), "v1", NS(1, 4)), False),
        (seg(E1_DAY2, "v1", NS(2, 4)), True),
        (seg(E1_DAY2, "v1", NS(0, 1)), True),
    ],
)
def test_is_overshadowed_e1_probes_match_segment_timeline_test(probe: DataSegment, expected: bool) -> None:
    assert Timeline(E1_TIMELINE).is_overshadowed(probe) is expected


def e2_day(month_day: int) -> int:
    return day(2011, 4, month_day)


E2_TIMELINE = [seg(Interval(e2_day(a), e2_day(b)), "1") for a, b in [(5, 7), (7, 9), (15, 17), (17, 19)]]


@pytest.mark.parametrize(
    ("first", "last", "version", "expected"),
    [
        (1, 3, "0", False),
        (1, 6, "0", False),
        (5, 6, "0", True),
        (5, 9, "0", True),
        (6, 9, "0", True),
        (6, 10, "0", False),
        (5, 9, "1", False),
        (5, 9, "2", False),
        (9, 15, "0", False),
        (15, 19, "0", True),
        (15, 20, "0", False),
    ],
)
def test_is_overshadowed_e2_non_overlapping_timeline(first: int, last: int, version: str, expected: bool) -> None:
    probe = seg(Interval(e2_day(first), e2_day(last)), version)
    assert Timeline(E2_TIMELINE).is_overshadowed(probe) is expected


E3_TIMELINE = [
    seg(Interval(e2_day(5), e2_day(9)), "11"),
    seg(Interval(e2_day(7), e2_day(11)), "12"),
    seg(Interval(e2_day(15), e2_day(19)), "12"),
    seg(Interval(e2_day(17), e2_day(21)), "11"),
]


def test_pieces_e3_overlapping_timeline_gives_visible_keys() -> None:
    assert Timeline(E3_TIMELINE).pieces() == [
        (Interval(e2_day(5), e2_day(7)), "11"),
        (Interval(e2_day(7), e2_day(11)), "12"),
        (Interval(e2_day(15), e2_day(19)), "12"),
        (Interval(e2_day(19), e2_day(21)), "11"),
    ]


@pytest.mark.parametrize(
    ("first", "last", "version", "expected"),
    [
        (5, 11, "0", True),
        (5, 11, "12", False),
        (5, 11, "13", False),
        (5, 12, "0", False),
        (15, 21, "0", True),
        (12, 15, "0", False),
    ],
)
def test_is_overshadowed_e3_overlapping_timeline(first: int, last: int, version: str, expected: bool) -> None:
    probe = seg(Interval(e2_day(first), e2_day(last)), version)
    assert Timeline(E3_TIMELINE).is_overshadowed(probe) is expected


def test_overshadowed_e4_partial_overlap_gives_nothing() -> None:
    s = seg(days(2020, 1, 1, 3), "v1")
    t = seg(days(2020, 1, 2, 3), "v2")
    timeline = Timeline([s, t])
    assert timeline.overshadowed() == set()
    assert timeline.pieces() == [(days(2020, 1, 1, 2), "v1"), (days(2020, 1, 2, 3), "v2")]
    assert timeline.visible_in(days(2020, 1, 1, 3)) == [s, t]


def test_overshadowed_e5_two_newer_segments_cover_without_gap() -> None:
    s = seg(days(2020, 1, 1, 3), "v1")
    a = seg(days(2020, 1, 1, 2), "v2")
    b = seg(days(2020, 1, 2, 3), "v3")
    assert Timeline([s, a, b]).overshadowed() == {s}


def test_overshadowed_e6_coverage_with_gap_gives_nothing() -> None:
    s = seg(days(2020, 1, 1, 4), "v1")
    a = seg(days(2020, 1, 1, 2), "v2")
    b = seg(days(2020, 1, 3, 4), "v2")
    timeline = Timeline([s, a, b])
    assert timeline.overshadowed() == set()
    assert timeline.visible_in(days(2020, 1, 2, 3)) == [s]


def test_overshadowed_e7_incomplete_newer_set_then_complete() -> None:
    jan1 = days(2020, 1, 1, 2)
    s = seg(jan1, "v1", NS(0, 1))
    n0 = seg(jan1, "v2", NS(0, 3))
    n1 = seg(jan1, "v2", NS(1, 3))
    n2 = seg(jan1, "v2", NS(2, 3))
    incomplete = Timeline([s, n0, n2])
    assert incomplete.overshadowed() == set()
    assert incomplete.visible_in(jan1) == [s]
    assert Timeline([s, n0, n1, n2]).overshadowed() == {s}


@pytest.mark.parametrize(
    ("newer", "overshadows"),
    [
        ([NS(0, 2), NS(1, 2), NS(2, 2)], True),
        ([NS(0, 2), NS(2, 2)], False),
        ([NS(5, 0)], True),
    ],
    ids=["a-appended-partition", "b-core-partition-missing", "c-numcore-zero"],
)
def test_overshadowed_e8_appended_partitions_and_numcore_zero(newer: list[ShardSpec], overshadows: bool) -> None:
    jan1 = days(2020, 1, 1, 2)
    old = seg(jan1, "v1")
    timeline = Timeline([old, *(seg(jan1, "v2", spec) for spec in newer)])
    assert timeline.overshadowed() == ({old} if overshadows else set())


def test_init_e9_same_version_overlap_raises_druid_message() -> None:
    first = Interval(day(2011, 1, 1), day(2011, 1, 10))
    second = Interval(day(2011, 1, 5), day(2011, 1, 15))
    expected = (
        "Cannot add overlapping segments [2011-01-01T00:00:00.000Z/2011-01-10T00:00:00.000Z and "
        "2011-01-05T00:00:00.000Z/2011-01-15T00:00:00.000Z] with the same version [1]"
    )
    for order in ([seg(first, "1"), seg(second, "1")], [seg(second, "1"), seg(first, "1")]):
        with pytest.raises(TimelineConflict) as info:
            Timeline(order)
        assert info.value.message == expected
    assert conflict_message(first, second, "1") == expected


def test_init_same_version_overlap_among_incomplete_entries_raises() -> None:
    with pytest.raises(TimelineConflict):
        Timeline([seg(days(2020, 1, 1, 3), "v1", NS(1, 2)), seg(days(2020, 1, 2, 4), "v1", NS(1, 2))])


def test_init_same_version_abutting_or_equal_intervals_is_accepted() -> None:
    timeline = Timeline(
        [seg(days(2020, 1, 1, 2), "v1"), seg(days(2020, 1, 2, 3), "v1"), seg(days(2020, 1, 2, 3), "v1", NS(1, 1))]
    )
    assert timeline.overshadowed() == set()


def test_overshadowed_e10_tombstone_overshadows_older_version() -> None:
    jan1 = days(2021, 1, 1, 2)
    s = seg(jan1, "v1", NS(0, 1))
    x = seg(jan1, "v2", parse_shard_spec({"type": "tombstone"}))
    timeline = Timeline([s, x])
    assert timeline.overshadowed() == {s}
    assert not timeline.is_overshadowed(x)
    assert timeline.is_complete(jan1, "v2")


def test_overshadowed_e11_lexicographic_versions_v10_is_older_than_v9() -> None:
    a = seg(days(2020, 1, 1, 2), "v9")
    b = seg(days(2020, 1, 1, 2), "v10")
    assert Timeline([a, b]).overshadowed() == {b}


E12_DAY = days(2019, 1, 1, 2)
E12_ROOTS = [seg(E12_DAY, "0", NS(p, 3)) for p in range(3)]
E12_OVERWRITES = [seg(E12_DAY, "0", overwrite(32768 + i, 0, 3, 1, 2)) for i in range(2)]


def test_fully_overshadowed_e12_full_overwrite_group_hides_root_chunks() -> None:
    timeline = Timeline(E12_ROOTS + E12_OVERWRITES)
    assert timeline.fully_overshadowed() == set(E12_ROOTS)
    assert timeline.overshadowed() == set(E12_ROOTS)
    assert set(timeline.visible_in(E12_DAY)) == set(E12_OVERWRITES)
    assert timeline.is_complete(E12_DAY, "0")


def test_fully_overshadowed_e12_half_present_overwrite_group_stays_standby() -> None:
    timeline = Timeline(E12_ROOTS + E12_OVERWRITES[:1])
    assert timeline.fully_overshadowed() == set()
    assert timeline.overshadowed() == set()
    assert timeline.visible_in(E12_DAY) == E12_ROOTS
    assert timeline.is_complete(E12_DAY, "0")


def test_is_overshadowed_e12_probe_with_lower_minor_version_inside_root_range() -> None:
    timeline = Timeline(E12_ROOTS + E12_OVERWRITES)
    assert timeline.is_overshadowed(seg(E12_DAY, "0", NS(1, 3)))
    assert not timeline.is_overshadowed(seg(E12_DAY, "0", NS(5, 3)))


def test_overshadowed_e13_candidates_overshadow_each_other() -> None:
    k1 = seg(days(2017, 10, 15, 17), "2017-10-15T20:19:12.565Z")
    k2 = seg(days(2017, 10, 17, 18), "2017-10-16T20:19:12.565Z")
    k3 = seg(days(2017, 10, 17, 18), "2017-10-15T20:19:12.565Z")
    timeline = Timeline([k1, k2, k3])
    assert timeline.overshadowed() == {k3}
    assert not timeline.is_overshadowed(k1)
    assert not timeline.is_overshadowed(k2)


# --- Completeness per shard spec (semantics 1.4, PartitionHolderCompletenessTest) ---

COMPLETENESS_CASES = {
    "numbered": [
        {"type": "numbered", "partitionNum": 1, "partitions": 3},
        {"type": "numbered", "partitionNum": 0, "partitions": 3},
        {"type": "numbered", "partitionNum": 2, "partitions": 3},
    ],
    "hashed-empty-buckets": [
        {"type": "hashed", "partitionNum": 2, "partitions": 3, "bucketId": 3, "numBuckets": 5},
        {"type": "hashed", "partitionNum": 0, "partitions": 3, "bucketId": 0, "numBuckets": 5},
        {"type": "hashed", "partitionNum": 1, "partitions": 3, "bucketId": 2, "numBuckets": 5},
    ],
    "single-with-numcore": [
        {"type": "single", "dimension": "dim", "start": None, "end": "aaa", "partitionNum": 0, "numCorePartitions": 3},
        {"type": "single", "dimension": "dim", "start": "ttt", "end": "zzz", "partitionNum": 2, "numCorePartitions": 3},
        {"type": "single", "dimension": "dim", "start": "bbb", "end": "fff", "partitionNum": 1, "numCorePartitions": 3},
    ],
    "single-without-numcore": [
        {"type": "single", "dimension": "dim", "start": "bbb", "end": "fff", "partitionNum": 1},
        {"type": "single", "dimension": "dim", "start": "fff", "end": None, "partitionNum": 2},
        {"type": "single", "dimension": "dim", "start": None, "end": "bbb", "partitionNum": 0},
    ],
    "range-with-numcore": [
        {"type": "range", "dimensions": ["dim"], "start": None, "end": ["aaa"], "partitionNum": 0,
         "numCorePartitions": 3},
        {"type": "range", "dimensions": ["dim"], "start": ["ttt"], "end": ["zzz"], "partitionNum": 2,
         "numCorePartitions": 3},
        {"type": "range", "dimensions": ["dim"], "start": ["bbb"], "end": ["fff"], "partitionNum": 1,
         "numCorePartitions": 3},
    ],
    "range-without-numcore": [
        {"type": "range", "dimensions": ["dim"], "start": ["bbb"], "end": ["fff"], "partitionNum": 1},
        {"type": "range", "dimensions": ["dim"], "start": ["fff"], "end": None, "partitionNum": 2},
        {"type": "range", "dimensions": ["dim"], "start": None, "end": ["bbb"], "partitionNum": 0},
    ],
}


@pytest.mark.parametrize("specs", list(COMPLETENESS_CASES.values()), ids=list(COMPLETENESS_CASES))
def test_is_complete_partition_holder_only_after_last_chunk_added(specs: list[dict[str, object]]) -> None:
    interval = days(2020, 1, 1, 2)
    segments = [seg(interval, "v", parse_shard_spec(spec)) for spec in specs]
    for n in range(1, len(segments)):
        assert not Timeline(segments[:n]).is_complete(interval, "v"), n
    assert Timeline(segments).is_complete(interval, "v")


def test_is_complete_string_ranges_with_gap_false() -> None:
    interval = days(2020, 1, 1, 2)
    specs = [
        {"type": "single", "dimension": "d", "start": None, "end": "bbb", "partitionNum": 0},
        {"type": "single", "dimension": "d", "start": "ccc", "end": None, "partitionNum": 1},
    ]
    assert not Timeline([seg(interval, "v", parse_shard_spec(s)) for s in specs]).is_complete(interval, "v")


@pytest.mark.parametrize(
    ("specs", "complete"),
    [
        ([{"type": "linear", "partitionNum": 3}], True),
        ([{"type": "linear", "partitionNum": 0}, {"type": "linear", "partitionNum": 7}], True),
        ([{"type": "none"}], True),
        ([{"type": "tombstone"}], True),
        ([{"type": "numbered", "partitionNum": 5, "partitions": 0}], True),
        ([{"type": "numbered", "partitionNum": 1, "partitions": 2}], False),
        (
            [
                {"type": "numbered", "partitionNum": 0, "partitions": 2},
                {"type": "numbered", "partitionNum": 2, "partitions": 2},
            ],
            False,
        ),
        (
            [
                {"type": "numbered", "partitionNum": 0, "partitions": 2},
                {"type": "numbered", "partitionNum": 1, "partitions": 2},
                {"type": "numbered", "partitionNum": 2, "partitions": 2},
            ],
            True,
        ),
        (
            # Each chunk's own numCore decides isEnd: partition 1 of 2 ends the scan.
            [
                {"type": "numbered", "partitionNum": 0, "partitions": 3},
                {"type": "numbered", "partitionNum": 1, "partitions": 2},
            ],
            True,
        ),
        (
            [
                {"type": "numbered", "partitionNum": 0, "partitions": 2},
                {"type": "numbered", "partitionNum": 1, "partitions": 3},
            ],
            False,
        ),
    ],
    ids=[
        "linear-alone",
        "linear-gap",
        "none",
        "tombstone",
        "numbered-numcore-zero",
        "numbered-no-start",
        "numbered-missing-core",
        "numbered-appended",
        "numbered-mixed-core-ends-at-1",
        "numbered-mixed-core-no-end",
    ],
)
def test_is_complete_per_chunk_kind(specs: list[dict[str, object]], complete: bool) -> None:
    interval = days(2020, 1, 1, 2)
    timeline = Timeline([seg(interval, "v", parse_shard_spec(spec)) for spec in specs])
    assert timeline.is_complete(interval, "v") is complete


def test_is_complete_unknown_entry_raises_key_error() -> None:
    with pytest.raises(KeyError):
        Timeline([]).is_complete(days(2020, 1, 1, 2), "v")


def test_overshadowed_incomplete_string_range_set_never_overshadows() -> None:
    interval = days(2020, 1, 1, 2)
    old = seg(interval, "v1")
    half = seg(interval, "v2", parse_shard_spec({"type": "single", "dimension": "d", "start": None, "end": "m"}))
    assert Timeline([old, half]).overshadowed() == set()


# --- Version order (semantics 1.2) ---


def test_overshadowed_non_bmp_versions_use_utf16_order() -> None:
    # Java compares UTF-16 code units: U+1F600 is the surrogate pair D83D DE00, which sorts below U+FFFF,
    # although Python's code point order says the opposite.
    bmp = seg(days(2020, 1, 1, 2), "\uffff")
    astral = seg(days(2020, 1, 1, 2), "\U0001F600")
    assert Timeline([bmp, astral]).overshadowed() == {astral}


def test_is_overshadowed_probe_version_absent_from_timeline_ranks_between() -> None:
    timeline = Timeline([seg(days(2020, 1, 1, 2), "b"), seg(days(2020, 1, 2, 3), "d")])
    assert timeline.is_overshadowed(seg(days(2020, 1, 1, 3), "a"))
    assert not timeline.is_overshadowed(seg(days(2020, 1, 1, 3), "c"))
    assert not timeline.is_overshadowed(seg(days(2020, 1, 1, 3), "e"))


def test_overshadowed_iso_timestamp_versions_newer_wins() -> None:
    old = seg(days(2020, 1, 1, 2), "2023-08-10T04:12:03.860Z")
    new = seg(days(2020, 1, 1, 2), "2023-08-10T04:12:03.861Z")
    assert Timeline([new, old]).overshadowed() == {old}


# --- Visible segments and other queries ---


def test_visible_in_zero_length_interval_gives_nothing() -> None:
    s = seg(days(2020, 1, 1, 3), "v1")
    assert Timeline([s]).visible_in(Interval(day(2020, 1, 2), day(2020, 1, 2))) == []


def test_visible_in_abutting_interval_excludes_segment() -> None:
    s = seg(days(2020, 1, 1, 2), "v1")
    timeline = Timeline([s])
    assert timeline.visible_in(days(2020, 1, 2, 3)) == []
    assert timeline.visible_in(Interval(day(2020, 1, 1, 23), day(2020, 1, 2, 1))) == [s]


def test_visible_in_several_pieces_of_one_entry_lists_segments_once() -> None:
    wide = [seg(days(2020, 1, 1, 4), "v1", NS(p, 2)) for p in (1, 0)]
    middle = seg(days(2020, 1, 2, 3), "v2")
    timeline = Timeline([*wide, middle])
    assert timeline.visible_in(days(2020, 1, 1, 4)) == [wide[1], wide[0], middle]
    assert timeline.visible_in(days(2020, 1, 2, 3)) == [middle]


def test_fully_overshadowed_incomplete_newer_entry_not_reported() -> None:
    jan1 = days(2020, 1, 1, 2)
    s = seg(jan1, "v1")
    older = seg(jan1, "v0")
    n0 = seg(jan1, "v2", NS(0, 2))
    # v2 is visible in Druid's incomplete timeline and v1 in the complete one; only v0 is fully overshadowed.
    assert Timeline([s, older, n0]).fully_overshadowed() == {older}


def test_fully_overshadowed_partial_overlap_not_reported() -> None:
    s = seg(days(2020, 1, 1, 3), "v1")
    t = seg(days(2020, 1, 2, 3), "v2")
    assert Timeline([s, t]).fully_overshadowed() == set()


def test_overshadowed_mutating_result_leaves_timeline_unchanged() -> None:
    old = seg(days(2020, 1, 1, 2), "v1")
    timeline = Timeline([old, seg(days(2020, 1, 1, 2), "v2")])
    timeline.overshadowed().clear()
    assert timeline.overshadowed() == {old}


def test_is_overshadowed_zero_length_probe_inside_newer_segment() -> None:
    timeline = Timeline([seg(days(2020, 1, 1, 3), "v2")])
    inside = Interval(day(2020, 1, 2), day(2020, 1, 2))
    at_start = Interval(day(2020, 1, 1), day(2020, 1, 1))
    # VersionedIntervalTimeline.isOvershadowed with Joda's overlaps: only strictly inside a key.
    assert timeline.is_overshadowed(seg(inside, "v1"))
    assert not timeline.is_overshadowed(seg(at_start, "v1"))


def test_is_overshadowed_empty_timeline_false() -> None:
    assert not Timeline([]).is_overshadowed(seg(days(2020, 1, 1, 2), "v1"))


def test_is_overshadowed_long_coverage_uses_every_piece() -> None:
    # More pieces than the short-range scan: the sparse table must agree with a direct check.
    hours = [Interval(day(2020, 1, 1) + h * MS_PER_HOUR, day(2020, 1, 1) + (h + 1) * MS_PER_HOUR) for h in range(200)]
    newer = [seg(iv, "v3" if h != 150 else "v1") for h, iv in enumerate(hours)]
    wide = seg(Interval(hours[0].start, hours[-1].end), "v2")
    timeline = Timeline([*newer, wide])
    assert timeline.overshadowed() == {newer[150]}
    assert not timeline.is_overshadowed(wide)
    assert timeline.is_overshadowed(seg(Interval(hours[0].start, hours[149].end), "v2"))
    assert timeline.is_overshadowed(seg(Interval(hours[0].start, hours[149].end), "v0"))


# --- VersionIntervals (semantics 10.8) ---


def test_conflict_with_overlapping_interval_returns_it() -> None:
    held = VersionIntervals([days(2020, 1, 1, 3), days(2020, 1, 5, 7)])
    assert held.conflict_with(days(2020, 1, 2, 4)) == days(2020, 1, 1, 3)
    assert held.conflict_with(days(2020, 1, 4, 6)) == days(2020, 1, 5, 7)
    assert held.conflict_with(days(2020, 1, 6, 7)) == days(2020, 1, 5, 7)
    assert same_version_conflict(held, days(2020, 1, 1, 10)) is not None


def test_conflict_with_equal_or_abutting_interval_returns_none() -> None:
    held = VersionIntervals([days(2020, 1, 1, 3), days(2020, 1, 5, 7)])
    assert held.conflict_with(days(2020, 1, 1, 3)) is None
    assert held.conflict_with(days(2020, 1, 3, 5)) is None
    assert held.conflict_with(days(2020, 1, 7, 9)) is None


def test_remove_last_reference_drops_interval() -> None:
    held = VersionIntervals()
    held.add(days(2020, 1, 1, 3))
    held.add(days(2020, 1, 1, 3))
    assert held.count(days(2020, 1, 1, 3)) == 2
    held.remove(days(2020, 1, 1, 3))
    assert held.conflict_with(days(2020, 1, 2, 4)) == days(2020, 1, 1, 3)
    held.remove(days(2020, 1, 1, 3))
    assert days(2020, 1, 1, 3) not in held
    assert len(held) == 0
    assert held.conflict_with(days(2020, 1, 2, 4)) is None
    with pytest.raises(KeyError):
        held.remove(days(2020, 1, 1, 3))


def test_add_conflicting_interval_kept_and_still_found() -> None:
    held = VersionIntervals([days(2020, 1, 1, 10)])
    held.add(days(2020, 1, 5, 15))
    assert list(held) == [days(2020, 1, 1, 10), days(2020, 1, 5, 15)]
    assert held.conflict_with(days(2020, 1, 12, 13)) == days(2020, 1, 5, 15)
    held.remove(days(2020, 1, 1, 10))
    assert held.conflict_with(days(2020, 1, 2, 3)) is None
    assert held.conflict_with(days(2020, 1, 14, 16)) == days(2020, 1, 5, 15)
