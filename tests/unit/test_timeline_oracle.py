"""Property tests of fakedruid.model.timeline against a brute-force oracle (semantics 1.4, 1.6 to 1.8, 10.8).

The oracle is written independently of the model: segments lie on a small grid of hours, versions come from a
pool whose Java string order is written out by hand, completeness follows ``PartitionHolder.isComplete`` over
``NumberedPartitionChunk`` literally, and visibility is decided instant by instant.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from fakedruid.errors import TimelineConflict
from fakedruid.model.intervals import MS_PER_HOUR, Interval
from fakedruid.model.segments import DataSegment
from fakedruid.model.shard_specs import numbered
from fakedruid.model.timeline import Timeline, VersionIntervals

#: Versions in Java ``String.compareTo`` order (UTF-16 code units): "10" < "9", "v10" < "v9", and the
#: surrogate pair of U+1F600 (D83D DE00) below U+FFFF.
VERSIONS = ("1", "10", "9", "v10", "v9", "\U0001F600", "\uffff")
GRID = 8
BASE = 1_600_000_000_000 - 1_600_000_000_000 % MS_PER_HOUR


@dataclass(frozen=True)
class Raw:
    """A segment on the grid: hours [a, b), version index into VERSIONS, partition, core partitions."""

    a: int
    b: int
    v: int
    p: int
    core: int

    def segment(self) -> DataSegment:
        return DataSegment(
            "ds", Interval(BASE + self.a * MS_PER_HOUR, BASE + self.b * MS_PER_HOUR), VERSIONS[self.v],
            shard_spec=numbered(self.p, self.core),
        )


@st.composite
def raws(draw: st.DrawFn, max_version: int = len(VERSIONS) - 1) -> Raw:
    a = draw(st.integers(0, GRID - 1))
    b = draw(st.integers(a + 1, GRID))
    return Raw(a, b, draw(st.integers(0, max_version)), draw(st.integers(0, 3)), draw(st.integers(0, 3)))


def unique_ids(items: list[Raw]) -> list[Raw]:
    """Drop repeated segment ids (interval, version, partition); the first wins."""
    seen: dict[tuple[int, int, int, int], Raw] = {}
    for r in items:
        seen.setdefault((r.a, r.b, r.v, r.p), r)
    return list(seen.values())


def conflict_free(items: list[Raw]) -> list[Raw]:
    """Drop every item whose interval overlaps a kept interval of the same version without being equal."""
    kept: list[Raw] = []
    for r in items:
        if all(k.v != r.v or (k.a, k.b) == (r.a, r.b) or k.b <= r.a or r.b <= k.a for k in kept):
            kept.append(r)
    return kept


def has_conflict(items: list[Raw]) -> bool:
    return any(
        x.v == y.v and (x.a, x.b) != (y.a, y.b) and x.a < y.b and y.a < x.b for x in items for y in items
    )


def oracle_complete(chunks: list[Raw]) -> bool:
    """``PartitionHolder.isComplete`` over numbered chunks, written out for the oracle."""
    chunks = sorted(chunks, key=lambda c: c.p)

    def is_start(c: Raw) -> bool:
        return c.p == 0 if c.core > 0 else True

    def is_end(c: Raw) -> bool:
        return c.p == c.core - 1 if c.core > 0 else True

    def abuts(c: Raw, n: Raw) -> bool:
        return n.p == c.p + 1 if n.p < n.core else n.p > c.p

    if not chunks or not is_start(chunks[0]):
        return False
    if is_end(chunks[0]):
        return True
    for c, n in zip(chunks, chunks[1:]):
        if not abuts(c, n):
            return False
        if is_end(n):
            return True
    return False


class Oracle:
    """Per-instant visibility on the grid."""

    def __init__(self, items: list[Raw]) -> None:
        self.items = items
        entries: dict[tuple[int, int, int], list[Raw]] = {}
        for r in items:
            entries.setdefault((r.a, r.b, r.v), []).append(r)
        self.entries = entries
        self.complete = {key for key, chunks in entries.items() if oracle_complete(chunks)}

    def visible_at(self, t: int, *, complete_only: bool = True) -> tuple[int, int, int] | None:
        keys = [k for k in self.entries if k[0] <= t < k[1] and (not complete_only or k in self.complete)]
        return max(keys, key=lambda k: k[2]) if keys else None

    def overshadowed(self, a: int, b: int, v: int) -> bool:
        """Every instant of [a, b) has a visible complete entry of strictly greater version."""
        for t in range(a, b):
            top = self.visible_at(t)
            if top is None or top[2] <= v:
                return False
        return True

    def visible_segments(self, a: int, b: int) -> set[Raw]:
        keys = {self.visible_at(t) for t in range(a, b)} - {None}
        return {r for k in keys for r in self.entries[k]}  # type: ignore[index]

    def fully_overshadowed(self) -> set[Raw]:
        shown = {self.visible_at(t) for t in range(GRID)}
        shown |= {self.visible_at(t, complete_only=False) for t in range(GRID)}
        return {r for k, chunks in self.entries.items() if k not in shown for r in chunks}


segment_lists = st.lists(raws(), max_size=14).map(unique_ids).map(conflict_free)


@settings(max_examples=300, deadline=None)
@given(segment_lists)
def test_overshadowed_random_grid_matches_oracle(items: list[Raw]) -> None:
    oracle = Oracle(items)
    segments = {r.segment(): r for r in items}
    timeline = Timeline(segments)
    expected = {s for s, r in segments.items() if oracle.overshadowed(r.a, r.b, r.v)}
    assert timeline.overshadowed() == expected
    for s in segments:
        assert timeline.is_overshadowed(s) is (s in expected)


@settings(max_examples=200, deadline=None)
@given(segment_lists, st.lists(raws(), min_size=1, max_size=5))
def test_is_overshadowed_probe_outside_timeline_matches_oracle(items: list[Raw], probes: list[Raw]) -> None:
    oracle = Oracle(items)
    timeline = Timeline(r.segment() for r in items)
    for probe in probes:
        assert timeline.is_overshadowed(probe.segment()) is oracle.overshadowed(probe.a, probe.b, probe.v), probe


@settings(max_examples=200, deadline=None)
@given(segment_lists, st.integers(0, GRID - 1), st.integers(1, GRID))
def test_visible_in_random_interval_matches_oracle(items: list[Raw], a: int, length: int) -> None:
    b = min(a + length, GRID)
    oracle = Oracle(items)
    segments = {r.segment(): r for r in items}
    found = Timeline(segments).visible_in(Interval(BASE + a * MS_PER_HOUR, BASE + b * MS_PER_HOUR))
    assert len(found) == len(set(found))
    assert {segments[s] for s in found} == oracle.visible_segments(a, b)


@settings(max_examples=200, deadline=None)
@given(segment_lists)
def test_fully_overshadowed_random_grid_matches_oracle(items: list[Raw]) -> None:
    segments = {r.segment(): r for r in items}
    found = Timeline(segments).fully_overshadowed()
    assert {segments[s] for s in found} == Oracle(items).fully_overshadowed()


@settings(max_examples=200, deadline=None)
@given(st.lists(raws(max_version=2), max_size=8).map(unique_ids))
def test_init_same_version_overlap_raises_iff_oracle_finds_conflict(items: list[Raw]) -> None:
    if has_conflict(items):
        try:
            Timeline(r.segment() for r in items)
        except TimelineConflict as exc:
            assert exc.message.startswith("Cannot add overlapping segments [")
        else:
            raise AssertionError("no TimelineConflict")
    else:
        Timeline(r.segment() for r in items)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, GRID - 1), st.integers(1, GRID)), max_size=25))
def test_conflict_with_random_adds_and_removes_matches_brute_force(ops: list[tuple[bool, int, int]]) -> None:
    held = VersionIntervals()
    refs: dict[Interval, int] = {}
    for add, a, length in ops:
        interval = Interval(a, min(a + length, GRID + 1))
        conflicts = [iv for iv in refs if iv != interval and iv.overlaps(interval)]
        found = held.conflict_with(interval)
        if conflicts:
            assert found in conflicts
        else:
            assert found is None
        if add or interval not in refs:
            held.add(interval)
            refs[interval] = refs.get(interval, 0) + 1
        else:
            held.remove(interval)
            refs[interval] -= 1
            if not refs[interval]:
                del refs[interval]
        assert sorted(refs) == list(held)
