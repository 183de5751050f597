"""``MetadataResource``: the Coordinator's view of the metadata store (http-api.md section 3.8).

Layer: api (Flask); reads the model, never changes it. Prefix ``/druid/coordinator/v1/metadata``. The "polled
view" of used segments (semantics 2.4) is the current state: the fake has no poll delay (semantics 10.3), so its
``created`` property is the fake clock's now. Druid sources: ``server/.../server/http/MetadataResource.java``
(MR @ ``9da484f7`` for profile "29", ~master for "latest").
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request

from fakedruid.api import messages, security_gate, serialize, wire
from fakedruid.errors import InvalidInput, InvalidInterval, SegmentIdIndexError
from fakedruid.model.cluster import ClusterReader, SegmentRecord
from fakedruid.model.intervals import (
    Interval,
    format_instant,
    parse_interval,
    parse_path_interval,
)
from fakedruid.model.json_text import jackson_token
from fakedruid.model.segment_ids import possible_parsings, try_parse, version_key
from fakedruid.model.segments import DataSegment
from fakedruid.profiles import Profile
from fakedruid.settings import AppState

bp = Blueprint("metadata", __name__, url_prefix="/druid/coordinator/v1/metadata")


_JAVA_INTERVAL_LIST = "java.util.ArrayList<org.joda.time.Interval>"


def _properties(cluster: ClusterReader) -> dict[str, Any]:
    # SMM: {"created": <time of the last poll>}; the fake polls on every read.
    return {"created": format_instant(cluster.now())}


def _used(state: AppState, datasource: str) -> list[DataSegment]:
    """Every used segment of the datasource, overshadowed included, in segment-id order."""
    return [r.segment for r in state.cluster.records(datasource, used=True)]


def _used_segments(cluster: ClusterReader, datasource: str) -> list[DataSegment]:
    """Every used segment of the datasource, overshadowed included, in segment-id order."""
    return [r.segment for r in cluster.records(datasource, used=True)]


def _kept(cluster: ClusterReader, datasource: str, profile: Profile) -> bool:
    """Druid 37.0.0's metadata view shows a datasource with no used segment, with no segments, for 10 s after a
    mark-unused call filed ids of it (measured; ``HeapMemorySegmentMetadataCache.SYNC_BUFFER_DURATION``, the
    model's ``UNUSED_SYNC_BUFFER_MS``). Profile switch ``metadata_keeps_emptied_datasources``."""
    return profile.metadata_keeps_emptied_datasources and cluster.emptied(datasource)


def _segments_answer(segments: list[DataSegment], full: bool, profile: Profile) -> Response:
    if full:
        return wire.json_response([serialize.data_segment(s, profile) for s in segments])
    return wire.json_response([s.id for s in segments])


# ------------------------------------------------------------------ datasources


@bp.get("/datasources")
def get_datasources() -> Response:
    """``getDataSources``: names of datasources with used segments, every name with ``includeUnused``
    (or legacy ``includeDisabled``), or ImmutableDruidDataSources with ``full``; ``includeUnused`` wins."""
    state, profile = wire.context()
    include_unused = wire.flag("includeUnused") or wire.flag("includeDisabled")
    full = wire.flag("full")

    def query(cluster: ClusterReader) -> list[Any]:
        if include_unused:
            return list(cluster.datasource_names(include_unused=True))
        names = cluster.datasource_names(include_unused=False, keep_emptied=profile.metadata_keeps_emptied_datasources)
        if not full:
            return list(names)
        props = _properties(cluster)
        return [serialize.immutable_datasource(n, props, _used_segments(cluster, n), profile) for n in names]

    # MetadataResource filters the list to the datasources the user may read.
    return wire.json_response(security_gate.readable(state.cluster.read(query), _item_datasource))


@bp.get("/datasources/<datasource>")
def get_datasource_with_used_segments(datasource: str) -> Response:
    """``getDataSourceWithUsedSegments``: 404 when the datasource has no used segment."""
    state, profile = wire.context()

    def query(cluster: ClusterReader) -> dict[str, Any] | None:
        segments = _used_segments(cluster, datasource)
        if not segments and not _kept(cluster, datasource, profile):
            return None
        return serialize.immutable_datasource(datasource, _properties(cluster), segments, profile)

    body = state.cluster.read(query)
    return wire.empty(404) if body is None else wire.json_response(body)


@bp.get("/datasources/<datasource>/segments")
def get_used_segments_in_datasource(datasource: str) -> Response:
    """``getUsedSegmentsInDataSource``: ids (or DataSegments with ``full``) of all used segments; 404 when none."""
    state, profile = wire.context()
    segments = _used(state, datasource)
    if not segments and not state.cluster.read(lambda cluster: _kept(cluster, datasource, profile)):
        return wire.empty(404)
    return _segments_answer(segments, wire.flag("full"), profile)


@bp.post("/datasources/<datasource>/segments")
def get_used_segments_in_datasource_for_intervals(datasource: str) -> Response:
    """``getUsedSegmentsInDataSourceForIntervals``: used segments (overshadowed included) overlapping any
    interval of the JSON list body; ``[]`` or no body means every used segment; no existence check."""
    state, profile = wire.context()
    # No @Consumes, but Jersey still needs a JSON reader for the List<Interval> entity (http-api.md 1.5).
    intervals = _read_interval_list(wire.json_body())
    if not intervals:
        # IndexerSQLMetadataStorageCoordinator.retrieveUsedSegmentsForIntervals throws
        # IAE("null/empty intervals") for a null or empty list, and nothing catches it: Jetty's 500.
        return wire.jetty(500, "org.apache.druid.java.util.common.IAE: null/empty intervals")
    segments = [s for s in _used(state, datasource) if any(iv.overlaps(s.interval) for iv in intervals)]
    return _segments_answer(segments, wire.flag("full"), profile)


class _NumberText(str):
    """A JSON number kept as written (Jackson's ``getText()`` of a number token is its literal)."""


#: The cause chain of a null interval in the list: the metadata query dereferences it inside a JDBI callback
#: (measured on Druid 28.0.0: ``[null]`` and ``["<interval>", null]``; 33.0.0 not measured).
_NULL_INTERVAL_NPE = (
    'java.lang.NullPointerException: Cannot invoke "org.joda.time.Interval.getStart()" because "interval" is null'
)


def _read_interval_list(body: Any) -> list[Interval]:
    """Jackson reading ``List<Interval>`` with Druid's ``JodaStuff.IntervalDeserializer``, which parses
    ``jsonParser.getText()`` of any token: a number, a boolean, ``{`` or ``[`` is parsed as interval text and fails
    as Joda does, with the element's reference chain (measured on Druid 28.0.0: ``[5]``, ``[true]``, ``[{}]``,
    ``[1e3]``). A null element is kept, and the metadata query's NullPointerException escapes (Jetty's 500)."""
    if body is None:
        return []
    if not isinstance(body, list):
        wire.stop(_cannot_deserialize(_JAVA_INTERVAL_LIST, jackson_token(body), ""))
    if any(isinstance(item, (int, float)) and not isinstance(item, bool) for item in body):
        # Re-read to keep numbers as written (1e3 stays "1e3"); the body parsed once already, so this cannot fail.
        body = json.loads(request.get_data(cache=True), parse_int=_NumberText, parse_float=_NumberText)
    out = []
    for index, item in enumerate(body):
        if item is None:
            continue
        if isinstance(item, bool):
            text = "true" if item else "false"
        elif isinstance(item, (dict, list)):
            text = "{" if isinstance(item, dict) else "["
        else:
            text = str(item)
        try:
            out.append(parse_interval(text))
        except InvalidInterval as exc:
            chain = f" (through reference chain: java.util.ArrayList[{index}])"
            wire.stop(wire.mapping_error(wire.interval_wording(f"{exc.message}{chain}", exc, wire.profile())))
    if None in body:
        outer = f"org.skife.jdbi.v2.exceptions.CallbackFailedException: {_NULL_INTERVAL_NPE}"
        wire.stop(wire.error_page(500, outer, causes=(outer, _NULL_INTERVAL_NPE)))
    return out


def _cannot_deserialize(java_type: str, token: str, chain: str) -> Response:
    # Jackson 2 wording, UNCONFIRMED (http-api.md 1.4).
    return wire.mapping_error(f"Cannot deserialize value of type `{java_type}` from {token}{chain}")


@bp.get("/datasources/<datasource>/segments/<path:segment_id>")
def get_segment(datasource: str, segment_id: str) -> Response:
    """``getSegment``: a used segment of the polled view, else the metadata store (unused rows too with
    ``includeUnused=true``). 404 when the datasource has no used segment at all."""
    state, profile = wire.context()
    include_unused = wire.boolean("includeUnused")
    if profile.metadata_segment_parses_id:
        parsed = try_parse(datasource, segment_id)
        if parsed is None:
            escaped = messages.COULD_NOT_PARSE_SEGMENT_ID.format(
                id=wire.escape_html(segment_id), ds=wire.escape_html(datasource)
            )
            return wire.raw(escaped, 400)

    def query(cluster: ClusterReader) -> SegmentRecord | None:
        if not cluster.records(datasource, used=True):
            return None
        if profile.metadata_segment_parses_id:
            return cluster.record(str(parsed), datasource=datasource)
        # Every candidate parsing against the polled view; id == datasource fails here, uncaught (S 5.2).
        for candidate in possible_parsings(datasource, segment_id):
            found = cluster.record(str(candidate), datasource=datasource)
            if found is not None and found.used:
                return found
        # Fallback: the raw id against the id column, with no datasource filter (MR @ 9da484f7).
        return cluster.record(segment_id)

    record = state.cluster.read(query)
    if record is None or not (record.used or include_unused):
        return wire.empty(404)
    return wire.json_response(serialize.data_segment(record.segment, profile))


# ------------------------------------------------------------------ unused segments


@bp.get("/datasources/<datasource>/unusedSegments")
def get_unused_segments_in_datasource(datasource: str) -> Response:
    """``getUnusedSegmentsInDataSource``: DataSegmentPlus of unused segments contained in ``interval``, with
    ``sortOrder``, ``lastSegmentId`` paging and ``limit`` (0 = no limit).

    Validation failures are uncaught in profile "29" (Jetty 500) and 400 DruidException JSON in "latest".
    """
    state, profile = wire.context()
    limit = wire.int_param("limit")
    try:
        return _unused_segments(state, datasource, limit, profile)
    except (InvalidInput, InvalidInterval) as exc:
        if not profile.unused_segments_errors_are_400:
            raise
        return wire.invalid_input(exc.message)
    except SegmentIdIndexError as exc:
        # "latest" catches every other exception into the legacy 500 map (MR ~master).
        if not profile.unused_segments_errors_are_400:
            raise
        return wire.json_response({"error": messages.UPDATE_FAILED_29, "message": exc.java_string()}, 500)


def _unused_segments(state: AppState, datasource: str, limit: int | None, profile: Profile) -> Response:
    # Druid's order of checks: limit, lastSegmentId, sortOrder, interval (MR ~master).
    if limit is not None and limit < 0:
        latest = profile.unused_segments_errors_are_400
        template = messages.INVALID_LIMIT_LATEST if latest else messages.INVALID_LIMIT_29
        raise InvalidInput(template.format(limit=limit))
    last_segment_id = request.args.get("lastSegmentId")
    if last_segment_id is not None and try_parse(datasource, last_segment_id) is None:
        raise InvalidInput(messages.INVALID_LAST_SEGMENT_ID.format(id=last_segment_id))
    sort_order = request.args.get("sortOrder")
    descending = False
    if sort_order is not None:
        if sort_order.upper() not in ("ASC", "DESC"):  # SortOrder.fromValue ignores letter case
            raise InvalidInput(messages.UNEXPECTED_SORT_ORDER.format(value=sort_order))
        descending = sort_order.upper() == "DESC"
    text = request.args.get("interval")
    interval = parse_path_interval(text) if text is not None else None

    rows = [
        r
        for r in state.cluster.records(datasource, used=False)
        if interval is None or interval.contains(r.segment.interval)
    ]
    # SMQ ~29: ORDER BY id, start, "end" in the requested direction; ids compare as Java strings.
    rows.sort(key=_unused_order, reverse=descending)
    if last_segment_id is not None:
        last = version_key(last_segment_id)
        rows = [r for r in rows if _beyond(version_key(r.segment.id), last, descending)]
    if limit:  # JDBC setMaxRows(0) means no limit
        rows = rows[:limit]
    return wire.json_response([serialize.data_segment_plus(r, profile) for r in rows])


def _beyond(key: bytes, last: bytes, descending: bool) -> bool:
    """``id > lastSegmentId`` (``<`` for DESC), as Java compares strings."""
    return key < last if descending else key > last


def _unused_order(record: SegmentRecord) -> tuple[bytes, int, int]:
    seg = record.segment
    return (version_key(seg.id), seg.interval.start, seg.interval.end)


# ------------------------------------------------------------------ all segments


@bp.get("/segments")
def get_all_used_segments() -> Response:
    """``getAllUsedSegments``: every used segment of the selected datasources, or SegmentStatusInCluster
    entries with ``includeOvershadowedStatus``; ``includeRealtimeSegments`` alone is a 400."""
    state, profile = wire.context()
    with_status = wire.flag("includeOvershadowedStatus")
    if wire.flag("includeRealtimeSegments") and not with_status:
        return wire.empty(400)
    wanted = request.args.getlist("datasources")

    def query(cluster: ClusterReader) -> list[dict[str, Any]]:
        names = [n for n in cluster.datasource_names(include_unused=False) if not wanted or n in wanted]
        out: list[dict[str, Any]] = []
        for name in names:
            segments = _used_segments(cluster, name)
            if not with_status:
                out.extend(serialize.data_segment(s, profile) for s in segments)
                continue
            shadowed = cluster.overshadowed_segment_ids(name)
            for segment in segments:
                out.append(_segment_status_in_cluster(cluster, segment, segment.id in shadowed, profile))
        return out

    # The fake has no realtime segments, so includeRealtimeSegments appends nothing. Only segments of
    # datasources the user may read (MetadataResource, AuthorizationUtils.filterAuthorizedResources).
    return wire.json_response(security_gate.readable(state.cluster.read(query), _item_datasource))


def _item_datasource(item: Any) -> str:
    """The datasource of a list item: a name, an ImmutableDruidDataSource, a DataSegment or a
    SegmentStatusInCluster."""
    if isinstance(item, str):
        return item
    if "dataSegment" in item:
        return str(item["dataSegment"]["dataSource"])
    return str(item["dataSource"] if "dataSource" in item else item["name"])


def _segment_status_in_cluster(
    cluster: ClusterReader, segment: DataSegment, overshadowed: bool, profile: Profile
) -> dict[str, Any]:
    """SegmentStatusInCluster (http-api.md 1.10): the status keys, then the DataSegment keys unwrapped.

    The status keys come first and ``replicationFactor`` is null while the cluster has no data server (measured
    on Druid 33.0.0 with no Historical by tests/contract/test_differential.py: ``{"overshadowed":false,
    "replicationFactor":null,"numRows":null,"realtime":false,"dataSource":...}``; the Coordinator computes
    replication status only in a run with servers). An overshadowed segment has 0 (MetadataResource).

    No ``handedOff`` in either profile: the spec lists it for "latest" (UNCONFIRMED), but Druid's
    ``SegmentStatusInCluster.java`` (@ 105bda96 and @ 32747cd5) has only these four status keys.
    """
    if overshadowed:
        replication: int | None = 0
    elif not cluster.layout.servers:
        replication = None
    else:
        replication = _replication_factor(cluster, segment)
    out: dict[str, Any] = {
        "overshadowed": overshadowed,
        "replicationFactor": replication,
        "numRows": segment.num_rows,
        "realtime": False,
    }
    out.update(serialize.data_segment(segment, profile))
    return out


def _replication_factor(cluster: ClusterReader, segment: DataSegment) -> int | None:
    """Total replicas of the first matching load rule; None for another rule or no rule (semantics 10.6)."""
    rule = cluster.first_rule(segment.datasource, segment.interval)
    if rule is None or not rule.is_load:
        return None
    return int(sum(rule.tiered_replicants.values()))
