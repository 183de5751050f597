"""Contract: a differential state machine over the seed documents' seven write endpoints.

Hypothesis drives random sequences of HTTP calls (mark all used, mark one used/unused by id, markUsed and
markUnused by interval and by ids, mark all unused, kill an interval, invalid payloads) against the fake and
compares every answer, status and body, with :class:`Reference`: an independent model written here from the
spec, with its own brute-force overshadowing on a small grid of days. It shares no code with
``fakedruid.model``; it reads the generated segments' plain fields only. After every step the invariants read
the metadata store and the served view back over HTTP and compare them with the model.

Segments are seeded through the fake's admin API, so the machine is ``fake_only``. Texts the spec marks
UNCONFIRMED (the Coordinator's wrapping of the Overlord's 400 in profile "latest") are checked by status and a
stable phrase only.

The served view depends on the data servers, so the machine runs in two layouts: with none
(``no_historical``: the fakes get ``tiers={}``, the layout of the main real cluster, which has no Historical, so a
real Druid runs it too), and with the fakes' default virtual historicals (fakes only: on the real Historical
cluster the served view follows a write only once the Historical has loaded or dropped the segments).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from fakedruid import strategies as fds
from fakedruid.model.intervals import Interval
from fakedruid.profiles import resolve_profile
from fakedruid.testing import DruidTarget
from tests.contract.helpers import FORWARD_500_BODY, INVALID_PAYLOAD, M, P, new_datasource, unused_ids
from tests.contract.known_differences import V37

pytestmark = pytest.mark.fake_only

GRID_START = "2020-01-01T00:00:00.000Z"
CELLS = 5
GRID_END = "2020-01-06T00:00:00.000Z"
MAX_SEGMENTS = 8
#: A datasource path with no segments, for ids sent under the wrong datasource.
OTHER_DS = "fd_elsewhere"

#: One used flag per generated segment (the list is cut to the segments' count).
USED_FLAGS = st.lists(st.booleans(), min_size=MAX_SEGMENTS, max_size=MAX_SEGMENTS)
#: Interval bodies and kill paths, aligned to the segments' grid.
GRID_INTERVALS = fds.intervals(min_start=GRID_START, max_end=GRID_END, unit=fds.DAY)


# ====================================================================== the reference model


@dataclass(frozen=True)
class Seg:
    """What the reference needs of a segment: its id and the fields that decide overshadowing."""

    id: str
    start: int
    end: int
    version: str
    partition: int
    core: int


@dataclass(frozen=True)
class Answer:
    """An expected HTTP answer. ``kind``: ``json`` (exact value), ``raw`` (exact text), ``empty`` (no body),
    ``phrase`` (the body contains ``value``: for UNCONFIRMED texts), ``status`` (status only)."""

    status: int
    kind: str
    value: Any = None


def _java_list(items: Sequence[str]) -> str:
    """Elements as Java prints a collection, without the brackets (request order, as the fake uses)."""
    return ", ".join(items)


def _contains(start: int, end: int, seg: Seg) -> bool:
    """Joda ``contains``: the segment lies inside ``[start, end)``; it may end at ``end``."""
    return start <= seg.start < end and seg.end <= end


def _overlaps(start: int, end: int, seg: Seg) -> bool:
    """Joda ``overlaps``: abutting intervals do not overlap."""
    return start < seg.end and seg.start < end


def _overshadowed(pool: Sequence[Seg]) -> set[str]:
    """Segments of ``pool`` overshadowed by ``pool`` (semantics 1.7), by brute force over elementary cells.

    An (interval, version) entry counts when its numbered partition set is complete: partitions 0..n-1
    present, or any partition when n is 0. A segment is overshadowed iff every elementary cell of its interval
    is covered by a complete entry whose version is greater (Java string order; the versions here are ASCII,
    where Python's order is the same).
    """
    entries: dict[tuple[int, int, str], list[Seg]] = {}
    for seg in pool:
        entries.setdefault((seg.start, seg.end, seg.version), []).append(seg)
    complete = []
    for key, members in entries.items():
        cores = {m.core for m in members}
        assert len(cores) == 1, f"the strategy gives one core partition count per entry: {members}"
        core = cores.pop()
        parts = {m.partition for m in members}
        if core == 0 or set(range(core)) <= parts:
            complete.append(key)
    bounds = sorted({b for seg in pool for b in (seg.start, seg.end)})
    out = set()
    for seg in pool:
        cells = [(a, b) for a, b in zip(bounds, bounds[1:]) if seg.start <= a and b <= seg.end]
        if all(
            any(s <= a and b <= e and v > seg.version for s, e, v in complete) for a, b in cells
        ):
            out.add(seg.id)
    return out


#: Seconds Druid 37.0.0's metadata view keeps a datasource after a mark-unused call filed one of its ids
#: (fakedruid.model.cluster.UNUSED_SYNC_BUFFER_MS), and the margin either side where both answers are accepted.
WINDOW = 10.0
WINDOW_MARGIN = 2.0


class Reference:
    """The metadata store of one datasource and the answers of the seven write endpoints (http-api 2)."""

    def __init__(
        self,
        profile: str,
        datasource: str,
        segments: Iterable[Seg],
        used: Iterable[bool],
        *,
        servers: bool,
        counts_unused_rows: bool = False,
    ) -> None:
        self.profile = profile
        #: The cluster has data servers (on the default tier); without, nothing is ever served.
        self.servers = servers
        #: Druid 28.0.0, the stand-in for profile "29": mark all unused counts the datasource's unused rows too
        #: (known_differences.COUNTS_UNUSED_28; 29.0.1 adds "AND used = true").
        self.counts_unused_rows = counts_unused_rows
        self.ds = datasource
        self.rows: dict[str, Seg] = {}
        self.used: dict[str, bool] = {}
        for seg, flag in zip(segments, used):
            self.rows[seg.id] = seg
            self.used[seg.id] = flag

    # ------------------------------------------------------------------ views

    def used_ids(self) -> set[str]:
        return {i for i, u in self.used.items() if u}

    def unused_ids(self) -> set[str]:
        return {i for i, u in self.used.items() if not u}

    def served(self) -> bool:
        """Default rules load every used, non-overshadowed segment on the default tier (semantics 10.1)."""
        if not self.servers:
            return False
        pool = [self.rows[i] for i in self.used_ids()]
        return len(pool) > len(_overshadowed(pool))

    # ------------------------------------------------------------------ bodies

    def bulk(self, n: int) -> Answer:
        if self.profile not in ("29", "31"):
            return Answer(200, "json", {"numChangedSegments": n, "segmentStateChanged": n > 0})
        return Answer(200, "json", {"numChangedSegments": n})

    def single(self, changed: bool) -> Answer:
        if self.profile not in ("29", "31"):
            return Answer(200, "json", {"numChangedSegments": int(changed), "segmentStateChanged": changed})
        return Answer(200, "json", {"segmentStateChanged": changed})

    def _fwd(self, answer: Answer) -> Answer:
        """Profile "33" (Druid 33.0.0, FORWARD_500): a forwarded mark-used or single-segment update answers 500
        once the change is made."""
        if answer.status == 200 and resolve_profile(self.profile).forwarded_mark_used_500:
            return Answer(500, "json", FORWARD_500_BODY)
        return answer

    def _not_served(self) -> bool:
        # Profile "29" checks the served inventory on markUsed/markUnused (http-api 1.8).
        return self.profile == "29" and not self.served()

    # ------------------------------------------------------------------ operations

    def _revive(self, candidates: list[Seg], used_pool: list[Seg]) -> int:
        """Mark the candidates that are not overshadowed by the used pool and each other used (semantics 3.2)."""
        shadowed = _overshadowed(used_pool + candidates)
        revived = [c for c in candidates if c.id not in shadowed]
        for c in revived:
            self.used[c.id] = True
        return len(revived)

    def mark_all_used(self) -> Answer:
        candidates = [self.rows[i] for i in self.unused_ids()]
        return self._fwd(self.bulk(self._revive(candidates, [self.rows[i] for i in self.used_ids()])))

    def _version_filter(self, versions: list[str] | None) -> set[str] | None:
        # Profile "29" ignores the versions field; "latest" honours it (an empty list matches nothing).
        return None if versions is None or self.profile == "29" else set(versions)

    def mark_used_in_interval(self, start: int, end: int, versions: list[str] | None) -> Answer:
        if self._not_served():
            return Answer(204, "empty")
        only = self._version_filter(versions)
        rows = [self.rows[i] for i in self.rows if only is None or self.rows[i].version in only]
        # The versions filter also drops used segments from the timeline (semantics 3.2, trap).
        used = [s for s in rows if self.used[s.id] and _overlaps(start, end, s)]
        candidates = [s for s in rows if not self.used[s.id] and _contains(start, end, s)]
        return self._fwd(self.bulk(self._revive(candidates, used)))

    def mark_used_by_ids(self, ids: list[str], owner: dict[str, str | None]) -> Answer:
        if self._not_served():
            return Answer(204, "empty")
        ids = list(dict.fromkeys(ids))
        if self.profile == "31":
            # Druid 30-31's Coordinator parses the ids first and answers InvalidInput itself (measured on 31.0.1).
            bad = [i for i in ids if owner[i] != self.ds]
            if bad:
                return Answer(400, "phrase", f"Could not parse invalid segment IDs[[{_java_list(bad)}]]")
        elif self.profile != "29":
            bad = [i for i in ids if owner[i] != self.ds]
            if bad:
                # The Overlord's 400 wrapped into a 500 (end-to-end UNCONFIRMED): the Overlord's message only.
                message = f"Could not parse segment IDs[[{_java_list(bad)}]] for datasource[{self.ds}]"
                return Answer(500, "phrase", message)
        unknown = [i for i in ids if i not in self.rows]
        if unknown:
            if self.profile == "29":
                return Answer(404, "json", {"message": f"Cannot find segment ids [{_java_list(unknown)}]"})
            message = f"Could not find segment IDs[[{_java_list(unknown)}]] for datasource[{self.ds}]"
            return Answer(400 if self.profile == "31" else 500, "phrase", message)
        candidates = [self.rows[i] for i in ids if not self.used[i]]
        return self._fwd(self.bulk(self._revive(candidates, [self.rows[i] for i in self.used_ids()])))

    def mark_segment_used(self, path_ds: str, sid: str, owner: dict[str, str | None]) -> Answer:
        if self.profile in ("29", "31"):
            # The raw id is looked up in every datasource; the path datasource is ignored.
            found = sid in self.rows
        else:
            if owner[sid] != path_ds:
                return Answer(400, "raw", f"Could not parse Segment ID[{sid}] for DataSource[{path_ds}]")
            found = path_ds == self.ds and sid in self.rows
        if found:
            self.used[sid] = True  # also when it was used already
        return self._fwd(self.single(found))

    def mark_unused_in_interval(self, start: int, end: int, versions: list[str] | None) -> Answer:
        if self._not_served():
            return Answer(204, "empty")
        only = self._version_filter(versions)
        hits = [
            i
            for i in self.used_ids()
            if _contains(start, end, self.rows[i]) and (only is None or self.rows[i].version in only)
        ]
        for i in hits:
            self.used[i] = False
        return self.bulk(len(hits))

    def mark_unused_by_ids(self, ids: list[str], owner: dict[str, str | None]) -> Answer:
        if self._not_served():
            return Answer(204, "empty")
        # Unparseable ids are dropped; every existing row counts, even one that was unused already.
        hits = {i for i in ids if owner[i] == self.ds and i in self.rows}
        for i in hits:
            self.used[i] = False
        return self.bulk(len(hits))

    def mark_segment_unused(self, path_ds: str, sid: str, owner: dict[str, str | None]) -> Answer:
        if owner[sid] != path_ds:
            if self.profile in ("29", "31"):
                return self.single(False)
            return Answer(400, "raw", f"Could not parse Segment ID[{sid}] for DataSource[{path_ds}]")
        found = path_ds == self.ds and sid in self.rows
        if found:
            self.used[sid] = False
        return self._fwd(self.single(found))

    def mark_all_unused(self) -> Answer:
        hits = self.used_ids()
        counted = len(self.rows) if self.counts_unused_rows else len(hits)
        for i in hits:
            self.used[i] = False
        return self.bulk(counted)

    def kill(self, start: int, end: int) -> Answer:
        # Only unused segments inside the interval go; used ones are never touched (semantics 8.4). The kill task
        # nukes batches of 100 (by id) and stops at the first batch holding a version that sorts after its lock's,
        # the task's start time (TaskLocks.isLockCoversSegments): a short version such as "4" or "a" does.
        lock = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        hits = sorted(i for i in self.unused_ids() if _contains(start, end, self.rows[i]))
        for first in range(0, len(hits), 100):
            batch = hits[first : first + 100]
            if any(self.rows[i].version > lock for i in batch):
                break
            for i in batch:
                del self.rows[i]
                del self.used[i]
        return Answer(200, "empty")


# ====================================================================== the machine


def _seg(segment: Any) -> Seg:
    """The reference's view of a generated DataSegment (its public fields only)."""
    return Seg(
        id=segment.id,
        start=segment.interval.start,
        end=segment.interval.end,
        version=segment.version,
        partition=segment.shard_spec.partition_num,
        core=segment.shard_spec.num_core_partitions,
    )


def _check(resp: Any, expected: Answer, action: str, detail: object = "") -> None:
    # Events show which answers a run reached (pytest --hypothesis-show-statistics).
    event(f"{action}: {expected.status} {expected.kind}")
    what = f"{action} {detail}"
    assert resp.status_code == expected.status, f"{what}: {resp.status_code} {resp.text!r}, expected {expected}"
    if expected.kind == "json":
        assert resp.json() == expected.value, what
    elif expected.kind == "raw":
        assert resp.text == expected.value, what
    elif expected.kind == "empty":
        assert resp.content == b"", what
    elif expected.kind == "phrase":
        assert expected.value in resp.text, what


def _has_overlord(version: str) -> bool:
    from fakedruid.real.maven import recipe_for

    return bool(recipe_for(version).overlord)


def machine_for(target: DruidTarget, datasource: str, *, servers: bool) -> type[RuleBasedStateMachine]:
    """A state machine class bound to ``target`` and one datasource name.

    :param servers: the target has data servers on the default tier (else nothing is served).
    """
    segments_strategy = fds.timelines(
        datasource=datasource,
        start=GRID_START,
        unit=fds.DAY,
        cells=CELLS,
        versions=fds.versions(style="short", max_size=2),
        max_versions=3,
        max_partitions=2,
        max_segments=MAX_SEGMENTS,
    )

    # 28.0.0 stands in for profile "29" on the points known_differences lists; this one the machine meets often.
    counts_unused_rows = str(target.get("/status").json().get("version")).startswith("28.")
    # A release fakedruid runs as a Coordinator alone (31.0.1, fakedruid/real/maven.py) has no Overlord to run
    # kill tasks (known_differences.NO_OVERLORD_31): the machine sends no kill there.
    kills = target.real is None or _has_overlord(target.real.version)
    widen_unused_intervals = target.real is not None and target.real.version == V37

    class WriteEndpoints(RuleBasedStateMachine):
        """Random sequences of the seven write endpoints, compared with :class:`Reference`."""

        ref: Reference
        #: Ids a mark-unused call wrote, and when (time.monotonic): Druid 37.0.0's metadata view shows a datasource
        #: with no used segment for 10 s after (profile switch metadata_keeps_emptied_datasources).
        marks: dict[str, float]
        last_used: set[str]
        last_rows: set[str]
        #: Every id string the rules may send, and the datasource it parses for (None: neither path's).
        owner: dict[str, str | None]
        versions: list[str]
        seeded: set[str]

        @initialize(segments=segments_strategy, used=USED_FLAGS)
        def seed(self, segments: list[Any], used: list[bool]) -> None:
            target.reset()
            flags = used[: len(segments)]
            target.seed(segments, used=flags)
            seeded = [_seg(s) for s in segments]
            self.ref = Reference(
                target.profile, datasource, seeded, flags, servers=servers, counts_unused_rows=counts_unused_rows
            )
            self.versions = sorted({s.version for s in seeded})
            self.seeded = {s.id for s in seeded}
            self.marks = {}
            self.last_used, self.last_rows = self.ref.used_ids(), set(self.ref.rows)
            self.owner = {s.id: datasource for s in seeded}
            # Parseable ids of no segment: a partition that does not exist (reads back unchanged).
            self.owner.update({f"{s.id}_99": datasource for s in seeded[:2]})
            # Ids that do not parse for the datasource: no dates, dates without seconds, another datasource.
            day = "2020-01-01T00:00:00.000Z_2020-01-02T00:00:00.000Z"
            self.owner.update(
                {
                    "segmentId1": None,
                    f"{datasource}_2020-01-01_2020-01-02_v": None,
                    f"{datasource}x_{day}_v": None,
                    f"{OTHER_DS}_{day}_v": OTHER_DS,
                }
            )

        def _ids(self, data: st.DataObject) -> list[str]:
            # Half of the lists use seeded ids only, so that calls that succeed stay frequent.
            known = sorted(i for i in self.owner if i in self.seeded)
            pool = known if data.draw(st.booleans(), label="seeded ids only") else sorted(self.owner)
            return data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4), label="ids")

        def _versions(self, data: st.DataObject) -> list[str] | None:
            choices = st.sampled_from([*self.versions, "zz"])
            return data.draw(st.none() | st.lists(choices, max_size=2), label="versions")

        # ------------------------------------------------------------------ rules

        @rule()
        def mark_all_used(self) -> None:
            _check(target.post(f"{P}/{datasource}"), self.ref.mark_all_used(), "mark all used")

        @rule(data=st.data(), elsewhere=st.booleans())
        def mark_segment_used(self, data: st.DataObject, elsewhere: bool) -> None:
            sid = self._ids(data)[0]
            path_ds = OTHER_DS if elsewhere else datasource
            expected = self.ref.mark_segment_used(path_ds, sid, self.owner)
            resp = target.post(f"{P}/{path_ds}/segments/{sid}")
            _check(resp, expected, "mark segment used", f"{sid} under {path_ds}")

        @rule(data=st.data(), elsewhere=st.booleans())
        def mark_segment_unused(self, data: st.DataObject, elsewhere: bool) -> None:
            sid = self._ids(data)[0]
            path_ds = OTHER_DS if elsewhere else datasource
            expected = self.ref.mark_segment_unused(path_ds, sid, self.owner)
            resp = target.delete(f"{P}/{path_ds}/segments/{sid}")
            _check(resp, expected, "mark segment unused", f"{sid} under {path_ds}")
            self._note([sid] if path_ds == datasource else [], resp.status_code)

        @rule(interval=GRID_INTERVALS, data=st.data())
        def mark_used_by_interval(self, interval: Any, data: st.DataObject) -> None:
            versions = self._versions(data)
            body: dict[str, Any] = {"interval": str(interval)}
            if versions is not None:
                body["versions"] = versions
            expected = self.ref.mark_used_in_interval(interval.start, interval.end, versions)
            _check(target.post(f"{P}/{datasource}/markUsed", json=body), expected, "markUsed by interval", body)

        @rule(data=st.data())
        def mark_used_by_ids(self, data: st.DataObject) -> None:
            ids = self._ids(data)
            expected = self.ref.mark_used_by_ids(ids, self.owner)
            resp = target.post(f"{P}/{datasource}/markUsed", json={"segmentIds": ids})
            _check(resp, expected, "markUsed by ids", ids)

        @rule(interval=GRID_INTERVALS, data=st.data())
        def mark_unused_by_interval(self, interval: Any, data: st.DataObject) -> None:
            if widen_unused_intervals:
                interval = self._widened(interval)
            versions = self._versions(data)
            body: dict[str, Any] = {"interval": str(interval)}
            if versions is not None:
                body["versions"] = versions
            expected = self.ref.mark_unused_in_interval(interval.start, interval.end, versions)
            _check(target.post(f"{P}/{datasource}/markUnused", json=body), expected, "markUnused by interval", body)

        @rule(data=st.data())
        def mark_unused_by_ids(self, data: st.DataObject) -> None:
            ids = self._ids(data)
            expected = self.ref.mark_unused_by_ids(ids, self.owner)
            resp = target.post(f"{P}/{datasource}/markUnused", json={"segmentIds": ids})
            _check(resp, expected, "markUnused by ids", ids)
            self._note(ids, resp.status_code)

        def _widened(self, interval: Any) -> Any:
            """The interval, widened until no used segment overlaps it without lying inside it (on 37.0.0 the
            Coordinator's view would lose such a segment for good: differences.AVOIDED,
            cache_hides_overlapping_segments)."""
            spans = [(self.ref.rows[i].start, self.ref.rows[i].end) for i in self.ref.used_ids()]
            start, end = interval.start, interval.end
            while True:
                partly = [(a, b) for a, b in spans if a < end and start < b and not (start <= a and b <= end)]
                if not partly:
                    return Interval(start, end)
                start, end = min(start, *(a for a, _ in partly)), max(end, *(b for _, b in partly))

        def _note(self, ids: list[str], status: int) -> None:
            """A call naming ids files each that parses for the datasource, a row or not, already unused or not
            (measured on 37.0.0); the invariant files the ids any call flipped to unused."""
            if status == 200:
                self.marks.update((i, time.monotonic()) for i in ids if self.owner.get(i) == datasource)

        @rule()
        def mark_all_unused(self) -> None:
            _check(target.delete(f"{P}/{datasource}"), self.ref.mark_all_unused(), "mark all unused")

        @precondition(lambda self: kills)
        @rule(interval=GRID_INTERVALS)
        def kill(self, interval: Any) -> None:
            path = str(interval).replace("/", "_")
            expected = self.ref.kill(interval.start, interval.end)
            _check(target.delete(f"{P}/{datasource}/intervals/{path}"), expected, "kill", interval)

        @rule(data=st.data(), endpoint=st.sampled_from(["markUsed", "markUnused"]))
        def invalid_payload(self, data: st.DataObject, endpoint: str) -> None:
            ids = st.sampled_from(sorted(self.owner))
            payload = data.draw(
                fds.mark_payloads(profile=target.profile, valid=False, ids=ids, intervals=GRID_INTERVALS),
                label="payload",
            )
            resp = target.post(f"{P}/{datasource}/{endpoint}", data=payload.data)
            if payload.problem == fds.INVALID_PAYLOAD:
                _check(resp, Answer(400, "raw", INVALID_PAYLOAD[target.profile]), f"{endpoint} invalid", payload.body)
            else:
                _check(resp, Answer(400, "status"), f"{endpoint} invalid", payload.body)
                assert isinstance(resp.json()["error"], str)

        # ------------------------------------------------------------------ invariants

        @invariant()
        def metadata_matches(self) -> None:
            used = self.ref.used_ids()
            # Druid 37.0.0's metadata view shows a datasource with no used segment for 10 s after a mark-unused
            # call filed one of its ids (profile switch metadata_keeps_emptied_datasources): marked used or deleted
            # (kill), an id leaves; invariants run after every step.
            now, rows = time.monotonic(), set(self.ref.rows)
            self.marks.update((i, now) for i in (self.last_used - used) & rows)
            for i in (used - self.last_used) | (self.last_rows - rows):
                self.marks.pop(i, None)
            self.last_used, self.last_rows = used, rows
            # A real Druid's metadata view follows a write after its next poll, and a kill once its task has run:
            # the next step waits for both (a fake answers at once).
            target.eventually(lambda: self._metadata_matches(used))

        def _metadata_matches(self, used: set[str]) -> None:
            resp = target.get(f"{M}/datasources/{datasource}/segments")
            if used:
                assert resp.status_code == 200, resp.text
                assert set(resp.json()) == used
            elif resolve_profile(target.profile).metadata_keeps_emptied_datasources and self.marks:
                ages = [time.monotonic() - at for at in self.marks.values()]
                if min(ages) < WINDOW - WINDOW_MARGIN:
                    assert (resp.status_code, resp.json()) == (200, [])
                elif min(ages) < WINDOW + WINDOW_MARGIN:  # the call's and the request's times are not Druid's
                    assert (resp.status_code, resp.json() if resp.status_code == 200 else None) in ((200, []),
                                                                                                   (404, None))
                else:
                    assert resp.status_code == 404
            else:
                assert resp.status_code == 404
            assert unused_ids(target, datasource) == self.ref.unused_ids()

        @invariant()
        def served_view_matches(self) -> None:
            resp = target.get(f"{P}/{datasource}")
            assert resp.status_code == (200 if self.ref.served() else 204)

        def teardown(self) -> None:
            target.check()

    return WriteEndpoints


def _run_state_machine(target: DruidTarget, *, max_examples: int, steps: int, servers: bool = False) -> None:
    extra: dict[str, Any] = {}
    if not target.is_fake:
        # Every step on a real Druid waits for a poll (and a kill for a forked JVM): a few short runs, and no
        # shrinking, which would replay the failing run dozens of times.
        max_examples, steps = min(max_examples, 3), min(steps, 8)
        extra = {"phases": (Phase.explicit, Phase.generate), "database": None}
    run_state_machine_as_test(  # type: ignore[no-untyped-call]
        machine_for(target, new_datasource(), servers=servers),
        settings=settings(
            max_examples=max_examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            **extra,
        ),
    )


@pytest.mark.no_historical
def test_write_endpoints_match_reference(coordinator: DruidTarget) -> None:
    # No data server, as in the main real cluster: nothing is served, so profile "29" answers markUsed and
    # markUnused with 204 (http-api 1.8) and GET /datasources/{ds} is always 204.
    _run_state_machine(coordinator, max_examples=25, steps=15)


def test_write_endpoints_match_reference_with_historicals(coordinator: DruidTarget) -> None:
    if not coordinator.is_fake:
        pytest.skip("fakes only: the main real cluster has no Historical, and on the Historical cluster the served "
                    "view follows a write only once the Historical has loaded or dropped the segments")
    _run_state_machine(coordinator, max_examples=25, steps=15, servers=True)


@pytest.mark.no_historical
@pytest.mark.slow
def test_write_endpoints_match_reference_long(coordinator: DruidTarget) -> None:
    _run_state_machine(coordinator, max_examples=100, steps=25)


@pytest.mark.slow
def test_write_endpoints_match_reference_with_historicals_long(coordinator: DruidTarget) -> None:
    if not coordinator.is_fake:
        pytest.skip("fakes only, as test_write_endpoints_match_reference_with_historicals")
    _run_state_machine(coordinator, max_examples=100, steps=25, servers=True)
