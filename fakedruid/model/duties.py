"""The Coordinator duties that change segment state, and their settings (semantics.md sections 7 and 10.1 to 10.5).

Layer: model; imports only the stdlib, ``fakedruid.errors`` and the rest of ``fakedruid.model`` (never Flask).
:func:`run_duties` is one Coordinator cycle: RunRules, MarkOvershadowedSegmentsAsUnused,
MarkEternityTombstonesAsUnused and, when enabled and due, KillUnusedSegments, in Druid's order
(``DruidCoordinator.java`` ~master). The first three work on one snapshot taken when the cycle starts, as
Druid's duties share one ``DataSourcesSnapshot`` and one server inventory per run; the kill duty queries the
metadata store directly (``SqlSegmentsMetadataQuery.retrieveUnusedSegmentIntervals``), so it sees the marks
made earlier in the cycle. :func:`run_duties` takes the cluster's lock once and works on the cluster's unlocked
helpers; the dependency goes one way: duties, then the cluster, then the tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fakedruid.errors import FakeDruidError
from fakedruid.model.cluster import Cluster
from fakedruid.model.duty_config import DutyConfig
from fakedruid.model.intervals import (
    ETERNITY,
    MAX_INSTANT,
    MIN_INSTANT,
    Interval,
    add_period,
    format_instant,
)
from fakedruid.model.rules import LOAD_RULES, RuleNullPointer, applies
from fakedruid.model.segments import DataSegment
from fakedruid.model.timeline import Timeline

__all__ = ["KILL_TASK_ID_PREFIX", "DutyConfig", "DutyOutcome", "DutyReport", "run_duties"]

#: ``KillUnusedSegments.TASK_ID_PREFIX``: the id prefix of automatic kill tasks.
KILL_TASK_ID_PREFIX = "coordinator-issued"

# ---------------------------------------------------------------------- the report


@dataclass(slots=True)
class DutyOutcome:
    """What one duty did in a cycle.

    :ivar ran: the duty did its work (false when it was skipped; ``reason`` says why).
    :ivar marked_unused: ids marked unused, per datasource.
    :ivar task_ids: kill tasks submitted (KillUnusedSegments only).
    :ivar errors: kill task submissions that failed (Druid logs them and goes on).
    """

    ran: bool = True
    reason: str | None = None
    marked_unused: dict[str, list[str]] = field(default_factory=dict)
    task_ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DutyReport:
    """What one Coordinator cycle did (:func:`run_duties`).

    :ivar now: the cycle's "now" (UTC ms).
    :ivar no_matching_rule: per datasource, used segments no rule applied to (Druid only raises an alert).
    """

    now: int
    run_rules: DutyOutcome = field(default_factory=DutyOutcome)
    mark_overshadowed: DutyOutcome = field(default_factory=DutyOutcome)
    mark_eternity_tombstones: DutyOutcome = field(default_factory=DutyOutcome)
    kill_unused: DutyOutcome = field(default_factory=DutyOutcome)
    no_matching_rule: dict[str, list[str]] = field(default_factory=dict)

    @property
    def marked_unused(self) -> set[str]:
        """Every id any duty marked unused in this cycle."""
        out: set[str] = set()
        for outcome in (self.run_rules, self.mark_overshadowed, self.mark_eternity_tombstones):
            for ids in outcome.marked_unused.values():
                out.update(ids)
        return out

    @property
    def kill_task_ids(self) -> list[str]:
        """The kill tasks KillUnusedSegments submitted."""
        return list(self.kill_unused.task_ids)

    def to_json(self) -> dict[str, Any]:
        """The report as the admin API returns it (duties in the order they ran)."""

        def marks(outcome: DutyOutcome) -> dict[str, Any]:
            return {"ran": outcome.ran, "reason": outcome.reason, "markedUnused": _sorted_map(outcome.marked_unused)}

        rules = marks(self.run_rules)
        rules["noMatchingRule"] = _sorted_map(self.no_matching_rule)
        return {
            "now": format_instant(self.now),
            "runRules": rules,
            "markOvershadowedSegmentsAsUnused": marks(self.mark_overshadowed),
            "markEternityTombstonesAsUnused": marks(self.mark_eternity_tombstones),
            "killUnusedSegments": {
                "ran": self.kill_unused.ran,
                "reason": self.kill_unused.reason,
                "taskIds": list(self.kill_unused.task_ids),
                "errors": list(self.kill_unused.errors),
            },
        }


def _sorted_map(by_datasource: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    return {ds: list(by_datasource[ds]) for ds in sorted(by_datasource)}


# ---------------------------------------------------------------------- the cycle


@dataclass(slots=True)
class _Snapshot:
    """What Druid's duties share within one run: the used segments per datasource (the polled view), their
    overshadowed set (semantics 1.9), and what the data servers serve (semantics 10.1)."""

    timelines: dict[str, Timeline]
    used: dict[str, list[DataSegment]]
    overshadowed: dict[str, set[DataSegment]]
    served: dict[str, list[DataSegment]]

    @classmethod
    def take(cls, cluster: Cluster) -> _Snapshot:
        timelines, used, overshadowed, served = {}, {}, {}, {}
        for ds in cluster._datasource_names(include_unused=False):
            timeline = cluster._used_timeline(ds)
            timelines[ds] = timeline
            used[ds] = [r.segment for r in cluster._records(ds, used=True)]
            overshadowed[ds] = timeline.overshadowed()
            served[ds] = [segment for segment, _servers in cluster._served(ds).values()]
        return cls(timelines, used, overshadowed, served)


def run_duties(cluster: Cluster, *, count_killable_only: bool) -> DutyReport:
    """Run one Coordinator cycle now (semantics 10.2), holding the cluster's lock for the whole cycle.

    :param count_killable_only: kill tasks use the profile "latest" loop (semantics 8.3).
    :returns: what each duty did.
    :raises TimelineConflict: in conflict mode ``"druid"``, when a timeline cannot be built.
    """
    with cluster.lock:
        return _run_duties(cluster, count_killable_only)


def _run_duties(cluster: Cluster, count_killable_only: bool) -> DutyReport:
    # The duties are the cluster's own cycle: they use its unlocked helpers (``_name``), the lock being held.
    now = cluster.clock.now()
    report = DutyReport(now=now)
    snapshot = _Snapshot.take(cluster)
    try:
        zero_replica = _run_rules(cluster, snapshot, now, report)
    except _DutyFailed as exc:
        # A duty that throws ends its group's run: DutiesRunnable.run catches the exception, logs the alert
        # "Caught exception, ignoring so that schedule keeps going." and the later duties of the group
        # (historical management: MarkOvershadowedSegmentsAsUnused, MarkEternityTombstonesAsUnused) do not run
        # this cycle (DruidCoordinator$DutiesRunnable in 28.0.0 and 37.0.0, javap). RunRules marks its drops
        # after its loop, so none is made; KillUnusedSegments belongs to another group and runs.
        report.run_rules = DutyOutcome(ran=False, reason=str(exc))
        report.no_matching_rule.clear()
        skipped = f"the duty group's run stopped: RunRules failed ({exc})"
        report.mark_overshadowed = DutyOutcome(ran=False, reason=skipped)
        report.mark_eternity_tombstones = DutyOutcome(ran=False, reason=skipped)
    else:
        _mark_overshadowed_segments_as_unused(cluster, snapshot, zero_replica, now, report)
        _mark_eternity_tombstones_as_unused(cluster, snapshot, report)
    _kill_unused_segments(cluster, now, count_killable_only, report)
    return report


class _DutyFailed(Exception):
    """A duty threw (its text is the Java exception's ``toString()``)."""


def _mark_unused(cluster: Cluster, outcome: DutyOutcome, by_datasource: Mapping[str, list[DataSegment]]) -> None:
    """Mark the segments unused, one batch per datasource (``markSegmentsAsUnused``, semantics 3.6)."""
    for ds in sorted(by_datasource):
        segments = sorted(by_datasource[ds], key=lambda s: s.segment_id.sort_key())
        if not segments:
            continue
        ids = [s.id for s in segments]
        cluster._mark_unused_by_ids(ds, ids)
        outcome.marked_unused[ds] = ids


def _run_rules(cluster: Cluster, snapshot: _Snapshot, now: int, report: DutyReport) -> dict[str, list[DataSegment]]:
    """RunRules (semantics 7.1): drop-rule segments are marked unused after the loop; returns the segments whose
    first matching rule is a load rule with zero replicas, per datasource, for MarkOvershadowedSegmentsAsUnused.

    :raises _DutyFailed: a segment's rules reach a null entry, or an interval rule stored without its interval,
        before a rule that applies (Druid's ``appliesTo`` raises a NullPointerException,
        :func:`fakedruid.model.rules.applies`); with no data servers no rule runs, so nothing fails.
    """
    outcome = report.run_rules
    zero_replica: dict[str, list[DataSegment]] = {}
    if not cluster.layout.servers:
        # RunRules: "I have no servers. Not assigning anything" - no rule runs, drop rules do nothing.
        outcome.ran, outcome.reason = False, "no data servers"
        return zero_replica
    to_drop: dict[str, list[DataSegment]] = {}
    for ds, segments in snapshot.used.items():
        rules = cluster.rules.get_with_default(ds)
        shadowed = snapshot.overshadowed[ds]
        for segment in segments:
            if segment in shadowed:
                continue  # left to MarkOvershadowedSegmentsAsUnused
            for rule in rules:
                try:
                    applied = applies(rule, segment.interval, now)
                except RuleNullPointer as exc:
                    raise _DutyFailed(str(exc)) from exc
                if not applied or rule is None:  # (never None here: applies() raised for a null entry)
                    continue
                if rule.is_drop:
                    to_drop.setdefault(ds, []).append(segment)
                elif isinstance(rule, LOAD_RULES) and rule.total_replicas == 0:
                    zero_replica.setdefault(ds, []).append(segment)
                break
            else:
                # Druid raises the alert "No matching retention rule for [n] segments in datasource[ds]".
                report.no_matching_rule.setdefault(ds, []).append(segment.id)
    _mark_unused(cluster, outcome, to_drop)
    return zero_replica


def _mark_overshadowed_segments_as_unused(
    cluster: Cluster,
    snapshot: _Snapshot,
    zero_replica: Mapping[str, list[DataSegment]],
    now: int,
    report: DutyReport,
) -> None:
    """MarkOvershadowedSegmentsAsUnused (semantics 7.2): only segments overshadowed by served or zero-replica
    segments, and only once ``millisToWaitBeforeDeleting`` has passed since the Coordinator started."""
    outcome = report.mark_overshadowed
    wait_until = cluster.started_at + cluster.duty_config.millis_to_wait_before_deleting
    if now < wait_until:
        outcome.ran = False
        outcome.reason = f"waiting for millisToWaitBeforeDeleting until {format_instant(wait_until)}"
        return
    to_mark: dict[str, list[DataSegment]] = {}
    for ds, candidates in snapshot.overshadowed.items():
        if not candidates:
            continue
        # Segments served by historicals (and brokers), plus the zero-replica ones; not the overshadowed set.
        loaded = snapshot.served.get(ds, []) + zero_replica.get(ds, [])
        if not loaded:
            continue
        timeline = Timeline(loaded)
        hits = [s for s in candidates if timeline.is_overshadowed(s)]
        if hits:
            to_mark[ds] = hits
    _mark_unused(cluster, outcome, to_mark)


def _is_eternity_tombstone(segment: DataSegment) -> bool:
    # MarkEternityTombstonesAsUnused.isNewGenerationEternityTombstone: 0 core partitions, and a start at
    # DateTimes.MIN or an end at DateTimes.MAX.
    return (
        segment.is_tombstone
        and segment.shard_spec.num_core_partitions == 0
        and (segment.interval.start == MIN_INSTANT or segment.interval.end == MAX_INSTANT)
    )


def _mark_eternity_tombstones_as_unused(cluster: Cluster, snapshot: _Snapshot, report: DutyReport) -> None:
    """MarkEternityTombstonesAsUnused (semantics 7.3): visible eternity tombstones that overlap no overshadowed
    used segment of their datasource."""
    already = report.marked_unused
    to_mark: dict[str, list[DataSegment]] = {}
    for ds, timeline in snapshot.timelines.items():
        shadowed = snapshot.overshadowed[ds]
        for segment in timeline.visible_in(ETERNITY):
            if segment.id in already or not _is_eternity_tombstone(segment):
                continue
            if not any(segment.interval.overlaps(s.interval) for s in shadowed):
                to_mark.setdefault(ds, []).append(segment)
    _mark_unused(cluster, report.mark_eternity_tombstones, to_mark)


def _kill_unused_segments(cluster: Cluster, now: int, count_killable_only: bool, report: DutyReport) -> None:
    """KillUnusedSegments (semantics 7.4, ``KillUnusedSegments.java`` @ ``dbe3b922``)."""
    config = cluster.duty_config
    outcome = report.kill_unused
    if not config.kill_on:
        outcome.ran, outcome.reason = False, "druid.coordinator.kill.on is false"
        return
    if config.last_kill_time is not None:
        due = add_period(config.last_kill_time, config.kill_period)
        if now < due:
            outcome.ran, outcome.reason = False, f"not due until {format_instant(due)} (kill.period)"
            return
    capacity = int(config.worker_capacity * min(config.kill_task_slot_ratio, 1.0))
    if config.max_kill_task_slots is not None:
        capacity = min(capacity, config.max_kill_task_slots)
    active = sum(
        1
        for task in cluster.tasks.list(now, state="running", task_type="kill")
        if task.id.startswith(KILL_TASK_ID_PREFIX)
    )
    available = max(0, capacity - active)
    datasources = list(config.kill_datasource_whitelist)
    if available > 0:
        if not datasources:
            datasources = cluster._datasource_names(include_unused=True)
        config.last_kill_time = now
        _submit_kill_tasks(cluster, datasources, available, now, count_killable_only, outcome)
    else:
        outcome.ran = False
        outcome.reason = f"no kill task slot available (capacity {capacity}, active auto-kill tasks {active})"
    # Datasources no longer considered forget their last interval end; with no free slot and no whitelist,
    # that is every datasource (KillUnusedSegments.runInternal).
    keep = set(datasources)
    for ds in [d for d in config.last_kill_interval_end if d not in keep]:
        del config.last_kill_interval_end[ds]


def _submit_kill_tasks(
    cluster: Cluster, datasources: list[str], available: int, now: int, count_killable_only: bool, outcome: DutyOutcome
) -> None:
    config = cluster.duty_config
    submitted = 0
    for ds in datasources:
        if submitted >= available:
            break
        max_updated = add_period(now, config.kill_buffer_period, -1)
        interval = _interval_for_kill(cluster, ds, now, max_updated)
        if interval is None:
            config.last_kill_interval_end.pop(ds, None)
            continue
        try:
            task = cluster._submit_kill(
                datasource=ds,
                interval=interval,
                id_prefix=KILL_TASK_ID_PREFIX,
                limit=config.kill_max_segments,
                max_used_status_last_updated=max_updated,
                count_killable_only=count_killable_only,
            )
        except FakeDruidError as exc:
            # Druid logs "Failed to submit kill task for dataSource[...]" and goes on with the next datasource.
            outcome.errors.append(
                f"Failed to submit kill task for dataSource[{ds}] in interval[{interval}]: {exc.message}"
            )
            continue
        submitted += 1
        outcome.task_ids.append(task.id)
        config.last_kill_interval_end[ds] = interval.end


def _interval_for_kill(cluster: Cluster, datasource: str, now: int, max_updated: int) -> Interval | None:
    """``findIntervalForKill``: the umbrella interval of at most ``maxSegments`` unused segments that ended
    ``durationToRetain`` ago, start at or after the last kill interval's end, and became unused before the buffer
    (NULL ``used_status_last_updated`` never qualifies); None when there are none."""
    config = cluster.duty_config
    if config.kill_ignore_duration_to_retain:
        max_end = MAX_INSTANT
    else:
        max_end = add_period(now, config.kill_duration_to_retain, -1)
    min_start = config.last_kill_interval_end.get(datasource)
    rows = [
        r.segment.interval
        for r in cluster._records(datasource, used=False)
        if r.segment.interval.end <= max_end
        and (min_start is None or r.segment.interval.start >= min_start)
        and r.used_status_last_updated is not None
        and r.used_status_last_updated <= max_updated
    ]
    rows.sort(key=lambda iv: (iv.start, iv.end))
    rows = rows[: config.kill_max_segments]
    if not rows:
        return None
    return Interval(min(iv.start for iv in rows), max(iv.end for iv in rows))
