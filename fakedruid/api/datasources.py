"""The Coordinator's ``DataSourcesResource``: ``/druid/coordinator/v1/datasources/...``.

Layer: api (Flask). Each view parses the path, query and body, makes one
:class:`~fakedruid.model.cluster.Cluster` call and shapes Druid's answer for the request's profile (http-api.md
sections 1 to 3.5, semantics.md section 3); errors are raised and answered by the ``COORDINATOR`` table of
:mod:`fakedruid.api.errors`. Druid sources: ``server/src/main/java/org/apache/druid/server/http/
DataSourcesResource.java`` (DSR) @ ``dbe3b922`` (profile "29") and @ ``32747cd5`` (profile "latest").

In profile "latest" the Coordinator forwards every segment update to the Overlord's data-management API
(``OverlordDataSourcesResource``, ODSR) and re-wraps the Overlord's answer (http-api.md section 2,
introduction); the fake makes the same Cluster call and the error table re-wraps the Overlord's failure.

markUnused, mark-all-unused and the two kill endpoints write audit entries exactly when Druid does (http-api.md
1.9): ``segment.markUnused`` by the Coordinator in profile "29" and by the Overlord for the forwarded call in
profile "latest", ``segment.kill`` by the Coordinator in both. The Cluster writes the entry in the same step as
the change (:class:`~fakedruid.model.audit.AuditNote`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, request

from fakedruid.api import jackson, messages, security_gate, serialize, wire
from fakedruid.api.errors import COORDINATOR, surface
from fakedruid.api.rules import AUTHOR_HEADER, COMMENT_HEADER
from fakedruid.errors import (
    FakeDruidError,
    InvalidInterval,
    InvalidRequestPayload,
    InvalidSegmentId,
    JavaNullPointer,
    JsonAt,
    JsonMappingError,
    KillSubmissionFailed,
    NoIndexingService,
    OverlordUnavailable,
    Uncaught,
)
from fakedruid.model.audit import (
    AUDIT_TYPE_KILL,
    AUDIT_TYPE_MARK_UNUSED,
    AuditNote,
    RequestInfo,
    java_hash_set_order,
    payload_text,
)
from fakedruid.model.cluster import ClusterReader
from fakedruid.model.intervals import Interval, format_instant, parse_interval, parse_path_interval
from fakedruid.model.json_text import bean_from_non_object, jackson_token
from fakedruid.model.segment_ids import SegmentId, possible_parsings, try_parse
from fakedruid.model.segments import DataSegment
from fakedruid.model.servers import Server
from fakedruid.profiles import Profile
from fakedruid.settings import AppState, Settings

PREFIX = "/druid/coordinator/v1/datasources"

bp = Blueprint("datasources", __name__, url_prefix=PREFIX)


def _answer(n: int, profile: Profile, settings: Settings, *, single: bool = False) -> Response:
    """The success answer of an update: ``{"numChangedSegments": n}`` (or a SegmentUpdateResponse), or for a
    single-segment endpoint in profile "29" ``{"segmentStateChanged": b}``.

    The single-segment endpoints and mark-all-used return a Java ``Map`` with no ``@Produces`` in profile "29":
    the ``Accept`` quirk applies (:func:`fakedruid.api.wire.map_answer`).
    """
    if profile.forwarded_mark_used_500:
        return forward_500(profile, produces_json=False)
    if single and not profile.segment_updates_via_overlord:
        return wire.map_answer(serialize.single_update(n > 0), profile, settings)
    return wire.map_answer(serialize.bulk_update(n, profile), profile, settings)


def forward_500(profile: Profile, *, produces_json: bool) -> Response:
    """Druid 33.0.0's answer to a forwarded mark-used or single-segment update, after the change was made
    (``profile.forwarded_mark_used_500``, measured): the Overlord's resource has no ``@Produces``, the forwarded
    call names no JSON type, so the Overlord answers Jersey's empty 500, which the Coordinator re-wraps as its own
    500 (``HttpResponseException``, ``no body``). That 500 is a ``Map``: a Coordinator method without
    ``@Produces`` (``produces_json`` false) cannot write it for an ``Accept`` that names no JSON type, and
    answers Jersey's empty 500 instead (ACCEPT_500_33).
    """
    if not produces_json and not wire.accepts_json(request.headers.get("Accept", "")):
        return wire.empty(500)
    return wire.json_response({"error": profile.update_failure_error, "message": messages.FORWARDED_NO_BODY}, 500)


def _require_indexing_service(state: AppState, profile: Profile) -> None:
    """Fault injection (semantics 10.9, ``overlord_mode="missing"``): a Coordinator that writes segments itself
    (profile "29") and has no Overlord client answers the two DELETE endpoints with 200
    ``{"error": "no indexing service found"}`` before reading anything else (DSR ~29).

    :raises NoIndexingService: in that mode.
    """
    if state.harness.overlord_mode == "missing" and not profile.segment_updates_via_overlord:
        raise NoIndexingService(messages.NO_INDEXING_SERVICE)


# ====================================================================== the mark payload (2.3, 2.4)


@dataclass(frozen=True, slots=True)
class MarkFilter:
    """A valid markUsed/markUnused body.

    Exactly one of ``interval`` and ``segment_ids`` is set. ``segment_ids`` keeps request order without
    duplicates (a Java set) and may hold None for a JSON ``null`` element. ``versions`` is None when the
    body has none or the profile ignores the field.
    """

    interval: Interval | None
    segment_ids: tuple[str | None, ...] | None
    versions: tuple[str, ...] | None
    #: ``interval`` as Druid prints it (for the audit entry).
    interval_text: str | None = None


def _string_elements(
    value: Any, field: str, java_type: str, element_chain: str, payload_class: str, *, raw_types: bool = False
) -> list[str | None]:
    """Jackson reading a ``HashSet<String>``/``ArrayList<String>``: scalars are coerced to text, containers fail.

    Measured on 28.0.0 and 33.0.0: a string is not a collection (``Cannot construct instance of
    `java.util.HashSet`...``, or the empty-string coercion error), other scalars and objects are
    ``Cannot deserialize value of type `java.util.HashSet<java.lang.String>` from ...``, located at the
    failing token, with Jackson's ``(through reference chain: ...)`` (written by profile "29" only, see
    ``wire.mapping_text``). ``raw_types`` (switch ``jackson_collection_errors_raw_types``, Jackson 2.20 in Druid
    37.0.0, measured): the empty-string error names the raw collection type and an object element the element
    type ``java.lang.String``.
    """
    chain = f'{payload_class}["{field}"]'

    def error(message: str, path: str, *where: str | int) -> JsonMappingError:
        return JsonMappingError(message, chain=f" (through reference chain: {path})", at=JsonAt(where))

    if not isinstance(value, list):
        collection = java_type.split("<", 1)[0]
        if isinstance(value, str) and value == "":
            target = collection if raw_types else java_type
            message = (
                f'Cannot coerce empty String ("") to element of `{target}` (but could if coercion was enabled '
                "using `CoercionConfig`)"
            )
        elif isinstance(value, str):
            message = (
                f"Cannot construct instance of `{collection}` (although at least one Creator exists): no "
                f"String-argument constructor/factory method to deserialize from String value ('{value}')"
            )
        else:
            message = f"Cannot deserialize value of type `{java_type}` from {jackson_token(value)}"
        raise error(message, chain, field)
    out: list[str | None] = []
    for index, item in enumerate(value):
        if item is None or isinstance(item, str):
            out.append(item)
        elif isinstance(item, (bool, int, float)):
            # Jackson's StringDeserializer accepts scalar tokens and keeps their text.
            out.append(json.dumps(item))
        else:
            # An object element is read as the collection's Object element type (measured: `HashSet<Object>`),
            # an array as the String element.
            collection = java_type.split("<", 1)[0]
            element = (
                f"{collection}<java.lang.Object>" if isinstance(item, dict) and not raw_types else "java.lang.String"
            )
            raise error(
                f"Cannot deserialize value of type `{element}` from {jackson_token(item)}",
                f"{chain}->{element_chain}[{index}]",
                field,
                index,
            )
    return out


def _body_interval(value: Any, payload_class: str) -> tuple[Interval, str]:
    """Druid's ``JodaStuff.IntervalDeserializer``: ``Intervals.of(parser.getText())`` on any token.

    :returns: the interval and its printed form.
    """
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict):
        text = "{"
    elif isinstance(value, list):
        text = "["
    else:
        text = json.dumps(value)
    try:
        interval = parse_interval(text)
    except InvalidInterval as exc:
        raise JsonMappingError(f'{exc.message} (through reference chain: {payload_class}["interval"])') from exc
    return interval, str(interval)


def parse_mark_payload(body: Any, profile: Profile) -> MarkFilter:
    """Read and validate a markUsed/markUnused body as Druid does (http-api.md 1.4 and 2.3).

    Profile "29" reads ``MarkDataSourceSegmentsPayload`` (``versions`` is an unknown field, ignored); profile
    "latest" (``profile.honours_versions``) reads ``SegmentsToUpdateFilter``. Mapping errors come first, in
    the body's field order (Jackson reads fields as they arrive), then the validity rule.

    :param body: the decoded JSON body; None for an empty body or ``null``.
    :raises JsonMappingError: Jackson cannot read the body (400 ``{"error": ...}``).
    :raises InvalidRequestPayload: the payload's validity rule fails (400 RAW text).
    """
    latest = profile.honours_versions
    payload_class = profile.mark_payload_class
    invalid = InvalidRequestPayload(
        messages.INVALID_MARK_PAYLOAD_LATEST if latest else messages.INVALID_MARK_PAYLOAD_29
    )
    if body is None:
        raise invalid
    if not isinstance(body, dict):
        # The payload class has a properties-based @JsonCreator: a scalar finds no one-argument creator.
        raise JsonMappingError(bean_from_non_object(payload_class, body), at=JsonAt())
    interval: Interval | None = None
    interval_text: str | None = None
    ids: list[str | None] | None = None
    versions: list[str | None] | None = None
    for key, value in body.items():
        if value is None:
            continue
        if key == "interval":
            interval, interval_text = _body_interval(value, payload_class)
        elif key == "segmentIds":
            read = _string_elements(
                value,
                key,
                "java.util.HashSet<java.lang.String>",
                "java.util.HashSet",
                payload_class,
                raw_types=profile.jackson_collection_errors_raw_types,
            )
            ids = list(dict.fromkeys(read))
        elif key == "versions" and latest:
            versions = _string_elements(
                value,
                key,
                "java.util.ArrayList<java.lang.String>",
                "java.util.ArrayList",
                payload_class,
                raw_types=profile.jackson_collection_errors_raw_types,
            )
        # Any other field is unknown to Druid's mapper (FAIL_ON_UNKNOWN_PROPERTIES=false): ignored.
    if latest:
        # SegmentsToUpdateFilter.isValid (STUF @ 32747cd5).
        has_ids = bool(ids)
        valid = (has_ids and not versions) if interval is None else not has_ids
        if not valid:
            raise invalid
        if interval is not None:
            ids = None
    else:
        # MarkDataSourceSegmentsPayload.isValid (DSR ~29): exactly one field, and a non-empty id set.
        if (interval is None) == (ids is None) or (ids is not None and not ids):
            raise invalid
        versions = None
    return MarkFilter(
        interval=interval,
        interval_text=None if interval is None else interval_text,
        segment_ids=None if ids is None else tuple(ids),
        # A null element matches no version; dropping it keeps "matches nothing" for a list of nulls.
        versions=None if versions is None else tuple(v for v in versions if v is not None),
    )


# ====================================================================== audit entries (http-api 1.9)


def mark_audit_payload(body: Any, payload: MarkFilter, profile: Profile) -> str:
    """The ``payload`` of a markUnused audit entry: the request body as Druid's mapper read and re-wrote it.

    Profile "29" writes ``MarkDataSourceSegmentsPayload`` (``interval``, ``segmentIds``); profile "latest" the
    ``SegmentsToUpdateFilter`` (``interval``, ``segmentIds``, ``versions``). Null fields are written (the audit
    mapper keeps nulls by default, ``AuditSerdeHelper``); ``segmentIds`` is a Java ``HashSet``, so it comes out
    deduplicated in hash order; ``versions`` is a list and keeps its order.

    :param body: the decoded JSON object that :func:`parse_mark_payload` accepted.
    :param payload: what :func:`parse_mark_payload` returned for it.
    """
    payload_class = profile.mark_payload_class

    def strings(field: str, java_type: str, element_chain: str) -> list[str | None] | None:
        value = body.get(field)
        if value is None:
            return None
        # The body was accepted, so every element reads.
        return _string_elements(value, field, java_type, element_chain, payload_class)

    ids = strings("segmentIds", "java.util.HashSet<java.lang.String>", "java.util.HashSet")
    out: dict[str, Any] = {
        "interval": payload.interval_text,
        "segmentIds": None if ids is None else java_hash_set_order(ids),
    }
    if profile.honours_versions:
        out["versions"] = strings("versions", "java.util.ArrayList<java.lang.String>", "java.util.ArrayList")
    # payload_text's form (compact, non-ASCII kept), written here: this runs on every markUnused.
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


# ====================================================================== audit notes (http-api 1.9)


def request_uri() -> str:
    """``HttpServletRequest.getRequestURI()``: the path as the client sent it (still percent-encoded)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0]
    return quote(request.path)


def java_url_encode(text: str) -> str:
    """Druid's ``StringUtils.urlEncode``: ``URLEncoder.encode(s, UTF-8)`` with ``+`` written as ``%20``."""
    # URLEncoder keeps only letters, digits and ".-*_"; Python's quote also keeps "~", Java encodes it.
    return quote(text, safe=".-*_").replace("~", "%7E")


def request_note(audit_type: str, payload: Any, *, service: str) -> AuditNote:
    """The audit note of the current request (``AuthorizationUtils.buildAuditInfo`` and ``buildRequestInfo``):
    author and comment from ``X-Druid-Author`` / ``X-Druid-Comment`` (``""`` when absent), the client's address,
    and the request's method, URI and raw query string.

    :param payload: the payload text, or a function of the action's result giving it.
    :param service: ``"coordinator"`` or ``"overlord"``, the service that writes the entry.
    """
    # Straight from the WSGI environ (one proxy lookup): the header, address and query values as sent.
    environ = request.environ
    query = environ.get("QUERY_STRING", "")
    return AuditNote(
        type=audit_type,
        author=environ.get(_AUTHOR_KEY, ""),
        comment=environ.get(_COMMENT_KEY, ""),
        ip=environ.get("REMOTE_ADDR") or "",
        request=RequestInfo(service, environ.get("REQUEST_METHOD", "GET").upper(), request_uri(), query or None),
        payload=payload,
    )


#: The WSGI keys of ``X-Druid-Author`` and ``X-Druid-Comment``.
_AUTHOR_KEY = "HTTP_" + AUTHOR_HEADER.upper().replace("-", "_")
_COMMENT_KEY = "HTTP_" + COMMENT_HEADER.upper().replace("-", "_")


def _own_address() -> str:
    """The address the fake Coordinator calls its Overlord from: the server side of the current connection
    (the client's address under the test client, which has no socket)."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            return str(sock.getsockname()[0])
        except (OSError, IndexError, TypeError):
            pass
    return request.remote_addr or ""


def mark_unused_note(datasource: str, payload: Any, profile: Profile, *, suffix: str = "") -> AuditNote:
    """The ``segment.markUnused`` note of a Coordinator markUnused or mark-all-unused.

    Profile "29": the Coordinator writes it (DSR @ ``dbe3b922``). Profile "latest": the Coordinator writes none
    (DSR @ ``4a16b263`` only forwards); the Overlord does, for the forwarded call (ODSR
    ``auditMarkUnusedOperation``). The Coordinator's Overlord client sends neither ``X-Druid-Author`` nor
    ``X-Druid-Comment``, so author and comment are empty; the request is the Overlord call, with the datasource
    URL-encoded and no query string, from the Coordinator's own address.
    """
    if not profile.segment_updates_via_overlord:
        return request_note(AUDIT_TYPE_MARK_UNUSED, payload, service="coordinator")
    uri = f"/druid/indexer/v1/datasources/{java_url_encode(datasource)}{suffix}"
    return AuditNote(
        type=AUDIT_TYPE_MARK_UNUSED,
        author="",
        comment="",
        ip=_own_address(),
        request=RequestInfo("overlord", request.method, uri, None),
        payload=payload,
    )


# ====================================================================== the Overlord behind the Coordinator


def require_overlord(state: AppState, profile: Profile) -> None:
    """Profile "latest" forwards segment updates to the Overlord: fault injection may make it too old or
    unreachable (semantics 10.9).

    :raises OverlordUnavailable: for the ``old`` and ``unreachable`` modes.
    """
    mode = state.harness.overlord_mode
    if profile.segment_updates_via_overlord and mode in ("old", "unreachable"):
        raise OverlordUnavailable(mode)


def parse_segment_id(datasource: str, segment_id: str) -> SegmentId | None:
    """``SegmentId.tryParse`` where Druid calls it outside any try block (an id equal to the datasource fails
    with an uncaught exception, semantics 5.2).

    :raises Uncaught: for that failure.
    """
    try:
        return try_parse(datasource, segment_id)
    except FakeDruidError as exc:
        raise Uncaught(exc) from exc


def path_interval(text: str) -> Interval:
    """``Intervals.of`` on a path or query parameter, outside any try block: a bad interval escapes as an
    uncaught DruidException (Jetty's 500, http-api 1.3).

    :raises Uncaught: for an interval that does not parse.
    """
    try:
        return parse_path_interval(text)
    except FakeDruidError as exc:
        raise Uncaught(exc) from exc


# ====================================================================== write endpoints (section 2)


@bp.post("/<datasource>")
@surface(COORDINATOR)
def mark_as_used_all_non_overshadowed_segments(datasource: str) -> Response:
    """2.1: mark every unused, non-overshadowed segment of the datasource used. No existence check."""
    state, profile = wire.context()
    wire.require_json_content_type()
    require_overlord(state, profile)
    n = state.cluster.mark_used_in_interval(datasource)
    return _answer(n, profile, state.settings)


@bp.post("/<datasource>/segments/<segment_id>")
@surface(COORDINATOR)
def mark_segment_as_used(datasource: str, segment_id: str) -> Response:
    """2.2: mark one segment used, with no overshadow check.

    Profile "29" compares the raw id with every segment of every datasource; profile "latest" parses it for
    the path datasource first (400 RAW when it does not parse).
    """
    state, profile = wire.context()
    wire.require_json_content_type()
    scope: str | None = None
    if profile.single_mark_used_parses_id:
        if parse_segment_id(datasource, segment_id) is None:
            raise InvalidSegmentId(messages.COULD_NOT_PARSE_SEGMENT_ID.format(id=segment_id, ds=datasource))
        scope = datasource
    require_overlord(state, profile)
    changed = state.cluster.mark_segment_used(scope, segment_id)
    return _answer(int(changed), profile, state.settings, single=True)


@bp.post("/<datasource>/markUsed")
@surface(COORDINATOR)
def mark_as_used_non_overshadowed_segments(datasource: str) -> Response:
    """2.3: mark unused, non-overshadowed segments used, by interval (+ versions) or by ids.

    Payload (400), then the served check (profile "29": 204), then the update.
    """
    # No @Consumes, but Jersey still needs a JSON reader for the body: another Content-Type is a 415.
    state, profile, body = wire.json_request()
    payload = parse_mark_payload(body, profile)
    require_overlord(state, profile)
    served = profile.served_check_on_mark
    if payload.interval is not None:
        n = state.cluster.mark_used_in_interval(
            datasource, payload.interval, versions=payload.versions, require_served=served
        )
    else:
        n = state.cluster.mark_used_by_ids(
            datasource, payload.segment_ids or (), parse_ids=profile.mark_used_ids_parsed, require_served=served
        )
    if profile.forwarded_mark_used_500:
        return forward_500(profile, produces_json=True)
    return wire.json_response(serialize.bulk_update(n, profile))


@bp.post("/<datasource>/markUnused")
@surface(COORDINATOR)
def mark_segments_as_unused(datasource: str) -> Response:
    """2.4: mark used segments unused, by interval (+ versions) or by ids (unparseable ids are dropped).

    Payload (400), then the served check (profile "29": 204), then the update and its ``segment.markUnused``
    entry (DSR ~29 audits inside the update, so a 400, a 204 or a failed update writes none).
    """
    state, profile, body = wire.json_request()
    payload = parse_mark_payload(body, profile)
    require_overlord(state, profile)
    note = mark_unused_note(datasource, mark_audit_payload(body, payload, profile), profile, suffix="/markUnused")
    served = profile.served_check_on_mark
    if payload.interval is not None:
        n = state.cluster.mark_unused_in_interval(
            datasource, payload.interval, versions=payload.versions, require_served=served, audit=note
        )
    else:
        n = state.cluster.mark_unused_by_ids(datasource, payload.segment_ids or (), require_served=served, audit=note)
    return serialize.bulk_update_response(n, profile)


@bp.delete("/<datasource>")
@surface(COORDINATOR)
def mark_as_unused_all_segments_or_kill(datasource: str) -> Response:
    """2.5: mark every used segment unused; with ``kill=true`` (any letter case) the deprecated kill.

    DSR ~29 audits a 2xx answer with the answer's entity as payload; the "latest" Overlord does the same with
    its SegmentUpdateResponse.
    """
    state, profile = wire.context()
    _require_indexing_service(state, profile)
    if wire.boolean("kill"):
        interval = request.args.get("interval")
        if interval is None:
            # DSR calls interval.replace('_', '/') on the missing parameter.
            raise Uncaught(JavaNullPointer())
        return _kill(state, profile, datasource, interval)
    require_overlord(state, profile)
    note = mark_unused_note(datasource, lambda n: payload_text(serialize.bulk_update(n, profile)), profile)
    n = state.cluster.mark_all_unused(datasource, audit=note)
    return wire.json_response(serialize.bulk_update(n, profile))


@bp.delete("/<datasource>/intervals/<path:interval>")
def kill_unused_segments_in_interval(datasource: str, interval: str) -> Response:
    """2.6: submit a kill task for the unused segments inside the interval; 200 with no body."""
    state, profile = wire.context()
    interval = _interval_path_segment(interval)
    _require_indexing_service(state, profile)
    return _kill(state, profile, datasource, interval)


def coordinator_kill_task_json(task_id: str, datasource: str, interval: Interval) -> str:
    """The kill task JSON Druid 29.0.1's Coordinator sends the Overlord (``OverlordClient.runKillTask``).

    ``ClientKillUnusedSegmentsTaskQuery(id, dataSource, interval, false, null, limit, maxUsedStatusLastUpdatedTime)``
    through Jackson: the type id first (``@JsonTypeInfo`` on ``ClientTaskQuery``), then the creator properties in
    creator order with their nulls, then the ``getType()`` property, which writes ``"type"`` a second time (read
    from 29.0.1's class files; measured on 28.0.0, whose class lacks ``maxUsedStatusLastUpdatedTime``: the
    Overlord's location column there is this JSON's length minus 36).
    """
    fields = {
        "id": task_id,
        "dataSource": datasource,
        "interval": str(interval),
        "markAsUnused": False,
        "batchSize": None,
        "limit": None,
        "maxUsedStatusLastUpdatedTime": None,
    }
    return '{"type":"kill",' + jackson.dumps(fields)[1:-1] + ',"type":"kill"}'


def _kill(state: AppState, profile: Profile, datasource: str, interval_text: str) -> Response:
    """Submit an API kill task (``runKillTask("api-issued", ds, interval, null...)``); the fake runs it at once.

    The task id is not returned to the client (DSR: entity null), only written into the ``segment.kill`` entry,
    once the Overlord accepted the task, in both profiles (DSR @ ``dbe3b922`` and @ ``4a16b263``).
    """
    # Intervals.of outside the try block: a bad interval escapes as an uncaught DruidException (Jetty 500).
    interval = path_interval(interval_text)
    if state.harness.overlord_mode == "unreachable":
        # Fault injection (semantics 10.9): runKillTask fails; no task is created.
        raise KillSubmissionFailed(messages.OVERLORD_UNREACHABLE)
    if interval.duration == 0:
        # The Overlord refuses the kill task (KillUnusedSegmentsTask's constructor: "interval empty") with a 400
        # that the Coordinator's OverlordClient rethrows (measured on 28.0.0 and 33.0.0). Up to 31 the Overlord's
        # Jackson message also locates the error in the Coordinator's own task JSON: its closing "}".
        error = messages.KILL_INTERVAL_EMPTY
        if profile.mapping_errors_name_path:
            sent = coordinator_kill_task_json(
                state.cluster.tasks.new_task_id("api-issued", datasource, interval, state.cluster.now()),
                datasource,
                interval,
            ).encode()
            line, column = jackson.locate(sent, (), "end")
            error += f"\n at {jackson.source(line, column)}"
        refused = wire.jackson_json({"error": error})
        raise KillSubmissionFailed(messages.OVERLORD_REFUSED_400.format(body=refused))
    note = request_note(
        AUDIT_TYPE_KILL,
        lambda task_id: payload_text({"killTaskId": task_id, "interval": str(interval)}),
        service="coordinator",
    )
    try:
        state.cluster.submit_kill(
            datasource=datasource,
            interval=interval,
            id_prefix="api-issued",
            count_killable_only=profile.kill_counts_killable_only,
            audit=note,
        )
    except FakeDruidError as exc:  # the kill path has no catch: whatever fails reaches Jetty
        raise Uncaught(exc) from exc
    # Response.ok().build(): no body; the request hooks add the @Produces type Jersey writes (measured).
    return wire.empty(200)


@bp.delete("/<datasource>/segments/<segment_id>")
@surface(COORDINATOR)
def mark_segment_as_unused(datasource: str, segment_id: str) -> Response:
    """2.7: mark one segment unused; true even when it was already unused."""
    state, profile = wire.context()
    # SegmentId.tryParse outside any try block in every version: id == datasource is an uncaught 500.
    if parse_segment_id(datasource, segment_id) is None:
        if profile.unparseable_single_id_is_400:
            raise InvalidSegmentId(messages.COULD_NOT_PARSE_SEGMENT_ID.format(id=segment_id, ds=datasource))
        return wire.map_answer(serialize.single_update(False), profile, state.settings)
    require_overlord(state, profile)
    changed = state.cluster.mark_segment_unused(datasource, segment_id)
    return _answer(int(changed), profile, state.settings, single=True)


# ====================================================================== read endpoints (3.1 to 3.5)

_Served = dict[str, tuple[DataSegment, tuple[Server, ...]]]


def _simple_properties(served: _Served, cluster: ClusterReader) -> dict[str, Any]:
    """DSR ``getSimpleDatasource``: per-tier and overall counts and sizes of the served segments (1.10)."""
    tier_order = {tier: i for i, tier in enumerate(cluster.layout.tiers)}
    tiers: dict[str, dict[str, int]] = {}
    tier_ids: dict[str, set[str]] = {}
    size = replicated = 0
    min_time = max_time = None
    for segment, servers in served.values():
        size += segment.size
        start, end = segment.interval.start, segment.interval.end
        min_time = start if min_time is None else min(min_time, start)
        max_time = end if max_time is None else max(max_time, end)
        for server in servers:
            replicated += segment.size
            stats = tiers.setdefault(server.tier, {"segmentCount": 0, "size": 0, "replicatedSize": 0})
            seen = tier_ids.setdefault(server.tier, set())
            if segment.id not in seen:
                seen.add(segment.id)
                stats["segmentCount"] += 1
                stats["size"] += segment.size
            stats["replicatedSize"] += segment.size
    ordered = dict(sorted(tiers.items(), key=lambda kv: tier_order.get(kv[0], len(tier_order))))
    return {
        "tiers": ordered,
        "segments": {
            "count": len(served),
            "size": size,
            "replicatedSize": replicated,
            "minTime": None if min_time is None else format_instant(min_time),
            "maxTime": None if max_time is None else format_instant(max_time),
        },
    }


def _first_server_segments(served: _Served, cluster: ClusterReader) -> list[DataSegment]:
    """The datasource's segments on the first server, in inventory order, that holds any of them (3.1)."""
    for server in cluster.layout.servers:
        held = [segment for segment, servers in served.values() if server in servers]
        if held:
            return held
    return []


@bp.get("")
def get_queryable_datasources() -> Response:
    """3.1: served datasources by name; ``?simple`` with properties; ``?full`` (wins) as data sources."""
    state, profile = wire.context()
    full, simple = wire.flag("full"), wire.flag("simple")
    if not full and not simple:
        # Only the datasources the user may read (DataSourcesResource filters with AuthorizationUtils).
        return wire.json_response(security_gate.readable(state.cluster.served_datasources(), str))

    def query(cluster: ClusterReader) -> list[Any]:
        names = cluster.served_datasources()
        if full:
            # Druid keeps, per name, the DruidDataSource of the first server in inventory order.
            return [
                serialize.immutable_datasource(
                    name, {"client": "side"}, _first_server_segments(cluster.served(name), cluster), profile
                )
                for name in names
            ]
        return [{"name": name, "properties": _simple_properties(cluster.served(name), cluster)} for name in names]

    return wire.json_response(security_gate.readable(state.cluster.read(query), _name))


def _name(item: dict[str, Any]) -> str:
    return str(item["name"])


@bp.get("/<datasource>")
def get_datasource(datasource: str) -> Response:
    """3.2: simple properties of a served datasource; ``?full`` its served segments; 204 when not served."""
    state, profile = wire.context()
    full = wire.flag("full")

    def query(cluster: ClusterReader) -> dict[str, Any] | None:
        served = cluster.served(datasource)
        if not served:
            return None
        if full:
            segments = [segment for segment, _ in served.values()]
            return serialize.immutable_datasource(datasource, {}, segments, profile)
        return _simple_properties(served, cluster)

    body = state.cluster.read(query)
    return wire.empty(204) if body is None else wire.json_response(body)


def _raw_path_segments() -> list[str] | None:
    """The still percent-encoded path segments after the prefix (None when the server gives no raw URI).

    A trailing "/" adds no segment (Jersey 1 templates match an optional trailing slash).
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if not raw:
        return None
    path = str(raw).split("?", 1)[0]
    if not path.startswith(PREFIX + "/"):
        return None
    return path[len(PREFIX) + 1 :].rstrip("/").split("/")


def _interval_path_segment(interval: str) -> str:
    """The ``{interval}`` path parameter as Jersey matches it (Flask's ``<path:...>`` takes in slashes).

    Jersey's ``{interval}`` is one path segment: a literal "/" (not "%2F") makes the path unknown (404). A
    template matches one optional trailing "/", which is not part of the parameter.
    """
    segments = _raw_path_segments()
    if segments is not None and len(segments) != 3:
        abort(HTTPStatus.NOT_FOUND)
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    if str(raw).split("?", 1)[0].endswith("/") and interval.endswith("/"):
        return interval[:-1]
    return interval


def _by_interval_newest_first(served: _Served, keep: Callable[[Interval], bool]) -> dict[Interval, list[Any]]:
    groups: dict[Interval, list[Any]] = {}
    for segment, servers in served.values():
        if keep(segment.interval):
            groups.setdefault(segment.interval, []).append((segment, servers))
    # Comparators.intervalsByStartThenEnd().reversed(): newest start first, then longest end first.
    return dict(sorted(groups.items(), key=lambda kv: (kv[0].start, kv[0].end), reverse=True))


def _served_per_interval(served: _Served, full: bool, keep: Callable[[Interval], bool], profile: Profile) -> Response:
    """DSR ``getServedSegmentsInInterval``: ``?full`` segments with servers, else size and count per interval."""
    groups = _by_interval_newest_first(served, keep)
    body: dict[str, Any] = {}
    for interval, members in groups.items():
        if full:
            body[str(interval)] = {
                segment.id: serialize.served_segment(segment, [s.name for s in servers], profile)
                for segment, servers in members
            }
        else:
            body[str(interval)] = {"size": sum(s.size for s, _ in members), "count": len(members)}
    return wire.json_response(body)


@bp.get("/<datasource>/intervals")
def get_intervals_with_served_segments(datasource: str) -> Response:
    """3.3: intervals of the served segments, newest first; ``?simple`` sizes and counts; ``?full`` segments."""
    state, profile = wire.context()
    served = state.cluster.served(datasource)
    if not served:
        return wire.empty(204)
    full, simple = wire.flag("full"), wire.flag("simple")
    if full or simple:
        return _served_per_interval(served, full, lambda _: True, profile)
    return wire.json_response([str(iv) for iv in _by_interval_newest_first(served, lambda _: True)])


@bp.get("/<datasource>/intervals/<path:interval>")
def get_served_segments_in_interval(datasource: str, interval: str) -> Response:
    """3.3: ids of the served segments contained in the interval (``_`` form); ``?simple``/``?full`` as above."""
    state, profile = wire.context()
    # Parsed before anything else, outside a try block: a bad interval is an uncaught 500.
    the_interval = path_interval(_interval_path_segment(interval))
    served = state.cluster.served(datasource)
    if not served:
        return wire.empty(204)
    full, simple = wire.flag("full"), wire.flag("simple")
    if full or simple:
        return _served_per_interval(served, full, the_interval.contains, profile)
    contained = [sid for sid, (segment, _) in served.items() if the_interval.contains(segment.interval)]
    return wire.json_response(contained)


@bp.get("/<datasource>/segments")
def get_all_served_segments(datasource: str) -> Response:
    """3.4: ids of the served segments in id order; ``?full`` the DataSegments; 204 when not served."""
    state, profile = wire.context()
    served = state.cluster.served(datasource)
    if not served:
        return wire.empty(204)
    if wire.flag("full"):
        return wire.json_response([serialize.data_segment(segment, profile) for segment, _ in served.values()])
    return wire.json_response(list(served))


@bp.get("/<datasource>/segments/<segment_id>")
def get_served_segment(datasource: str, segment_id: str) -> Response:
    """3.4: a served segment and its servers; every candidate parsing is tried in order; 204 when none."""
    state, profile = wire.context()
    served = state.cluster.served(datasource)
    if not served:
        return wire.empty(204)
    # iteratePossibleParsingsWithDataSource, outside a try block (id == datasource is an uncaught 500).
    for candidate in possible_parsings(datasource, segment_id):
        hit = served.get(str(candidate))
        if hit is not None:
            segment, servers = hit
            return wire.json_response(serialize.served_segment(segment, [s.name for s in servers], profile))
    return wire.empty(204)


@bp.get("/<datasource>/tiers")
def get_tiers_where_segments_are_served(datasource: str) -> Response:
    """3.5: tiers with a server serving a segment of the datasource, sorted; ``[]`` when not served."""
    served = wire.state().cluster.served(datasource)
    return wire.json_response(sorted({server.tier for _, servers in served.values() for server in servers}))
