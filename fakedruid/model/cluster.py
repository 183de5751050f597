"""Cluster: the state root of a fake Druid cluster (metadata store, rules, served view, tasks).

Layer: model; imports only the stdlib and the rest of ``fakedruid.model`` (``tasks``, not ``duties``: the duties
depend on the cluster, the cluster on the task store). Semantics: semantics.md sections 2, 3 and 8.

One lock, taken once. Every public method that reads or writes state takes ``self.lock`` (a plain, non-reentrant
``threading.Lock``) exactly once and does its work through unlocked helpers named ``_name``; a public method never
calls another public method. So the threaded server never sees a partial update, and a re-entrant acquisition
would deadlock (``tests/unit/test_lock.py`` proves there is none).

One method per Druid action. An action such as :meth:`Cluster.mark_unused_in_interval` does the served check
(``require_served``), the change and the audit entry (``audit``, an :class:`~fakedruid.model.audit.AuditNote`)
under that one acquisition, and raises a domain error (:mod:`fakedruid.errors`) before it changes anything. Reads
that need several lookups at once go through :meth:`Cluster.read` with a :class:`ClusterReader`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fakedruid.errors import (
    DatasourceNotServed,
    DuplicateSegment,
    FakeDruidError,
    InvalidConfig,
    InvalidSegment,
    InvalidSegmentId,
    JavaNullPointer,
    SegmentConflict,
    UnknownSegmentIds,
    UnparseableSegmentIds,
)
from fakedruid.model.audit import AuditEntry, AuditLog, AuditNote
from fakedruid.model.clock import Clock, FrozenClock, SystemClock
from fakedruid.model.duty_config import DutyConfig
from fakedruid.model.ingestion import IngestionJob, run_job
from fakedruid.model.intervals import (
    ETERNITY,
    Interval,
    condense,
    format_instant,
    parse_instant,
    parse_interval,
)
from fakedruid.model.rules import RuleEntry, RuleStore, first_matching_rule
from fakedruid.model.security import BasicSecurity
from fakedruid.model.segment_ids import try_parse, version_key
from fakedruid.model.segments import (
    DataSegment,
    data_segment_from_json,
    data_segment_to_json,
)
from fakedruid.model.servers import Server, ServerLayout
from fakedruid.model.shard_specs import ShardSpec, numbered, parse_shard_spec
from fakedruid.model.tasks import KILL, KillResult, Task, TaskStore
from fakedruid.model.timeline import Timeline, VersionIntervals

#: Conflict modes of semantics 10.8.
REFUSE = "refuse"
DRUID = "druid"


@dataclass(slots=True)
class SegmentRecord:
    """One row of the segments table: the segment, its used flag and its two timestamps."""

    segment: DataSegment
    used: bool
    created_date: int
    used_status_last_updated: int | None


__all__ = ["DRUID", "REFUSE", "Cluster", "ClusterReader", "KillResult", "SegmentRecord"]

_T = TypeVar("_T")


#: How long Druid 37.0.0's segment metadata cache keeps the ids a mark-unused call wrote, in ms
#: (``HeapMemorySegmentMetadataCache.SYNC_BUFFER_DURATION``): its metadata view shows their datasource, with no
#: segments, that long (measured: gone 10.1 s after the call with a 0.1 s poll).
UNUSED_SYNC_BUFFER_MS = 10_000


class _Datasource:
    """The rows of one datasource, with caches derived from its used segments."""

    __slots__ = ("_used_timeline", "records", "served_cache", "served_known", "versions")

    def __init__(self) -> None:
        self.records: dict[str, SegmentRecord] = {}
        self.versions: dict[str, VersionIntervals] = {}
        self._used_timeline: Timeline | None = None
        #: (what the served view was computed from, the view): see :meth:`Cluster.served`.
        self.served_cache: tuple[Any, dict[str, tuple[DataSegment, tuple[Server, ...]]]] | None = None
        #: What a positive served check was made from (rule store, its generation, layout, clock for period
        #: rules), when it was made without the served view: see :meth:`Cluster._require_served`.
        self.served_known: tuple[Any, int, Any, int | None] | None = None

    def changed(self) -> None:
        """Forget what was derived from the used segments."""
        self._used_timeline = None
        self.served_cache = None
        self.served_known = None

    def used_timeline(self) -> Timeline:
        """The timeline of all used segments (DataSourcesSnapshot), built once per change."""
        if self._used_timeline is None:
            self._used_timeline = Timeline(r.segment for r in self.records.values() if r.used)
        return self._used_timeline


class Cluster:
    """The whole mutable state of one fake cluster."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        conflict_mode: str = REFUSE,
        tiers: Mapping[str, int | Sequence[str]] | None = None,
    ) -> None:
        """
        :param clock: where "now" comes from; the system clock by default.
        :param conflict_mode: ``"refuse"`` or ``"druid"`` (semantics 10.8).
        :param tiers: virtual historicals per tier (see :class:`ServerLayout`); default ``_default_tier`` x 2.
        """
        if conflict_mode not in (REFUSE, DRUID):
            raise InvalidConfig(f"conflict_mode must be '{REFUSE}' or '{DRUID}', got [{conflict_mode}]")
        #: The one lock guarding all of the fake's state. Plain, not re-entrant: each public method takes it
        #: once and works through unlocked helpers (``_name``); code outside the model never takes it.
        self.lock = threading.Lock()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.conflict_mode = conflict_mode
        self.layout = ServerLayout(tiers)
        self.rules = RuleStore()
        #: Segment audit entries (``segment.markUnused``, ``segment.kill``); rule changes are in ``rules``.
        self.audit = AuditLog()
        self.tasks = TaskStore()
        self.duty_config = DutyConfig()
        #: When the fake Coordinator started (for millisToWaitBeforeDeleting, semantics 10.4).
        self.started_at = self.clock.now()
        self._datasources: dict[str, _Datasource] = {}
        self._by_id: dict[str, SegmentRecord] = {}
        #: Per datasource, the ids each recent mark-unused call wrote, with its time (UTC ms): what Druid
        #: 37.0.0's segment metadata cache holds as recently unused (see :meth:`_recently_unused`).
        self._unused_marks: dict[str, list[tuple[int, list[str]]]] = {}
        self._reader = ClusterReader(self)
        #: druid-basic-security's users, roles and permissions, when the fake runs with it (guarded by ``lock``).
        self.security: BasicSecurity | None = None
        #: Ids of rows added, changed or deleted since :meth:`take_persistent_changes`; None: everything may have.
        self._dirty: set[str] | None = None

    # ------------------------------------------------------------------ lifecycle

    def now(self) -> int:
        """The fake clock's current time, UTC ms."""
        return self.clock.now()

    def set_clock(self, clock: Clock) -> None:
        """Take "now" from ``clock`` from here on.

        The Coordinator's start time moves back when the new clock is earlier, so that a clock frozen in the
        past does not hold the overshadow duty's start-up wait (semantics 10.4) for years.
        """
        with self.lock:
            self._set_clock(clock)

    def _set_clock(self, clock: Clock) -> None:
        self.clock = clock
        self.started_at = min(self.started_at, clock.now())

    def enable_basic_security(self, **config: Any) -> BasicSecurity:
        """Run with druid-basic-security from here on (a fresh user database), or without it (``None`` config).

        :param config: the :class:`~fakedruid.model.security.BasicSecurity` arguments (initial passwords,
            authenticator and authorizer names); the cluster's lock guards it.
        """
        security = BasicSecurity(lock=self.lock, **config)
        with self.lock:
            self.security = security
        return security

    def set_security(self, security: BasicSecurity | None) -> None:
        """Put back a saved security state (or none: basic security off)."""
        with self.lock:
            self.security = security

    def reset(self) -> None:
        """Forget every segment (rules, tasks and the rest are reset by their owners)."""
        with self.lock:
            self._reset()

    def _reset(self) -> None:
        self._datasources.clear()
        self._by_id.clear()
        self._unused_marks.clear()
        if self.security is not None:
            self.security._reset()
        self._dirty = None
        self.rules.reset()
        self.audit.reset()
        self.tasks.reset()
        self.duty_config.reset()
        self.started_at = self.now()

    # ------------------------------------------------------------------ seeding

    def add_segment(
        self,
        datasource: str,
        interval: str | Interval,
        version: str,
        *,
        partition_num: int = 0,
        partitions: int = 1,
        shard_spec: dict[str, Any] | None = None,
        used: bool = True,
        size: int = 0,
        **extra: Any,
    ) -> str:
        """Seed one segment and return its id.

        :param shard_spec: any Druid shardSpec JSON; replaces ``partition_num``/``partitions`` when given.
        :param extra: more DataSegment fields in Python spelling: ``load_spec``, ``dimensions``, ``metrics``,
            ``num_rows``, ``binary_version``, ``last_compaction_state``, ``projections``, and the row's
            ``created_date`` / ``used_status_last_updated`` (ISO strings, ms, or None for the latter).
        :raises InvalidSegment, SegmentConflict, DuplicateSegment: and nothing is added.
        """
        if not isinstance(datasource, str) or not datasource:
            raise InvalidSegment(f"datasource must be a non-empty string, got [{datasource!r}]")
        if not isinstance(version, str) or not version:
            raise InvalidSegment(f"version must be a non-empty string, got [{version!r}]")
        iv = interval if isinstance(interval, Interval) else _parse_segment_interval(interval)
        spec: ShardSpec = (
            parse_shard_spec(shard_spec) if shard_spec is not None else numbered(partition_num, partitions)
        )
        created = extra.pop("created_date", None)
        updated = extra.pop("used_status_last_updated", _UNSET)
        unknown = set(extra) - _SEGMENT_EXTRAS
        if unknown:
            raise InvalidSegment(f"Unknown segment field(s) [{', '.join(sorted(unknown))}]")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InvalidSegment(f"size must be an integer >= 0, got [{size!r}]")
        for key in ("dimensions", "metrics", "projections"):
            if key in extra and extra[key] is not None:
                extra[key] = tuple(extra[key].split(",") if isinstance(extra[key], str) else extra[key])
        segment = DataSegment(datasource, iv, version, shard_spec=spec, size=size, **extra)
        with self.lock:
            self._add_rows([(segment, used, created, updated)])
        return segment.id

    def add_segments(self, segments: Iterable[dict[str, Any]], *, used: bool = True) -> list[str]:
        """Seed DataSegment JSON objects (as Druid serialises them) and return their ids in input order.

        An object may carry ``"used"`` (overriding ``used``), ``"createdDate"`` and
        ``"usedStatusLastUpdatedDate"``. All or nothing: one bad object adds none.

        :raises InvalidSegment, SegmentConflict, DuplicateSegment:
        """
        rows = []
        for index, obj in enumerate(segments):
            try:
                rows.append(_row_from_json(obj, used))
            except InvalidSegment as exc:
                raise InvalidSegment(f"segment [{index}]: {exc.message}") from exc
        with self.lock:
            self._add_rows(rows)
        return [row[0].id for row in rows]

    def add_data_segments(self, segments: Iterable[DataSegment], *, used: bool = True) -> list[str]:
        """Seed DataSegment objects (the fast path for large seeds); returns their ids in input order."""
        rows = [(seg, used, None, _UNSET) for seg in segments]
        with self.lock:
            self._add_rows(rows)
        return [row[0].id for row in rows]

    def _add_rows(self, rows: Sequence[tuple[DataSegment, bool, Any, Any]]) -> None:
        """Validate every row against the store and each other, then insert them all (lock held)."""
        now = self.now()
        seen: dict[str, DataSegment] = {}
        pending: dict[tuple[str, str], VersionIntervals] = {}
        prepared = []
        for segment, used, created, updated in rows:
            if segment.id in self._by_id or segment.id in seen:
                raise DuplicateSegment(f"A segment with id [{segment.id}] already exists")
            seen[segment.id] = segment
            if self.conflict_mode == REFUSE:
                key = (segment.datasource, segment.version)
                ds = self._datasources.get(segment.datasource)
                existing = ds.versions.get(segment.version) if ds is not None else None
                fresh = pending.setdefault(key, VersionIntervals())
                clash = existing.conflict_with(segment.interval) if existing is not None else None
                if clash is None:
                    clash = fresh.conflict_with(segment.interval)
                if clash is not None:
                    other = self._find_in_interval(segment.datasource, segment.version, clash, seen)
                    raise SegmentConflict(segment.id, other, segment.version)
                fresh.add(segment.interval)
            created_ms = now if created is None else _instant(created, "createdDate")
            if updated is _UNSET:
                updated_ms: int | None = now
            else:
                updated_ms = None if updated is None else _instant(updated, "usedStatusLastUpdatedDate")
            prepared.append(SegmentRecord(segment, bool(used), created_ms, updated_ms))
        for record in prepared:
            seg = record.segment
            ds = self._datasources.setdefault(seg.datasource, _Datasource())
            ds.records[seg.id] = record
            self._by_id[seg.id] = record
            if self._dirty is not None:
                self._dirty.add(seg.id)
            ds.changed()
            if self.conflict_mode == REFUSE:
                ds.versions.setdefault(seg.version, VersionIntervals()).add(seg.interval)

    def _find_in_interval(
        self, datasource: str, version: str, interval: Interval, extra: dict[str, DataSegment]
    ) -> str:
        """The id of a segment with this datasource, version and interval (for conflict messages)."""
        ds = self._datasources.get(datasource)
        candidates = list(extra.values()) + ([r.segment for r in ds.records.values()] if ds else [])
        for seg in candidates:
            if seg.datasource == datasource and seg.version == version and seg.interval == interval:
                return seg.id
        return f"{datasource} {interval} {version}"

    # ------------------------------------------------------------------ reading

    def datasource_names(self, *, include_unused: bool = True, keep_emptied: bool = False) -> list[str]:
        """Datasources in the store, sorted; with ``include_unused=False`` only those with used segments, and with
        ``keep_emptied`` also those :meth:`ClusterReader.emptied` names (Druid 37.0.0's metadata view)."""
        with self.lock:
            return self._datasource_names(include_unused=include_unused, keep_emptied=keep_emptied)

    def _datasource_names(self, *, include_unused: bool = True, keep_emptied: bool = False) -> list[str]:
        names = {
            name
            for name, ds in self._datasources.items()
            if ds.records and (include_unused or any(r.used for r in ds.records.values()))
        }
        if keep_emptied and not include_unused:
            names.update(name for name in self._unused_marks if self._recently_unused(name))
        return sorted(names)

    def _emptied(self, datasource: str) -> bool:
        ds = self._datasources.get(datasource)
        if ds is not None and any(r.used for r in ds.records.values()):
            return False
        return self._recently_unused(datasource)

    def _recently_unused(self, datasource: str) -> bool:
        """A mark-unused call wrote an id of the datasource in the last UNUSED_SYNC_BUFFER_MS (a row of that id
        has not been deleted since)."""
        cutoff = self.clock.now() - UNUSED_SYNC_BUFFER_MS
        return any(at >= cutoff for at, _ in self._unused_marks.get(datasource, ()))

    def _file_unused(self, datasource: str, ids: list[str], now: int) -> None:
        """File the ids a mark-unused call wrote, as Druid 37.0.0's segment metadata cache does
        (``HeapMemoryDatasourceSegmentCache.markSegmentAsUnused`` takes any id of the datasource, a row or not).
        Batches older than the buffer go at the next call; a batch costs the call no copy of its ids.

        Marking an id used again does not unfile it: the datasource then has a used segment, which shows it anyway,
        and every later path to unused files the id afresh.
        """
        if not ids:
            return
        cutoff = now - UNUSED_SYNC_BUFFER_MS
        batches = [b for b in self._unused_marks.get(datasource, ()) if b[0] >= cutoff]
        batches.append((now, ids))
        self._unused_marks[datasource] = batches

    def _forget_unused(self, datasource: str, deleted: list[str]) -> None:
        """Deleted rows (kill) leave the cache (``HeapMemoryDatasourceSegmentCache.deleteSegments``)."""
        batches = self._unused_marks.get(datasource)
        if not batches or not deleted:
            return
        gone = set(deleted)
        kept = [(at, [i for i in ids if i not in gone]) for at, ids in batches]
        kept = [(at, ids) for at, ids in kept if ids]
        if kept:
            self._unused_marks[datasource] = kept
        else:
            del self._unused_marks[datasource]

    def records(self, datasource: str, *, used: bool | None = None) -> list[SegmentRecord]:
        """The rows of a datasource in segment-id order (snapshots of the rows; do not mutate)."""
        with self.lock:
            return self._records(datasource, used=used)

    def _records(self, datasource: str, *, used: bool | None = None) -> list[SegmentRecord]:
        ds = self._datasources.get(datasource)
        if ds is None:
            return []
        rows = [r for r in ds.records.values() if used is None or r.used == used]
        rows.sort(key=lambda r: r.segment.segment_id.sort_key())
        return rows

    def record(self, segment_id: str, *, datasource: str | None = None) -> SegmentRecord | None:
        """The row with this exact id string (of this datasource when given), or None."""
        with self.lock:
            return self._record(segment_id, datasource=datasource)

    def _record(self, segment_id: str, *, datasource: str | None = None) -> SegmentRecord | None:
        rec = self._by_id.get(segment_id)
        if rec is None or (datasource is not None and rec.segment.datasource != datasource):
            return None
        return rec

    def segment_ids(self, datasource: str, *, used: bool | None = None) -> set[str]:
        """Ids of a datasource's segments: all (None), or by used flag."""
        with self.lock:
            return self._segment_ids(datasource, used=used)

    def _segment_ids(self, datasource: str, *, used: bool | None = None) -> set[str]:
        ds = self._datasources.get(datasource)
        if ds is None:
            return set()
        return {i for i, r in ds.records.items() if used is None or r.used == used}

    def used_timeline(self, datasource: str) -> Timeline:
        """The timeline of the datasource's used segments (cached until its used set changes)."""
        with self.lock:
            return self._used_timeline(datasource)

    def _used_timeline(self, datasource: str) -> Timeline:
        ds = self._datasources.get(datasource)
        return ds.used_timeline() if ds is not None else Timeline(())

    def overshadowed_segment_ids(self, datasource: str) -> set[str]:
        """Used segments overshadowed by other used segments (semantics 1.9)."""
        with self.lock:
            return self._overshadowed_segment_ids(datasource)

    def _overshadowed_segment_ids(self, datasource: str) -> set[str]:
        return {s.id for s in self._used_timeline(datasource).overshadowed()}

    # ------------------------------------------------------------------ rules and the served view

    def first_rule(self, datasource: str, interval: Interval, now: int | None = None) -> Any:
        """The first rule of the datasource, then ``_default``, that applies to ``interval`` (or None)."""
        with self.lock:
            return self._first_rule(datasource, interval, now)

    def _first_rule(self, datasource: str, interval: Interval, now: int | None = None) -> Any:
        rules = self.rules.get_with_default(datasource)
        return first_matching_rule(rules, interval, self.now() if now is None else now)

    def served(self, datasource: str) -> dict[str, tuple[DataSegment, tuple[Server, ...]]]:
        """The datasource's loaded segments and their servers, in segment-id order (semantics 10.1).

        The view is cached until the datasource's used segments, its rules, the server layout or (for
        period rules only) the clock change; treat the returned dict as read-only.
        """
        with self.lock:
            return self._served(datasource)

    def _served(self, datasource: str) -> dict[str, tuple[DataSegment, tuple[Server, ...]]]:
        ds = self._datasources.get(datasource)
        if ds is None or not self.layout.servers:
            return {}
        store, layout = self.rules, self.layout
        cached = ds.served_cache
        if cached is not None:
            (cached_store, generation, cached_layout, at), view = cached
            # Plain attribute reads: a warm check calls nothing (the clock only for period rules).
            if (
                cached_store is store
                and generation == store.generation
                and cached_layout is layout
                and (at is None or at == self.clock.now())
            ):
                return view
        rules = tuple(store.get_with_default(datasource))
        now = self.clock.now()
        key = (store, store.generation, layout, now if any(hasattr(rule, "period") for rule in rules) else None)
        shadowed = ds.used_timeline().overshadowed()
        placements: dict[Any, tuple[Server, ...]] = {}
        out: list[tuple[DataSegment, tuple[Server, ...]]] = []
        for r in ds.records.values():
            if not r.used or r.segment in shadowed:
                continue
            rule = first_matching_rule(rules, r.segment.interval, now)
            servers = placements.get(rule)
            if servers is None:
                servers = placements[rule] = self.layout.placement(rule)
            if servers:
                out.append((r.segment, servers))
        out.sort(key=lambda pair: pair[0].segment_id.sort_key())
        view = {seg.id: (seg, servers) for seg, servers in out}
        ds.served_cache = (key, view)
        return view

    def is_served(self, datasource: str) -> bool:
        """At least one segment of the datasource is loaded (Druid's served-inventory existence check)."""
        with self.lock:
            return bool(self._served(datasource))

    def served_datasources(self) -> list[str]:
        """Names of datasources with at least one loaded segment, sorted."""
        with self.lock:
            return self._served_datasources()

    def _served_datasources(self) -> list[str]:
        return [name for name in sorted(self._datasources) if self._served(name)]

    # ------------------------------------------------------------------ marking used

    def mark_used_in_interval(
        self,
        datasource: str,
        interval: Interval | None = None,
        *,
        versions: Sequence[str] | None = None,
        require_served: bool = False,
    ) -> int:
        """Mark unused, non-overshadowed segments contained in ``interval`` (all when None) used (semantics 3.2).

        :param versions: only these versions (profile "latest"); an empty list matches nothing.
        :param require_served: first check that a server serves the datasource (profile "29" markUsed).
        :returns: segments changed.
        :raises DatasourceNotServed: (``require_served`` only) nothing changes.
        :raises TimelineConflict: in conflict mode, when the timeline cannot be built.
        """
        with self.lock:
            if require_served:
                self._require_served(datasource)
            return self._mark_used_in_interval(datasource, interval, versions)

    def _mark_used_in_interval(
        self, datasource: str, interval: Interval | None, versions: Sequence[str] | None
    ) -> int:
        iv = ETERNITY if interval is None else interval
        vs = None if versions is None else set(versions)
        ds = self._datasources.get(datasource)
        if ds is None:
            return 0
        used, candidates = [], []
        for r in ds.records.values():
            if vs is not None and r.segment.version not in vs:
                continue
            if r.used:
                if iv.overlaps(r.segment.interval):
                    used.append(r.segment)
            elif iv.contains(r.segment.interval):
                candidates.append(r)
        if not candidates:
            return 0
        shadowed = Timeline(used + [c.segment for c in candidates]).overshadowed()
        to_mark = [c for c in candidates if c.segment not in shadowed]
        self._set_used(ds, to_mark, True)
        return len(to_mark)

    def mark_used_by_ids(
        self,
        datasource: str,
        segment_ids: Sequence[str | None],
        *,
        parse_ids: bool = False,
        require_served: bool = False,
    ) -> int:
        """Mark the listed unused, non-overshadowed segments used (semantics 3.3).

        :param parse_ids: parse every id for the datasource first and look up the printed form (profile
            "latest"); otherwise compare raw strings (profile "29").
        :param require_served: first check that a server serves the datasource (profile "29").
        :raises DatasourceNotServed: (``require_served`` only) nothing changes.
        :raises JavaNullPointer: (``parse_ids`` only) an id is None; nothing changes.
        :raises UnparseableSegmentIds: (``parse_ids`` only) some id does not parse; nothing changes.
        :raises UnknownSegmentIds: some id names no segment of the datasource; nothing changes.
        """
        with self.lock:
            if require_served:
                self._require_served(datasource)
            return self._mark_used_by_ids(datasource, segment_ids, parse_ids)

    def _mark_used_by_ids(self, datasource: str, segment_ids: Sequence[str | None], parse_ids: bool) -> int:
        if parse_ids:
            texts = _no_nulls(segment_ids)
            ids = list(dict.fromkeys(texts))
            parsed = [try_parse(datasource, i) for i in ids]
            bad = [raw for raw, p in zip(ids, parsed, strict=True) if p is None]
            if bad:
                raise UnparseableSegmentIds(datasource, bad)
            ids = list(dict.fromkeys(str(p) for p in parsed))
        else:
            # A null is looked up as the text "null" (a row that never exists), as Druid's id column does.
            ids = list(dict.fromkeys("null" if i is None else i for i in segment_ids))
        ds = self._datasources.get(datasource)
        rows = {i: ds.records[i] for i in ids if ds is not None and i in ds.records}
        unknown = [i for i in ids if i not in rows]
        if unknown or ds is None:
            raise UnknownSegmentIds(datasource, unknown)
        candidates = [r for r in rows.values() if not r.used]
        if not candidates:
            return 0
        spans = condense(c.segment.interval for c in candidates)
        used = [
            r.segment
            for r in ds.records.values()
            if r.used and any(span.overlaps(r.segment.interval) for span in spans)
        ] if spans else []
        shadowed = Timeline(used + [c.segment for c in candidates]).overshadowed()
        to_mark = [c for c in candidates if c.segment not in shadowed]
        self._set_used(ds, to_mark, True)
        return len(to_mark)

    def mark_segment_used(self, datasource: str | None, segment_id: str) -> bool:
        """Mark one segment used, with no overshadow check (semantics 3.4).

        :param datasource: None compares the raw id with every segment of every datasource (profile "29");
            a name parses the id for it first (profile "latest").
        :returns: True iff a row matched (also when it was already used; its timestamp is reset).
        :raises InvalidSegmentId: the id does not parse for ``datasource``.
        """
        with self.lock:
            key = segment_id if datasource is None else self._parsed_id(datasource, segment_id)
            rec = self._by_id.get(key)
            if rec is None or (datasource is not None and rec.segment.datasource != datasource):
                return False
            self._set_used(self._datasources[rec.segment.datasource], [rec], True)
            return True

    # ------------------------------------------------------------------ marking unused

    def mark_unused_in_interval(
        self,
        datasource: str,
        interval: Interval | None = None,
        *,
        versions: Sequence[str] | None = None,
        require_served: bool = False,
        audit: AuditNote | None = None,
    ) -> int:
        """Mark used segments contained in ``interval`` (all when None) unused (semantics 3.5).

        :param require_served: first check that a server serves the datasource (profile "29" markUnused).
        :param audit: write this ``segment.markUnused`` entry (key: the datasource) once the change is made.
        :returns: segments changed.
        :raises DatasourceNotServed: (``require_served`` only) nothing changes, no entry is written.
        """
        with self.lock:
            if require_served:
                self._require_served(datasource)
            now = self.clock.now()
            n = self._mark_unused_in_interval(datasource, interval, versions, now)
            if audit is not None:
                self._audit(audit, datasource, n, now)
            return n

    def _audit(self, note: AuditNote, key: str, result: Any, now: int) -> None:
        """Write the entry of an action that returned ``result`` (the note's payload may depend on it)."""
        payload = note.payload if isinstance(note.payload, str) else note.payload(result)
        self.audit.append(
            AuditEntry(key, note.type, note.author, note.comment, note.ip, payload, now, request=note.request)
        )

    def _mark_unused_in_interval(
        self, datasource: str, interval: Interval | None, versions: Sequence[str] | None, now: int | None = None
    ) -> int:
        if versions is not None and len(versions) == 0:
            return 0
        ds = self._datasources.get(datasource)
        if ds is None:
            return 0
        # Interval.contains and the version filter inlined: this loop runs once per row (100,000s).
        start, end = (ETERNITY.start, ETERNITY.end) if interval is None else (interval.start, interval.end)
        vs = None if versions is None else set(versions)
        hits = []
        for r in ds.records.values():
            if r.used:
                seg = r.segment
                iv = seg.interval
                if start <= iv.start < end and iv.end <= end and (vs is None or seg.version in vs):
                    hits.append(r)
        self._set_used(ds, hits, False, now)
        return len(hits)

    def mark_all_unused(self, datasource: str, *, audit: AuditNote | None = None) -> int:
        """Mark every used segment of the datasource unused; returns segments changed.

        :param audit: write this ``segment.markUnused`` entry once the change is made.
        """
        return self.mark_unused_in_interval(datasource, None, audit=audit)

    def mark_unused_by_ids(
        self,
        datasource: str,
        segment_ids: Iterable[str | None],
        *,
        require_served: bool = False,
        audit: AuditNote | None = None,
    ) -> int:
        """Mark the listed segments unused (semantics 3.6): unparseable ids are dropped silently.

        :param require_served: first check that a server serves the datasource (profile "29" markUnused).
        :param audit: write this ``segment.markUnused`` entry once the change is made.
        :returns: rows that exist, including those that were already unused (their timestamp is reset).
        :raises DatasourceNotServed: (``require_served`` only) nothing changes.
        :raises JavaNullPointer: an id is None (``SegmentId.tryParse`` dereferences it); nothing changes.
        :raises SegmentIdIndexError: an id equals the datasource name (Druid fails there).
        """
        with self.lock:
            if require_served:
                self._require_served(datasource)
            n = self._mark_unused_by_ids(datasource, _no_nulls(segment_ids))
            if audit is not None:
                self._audit(audit, datasource, n, self.clock.now())
            return n

    def _mark_unused_by_ids(self, datasource: str, segment_ids: Iterable[str]) -> int:
        ids: dict[str, None] = {}
        for text in segment_ids:
            parsed = try_parse(datasource, text)
            if parsed is not None and parsed.datasource == datasource:
                ids[str(parsed)] = None
        ds = self._datasources.get(datasource)
        # Ids without a row are filed too (the segment metadata cache takes any id; see _file_unused); _set_used
        # files those with one.
        self._file_unused(datasource, [i for i in ids if ds is None or i not in ds.records], self.clock.now())
        if ds is None:
            return 0
        hits = [ds.records[i] for i in ids if i in ds.records]
        self._set_used(ds, hits, False)
        return len(hits)

    def mark_segment_unused(self, datasource: str, segment_id: str) -> bool:
        """Mark one segment unused; True iff the row exists (even if it was already unused).

        :raises InvalidSegmentId: the id does not parse for the datasource.
        """
        with self.lock:
            key = self._parsed_id(datasource, segment_id)
            ds = self._datasources.get(datasource)
            rec = ds.records.get(key) if ds is not None else None
            if ds is None or rec is None:
                self._file_unused(datasource, [key], self.clock.now())
                return False
            self._set_used(ds, [rec], False)
            return True

    def _require_served(self, datasource: str) -> None:
        """Druid's served-inventory check: at least one segment of the datasource is loaded.

        :raises DatasourceNotServed: when none is.
        """
        ds = self._datasources.get(datasource)
        if ds is not None and ds.served_cache is None:
            known, store = ds.served_known, self.rules
            if (
                known is not None
                and known[0] is store
                and known[1] == store.generation
                and known[2] is self.layout
                and (known[3] is None or known[3] == self.clock.now())
            ):
                return
            if self._newest_is_served(datasource, ds):
                return
        if not self._served(datasource):
            raise DatasourceNotServed(datasource)

    def _newest_is_served(self, datasource: str, ds: _Datasource) -> bool:
        """A sufficient test for "served" that needs no timeline: True when a used segment of the newest used
        version is placed on a server by its rule.

        Such a segment is never overshadowed: nothing newer exists, and a same-version segment overshadows only
        through a minor version (segment locking), which makes this test give up (so do conflict mode
        ``"druid"``, where the timeline may fail, and a newest version that no rule places).
        """
        if self.conflict_mode != REFUSE or not self.layout.servers:
            return False
        used = [r.segment for r in ds.records.values() if r.used]
        if not used or any(seg.shard_spec.minor_version for seg in used):
            return False
        newest = max({seg.version for seg in used}, key=version_key)
        store, rules, now = self.rules, self.rules.get_with_default(datasource), self.clock.now()
        placements: dict[Any, tuple[Server, ...]] = {}
        for seg in used:
            if seg.version == newest:
                rule = first_matching_rule(rules, seg.interval, now)
                if rule not in placements:
                    placements[rule] = self.layout.placement(rule)
                if placements[rule]:
                    periodic = any(hasattr(r, "period") for r in rules)
                    ds.served_known = (store, store.generation, self.layout, now if periodic else None)
                    return True
        return False

    def _parsed_id(self, datasource: str, segment_id: str) -> str:
        parsed = try_parse(datasource, segment_id)
        if parsed is None:
            raise InvalidSegmentId(f"Could not parse Segment ID[{segment_id}] for DataSource[{datasource}]")
        return str(parsed)

    def _set_used(self, ds: _Datasource, rows: Iterable[SegmentRecord], used: bool, now: int | None = None) -> None:
        """Set the used flag and restart ``used_status_last_updated`` (every mark statement sets it)."""
        if now is None:
            now = self.clock.now()
        flipped = False
        dirty = self._dirty
        rows = rows if isinstance(rows, list) else list(rows)
        for r in rows:
            flipped = flipped or r.used != used
            r.used = used
            r.used_status_last_updated = now
            if dirty is not None:
                dirty.add(r.segment.id)
        if rows and not used:
            self._file_unused(rows[0].segment.datasource, [r.segment.id for r in rows], now)
        if flipped:  # the caches derive from the used set only
            ds.changed()

    # ------------------------------------------------------------------ kill tasks

    def submit_kill(
        self,
        *,
        datasource: str,
        interval: Interval,
        audit: AuditNote | None = None,
        **task: Any,
    ) -> Task:
        """Submit a kill task to the Overlord and, unless tasks are held, run it at once (semantics 10.5).

        Without ``tasks.fail_with`` the run deletes what semantics 8 says and ends ``SUCCESS``; with it the task
        ends ``FAILED`` and deletes nothing.

        :param audit: write this ``segment.kill`` entry (its payload a function of the task id) once the task
            is accepted.
        :param task: the rest of :meth:`TaskStore.create_kill`'s keyword arguments.
        :returns: the task, complete unless held.
        :raises InvalidTask, TaskAlreadyExists: and no task is created.
        """
        with self.lock:
            created = self._submit_kill(datasource=datasource, interval=interval, **task)
            if audit is not None:
                self._audit(audit, datasource, created.id, self.clock.now())
            return created

    def _submit_kill(self, **task: Any) -> Task:
        created = self.tasks.create_kill(now=self.clock.now(), **task)
        if not self.tasks.hold:
            self._run_task(created)
        return created

    def release_tasks(self, task_id: str | None = None) -> list[Task]:
        """Run held tasks now (all, or the one named), oldest first; returns them.

        :raises UnknownTask: ``task_id`` names no task.
        """
        with self.lock:
            todo = self.tasks.releasable(task_id)
            for task in todo:
                self._run_task(task)
            return todo

    def shutdown_task(self, task_id: str) -> Task:
        """``TaskQueue.shutdown`` (see :meth:`TaskStore.shutdown`).

        :raises UnknownTask: ``task_id`` names no task.
        """
        with self.lock:
            return self.tasks.shutdown(task_id)

    def shutdown_datasource_tasks(self, datasource: str) -> list[Task]:
        """``OverlordResource.shutdownTasksForDataSource``: shut every active task of the datasource down, as
        :meth:`shutdown_task` does; returns them (empty when none was active, and nothing changed)."""
        with self.lock:
            active = self.tasks.list(self.clock.now(), state="running", datasource=datasource)
            for task in active:
                self.tasks.shutdown(task.id)
            return active

    def task(self, task_id: str) -> Task | None:
        """The task with this id, or None."""
        with self.lock:
            return self.tasks.get(task_id)

    def list_tasks(self, **query: Any) -> list[Task]:
        """Tasks as ``GET /druid/indexer/v1/tasks`` lists them (:meth:`TaskStore.list`, now from the clock)."""
        with self.lock:
            return self.tasks.list(self.clock.now(), **query)

    def submit_ingestion(
        self,
        *,
        task_type: str,
        datasource: str,
        payload: dict[str, Any],
        job: IngestionJob,
        task_id: str | None = None,
        java_class: str | None = None,
        group_id: str | None = None,
    ) -> Task:
        """Submit an ingestion task (``index``, ``index_parallel`` or an MSQ ``query_controller``) and, unless tasks
        are held, run it at once: it publishes what :func:`fakedruid.model.ingestion.run_job` plans, or fails
        publishing nothing (with ``tasks.fail_with``, or when the plan fails).

        :returns: the task, complete unless held.
        :raises InvalidTask, TaskAlreadyExists: and no task is created.
        """
        with self.lock:
            created = self.tasks.create_ingestion(
                now=self.clock.now(), task_type=task_type, datasource=datasource, payload=payload, job=job,
                task_id=task_id, java_class=java_class, group_id=group_id,
            )
            if not self.tasks.hold:
                self._run_task(created)
            return created

    def _run_ingestion(self, task: Task) -> None:
        """Run an ingestion task's job against the datasource as it is now and publish its segments."""
        now = self.clock.now()
        if task.planned_error is not None:
            task.finish_ingestion(task.planned_error, None, (), now)
            return
        ds = self._datasources.get(task.datasource)
        records = list(ds.records.values()) if ds is not None else []
        used = [r.segment for r in records if r.used]
        plan, report = run_job(task.job, task.id, used, [r.segment for r in records], now)
        if task.job.lock_version is not None:
            self.tasks.note_lock_version(task.job.lock_version)
        error = plan.error
        if error is None:
            try:
                self._add_rows([(seg, True, None, _UNSET) for seg in plan.published])
            except FakeDruidError as exc:  # cannot happen with Druid's ever-moving clock; say why
                error = f"Failed to publish segments: {exc.message}"
        if error is None:
            for interval in plan.drop_intervals:  # MSQ REPLACE with nothing to publish: MarkSegmentsAsUnusedAction
                self._mark_unused_in_interval(task.datasource, interval, None, now)
        published = () if error is not None else tuple(s.id for s in plan.published)
        task.finish_ingestion(error, report, published, now, no_report=plan.no_report,
                              ready_failure=plan.ready_failure)

    def _run_task(self, task: Task) -> None:
        """Finish a task: fail it as planned, or run the kill (or the ingestion) and record the report."""
        if task.type != KILL:
            self._run_ingestion(task)
            return
        result = None
        now = self.clock.now()
        if task.planned_error is None:
            result = self._kill_unused_segments(
                task.datasource, task.interval, lock_version=self.tasks.kill_lock_version(now), **task.kill_args
            )
        task.finish(result, now)

    def kill_unused_segments(
        self,
        datasource: str,
        interval: Interval,
        *,
        versions: Sequence[str] | None = None,
        limit: int | None = None,
        batch_size: int = 100,
        max_used_status_last_updated: int | None = None,
        mark_as_unused: bool = False,
        count_killable_only: bool = False,
        lock_version: str | None = None,
    ) -> KillResult:
        """Delete unused segments fully inside ``interval``; used segments are never touched (semantics 8).

        :param count_killable_only: profile "latest" batching (8.3): stop at an empty batch and count only
            segments whose files could be deleted; otherwise the profile "29" loop (8.2).
        :param lock_version: the kill task's lock version: a batch holding a segment whose version sorts after it
            stops the run there (``TaskLocks.isLockCoversSegments``), the batches before it being killed
            (``KillResult.uncovered``); None checks nothing.
        """
        with self.lock:
            return self._kill_unused_segments(
                datasource,
                interval,
                versions=versions,
                limit=limit,
                batch_size=batch_size,
                max_used_status_last_updated=max_used_status_last_updated,
                mark_as_unused=mark_as_unused,
                count_killable_only=count_killable_only,
                lock_version=lock_version,
            )

    def _kill_unused_segments(
        self,
        datasource: str,
        interval: Interval,
        *,
        versions: Sequence[str] | None = None,
        limit: int | None = None,
        batch_size: int = 100,
        max_used_status_last_updated: int | None = None,
        mark_as_unused: bool = False,
        count_killable_only: bool = False,
        lock_version: str | None = None,
    ) -> KillResult:
        marked = self._mark_unused_in_interval(datasource, interval, None) if mark_as_unused else 0
        ds = self._datasources.get(datasource)
        if ds is None:
            return KillResult(0, 1 if not count_killable_only else 0, marked, (), lock_version)
        vs = None if versions is None else set(versions)
        used_load_specs = [
            r.segment.load_spec
            for r in ds.records.values()
            if r.used and r.segment.load_spec is not None and interval.overlaps(r.segment.interval)
        ]
        eligible = sorted(
            (
                r
                for r in ds.records.values()
                if not r.used
                and interval.contains(r.segment.interval)
                and (vs is None or r.segment.version in vs)
                and (
                    max_used_status_last_updated is None
                    or (r.used_status_last_updated is not None
                        and r.used_status_last_updated <= max_used_status_last_updated)
                )
            ),
            key=lambda r: r.segment.id,
        )
        total_batches = -(-limit // batch_size) if limit else None
        killed = batches = 0
        deleted: list[str] = []
        uncovered: tuple[DataSegment, ...] = ()
        pos = 0
        while True:
            n = min(limit - killed, batch_size) if limit else batch_size
            if n <= 0:
                break
            batch = eligible[pos : pos + n]
            pos += len(batch)
            if lock_version is not None:
                # KillUnusedSegmentsTask checks each batch before nuking it: the lock's version must sort at or
                # after every segment's (String.compareTo; Python compares code points, the same order for the
                # BMP, and Druid versions are ASCII).
                late = [r.segment for r in batch if r.segment.version > lock_version]
                if late:
                    uncovered = tuple(r.segment for r in batch)
                    break
            if count_killable_only:
                if not batch:
                    break
                killable = [
                    r for r in batch if r.segment.load_spec is None or r.segment.load_spec not in used_load_specs
                ]
                if not killable:
                    break
                deleted.extend(r.segment.id for r in batch)
                killed += len(killable)
                batches += 1
            else:
                deleted.extend(r.segment.id for r in batch)
                batches += 1
                killed += len(batch)
                if not batch:
                    break
            if total_batches is not None and batches >= total_batches:
                break
        self._forget_unused(datasource, deleted)
        for sid in deleted:
            del ds.records[sid]
            rec = self._by_id.pop(sid)
            if self._dirty is not None:
                self._dirty.add(sid)
            vi = ds.versions.get(rec.segment.version)
            if vi is not None:
                vi.remove(rec.segment.interval)
        if not ds.records:
            del self._datasources[datasource]
        return KillResult(killed, batches, marked, tuple(deleted), lock_version, uncovered)

    # ------------------------------------------------------------------ state documents

    def export_segments(self) -> list[dict[str, Any]]:
        """Every row as DataSegment JSON plus ``used``, ``createdDate`` and ``usedStatusLastUpdatedDate``."""
        with self.lock:
            return self._export_segments()

    def _export_segments(self) -> list[dict[str, Any]]:
        out = []
        for name in sorted(self._datasources):
            for r in self._records(name):
                obj = data_segment_to_json(r.segment, projections=True)
                if r.segment.num_rows is not None:
                    obj["numRows"] = r.segment.num_rows
                obj["used"] = r.used
                obj["createdDate"] = format_instant(r.created_date)
                obj["usedStatusLastUpdatedDate"] = (
                    None if r.used_status_last_updated is None else format_instant(r.used_status_last_updated)
                )
                out.append(obj)
        return out

    def replace_segments(self, segments: Iterable[dict[str, Any]]) -> None:
        """Replace every row with those of a state document (all or nothing)."""
        rows = [_row_from_json(obj, True) for obj in segments]
        with self.lock:
            self._replace_rows(rows)

    def _replace_rows(self, rows: Sequence[tuple[DataSegment, bool, Any, Any]]) -> None:
        saved = (self._datasources, self._by_id)
        self._datasources, self._by_id = {}, {}
        try:
            self._add_rows(rows)
        except Exception:
            self._datasources, self._by_id = saved
            raise
        self._dirty = None

    # ------------------------------------------------------------------ the state file

    def _row_json(self, r: SegmentRecord) -> dict[str, Any]:
        obj = data_segment_to_json(r.segment, projections=True)
        if r.segment.num_rows is not None:
            obj["numRows"] = r.segment.num_rows
        obj["used"] = r.used
        obj["createdDate"] = format_instant(r.created_date)
        obj["usedStatusLastUpdatedDate"] = (
            None if r.used_status_last_updated is None else format_instant(r.used_status_last_updated)
        )
        return obj

    def _persistent_rest(self) -> dict[str, Any]:
        clock = self.clock
        return {
            "rules": self.rules.to_state(),
            "audit": [e.to_state() for e in self.audit],
            "tasks": self.tasks.to_state(),
            "duty_config": self.duty_config.to_json(),
            "clock": clock.now() if isinstance(clock, FrozenClock) else None,
            "security": None if self.security is None else self.security._to_state(),
        }

    def persistent_rest(self) -> dict[str, Any]:
        """Everything but the rows, as the state file keeps it (see :meth:`take_persistent_changes`)."""
        with self.lock:
            return self._persistent_rest()

    def persistent_snapshot(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Every row by id (state-document JSON) and the rest of the state, read together; starts change
        tracking afresh (see :meth:`take_persistent_changes`)."""
        with self.lock:
            self._dirty = set()
            return {sid: self._row_json(r) for sid, r in self._by_id.items()}, self._persistent_rest()

    def take_persistent_changes(self) -> tuple[dict[str, Any] | None, list[str], dict[str, Any]]:
        """What changed since the last call (or snapshot), read together with the rest of the state.

        :returns: the changed rows by id (None: every row, as after a reset or a replaced state), the ids of
            deleted rows, and the rest (rules and their history, audit, tasks, kill settings, frozen clock,
            security).
        """
        with self.lock:
            dirty, self._dirty = self._dirty, set()
            if dirty is None:
                rows: dict[str, Any] | None = {sid: self._row_json(r) for sid, r in self._by_id.items()}
                deleted: list[str] = []
            else:
                rows = {sid: self._row_json(self._by_id[sid]) for sid in sorted(dirty) if sid in self._by_id}
                deleted = sorted(sid for sid in dirty if sid not in self._by_id)
            return rows, deleted, self._persistent_rest()

    def load_persistent(
        self,
        rows: Iterable[dict[str, Any]],
        *,
        rules: RuleStore | None,
        audit: Sequence[AuditEntry],
        tasks: Mapping[str, Any] | None,
        duty_config: Mapping[str, Any] | None,
        clock_ms: int | None,
        security: Any,
    ) -> None:
        """Replace the whole state with what a state file holds, all or nothing (checked parts in, see
        :mod:`fakedruid.persistence`).

        :raises FakeDruidError: a row, the task state, the kill settings or the security state is invalid.
        """
        parsed = [_row_from_json(obj, True) for obj in rows]
        scratch_tasks = TaskStore()
        if tasks is not None:
            scratch_tasks.load_state(tasks)
        scratch_duties = DutyConfig()
        if duty_config is not None:
            scratch_duties.update_from_json(dict(duty_config))
        with self.lock:
            saved_security = None if self.security is None else self.security._to_state()
            if self.security is not None and security is not None:
                self.security._load_state(security)
            try:
                self._replace_rows(parsed)
            except Exception:
                if self.security is not None and saved_security is not None:
                    self.security._load_state(saved_security)
                raise
            if rules is not None:
                self.rules = rules
            self.audit = AuditLog(audit)
            scratch_tasks.random = self.tasks.random
            self.tasks = scratch_tasks
            self.duty_config = scratch_duties
            if clock_ms is not None:
                self._set_clock(FrozenClock(clock_ms))
            self._dirty = None

    def replace_state(self, segments: Iterable[dict[str, Any]], rules: RuleStore) -> None:
        """Replace every row and the rule store (a state document), all or nothing.

        :raises InvalidSegment, DuplicateSegment, SegmentConflict: nothing changes.
        """
        rows = [_row_from_json(obj, True) for obj in segments]
        with self.lock:
            self._replace_rows(rows)
            self.rules = rules

    def export_state(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The rows (as :meth:`export_segments`) and the rule store's state, read together."""
        with self.lock:
            return self._export_segments(), self.rules.to_state()

    # ------------------------------------------------------------------ settings and rules

    def configure(
        self,
        *,
        now: Clock | None = None,
        layout: ServerLayout | None = None,
        segments: Sequence[dict[str, Any]] = (),
        rules: Mapping[str, Sequence[RuleEntry]] | None = None,
    ) -> None:
        """Set the clock and layout, seed segments, then set rule lists (with audit entries), all or nothing.

        :raises InvalidSegment, DuplicateSegment, SegmentConflict: a segment is bad; nothing changes.
        """
        rows = []
        for index, obj in enumerate(segments):
            try:
                rows.append(_row_from_json(obj, True))
            except InvalidSegment as exc:
                raise InvalidSegment(f"segment [{index}]: {exc.message}") from exc
        with self.lock:
            saved = (self.clock, self.started_at, self.layout)
            if now is not None:
                self._set_clock(now)
            if layout is not None:
                self.layout = layout
            try:
                self._add_rows(rows)
            except FakeDruidError:
                self.clock, self.started_at, self.layout = saved
                raise
            for datasource, parsed in (rules or {}).items():
                self.rules.set_rules(datasource, list(parsed), now=self.clock.now())

    def restore_settings(self, *, clock: Clock, layout: ServerLayout, conflict_mode: str) -> None:
        """Put back the clock, layout and conflict mode (the per-test settings)."""
        with self.lock:
            self._set_clock(clock)
            self.layout = layout
            self.conflict_mode = conflict_mode

    def set_layout(self, layout: ServerLayout) -> None:
        """Replace the virtual historicals."""
        with self.lock:
            self.layout = layout

    def default_rules_key(self) -> str:
        """The key of the cluster-wide rules (``_default``)."""
        return self.rules.default_key

    def set_rules(
        self,
        datasource: str,
        rules: Sequence[RuleEntry],
        *,
        author: str = "",
        comment: str = "",
        ip: str = "",
    ) -> None:
        """``POST /rules/{datasource}``: replace the datasource's rules and write the audit entry.

        :raises InvalidRule: (``kind`` ``empty_default``) nothing changes.
        """
        with self.lock:
            self.rules.set_rules(
                datasource, list(rules), author=author, comment=comment, ip=ip, now=self.clock.now()
            )

    def all_rules(self) -> dict[str, list[RuleEntry]]:
        """Every key that has rules, ``_default`` first, then datasources by name."""
        with self.lock:
            return self.rules.all_rules()

    def datasource_rules(self, datasource: str, *, with_default: bool = False) -> list[RuleEntry]:
        """The datasource's own rules (``[]`` when none); ``with_default`` appends the cluster defaults."""
        with self.lock:
            return self.rules.get_with_default(datasource) if with_default else self.rules.get(datasource)

    def rule_history(
        self, datasource: str | None, *, interval: Interval | None = None, count: int | None = None
    ) -> list[AuditEntry]:
        """Rule audit entries (``RuleStore.history``), with "now" from the clock.

        :raises InvalidRule: for a ``count`` below one.
        """
        with self.lock:
            return self.rules.history(datasource, interval=interval, count=count, now=self.clock.now())

    def audit_entries(self, type: str | None = None, key: str | None = None) -> list[AuditEntry]:
        """The segment audit entries, oldest first; optionally only one type or one key."""
        with self.lock:
            return self.audit.entries(type=type, key=key)

    # ------------------------------------------------------------------ duty settings and task switches

    def kill_config(self) -> dict[str, Any]:
        """The duty settings under Druid's property names (:meth:`DutyConfig.to_json`)."""
        with self.lock:
            return self.duty_config.to_json()

    def set_kill_config(self, obj: Any) -> dict[str, Any]:
        """Change the duty settings named in ``obj``, all or nothing; returns the new settings.

        :raises InvalidConfig: naming the first bad or unknown field.
        """
        with self.lock:
            self.duty_config.update_from_json(obj)
            return self.duty_config.to_json()

    def task_mode(self) -> tuple[bool, str | None]:
        """Whether new tasks are held, and the error they fail with (None: they succeed)."""
        with self.lock:
            return self.tasks.hold, self.tasks.fail_with

    def set_task_mode(
        self, *, hold: bool | None = None, fail_with: str | None = None, set_fail_with: bool = False
    ) -> tuple[bool, str | None]:
        """Change ``hold`` (when not None) and ``fail_with`` (when ``set_fail_with``); returns the new mode."""
        with self.lock:
            if hold is not None:
                self.tasks.hold = hold
            if set_fail_with:
                self.tasks.fail_with = fail_with
            return self.tasks.hold, self.tasks.fail_with

    # ------------------------------------------------------------------ composite reads

    def read(self, query: Callable[[ClusterReader], _T]) -> _T:
        """Run a read-only ``query`` on a consistent state: the lock is held for the whole query.

        The query gets a :class:`ClusterReader` (the unlocked reads); it must not call the cluster itself.
        For reads that need several lookups together (load status, ``?full`` inventories).
        """
        with self.lock:
            return query(self._reader)


_UNSET: Any = object()
_SEGMENT_EXTRAS = {
    "load_spec",
    "dimensions",
    "metrics",
    "projections",
    "last_compaction_state",
    "binary_version",
    "num_rows",
}


def _parse_segment_interval(text: str) -> Interval:
    try:
        return parse_interval(text)
    except ValueError as exc:
        raise InvalidSegment(f"Bad segment interval: {exc}") from exc


def _instant(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise InvalidSegment(f"[{field}] must be an ISO-8601 date-time or milliseconds, got [{value!r}]")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return parse_instant(value)
        except ValueError as exc:
            raise InvalidSegment(f"[{field}] is not a date-time: {exc}") from exc
    raise InvalidSegment(f"[{field}] must be an ISO-8601 date-time or milliseconds, got [{value!r}]")


def _row_from_json(obj: Any, default_used: bool) -> tuple[DataSegment, bool, Any, Any]:
    segment = data_segment_from_json(obj)
    used = obj.get("used", default_used)
    if not isinstance(used, bool):
        raise InvalidSegment(f"[used] must be true or false, got [{used!r}]")
    created = obj.get("createdDate")
    updated = obj.get("usedStatusLastUpdatedDate", _UNSET)
    return segment, used, created, updated


def _no_nulls(ids: Iterable[str | None]) -> list[str]:
    """Ids about to be parsed: ``SegmentId.tryParse`` dereferences a null element."""
    out = list(ids)
    if any(i is None for i in out):
        raise JavaNullPointer()
    return [i for i in out if i is not None]


class ClusterReader:
    """The cluster's reads without the lock, for :meth:`Cluster.read` queries (which hold it)."""

    __slots__ = ("_cluster",)

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    @property
    def layout(self) -> ServerLayout:
        """The virtual historicals."""
        return self._cluster.layout

    def now(self) -> int:
        """The fake clock's current time, UTC ms."""
        return self._cluster.clock.now()

    def datasource_names(self, *, include_unused: bool = True, keep_emptied: bool = False) -> list[str]:
        """As :meth:`Cluster.datasource_names`."""
        return self._cluster._datasource_names(include_unused=include_unused, keep_emptied=keep_emptied)

    def emptied(self, datasource: str) -> bool:
        """The datasource has no used row, and a mark-unused call wrote one of its ids (a row or not) in the last
        UNUSED_SYNC_BUFFER_MS: Druid 37.0.0's metadata view shows it, with no segments, that long."""
        return self._cluster._emptied(datasource)

    def records(self, datasource: str, *, used: bool | None = None) -> list[SegmentRecord]:
        """As :meth:`Cluster.records`."""
        return self._cluster._records(datasource, used=used)

    def record(self, segment_id: str, *, datasource: str | None = None) -> SegmentRecord | None:
        """As :meth:`Cluster.record`."""
        return self._cluster._record(segment_id, datasource=datasource)

    def used_timeline(self, datasource: str) -> Timeline:
        """As :meth:`Cluster.used_timeline`."""
        return self._cluster._used_timeline(datasource)

    def overshadowed_segment_ids(self, datasource: str) -> set[str]:
        """As :meth:`Cluster.overshadowed_segment_ids`."""
        return self._cluster._overshadowed_segment_ids(datasource)

    def first_rule(self, datasource: str, interval: Interval, now: int | None = None) -> Any:
        """As :meth:`Cluster.first_rule`."""
        return self._cluster._first_rule(datasource, interval, now)

    def served(self, datasource: str) -> dict[str, tuple[DataSegment, tuple[Server, ...]]]:
        """As :meth:`Cluster.served`."""
        return self._cluster._served(datasource)

    def served_datasources(self) -> list[str]:
        """As :meth:`Cluster.served_datasources`."""
        return self._cluster._served_datasources()

    def segment_ids(self, datasource: str, *, used: bool | None = None) -> set[str]:
        """As :meth:`Cluster.segment_ids`."""
        return self._cluster._segment_ids(datasource, used=used)

    def all_rules(self) -> dict[str, list[RuleEntry]]:
        """As :meth:`Cluster.all_rules`."""
        return self._cluster.rules.all_rules()

    def rule_audit_entries(self) -> list[AuditEntry]:
        """Every rule audit entry, oldest first."""
        return self._cluster.rules.audit_entries()

    def audit_entries(self, type: str | None = None, key: str | None = None) -> list[AuditEntry]:
        """As :meth:`Cluster.audit_entries`."""
        return self._cluster.audit.entries(type=type, key=key)

    def list_tasks(self, **query: Any) -> list[Task]:
        """As :meth:`Cluster.list_tasks`."""
        return self._cluster.tasks.list(self._cluster.clock.now(), **query)
