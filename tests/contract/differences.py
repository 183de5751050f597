"""How the differential machine (``test_differential.py``) compares the fake's answers with a real Druid's.

Layer: tests (contract). Two tables:

* :data:`NORMALISATIONS`: what cannot match between two processes (generated task ids, timestamps, host
  names). Each is one function, applied to both sides' parsed answers before they are compared; a step whose
  answers are equal only after one of them is recorded as "equal after <name>".
* :data:`LISTED`: known, explained differences of a Druid release, each a rewrite of the real answer into the
  fake's. A step whose answers are equal only after a listed rewrite is recorded as "different" with the real
  answer and the reason; any other difference fails the machine. The reasons reuse the texts of
  :mod:`tests.contract.known_differences` (the contract suite's xfail table) where the cause is the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.contract.known_differences import INTERVAL_WORDING_28, NO_UNUSED_SEGMENTS_API, V28, V31, V33, V37

#: Placeholder a normalisation puts where the two sides cannot agree.
MASK = "<normalised>"


@dataclass
class Answer:
    """One side's answer to a step: status, the Content-Type header, the parsed JSON body (``None`` for no
    body; the text for a body that is not JSON)."""

    status: int
    content_type: str | None
    body: Any
    raw: bytes

    def summary(self, limit: int = 600) -> str:
        text = self.raw.decode(errors="replace")
        if len(text) > limit:
            text = text[:limit] + "..."
        return f"{self.status} [{self.content_type}] {text}"


@dataclass(frozen=True)
class Step:
    """A request the machine sent to both sides, and the endpoint / case it counts under in FIDELITY.md."""

    method: str
    path: str
    body: Any
    endpoint: str
    case: str
    #: The sequence's own datasource (set by the machine when it sends the step).
    datasource: str = ""

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + ("" if self.body is None else f" {self.body}")


def _walk(value: Any, fn: Callable[[str | None, Any], Any], key: str | None = None) -> Any:
    """Rebuild ``value`` with ``fn(key, leaf)`` applied to every non-container value (key order kept)."""
    if isinstance(value, dict):
        return {k: _walk(v, fn, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fn, key) for v in value]
    return fn(key, value)


# ====================================================================== normalisations

_TIME_KEYS = {"created", "createdDate", "usedStatusLastUpdatedDate", "auditTime", "createdTime", "queueInsertionTime"}


def timestamps(step: Step, body: Any) -> Any:
    """Row and audit timestamps: each process writes its own clock's time when it stores a row."""
    return _walk(body, lambda k, v: MASK if k in _TIME_KEYS and isinstance(v, str) else v)


_TASK_ID = re.compile(r"^(api-issued_)?kill_.*_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$|^[a-z]+_[a-z0-9]{8,}$")


def task_ids(step: Step, body: Any) -> Any:
    """Task ids: Druid names a kill task after the time it was created (``api-issued_kill_<ds>_..._<now>``)
    and the fake after its own clock."""
    return _walk(body, lambda k, v: MASK if k in ("task", "id") and isinstance(v, str) and _TASK_ID.match(v) else v)


def hosts(step: Step, body: Any) -> Any:
    """Host names and ports of the serving process (``host``, ``location``): each side listens on its own."""
    return _walk(body, lambda k, v: MASK if k in ("host", "location", "hostAndPort") and isinstance(v, str) else v)


def deep_storage_paths(step: Step, body: Any) -> Any:
    """``loadSpec.path``: the real cluster keeps segment files under its own work directory (fakedruid's harness
    rewrites a seeded local load spec to a file it creates there); the fake keeps the seeded path."""
    if isinstance(body, dict):
        out = {k: deep_storage_paths(step, v) for k, v in body.items()}
        spec = out.get("loadSpec")
        if isinstance(spec, dict) and spec.get("type") == "local" and isinstance(spec.get("path"), str):
            out["loadSpec"] = {**spec, "path": MASK}
        return out
    if isinstance(body, list):
        return [deep_storage_paths(step, v) for v in body]
    return body


def unordered_unused_rows(step: Step, body: Any) -> Any:
    """``unusedSegments`` without ``sortOrder``: Druid's metadata query has no ORDER BY then, so the rows come
    in the store's order (Derby gave insertion order on 33.0.0, where the fake sorts by id); compare them as a
    set. Found by the differential machine in the fresh-clone CI run of 2026-12-05."""
    if (
        step.endpoint.endswith("unusedSegments") or "/unusedSegments" in step.path
    ) and "sortOrder" not in step.path and isinstance(body, list):
        return sorted(body, key=lambda row: json.dumps(row, sort_keys=True))
    return body


def tombstone_key_order(step: Step, body: Any) -> Any:
    """A tombstone's shardSpec keys in one order: Druid fixes none. ``TombstoneShardSpec`` has no
    ``@JsonPropertyOrder``, so Jackson writes its getters in the order reflection lists them, which HotSpot does
    not fix from one JVM run to the next: one boot of 33.0.0 wrote ``{"type","partitions","partitionNum"}``
    (found by the differential machine on GET metadata/datasources?full); the next one, and three more on the
    three metadata reads of segments, wrote ``partitionNum`` first, as the fake does (measured)."""
    if isinstance(body, dict):
        out = {k: tombstone_key_order(step, v) for k, v in body.items()}
        spec = out.get("shardSpec")
        if isinstance(spec, dict) and spec.get("type") == "tombstone" and set(spec) == _TOMBSTONE_KEYS:
            out["shardSpec"] = {k: spec[k] for k in ("type", "partitionNum", "partitions")}
        return out
    if isinstance(body, list):
        return [tombstone_key_order(step, v) for v in body]
    return body


_TOMBSTONE_KEYS = {"type", "partitionNum", "partitions"}


def map_of_key_order(step: Step, body: Any) -> Any:
    """The key order of a Coordinator's ``{"error", "message"}`` 500: Druid 37.0.0's DataSourcesResource builds it
    with ``java.util.Map.of`` (javap), whose iteration order depends on a salt drawn at each JVM start
    (``ImmutableCollections.SALT``), so no fixed order can match; 28.0.0 and 33.0.0 use Guava's ImmutableMap
    (insertion order). Found by the differential machine on 37.0.0 (``{"message", "error"}`` in that run)."""
    if isinstance(body, dict) and set(body) == {"error", "message"}:
        return dict(sorted(body.items()))
    return body


_DATASOURCE_LISTS = ("GET /metadata/datasources",)


def earlier_sequences_datasources(step: Step, body: Any) -> Any:
    """Datasources of earlier sequences in the lists of all datasources: the machine resets the real side by
    deleting the metadata store's rows and does not wait for Druid 37.0.0's segment metadata cache to drop them
    (it keeps a deleted used segment until 10 s after its used flag last changed,
    ``HeapMemorySegmentMetadataCache.SYNC_BUFFER_DURATION``: about 10 s a sequence, 50 minutes a run), so the
    real list may still name them; the fake forgets them at reset. Each sequence's datasource is new
    (``fd_<hex>``), so only its own entry is compared."""
    if step.endpoint not in _DATASOURCE_LISTS or not isinstance(body, list):
        return body
    return [e for e in body if (e.get("name") if isinstance(e, dict) else e) == step.datasource]


#: Applied in this order to both answers; each one's name is what FIDELITY.md cites.
NORMALISATIONS: tuple[Callable[[Step, Any], Any], ...] = (
    timestamps,
    task_ids,
    hosts,
    deep_storage_paths,
    unordered_unused_rows,
    tombstone_key_order,
    map_of_key_order,
    earlier_sequences_datasources,
)


# ====================================================================== listed differences


@dataclass(frozen=True)
class Listed:
    """A known difference on some releases: ``rewrite(step, real, fake)`` returns the real answer rewritten to
    what the fake says when the difference applies, else None."""

    name: str
    versions: tuple[str, ...]
    reason: str
    rewrite: Callable[[Step, Answer, Answer], Answer | None]
    #: For a difference inside a part of the body (a tombstone's shardSpec): the real body with that part
    #: rewritten, so that it combines with another listed difference in the same answer.
    part: Callable[[Any], Any] | None = None


def _as_fake(real: Answer, fake: Answer) -> Answer:
    return Answer(fake.status, fake.content_type, fake.body, fake.raw)


def _mapping_error(step: Step, real: Answer, fake: Answer) -> Answer | None:
    # Jackson's message names the parser's position and class; the fake writes its own explanation.
    both = real.status == fake.status == 400 and isinstance(real.body, dict) and isinstance(fake.body, dict)
    if both and set(real.body) == set(fake.body) and step.case.endswith("mapping error"):
        return _as_fake(real, fake)
    return None


def _mark_all_unused_counts_unused(step: Step, real: Answer, fake: Answer) -> Answer | None:
    if step.endpoint != "DELETE /datasources/{ds}" or not real.status == fake.status == 200:
        return None
    if isinstance(real.body, dict) and isinstance(fake.body, dict) and set(real.body) == set(fake.body):
        # 28.0.0 counts more (the already-unused rows too), never fewer.
        more = real.body.get("numChangedSegments", 0) >= fake.body.get("numChangedSegments", 0)
        return _as_fake(real, fake) if more else None
    return None


def _no_unused_segments_api(step: Step, real: Answer, fake: Answer) -> Answer | None:
    if step.path.endswith("/unusedSegments") and real.status == 404 and fake.status == 200:
        return _as_fake(real, fake)
    return None


def _strip_segment_status(value: Any, drop: tuple[str, ...]) -> Any:
    if isinstance(value, list):
        return [_strip_segment_status(v, drop) for v in value]
    if isinstance(value, dict) and "identifier" in value:
        return {k: v for k, v in value.items() if k not in drop}
    return value


def _no_numrows_realtime(step: Step, real: Answer, fake: Answer) -> Answer | None:
    if "includeOvershadowedStatus" not in step.path or real.status != 200 or fake.status != 200:
        return None
    keys = ("numRows", "isRealtime", "realtime")
    if _strip_segment_status(fake.body, keys) == real.body and fake.body != real.body:
        return _as_fake(real, fake)
    return None


def _tombstone_partitions(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _tombstone_partitions(v) for k, v in value.items()}
        spec = out.get("shardSpec")
        if isinstance(spec, dict) and spec.get("type") == "tombstone" and spec.get("partitions") == 1:
            out["shardSpec"] = {"type": "tombstone", "partitionNum": spec.get("partitionNum", 0), "partitions": 0}
        return out
    if isinstance(value, list):
        return [_tombstone_partitions(v) for v in value]
    return value


def _tombstone_one_partition(step: Step, real: Answer, fake: Answer) -> Answer | None:
    body = _tombstone_partitions(real.body)
    if body != real.body and body == fake.body:
        return _as_fake(real, fake)
    return None


def _audit_without_identity(step: Step, real: Answer, fake: Answer) -> Answer | None:
    if "/history" not in step.path or real.status != 200 or not isinstance(fake.body, list):
        return None

    def strip(entry: Any) -> Any:
        if not isinstance(entry, dict):
            return entry
        out = {k: v for k, v in entry.items() if k != "request"}
        if isinstance(out.get("auditInfo"), dict):
            out["auditInfo"] = {k: v for k, v in out["auditInfo"].items() if k != "identity"}
        return out

    stripped = [strip(e) for e in fake.body]
    if stripped == real.body and stripped != fake.body:
        return _as_fake(real, fake)
    return None


def _bad_segment_id_page(step: Step, real: Answer, fake: Answer) -> Answer | None:
    bad = step.case in ("unparseable id", "other datasource")
    metadata = step.path.startswith("/druid/coordinator/v1/metadata/datasources/") and "/segments/" in step.path
    if bad and metadata and real.status in (404, 500) and fake.status in (400, 404, 500):
        return _as_fake(real, fake)
    return None


#: Profile 29's wrapping of Joda's interval error (29.0.1's ``Intervals.of``), around the text 28.0.0 writes bare.
_BAD_INTERVAL = re.compile(r"Bad Interval\[.*?\]: \[(?P<joda>.*?)\](?P<rest> \(through reference chain: .*)", re.S)


def _interval_wording_28(step: Step, real: Answer, fake: Answer) -> Answer | None:
    if not (real.status == fake.status == 400 and isinstance(real.body, dict) and isinstance(fake.body, dict)):
        return None
    match = _BAD_INTERVAL.fullmatch(str(fake.body.get("error", "")))
    if match and real.body == {"error": match["joda"] + match["rest"]}:
        return _as_fake(real, fake)
    return None


#: The edge of Druid 37.0.0's 10 s window, in which its metadata view shows a datasource with no used segment.
CACHE_WINDOW_EDGE = (
    "for 10 s after a mark-unused call filed ids of a datasource left with no used segment (any id of it, a row "
    "or not, already unused or not: HeapMemorySegmentMetadataCache.SYNC_BUFFER_DURATION), the metadata view of "
    "37.0.0 shows the datasource with no segments (GET metadata/datasources names it, ?full with segments [], "
    "GET metadata/datasources/{ds} and .../segments answer 200 with none), then 404; profile latest does the "
    "same on its own clock (switch metadata_keeps_emptied_datasources), so a read near the 10 s edge may find "
    "one side's window open and the other's closed (measured on 37.0.0; 28.0.0 has no such window)"
)


def _emptied(entry: Any, ds: str) -> bool:
    """Whether ``entry`` (a name, or a datasource object of ?full) is ``ds`` shown with no segments."""
    if isinstance(entry, dict):
        return entry.get("name") == ds and entry.get("segments") == []
    return entry == ds


def _shown_empty(step: Step, answer: Answer) -> bool | None:
    """True: ``answer`` shows the step's datasource with no segments; False: it does not show it; None: neither
    (another endpoint, or the datasource shown with segments)."""
    ds = step.datasource
    if step.endpoint == "GET /metadata/datasources/{ds}":
        if answer.status == 404:
            return False
        return True if answer.status == 200 and _emptied(answer.body, ds) else None
    if step.endpoint == "GET /metadata/datasources/{ds}/segments":
        if answer.status == 404:
            return False
        return True if answer.status == 200 and answer.body == [] else None
    if step.endpoint == "GET /metadata/datasources" and "includeUnused" not in step.path:
        if answer.status != 200 or not isinstance(answer.body, list):
            return None
        mine = [e for e in answer.body if (e.get("name") if isinstance(e, dict) else e) == ds]
        if not mine:
            return False
        return True if all(_emptied(e, ds) for e in mine) else None
    return None


def _cache_window_edge(step: Step, real: Answer, fake: Answer) -> Answer | None:
    if step.method != "GET":
        return None
    shown = _shown_empty(step, real), _shown_empty(step, fake)
    if shown in ((True, False), (False, True)):
        return _as_fake(real, fake)
    return None


LISTED: tuple[Listed, ...] = (
    Listed("interval_wording_28", (V28,), INTERVAL_WORDING_28, _interval_wording_28),
    Listed("cache_window_edge", (V37,), CACHE_WINDOW_EDGE, _cache_window_edge),
    Listed(
        "jackson_mapping_error",
        (V28, V31, V33),
        "a body Jackson cannot map is a 400 whose 'error' text is Jackson's own message (parser position, Java "
        "class names); the fake's 400 has the same keys and its own wording",
        _mapping_error,
    ),
    Listed(
        "mark_all_unused_counts_unused_rows",
        (V28,),
        "counts already-unused rows too (28.0.0's SqlSegmentsMetadataManager.markAsUnusedAllSegmentsInDataSource "
        "runs UPDATE ... WHERE dataSource = ? without AND used = true); fixed in later releases",
        _mark_all_unused_counts_unused,
    ),
    Listed("no_unused_segments_api", (V28,), NO_UNUSED_SEGMENTS_API, _no_unused_segments_api),
    Listed(
        "no_numrows_realtime",
        (V28,),
        "the segment status rows of includeOvershadowedStatus have no numRows and no realtime flag in 28.0.0 "
        "(SegmentStatusInCluster gained them in 29)",
        _no_numrows_realtime,
    ),
    Listed(
        "tombstone_partitions_1",
        (V28,),
        "a tombstone's shardSpec reads back with partitions: 1 in 28.0.0 (TombstoneShardSpec.getNumCorePartitions "
        "was 1 before 29 made it 0)",
        _tombstone_one_partition,
        part=_tombstone_partitions,
    ),
    Listed(
        "audit_without_identity",
        (V28,),
        "rule history entries have no auditInfo.identity and no 'request' field in 28.0.0 (AuditEntry and AuditInfo "
        "gained them in 29)",
        _audit_without_identity,
    ),
    Listed(
        "bad_segment_id_page",
        (V33,),
        "GET metadata/datasources/{ds}/segments/{id} with an id that does not parse for {ds} (no dates, or another "
        "datasource's id) answers 404 (or a 500 error page) in 33.0.0; profile latest answers 400 'Could not parse "
        "Segment ID[..] for DataSource[..]'",
        _bad_segment_id_page,
    ),
)


#: Differences the machines avoid generating (name, versions, reason); FIDELITY.md lists them too.
AVOIDED: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "cache_hides_overlapping_segments",
        (V37,),
        "markUnused with an interval marks unused in the metadata store the segments the interval contains (the "
        "count says so) but, in the incremental segment metadata cache the Coordinator reads, every used segment "
        "it overlaps (HeapMemoryDatasourceSegmentCache.markSegmentsWithinIntervalAsUnused iterates "
        "findUsedSegmentsPlusOverlappingAnyOf); the cache's entry is newer than the row, so no sync restores it: a "
        "segment that only overlaps the interval stays used in the store and missing from the metadata view "
        "(measured on 37.0.0; the duties read the same snapshot; still so in Druid's master source). The fake "
        "keeps it used and shown, as "
        "28.0.0 does. On 37.0.0 the machines widen a markUnused interval until no used segment overlaps it "
        "partly",
    ),
    (
        "forward_500_writes",
        (V33,),
        "the write calls the Coordinator forwards to the Overlord (mark all used, markUsed, mark one segment used "
        "or unused) answer FORWARD_500 after the Coordinator's client retries it (about 2 s each; profile 33 "
        "answers the same, switch forwarded_mark_used_500): left out of generation on 33.0.0 to keep its run short",
    ),
)
