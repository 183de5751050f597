"""The segment timeline: partition holders, the complete visible timeline, and overshadowing.

Layer: model; imports only the stdlib (never flask, pytest or hypothesis). Semantics: semantics.md section 1
(``VersionedIntervalTimeline.java``, ``PartitionHolder.java``, ``OvershadowableManager.java``,
``DataSourcesSnapshot.determineOvershadowedSegments``) and section 10.8 (same-version conflicts).

A :class:`Timeline` is built once from the segments of one datasource and never changes. Druid builds its
timeline incrementally; this module computes the same visible timeline declaratively (semantics 1.6): for
each instant, the complete entry of greatest version among those containing it. :class:`VersionIntervals`
is the small index the store uses to refuse same-version conflicts when segments are seeded.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from heapq import heappop, heappush
from typing import TYPE_CHECKING

from fakedruid.errors import TimelineConflict
from fakedruid.model.intervals import Interval
from fakedruid.model.segment_ids import version_key
from fakedruid.model.shard_specs import NUMBERED, OVERWRITING

if TYPE_CHECKING:
    from fakedruid.model.segments import DataSegment

__all__ = ["Timeline", "VersionIntervals", "conflict_message", "same_version_conflict"]

# Range-minimum queries over more pieces than this use a sparse table (built on first need).
_SHORT_RANGE = 32


def conflict_message(existing: Interval, new: Interval, version: str) -> str:
    """Druid's ``UnsupportedOperationException`` text for a same-version overlap (semantics 1.6, E9)."""
    return f"Cannot add overlapping segments [{existing} and {new}] with the same version [{version}]"


class _Entry:
    """One (interval, version) of the timeline and its partition holder (visible chunks, completeness)."""

    __slots__ = (
        "complete",
        "end",
        "interval",
        "max_minor",
        "overshadowed",
        "rank",
        "segments",
        "start",
        "version",
        "visible",
    )

    def __init__(self, interval: Interval, version: str, segments: list[DataSegment]) -> None:
        self.interval = interval
        self.start = interval.start
        self.end = interval.end
        self.version = version
        self.rank = 0
        self.segments = segments
        #: Segments in visible chunks (semantics 1.5); the same list as ``segments`` for ordinary holders.
        self.visible = segments
        #: Segments in atomic update groups of state OVERSHADOWED (not standby).
        self.overshadowed: list[DataSegment] = []
        self.complete = False
        #: Greatest minor version among the visible chunks (0 unless segment locking was used).
        self.max_minor = 0


def _numbered_fast_path(entry: _Entry) -> bool:
    """Completeness of a holder of plain numbered chunks that share one ``numCorePartitions``.

    :returns: False when the holder needs the general path (other chunk kinds, mixed core counts,
        repeated partition numbers); otherwise sets ``entry.complete`` and returns True.
    """
    segs = entry.segments
    first = segs[0].shard_spec
    core = first.num_core_partitions
    parts = []
    for seg in segs:
        spec = seg.shard_spec
        if spec.chunk != NUMBERED or spec.num_core_partitions != core:
            return False
        parts.append(spec.partition_num)
    present = set(parts)
    if len(present) != len(parts):
        return False
    # NumberedPartitionChunk: with numCore 0 every chunk is both start and end; otherwise the scan of
    # PartitionHolder.isComplete succeeds exactly when partitions 0 .. numCore-1 are all present.
    if core <= 0:
        entry.complete = True
    elif len(present) < core:
        entry.complete = False
    else:
        entry.complete = all(p in present for p in range(core))
    return True


def _chunk_order(seg: DataSegment) -> tuple[int, int, int]:
    spec = seg.shard_spec
    return (spec.start_root, spec.end_root, spec.partition_num)


def _general_holder(entry: _Entry) -> None:
    """Visible chunks and completeness of any holder (semantics 1.4 and 1.5)."""
    # OvershadowableManager.knownPartitionChunks is keyed by partition number: the first chunk wins.
    seen: dict[int, DataSegment] = {}
    for seg in entry.segments:
        seen.setdefault(seg.shard_spec.partition_num, seg)
    chunks = list(seen.values())
    all_full = True
    if any(seg.shard_spec.chunk == OVERWRITING for seg in chunks):
        visible, overshadowed, all_full = _atomic_update_groups(chunks)
        entry.overshadowed = overshadowed
        entry.max_minor = max(seg.shard_spec.minor_version for seg in visible) if visible else 0
    else:
        # Ordinary chunks are each their own full atomic update group of minor version 0: all visible.
        visible = chunks
    visible.sort(key=_chunk_order)
    entry.visible = visible
    entry.complete = _is_complete(visible, all_full)


def _is_complete(visible: list[DataSegment], all_full: bool) -> bool:
    """``PartitionHolder.isComplete`` over the visible chunks, ordered by root partition range."""
    if not visible:
        return False
    cur = visible[0].shard_spec
    if not cur.is_start:
        return False
    if cur.is_end:
        return all_full
    for seg in visible[1:]:
        nxt = seg.shard_spec
        # NumberedOverwritingPartitionChunk.abuts throws in Druid; ShardSpec.abuts answers False instead.
        if not cur.abuts(nxt):
            return False
        if nxt.is_end:
            return all_full
        cur = nxt
    return False


def _atomic_update_groups(chunks: list[DataSegment]) -> tuple[list[DataSegment], list[DataSegment], bool]:
    """Split the chunks of one holder into visible and overshadowed ones (semantics 1.5).

    Druid's ``OvershadowableManager`` is a state machine whose result can depend on the order in which chunks
    arrive; this is a declarative reading of it:

    1. a group is overshadowed when a full group of higher minor version has a root range containing its own;
    2. the remaining full groups are visible;
    3. remaining non-full groups, taken by decreasing minor version: one whose range lies inside a visible
       non-full group of higher minor version is overshadowed; one whose range the remaining full groups of
       lower minor version cover without a gap is standby; any other is visible and overshadows the groups of
       lower minor version inside its range.

    :returns: (visible chunks, chunks of overshadowed groups, whether every visible group is full).
    """
    groups: dict[tuple[int, int, int], list[DataSegment]] = {}
    for seg in chunks:
        spec = seg.shard_spec
        groups.setdefault((spec.start_root, spec.end_root, spec.minor_version), []).append(seg)

    def is_full(members: list[DataSegment]) -> bool:
        # AtomicUpdateGroup.isFull: a size of -1 (unknown) is never reached.
        return len(members) == members[0].shard_spec.atomic_update_group_size

    def contains(outer: tuple[int, int, int], inner: tuple[int, int, int]) -> bool:
        return outer[0] <= inner[0] and outer[1] >= inner[1]

    full = [k for k, members in groups.items() if is_full(members)]
    overshadowed = {k for k in groups if any(f[2] > k[2] and contains(f, k) for f in full)}
    remaining = [k for k in groups if k not in overshadowed]
    visible = {k for k in remaining if is_full(groups[k])}
    standby: set[tuple[int, int, int]] = set()
    for key in sorted((k for k in remaining if k not in visible), key=lambda k: -k[2]):
        if any(v[2] > key[2] and contains(v, key) and not is_full(groups[v]) for v in visible):
            overshadowed.add(key)
            continue
        below = sorted(k for k in visible if k[2] < key[2] and contains(key, k) and is_full(groups[k]))
        covered = bool(below) and below[0][0] == key[0]
        reach = key[0]
        for k in below:
            if k[0] != reach:
                covered = False
                break
            reach = k[1]
        covered = covered and reach == key[1]
        if covered:
            standby.add(key)
            continue
        for k in [k for k in visible if k[2] < key[2] and contains(key, k)]:
            visible.discard(k)
            overshadowed.add(k)
        visible.add(key)
    vis_chunks = [seg for k in visible for seg in groups[k]]
    over_chunks = [seg for k in overshadowed for seg in groups[k]]
    return vis_chunks, over_chunks, all(is_full(groups[k]) for k in visible)


def _sweep(entries: list[_Entry]) -> tuple[list[int], list[int], list[int]]:
    """The visible timeline of ``entries``: maximal runs of instants with the same greatest-version entry.

    :returns: parallel lists (piece starts, piece ends, index of the entry in ``entries``), sorted by start.
    """
    order = sorted(range(len(entries)), key=lambda i: entries[i].start)
    bounds = sorted({e.start for e in entries} | {e.end for e in entries})
    heap: list[tuple[int, int, int]] = []
    starts: list[int] = []
    ends: list[int] = []
    owners: list[int] = []
    p = 0
    n = len(order)
    for bi in range(len(bounds) - 1):
        b = bounds[bi]
        while p < n and entries[order[p]].start <= b:
            e = entries[order[p]]
            heappush(heap, (-e.rank, e.end, order[p]))
            p += 1
        while heap and heap[0][1] <= b:
            heappop(heap)
        if heap:
            owner = heap[0][2]
            nb = bounds[bi + 1]
            if owners and owners[-1] == owner and ends[-1] == b:
                ends[-1] = nb
            else:
                starts.append(b)
                ends.append(nb)
                owners.append(owner)
    return starts, ends, owners


class Timeline:
    """The timeline of one datasource's segments, built once and immutable (semantics 1.4 to 1.9).

    Queries cache their answers; the caches are filled idempotently, so a timeline may be shared by threads.

    :param segments: segments of a single datasource (not checked); order does not matter. Segments are
        grouped into entries by (interval, version); within an entry the first segment of each partition
        number wins, as in ``OvershadowableManager.addChunk``.
    :raises TimelineConflict: when two entries of the same version have overlapping but different intervals,
        complete or not (Druid's ``UnsupportedOperationException``, semantics 1.6 and E9). Druid throws only
        for some insertion orders; the fake always does.
    """

    def __init__(self, segments: Iterable[DataSegment]) -> None:
        # Plain tuples as keys: hashing the Interval dataclass per segment dominated large builds.
        grouped: dict[tuple[int, int, str], list[DataSegment]] = {}
        get = grouped.get
        for seg in segments:
            iv = seg.interval
            key = (iv.start, iv.end, seg.version)
            members = get(key)
            if members is None:
                grouped[key] = [seg]
            else:
                members.append(seg)

        versions = sorted({v for _, _, v in grouped}, key=version_key)
        self._version_keys = [version_key(v) for v in versions]
        # Odd ranks for versions of the timeline; a probe version between two of them gets the even rank between.
        rank_of = {v: 2 * i + 1 for i, v in enumerate(versions)}
        self._rank_of = rank_of

        entries: list[_Entry] = []
        by_key: dict[tuple[Interval, str], _Entry] = {}
        for (_, _, version), members in grouped.items():
            interval = members[0].interval
            entry = _Entry(interval, version, members)
            entry.rank = rank_of[version]
            if not _numbered_fast_path(entry):
                _general_holder(entry)
            entries.append(entry)
            by_key[(interval, version)] = entry
        self._entries = entries
        self._by_key = by_key
        self._check_conflicts()

        complete = [e for e in entries if e.complete]
        starts, ends, owners = _sweep(complete)
        self._starts = starts
        self._ends = ends
        self._owners = [complete[i] for i in owners]
        self._ranks = [complete[i].rank for i in owners]
        runs: list[int] = []
        for i in range(len(starts)):
            runs.append(runs[-1] if i and starts[i] == ends[i - 1] else i)
        self._runs = runs
        self._sparse: list[list[int]] | None = None
        self._overshadowed: frozenset[DataSegment] | None = None
        self._fully_overshadowed: frozenset[DataSegment] | None = None

    # --- construction helpers ---

    def _check_conflicts(self) -> None:
        """Raise :class:`TimelineConflict` for the first same-version pair with overlapping, different intervals.

        The earlier-starting interval is printed first, as the key already in Druid's map would be. Druid
        (``VersionedIntervalTimeline.addAtKey``) prints its current key, which can be a fragment of an entry cut
        by a higher version; the fake always prints whole segment intervals.
        """
        ordered = sorted(self._entries, key=lambda e: (e.rank, e.start, e.end))
        widest: _Entry | None = None
        for entry in ordered:
            if widest is not None and widest.rank == entry.rank and widest.interval.overlaps(entry.interval):
                raise TimelineConflict(conflict_message(widest.interval, entry.interval, entry.version))
            if widest is None or widest.rank != entry.rank or entry.end > widest.end:
                widest = entry

    def _range_min(self, k: int, j: int) -> int:
        """The smallest version rank among pieces ``k`` to ``j`` inclusive."""
        if j - k < _SHORT_RANGE:
            return min(self._ranks[k : j + 1])
        table = self._sparse
        if table is None:
            table = [self._ranks]
            step = 1
            while 2 * step <= len(self._ranks):
                prev = table[-1]
                table.append(list(map(min, prev[: len(prev) - step], prev[step:])))
                step *= 2
            self._sparse = table
        level = (j - k + 1).bit_length() - 1
        row = table[level]
        return min(row[k], row[j - (1 << level) + 1])

    def _cover(self, start: int, end: int) -> tuple[int, int] | None:
        """The pieces covering ``[start, end)`` with no gap, as (first, last) indexes, or None."""
        starts = self._starts
        k = bisect_right(starts, start) - 1
        if k < 0 or self._ends[k] <= start:
            return None
        if start >= end:
            # VersionedIntervalTimeline.isOvershadowed asks Joda's AbstractInterval.overlaps, under which a
            # zero-length interval overlaps a key only strictly inside it.
            return None if starts[k] == start else (k, k)
        j = bisect_left(starts, end, k) - 1
        if self._ends[j] < end or self._runs[j] != self._runs[k]:
            return None
        return k, j

    def _probe_rank(self, version: str) -> int:
        """The rank of ``version`` among the timeline's versions, also for a version it does not hold."""
        rank = self._rank_of.get(version)
        if rank is None:
            rank = 2 * bisect_left(self._version_keys, version_key(version))
        return rank

    @staticmethod
    def _overshadowed_within(entry: _Entry, segment: DataSegment) -> bool:
        """Some visible chunk of ``entry`` (same version) overshadows ``segment`` (``DataSegment.overshadows``)."""
        if entry.max_minor <= segment.shard_spec.minor_version:
            return False
        if entry.visible and entry.visible[0].datasource != segment.datasource:
            return False
        spec = segment.shard_spec
        return any(
            v.shard_spec.start_root <= spec.start_root
            and v.shard_spec.end_root >= spec.end_root
            and v.shard_spec.minor_version > spec.minor_version
            for v in entry.visible
        )

    # --- queries ---

    def is_overshadowed(self, segment: DataSegment) -> bool:
        """Whether ``segment`` is overshadowed on this timeline (``VersionedIntervalTimeline.isOvershadowed``).

        True iff every instant of its interval is covered, with no gap, by the complete visible timeline, each
        covering piece having a greater version, or the same version and a visible chunk that overshadows the
        segment through a higher minor version and a root range containing its own (semantics 1.7).
        ``segment`` need not be part of the timeline.
        """
        interval = segment.interval
        cover = self._cover(interval.start, interval.end)
        if cover is None:
            return False
        k, j = cover
        rank = self._probe_rank(segment.version)
        lowest = self._range_min(k, j)
        if lowest != rank:
            return lowest > rank
        own = self._by_key.get((interval, segment.version))
        if own is not None:
            # Without same-version conflicts, every same-version piece overlapping the interval is this entry.
            return self._overshadowed_within(own, segment)
        same = {id(e): e for e, r in zip(self._owners[k : j + 1], self._ranks[k : j + 1], strict=False) if r == rank}
        return all(self._overshadowed_within(e, segment) for e in same.values())

    def overshadowed(self) -> set[DataSegment]:
        """The segments of this timeline that are overshadowed (``DataSourcesSnapshot.determineOvershadowedSegments``,
        semantics 1.9)."""
        if self._overshadowed is None:
            out: list[DataSegment] = []
            for entry in self._entries:
                cover = self._cover(entry.start, entry.end)
                if cover is None:
                    continue
                lowest = self._range_min(*cover)
                if lowest > entry.rank:
                    out.extend(entry.segments)
                elif lowest == entry.rank and entry.max_minor > 0:
                    out.extend(s for s in entry.segments if self._overshadowed_within(entry, s))
            self._overshadowed = frozenset(out)
        return set(self._overshadowed)

    def visible_in(self, interval: Interval) -> list[DataSegment]:
        """``findNonOvershadowedObjectsInInterval(interval, ONLY_COMPLETE)``: segments at least partly visible in
        ``interval`` (semantics 1.8), in time order then partition order, each once. A zero-length interval gives
        nothing."""
        if interval.start >= interval.end:
            return []
        k = max(bisect_right(self._starts, interval.start) - 1, 0)
        if k < len(self._ends) and self._ends[k] <= interval.start:
            k += 1
        j = bisect_left(self._starts, interval.end) - 1
        owners = {id(e): e for e in self._owners[k : j + 1]}
        out: dict[DataSegment, None] = {}
        for entry in owners.values():
            for seg in sorted(entry.visible, key=_chunk_order):
                out.setdefault(seg, None)
        return list(out)

    def fully_overshadowed(self) -> set[DataSegment]:
        """``findFullyOvershadowed()`` as segments (semantics 1.8): segments of entries visible in neither the
        complete nor the incomplete timeline, plus chunks of overshadowed atomic update groups of entries
        visible in the incomplete timeline."""
        if self._fully_overshadowed is None:
            present: set[int] = {id(e) for e in self._owners}
            _, _, owners = _sweep(self._entries)
            incomplete_visible = {id(self._entries[i]): self._entries[i] for i in owners}
            present.update(incomplete_visible)
            out: list[DataSegment] = []
            for entry in self._entries:
                if id(entry) not in present:
                    out.extend(entry.segments)
            for entry in incomplete_visible.values():
                out.extend(entry.overshadowed)
            self._fully_overshadowed = frozenset(out)
        return set(self._fully_overshadowed)

    def is_complete(self, interval: Interval, version: str) -> bool:
        """Whether the partition holder of (``interval``, ``version``) is complete (semantics 1.4).

        :raises KeyError: when the timeline has no segment with that interval and version.
        """
        return self._by_key[(interval, version)].complete

    def pieces(self) -> list[tuple[Interval, str]]:
        """The complete visible timeline as (key, version), in time order, adjacent keys of one entry merged.

        Druid may split an entry into more keys; nothing observable depends on that (semantics 1.6).
        """
        return [
            (Interval(s, e), owner.version) for s, e, owner in zip(self._starts, self._ends, self._owners, strict=False)
        ]

    def __len__(self) -> int:
        """The number of segments given (after grouping; repeated objects count each time)."""
        return sum(len(e.segments) for e in self._entries)

    def __iter__(self) -> Iterator[DataSegment]:
        """The segments given, grouped by entry."""
        for entry in self._entries:
            yield from entry.segments


class VersionIntervals:
    """The distinct intervals of one (datasource, version), with a reference count each (semantics 10.8).

    The store keeps one per (datasource, version) over used and unused segments, to refuse a segment whose
    interval overlaps a held interval without being equal to it. :meth:`conflict_with` takes O(log n) while
    the held intervals are pairwise disjoint, which is the case when every :meth:`add` was preceded by a
    :meth:`conflict_with` that found nothing. Intervals added despite a conflict (the conflict mode) are kept
    aside and scanned linearly, so the answer stays correct.
    """

    __slots__ = ("_extra", "_keys", "_refs")

    def __init__(self, intervals: Iterable[Interval] = ()) -> None:
        self._refs: dict[Interval, int] = {}
        #: Sorted (start, end) of the pairwise disjoint intervals.
        self._keys: list[tuple[int, int]] = []
        #: Intervals that overlapped a held interval when they were added.
        self._extra: set[Interval] = set()
        for interval in intervals:
            self.add(interval)

    def __len__(self) -> int:
        return len(self._refs)

    def __contains__(self, interval: object) -> bool:
        return interval in self._refs

    def __iter__(self) -> Iterator[Interval]:
        return iter(sorted(self._refs))

    def count(self, interval: Interval) -> int:
        """How many references ``interval`` holds (0 when absent)."""
        return self._refs.get(interval, 0)

    def _core_conflict(self, interval: Interval) -> Interval | None:
        keys = self._keys
        key = (interval.start, interval.end)
        i = bisect_left(keys, key)
        # Among pairwise disjoint intervals sorted by (start, end), only the neighbours of the insertion point
        # can overlap the probe.
        for pos in (i - 1, i, i + 1):
            if 0 <= pos < len(keys) and keys[pos] != key:
                start, end = keys[pos]
                if start < interval.end and interval.start < end:
                    return Interval(start, end)
        return None

    def conflict_with(self, interval: Interval) -> Interval | None:
        """A held interval that overlaps ``interval`` but differs from it, or None.

        Overlap is Joda's: abutting intervals do not overlap.
        """
        found = self._core_conflict(interval)
        if found is not None:
            return found
        for other in self._extra:
            if other != interval and other.overlaps(interval):
                return other
        return None

    def add(self, interval: Interval) -> None:
        """Add one reference to ``interval``, even when it conflicts (check :meth:`conflict_with` first)."""
        count = self._refs.get(interval, 0)
        self._refs[interval] = count + 1
        if count:
            return
        if self._core_conflict(interval) is None:
            keys = self._keys
            keys.insert(bisect_left(keys, (interval.start, interval.end)), (interval.start, interval.end))
        else:
            self._extra.add(interval)

    def remove(self, interval: Interval) -> None:
        """Drop one reference to ``interval``; the interval goes when its last reference does.

        :raises KeyError: when ``interval`` is not held.
        """
        count = self._refs[interval]
        if count > 1:
            self._refs[interval] = count - 1
            return
        del self._refs[interval]
        if interval in self._extra:
            self._extra.discard(interval)
            return
        key = (interval.start, interval.end)
        keys = self._keys
        del keys[bisect_left(keys, key)]
        # An interval kept aside may now fit among the disjoint ones.
        for other in sorted(self._extra):
            if self._core_conflict(other) is None:
                self._extra.discard(other)
                keys.insert(bisect_left(keys, (other.start, other.end)), (other.start, other.end))


def same_version_conflict(existing: VersionIntervals, interval: Interval) -> Interval | None:
    """The interval of ``existing`` (one datasource and version) that ``interval`` conflicts with, or None.

    A conflict is an overlapping but different interval (semantics 10.8, E9); equal intervals share entries.
    """
    return existing.conflict_with(interval)
