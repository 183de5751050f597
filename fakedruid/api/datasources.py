"""The Coordinator's ``DataSourcesResource``: ``/druid/coordinator/v1/datasources/...``.

Layer: api (Flask). Views parse the path, query and body, call the :class:`~fakedruid.model.cluster.Cluster`
and shape Druid's answer for the active profile (http-api.md sections 1 to 3.5, semantics.md section 3).
Druid sources: ``server/src/main/java/org/apache/druid/server/http/DataSourcesResource.java`` (DSR) @
``dbe3b922`` (profile "29") and @ ``32747cd5`` (profile "latest").

In profile "latest" the Coordinator forwards every segment update to the Overlord's data-management API
(``OverlordDataSourcesResource``, ODSR) and re-wraps the Overlord's answer (http-api.md section 2,
introduction). The fake runs the Overlord half in process: :func:`overlord_segment_update` is what the Overlord
answers, and the Overlord's own copy of these endpoints reuses it together with :func:`parse_mark_payload`.

markUnused, mark-all-unused and the two kill endpoints write audit entries into ``Cluster.audit`` exactly when
Druid does (http-api.md 1.9): ``segment.markUnused`` by the Coordinator in profile "29" and by the Overlord
for the forwarded call in profile "latest", ``segment.kill`` by the Coordinator in both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, request

from fakedruid.api import messages, serialize, wire
from fakedruid.api.rules import AUTHOR_HEADER, COMMENT_HEADER
from fakedruid.errors import (
    FakeDruidError,
    InvalidInterval,
    JavaNullPointer,
    UnknownSegmentIds,
    UnparseableSegmentIds,
)
from fakedruid.model.audit import (
    AUDIT_TYPE_KILL,
    AUDIT_TYPE_MARK_UNUSED,
    AuditEntry,
    RequestInfo,
    java_hash_set_order,
    payload_text,
)
from fakedruid.model.cluster import Cluster
from fakedruid.model.intervals import (
    Interval,
    format_instant,
    parse_interval,
    parse_path_interval,
)
from fakedruid.model.json_text import jackson_token
from fakedruid.model.segment_ids import possible_parsings, try_parse
from fakedruid.model.segments import DataSegment
from fakedruid.model.servers import Server
from fakedruid.profiles import Profile

bp = Blueprint("datasources", __name__)

P = "/druid/coordinator/v1/datasources"

#: The Java classes Jackson names in mapping errors of the markUsed/markUnused body, per profile.
_PAYLOAD_CLASS_29 = "org.apache.druid.server.http.DataSourcesResource$MarkDataSourceSegmentsPayload"
_PAYLOAD_CLASS_LATEST = "org.apache.druid.server.http.SegmentsToUpdateFilter"


# ====================================================================== the mark payload (2.3, 2.4)


@dataclass(frozen=True, slots=True)
class MarkPayload:
    """A valid markUsed/markUnused body.

    Exactly one of ``interval`` and ``segment_ids`` is set. ``segment_ids`` keeps request order without
    duplicates (a Java set) and may hold None for a JSON ``null`` element. ``versions`` is None when the
    body has none or the profile ignores the field.
    """

    interval: Interval | None
    segment_ids: tuple[str | None, ...] | None
    versions: tuple[str, ...] | None


def _string_elements(
    value: Any, field: str, java_type: str, element_chain: str, payload_class: str
) -> list[str | None] | Response:
    """Jackson reading a ``Set<String>``/``List<String>``: scalars are coerced to text, containers fail."""
    chain = f'{payload_class}["{field}"]'
    if not isinstance(value, list):
        return wire.mapping_error(
            f"Cannot deserialize value of type `{java_type}` from {jackson_token(value)} "
            f"(through reference chain: {chain})"
        )
    out: list[str | None] = []
    for index, item in enumerate(value):
        if item is None or isinstance(item, str):
            out.append(item)
        elif isinstance(item, (bool, int, float)):
            # Jackson's StringDeserializer accepts scalar tokens and keeps their text.
            out.append(json.dumps(item))
        else:
            return wire.mapping_error(
                f"Cannot deserialize value of type `java.lang.String` from {jackson_token(item)} "
                f"(through reference chain: {chain}->{element_chain}[{index}])"
            )
    return out


def _body_interval(value: Any, payload_class: str) -> Interval | Response:
    """Druid's ``JodaStuff.IntervalDeserializer``: ``Intervals.of(parser.getText())`` on any token."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict):
        text = "{"
    elif isinstance(value, list):
        text = "["
    else:
        text = json.dumps(value)
    try:
        return parse_interval(text)
    except InvalidInterval as exc:
        return wire.mapping_error(f'{exc.message} (through reference chain: {payload_class}["interval"])')


def parse_mark_payload(body: Any, profile: Profile) -> MarkPayload | Response:
    """Read and validate a markUsed/markUnused body as Druid does (http-api.md 1.4 and 2.3).

    Profile "29" reads ``MarkDataSourceSegmentsPayload`` (``versions`` is an unknown field, ignored); profile
    "latest" (``profile.honours_versions``) reads ``SegmentsToUpdateFilter``. Mapping errors come first, in
    the body's field order (Jackson reads fields as they arrive), then the validity rule.

    :param body: the decoded JSON body; None for an empty body or ``null``.
    :returns: the payload, or the 400 answer: ``{"error": ...}`` for a mapping error, the RAW invalid-payload
        text otherwise.
    """
    latest = profile.honours_versions
    payload_class = _PAYLOAD_CLASS_LATEST if latest else _PAYLOAD_CLASS_29
    invalid = wire.raw(
        messages.INVALID_MARK_PAYLOAD_LATEST if latest else messages.INVALID_MARK_PAYLOAD_29, 400
    )
    if body is None:
        return invalid
    if not isinstance(body, dict):
        return wire.mapping_error(f"Cannot deserialize value of type `{payload_class}` from {jackson_token(body)}")
    interval: Interval | None = None
    ids: list[str | None] | None = None
    versions: list[str | None] | None = None
    for key, value in body.items():
        if value is None:
            continue
        if key == "interval":
            parsed = _body_interval(value, payload_class)
            if isinstance(parsed, Response):
                return parsed
            interval = parsed
        elif key == "segmentIds":
            read = _string_elements(
                value, key, "java.util.Set<java.lang.String>", "java.util.HashSet", payload_class
            )
            if isinstance(read, Response):
                return read
            ids = list(dict.fromkeys(read))
        elif key == "versions" and latest:
            read = _string_elements(
                value, key, "java.util.List<java.lang.String>", "java.util.ArrayList", payload_class
            )
            if isinstance(read, Response):
                return read
            versions = read
        # Any other field is unknown to Druid's mapper (FAIL_ON_UNKNOWN_PROPERTIES=false): ignored.
    if latest:
        # SegmentsToUpdateFilter.isValid (STUF @ 32747cd5).
        has_ids = bool(ids)
        valid = (has_ids and not versions) if interval is None else not has_ids
        if not valid:
            return invalid
        if interval is not None:
            ids = None
    else:
        # MarkDataSourceSegmentsPayload.isValid (DSR ~29): exactly one field, and a non-empty id set.
        if (interval is None) == (ids is None) or (ids is not None and not ids):
            return invalid
        versions = None
    return MarkPayload(
        interval=interval,
        segment_ids=None if ids is None else tuple(ids),
        # A null element matches no version; dropping it keeps "matches nothing" for a list of nulls.
        versions=None if versions is None else tuple(v for v in versions if v is not None),
    )


# ====================================================================== audit entries (http-api 1.9)


def mark_audit_payload(body: Any, payload: MarkPayload, profile: Profile) -> str:
    """The ``payload`` of a markUnused audit entry: the request body as Druid's mapper read and re-wrote it.

    Profile "29" writes ``MarkDataSourceSegmentsPayload`` (``interval``, ``segmentIds``); profile "latest" the
    ``SegmentsToUpdateFilter`` (``interval``, ``segmentIds``, ``versions``). Null fields are written (the audit
    mapper keeps nulls by default, ``AuditSerdeHelper``); ``segmentIds`` is a Java ``HashSet``, so it comes out
    deduplicated in hash order; ``versions`` is a list and keeps its order.

    :param body: the decoded JSON object that :func:`parse_mark_payload` accepted.
    :param payload: what :func:`parse_mark_payload` returned for it.
    """
    payload_class = _PAYLOAD_CLASS_LATEST if profile.honours_versions else _PAYLOAD_CLASS_29

    def strings(field: str, java_type: str, element_chain: str) -> list[str | None] | None:
        value = body.get(field)
        if value is None:
            return None
        read = _string_elements(value, field, java_type, element_chain, payload_class)
        # The body was accepted, so every element reads.
        return read if isinstance(read, list) else None

    ids = strings("segmentIds", "java.util.Set<java.lang.String>", "java.util.HashSet")
    out: dict[str, Any] = {
        "interval": None if payload.interval is None else str(payload.interval),
        "segmentIds": None if ids is None else java_hash_set_order(ids),
    }
    if profile.honours_versions:
        out["versions"] = strings("versions", "java.util.List<java.lang.String>", "java.util.ArrayList")
    return payload_text(out)


def _request_uri() -> str:
    """``HttpServletRequest.getRequestURI()``: the path as the client sent it (still percent-encoded)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0]
    return quote(request.path)


def java_url_encode(text: str) -> str:
    """Druid's ``StringUtils.urlEncode``: ``URLEncoder.encode(s, UTF-8)`` with ``+`` written as ``%20``."""
    # URLEncoder keeps only letters, digits and ".-*_"; Python's quote also keeps "~", Java encodes it.
    return quote(text, safe=".-*_").replace("~", "%7E")


def audit_request(key: str, audit_type: str, payload: str, *, service: str) -> AuditEntry:
    """Write an audit entry for the current request (``AuthorizationUtils.buildAuditInfo`` and
    ``buildRequestInfo``): author and comment from ``X-Druid-Author`` / ``X-Druid-Comment`` (``""`` when
    absent), the client's address, and the request's method, URI and raw query string.

    The caller holds ``cluster.lock``.

    :param service: ``"coordinator"`` or ``"overlord"``, the service that writes the entry.
    """
    cluster = _cluster()
    query = request.query_string.decode("latin-1")
    return cluster.audit.add(
        AuditEntry(
            key=key,
            type=audit_type,
            author=request.headers.get(AUTHOR_HEADER, ""),
            comment=request.headers.get(COMMENT_HEADER, ""),
            ip=request.remote_addr or "",
            payload=payload,
            audit_time=cluster.now(),
            request=RequestInfo(service, request.method, _request_uri(), query or None),
        )
    )


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


def _audit_forwarded_mark_unused(datasource: str, payload: str, *, method: str, suffix: str = "") -> AuditEntry:
    """The Overlord's entry for a markUnused the Coordinator forwarded to it (profile "latest").

    The Coordinator's Overlord client (``OverlordClientImpl``) sends neither ``X-Druid-Author`` nor
    ``X-Druid-Comment``, so author and comment are empty; the client is the Coordinator itself, under its
    escalated identity (``allowAll`` without an authenticator); the request is the Overlord call, with the
    datasource URL-encoded and no query string. The caller holds ``cluster.lock``.
    """
    cluster = _cluster()
    uri = f"/druid/indexer/v1/datasources/{java_url_encode(datasource)}{suffix}"
    return cluster.audit.add(
        AuditEntry(
            key=datasource,
            type=AUDIT_TYPE_MARK_UNUSED,
            author="",
            comment="",
            ip=_own_address(),
            payload=payload,
            audit_time=cluster.now(),
            request=RequestInfo("overlord", method, uri, None),
        )
    )


def then_audit(operation: Callable[[], int], audit: Callable[[int], object]) -> Callable[[], int]:
    """``operation`` followed by ``audit(n)`` once it succeeded: a failed update writes no entry."""

    def run() -> int:
        n = operation()
        audit(n)
        return n

    return run


# ====================================================================== performing an update


def overlord_segment_update(operation: Callable[[], int], profile: Profile) -> Response:
    """What the Overlord answers for a segment update (ODSR ``performSegmentUpdate`` @ ``32747cd5``).

    200 SegmentUpdateResponse; a DruidException (unparseable or unknown ids of markUsed) as its JSON with
    status 400; any other failure 500 ``{"error": "Server error", "message": <root cause>}``.
    """
    try:
        n = operation()
    except UnparseableSegmentIds as exc:
        return wire.invalid_input(
            messages.COULD_NOT_PARSE_SEGMENT_IDS.format(ids=", ".join(exc.ids), ds=exc.datasource)
        )
    except UnknownSegmentIds as exc:
        return wire.invalid_input(
            messages.COULD_NOT_FIND_SEGMENT_IDS.format(ids=", ".join(exc.ids), ds=exc.datasource)
        )
    except FakeDruidError as exc:
        return wire.json_response({"error": messages.OVERLORD_SERVER_ERROR, "message": exc.java_string()}, 500)
    return wire.json_response(serialize.bulk_update(n, profile))


def _jackson_text(response: Response) -> str:
    """The body as the Overlord's Jackson wrote it: compact JSON; a RAW string as is."""
    text = response.get_data(as_text=True)
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        return text


def _rewrap_overlord_failure(answer: Response, profile: Profile) -> Response:
    """The Coordinator's answer to an Overlord error (DSR ``updateSegmentsViaOverlord`` @ ``32747cd5``).

    A 404 means an Overlord too old for the API; anything else surfaces as the root cause of the RPC,
    ``HttpResponseException`` (``server/.../rpc/HttpResponseException.java``), inside a 500.
    """
    if answer.status_code == 404:
        return wire.druid_error(404, "general", "OPERATOR", "NOT_FOUND", messages.OVERLORD_TOO_OLD)
    body = _jackson_text(answer)
    if not body:
        detail = "no body"
    elif len(body) > 1000:
        detail = f"first 1KB of body: {body[:1000]}"
    else:
        detail = f"body: {body}"
    status = f"{answer.status_code} {HTTPStatus(answer.status_code).phrase}"
    message = f"org.apache.druid.rpc.HttpResponseException: Server error [{status}]; {detail}"
    return wire.json_response({"error": profile.update_failure_error, "message": message}, 500)


def _forwards_to_overlord(profile: Profile) -> bool:
    """The Coordinator sends segment updates to the Overlord's data-management API (PR #17545)."""
    return profile.segment_updates_via_overlord


def _overlord_fault(profile: Profile) -> Response | None:
    """The Coordinator's answer when fault injection makes the Overlord too old or unreachable (semantics 10.9).

    Too old: the Overlord has no data-management API, its 404 becomes the Coordinator's 404 DruidException.
    Unreachable: the RPC fails and the root cause, ``ServiceNotAvailableException``, is reported in the 500.
    """
    mode = wire.coordinator().overlord_mode
    if mode == "old":
        return _rewrap_overlord_failure(Response(status=404), profile)
    if mode == "unreachable":
        cause = messages.OVERLORD_UNREACHABLE.removeprefix("java.lang.RuntimeException: ")
        return wire.json_response({"error": profile.update_failure_error, "message": cause}, 500)
    return None


def _perform_update(operation: Callable[[], int], *, single: bool = False) -> Response:
    """Run a segment update and answer as the Coordinator of the active profile.

    Profile "29" (DSR ``performSegmentUpdate`` ~29): 200 with the count, 404 ``{"message": ...}`` for unknown
    ids, 500 ``{"error": "Exception occurred.", "message": <root cause>}`` for any other failure. Profile
    "latest": the Overlord's answer, re-wrapped when it is not a success.

    :param single: a single-segment endpoint (profile "29" answers ``{"segmentStateChanged": bool}``).
    """
    profile = wire.profile()
    if _forwards_to_overlord(profile):
        unavailable = _overlord_fault(profile)
        if unavailable is not None:
            return unavailable
        answer = overlord_segment_update(operation, profile)
        return answer if answer.status_code < 300 else _rewrap_overlord_failure(answer, profile)
    try:
        n = operation()
    except UnknownSegmentIds as exc:
        return wire.json_response({"message": messages.CANNOT_FIND_SEGMENT_IDS.format(ids=", ".join(exc.ids))}, 404)
    except FakeDruidError as exc:
        return wire.json_response({"error": profile.update_failure_error, "message": exc.java_string()}, 500)
    body = serialize.single_update(n > 0) if single else serialize.bulk_update(n, profile)
    return wire.json_response(body)


def _cluster() -> Cluster:
    return wire.coordinator().cluster  # type: ignore[no-any-return]


def _no_nulls(ids: Sequence[str | None]) -> list[str]:
    """Ids about to be parsed: ``SegmentId.tryParse`` dereferences a null element."""
    if any(i is None for i in ids):
        raise JavaNullPointer()
    return [i for i in ids if i is not None]


def _submit_kill(datasource: str, interval: Interval) -> str:
    """Submit an API kill task (``runKillTask("api-issued", ds, interval, null...)``); the fake runs it at once.

    The task is recorded for the Overlord task API; its id is not returned to the client (DSRT: entity null),
    only written into the audit entry.
    """
    return str(wire.coordinator().submit_kill_task(datasource, interval, source="api-issued"))


def _audit_mark_unused(datasource: str, payload: str, *, method: str, suffix: str = "") -> None:
    """Write the ``segment.markUnused`` entry of a successful markUnused or mark-all-unused.

    Profile "29": the Coordinator writes it (DSR @ ``dbe3b922``). Profile "latest": the Coordinator writes none
    (DSR @ ``4a16b263`` only forwards); the Overlord does, for the forwarded call (ODSR
    ``auditMarkUnusedOperation``).
    """
    if _forwards_to_overlord(wire.profile()):
        _audit_forwarded_mark_unused(datasource, payload, method=method, suffix=suffix)
    else:
        audit_request(datasource, AUDIT_TYPE_MARK_UNUSED, payload, service="coordinator")


def _no_overlord_client() -> Response | None:
    """Fault injection (semantics 10.9, ``overlord_mode="missing"``): a Coordinator that writes segments itself
    (profile "29") and has no Overlord client answers the two DELETE endpoints with 200
    ``{"error": "no indexing service found"}`` before reading anything else (DSR ~29)."""
    if wire.coordinator().overlord_mode == "missing" and not _forwards_to_overlord(wire.profile()):
        return wire.json_response({"error": messages.NO_INDEXING_SERVICE})
    return None


# ====================================================================== write endpoints (section 2)


@bp.post(f"{P}/<datasource>")
def mark_as_used_all_non_overshadowed_segments(datasource: str) -> Response:
    """2.1: mark every unused, non-overshadowed segment of the datasource used. No existence check."""
    wire.require_json_content_type()
    cluster = _cluster()
    return wire.map_endpoint(lambda: _perform_update(lambda: cluster.mark_used_in_interval(datasource)))


@bp.post(f"{P}/<datasource>/segments/<segment_id>")
def mark_segment_as_used(datasource: str, segment_id: str) -> Response:
    """2.2: mark one segment used, with no overshadow check.

    Profile "29" compares the raw id with every segment of every datasource; profile "latest" parses it for
    the path datasource first (400 RAW when it does not parse).
    """
    wire.require_json_content_type()
    profile = wire.profile()
    cluster = _cluster()
    if profile.single_mark_used_parses_id:
        # SegmentId.tryParse outside any try block: an id equal to the datasource is an uncaught 500.
        if try_parse(datasource, segment_id) is None:
            return wire.raw(messages.COULD_NOT_PARSE_SEGMENT_ID.format(id=segment_id, ds=datasource), 400)
        scope: str | None = datasource
    else:
        scope = None
    return wire.map_endpoint(
        lambda: _perform_update(lambda: int(cluster.mark_segment_used(scope, segment_id)), single=True)
    )


def _mark_with_payload(
    datasource: str, build: Callable[[MarkPayload], Callable[[], int]], *, audit: bool = False
) -> Response:
    """markUsed/markUnused: payload (400), then the served check (profile "29": 204), then the update.

    :param audit: write a ``segment.markUnused`` entry once the update succeeded (markUnused; DSR ~29 audits
        inside the update, after the metadata call, so a 400, a 204 or a failed update writes none).
    """
    profile = wire.profile()
    body = wire.read_json()
    payload = parse_mark_payload(body, profile)
    if isinstance(payload, Response):
        return payload
    cluster = _cluster()
    with cluster.lock:
        if profile.served_check_on_mark and not cluster.is_served(datasource):
            return wire.empty(204)
        operation = build(payload)
        if audit:
            text = mark_audit_payload(body, payload, profile)
            operation = then_audit(
                operation, lambda _n: _audit_mark_unused(datasource, text, method="POST", suffix="/markUnused")
            )
        return _perform_update(operation)


@bp.post(f"{P}/<datasource>/markUsed")
def mark_as_used_non_overshadowed_segments(datasource: str) -> Response:
    """2.3: mark unused, non-overshadowed segments used, by interval (+ versions) or by ids."""
    # No @Consumes, but Jersey still needs a JSON reader for the body: another Content-Type is a 415.
    wire.require_json_content_type()
    profile = wire.profile()
    cluster = _cluster()

    def build(payload: MarkPayload) -> Callable[[], int]:
        if payload.interval is not None:
            interval = payload.interval
            return lambda: cluster.mark_used_in_interval(datasource, interval, versions=payload.versions)
        ids = payload.segment_ids or ()
        if profile.mark_used_ids_parsed:
            return lambda: cluster.mark_used_by_ids(datasource, _no_nulls(ids), parse_ids=True)
        # Profile "29" looks each raw string up in the id column; a null matches no row and prints as null.
        raw_ids = ["null" if i is None else i for i in ids]
        return lambda: cluster.mark_used_by_ids(datasource, raw_ids)

    return _mark_with_payload(datasource, build)


@bp.post(f"{P}/<datasource>/markUnused")
def mark_segments_as_unused(datasource: str) -> Response:
    """2.4: mark used segments unused, by interval (+ versions) or by ids (unparseable ids are dropped)."""
    wire.require_json_content_type()
    cluster = _cluster()

    def build(payload: MarkPayload) -> Callable[[], int]:
        if payload.interval is not None:
            interval = payload.interval
            return lambda: cluster.mark_unused_in_interval(datasource, interval, versions=payload.versions)
        ids = payload.segment_ids or ()
        return lambda: cluster.mark_unused_by_ids(datasource, _no_nulls(ids))

    return _mark_with_payload(datasource, build, audit=True)


@bp.delete(f"{P}/<datasource>")
def mark_as_unused_all_segments_or_kill(datasource: str) -> Response:
    """2.5: mark every used segment unused; with ``kill=true`` (any letter case) the deprecated kill."""
    missing = _no_overlord_client()
    if missing is not None:
        return missing
    if wire.boolean("kill"):
        interval = request.args.get("interval")
        if interval is None:
            # DSR calls interval.replace('_', '/') on the missing parameter.
            return wire.jetty(500, JavaNullPointer().java_string())
        return _kill(datasource, interval)
    cluster = _cluster()
    profile = wire.profile()
    # DSR ~29 audits a 2xx answer with the answer's entity as payload; the "latest" Overlord does the same
    # with its SegmentUpdateResponse. The update succeeds exactly when the answer is a 2xx.
    operation = then_audit(
        lambda: cluster.mark_all_unused(datasource),
        lambda n: _audit_mark_unused(datasource, payload_text(serialize.bulk_update(n, profile)), method="DELETE"),
    )
    with cluster.lock:
        return _perform_update(operation)


@bp.delete(f"{P}/<datasource>/intervals/<path:interval>")
def kill_unused_segments_in_interval(datasource: str, interval: str) -> Response:
    """2.6: submit a kill task for the unused segments inside the interval; 200 with no body."""
    interval = _interval_path_segment(interval)
    missing = _no_overlord_client()
    return missing if missing is not None else _kill(datasource, interval)


def _kill(datasource: str, interval_text: str) -> Response:
    # Intervals.of outside the try block: a bad interval escapes as an uncaught DruidException (Jetty 500).
    interval = parse_path_interval(interval_text)
    if wire.coordinator().overlord_mode == "unreachable":
        # Fault injection (semantics 10.9): runKillTask fails; no task is created.
        return wire.json_response({"error": messages.KILL_FAILED, "message": messages.OVERLORD_UNREACHABLE}, 500)
    cluster = _cluster()
    with cluster.lock:
        task_id = _submit_kill(datasource, interval)
        # Written once the Overlord accepted the task, in both profiles (DSR @ dbe3b922 and @ 4a16b263).
        audit_request(
            datasource,
            AUDIT_TYPE_KILL,
            payload_text({"killTaskId": task_id, "interval": str(interval)}),
            service="coordinator",
        )
    # Response.ok().build(): no entity, so Jersey writes no Content-Type (EMPTY, http-api.md 0.2).
    return wire.empty(200)


@bp.delete(f"{P}/<datasource>/segments/<segment_id>")
def mark_segment_as_unused(datasource: str, segment_id: str) -> Response:
    """2.7: mark one segment unused; true even when it was already unused."""
    profile = wire.profile()
    cluster = _cluster()
    # SegmentId.tryParse outside any try block in every version: id == datasource is an uncaught 500.
    if try_parse(datasource, segment_id) is None:
        if profile.unparseable_single_id_is_400:
            return wire.raw(messages.COULD_NOT_PARSE_SEGMENT_ID.format(id=segment_id, ds=datasource), 400)
        return wire.map_endpoint(lambda: wire.json_response(serialize.single_update(False)))
    return wire.map_endpoint(
        lambda: _perform_update(lambda: int(cluster.mark_segment_unused(datasource, segment_id)), single=True)
    )


# ====================================================================== read endpoints (3.1 to 3.5)

_Served = dict[str, tuple[DataSegment, tuple[Server, ...]]]


def _simple_properties(served: _Served, cluster: Cluster) -> dict[str, Any]:
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


def _first_server_segments(served: _Served, cluster: Cluster) -> list[DataSegment]:
    """The datasource's segments on the first server, in inventory order, that holds any of them (3.1)."""
    for server in cluster.layout.servers:
        held = [segment for segment, servers in served.values() if server in servers]
        if held:
            return held
    return []


@bp.get(P)
def get_queryable_datasources() -> Response:
    """3.1: served datasources by name; ``?simple`` with properties; ``?full`` (wins) as data sources."""
    profile = wire.profile()
    cluster = _cluster()
    with cluster.lock:
        names = cluster.served_datasources()
        if wire.flag("full"):
            # Druid keeps, per name, the DruidDataSource of the first server in inventory order.
            body: list[Any] = [
                serialize.immutable_datasource(
                    name, {"client": "side"}, _first_server_segments(cluster.served(name), cluster), profile
                )
                for name in names
            ]
        elif wire.flag("simple"):
            body = [{"name": name, "properties": _simple_properties(cluster.served(name), cluster)} for name in names]
        else:
            body = list(names)
    return wire.json_response(body)


@bp.get(f"{P}/<datasource>")
def get_datasource(datasource: str) -> Response:
    """3.2: simple properties of a served datasource; ``?full`` its served segments; 204 when not served."""
    profile = wire.profile()
    cluster = _cluster()
    with cluster.lock:
        served = cluster.served(datasource)
        if not served:
            return wire.empty(204)
        if wire.flag("full"):
            segments = [segment for segment, _ in served.values()]
            return wire.json_response(serialize.immutable_datasource(datasource, {}, segments, profile))
        return wire.json_response(_simple_properties(served, cluster))


def _raw_path_segments() -> list[str] | None:
    """The still percent-encoded path segments after ``P/`` (None when the server gives no raw URI).

    A trailing "/" adds no segment (Jersey 1 templates match an optional trailing slash).
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if not raw:
        return None
    path = str(raw).split("?", 1)[0]
    if not path.startswith(P + "/"):
        return None
    return path[len(P) + 1 :].rstrip("/").split("/")


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


def _served_per_interval(served: _Served, full: bool, keep: Callable[[Interval], bool]) -> Response:
    """DSR ``getServedSegmentsInInterval``: ``?full`` segments with servers, else size and count per interval."""
    profile = wire.profile()
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


@bp.get(f"{P}/<datasource>/intervals")
def get_intervals_with_served_segments(datasource: str) -> Response:
    """3.3: intervals of the served segments, newest first; ``?simple`` sizes and counts; ``?full`` segments."""
    cluster = _cluster()
    with cluster.lock:
        served = cluster.served(datasource)
        if not served:
            return wire.empty(204)
        full, simple = wire.flag("full"), wire.flag("simple")
        if full or simple:
            return _served_per_interval(served, full, lambda _: True)
        return wire.json_response([str(iv) for iv in _by_interval_newest_first(served, lambda _: True)])


@bp.get(f"{P}/<datasource>/intervals/<path:interval>")
def get_served_segments_in_interval(datasource: str, interval: str) -> Response:
    """3.3: ids of the served segments contained in the interval (``_`` form); ``?simple``/``?full`` as above."""
    # Parsed before anything else, outside a try block: a bad interval is an uncaught 500.
    the_interval = parse_path_interval(_interval_path_segment(interval))
    cluster = _cluster()
    with cluster.lock:
        served = cluster.served(datasource)
        if not served:
            return wire.empty(204)
        full, simple = wire.flag("full"), wire.flag("simple")
        if full or simple:
            return _served_per_interval(served, full, the_interval.contains)
        contained = [sid for sid, (segment, _) in served.items() if the_interval.contains(segment.interval)]
        return wire.json_response(contained)


@bp.get(f"{P}/<datasource>/segments")
def get_all_served_segments(datasource: str) -> Response:
    """3.4: ids of the served segments in id order; ``?full`` the DataSegments; 204 when not served."""
    profile = wire.profile()
    cluster = _cluster()
    with cluster.lock:
        served = cluster.served(datasource)
    if not served:
        return wire.empty(204)
    if wire.flag("full"):
        return wire.json_response([serialize.data_segment(segment, profile) for segment, _ in served.values()])
    return wire.json_response(list(served))


@bp.get(f"{P}/<datasource>/segments/<segment_id>")
def get_served_segment(datasource: str, segment_id: str) -> Response:
    """3.4: a served segment and its servers; every candidate parsing is tried in order; 204 when none."""
    profile = wire.profile()
    cluster = _cluster()
    with cluster.lock:
        served = cluster.served(datasource)
    if not served:
        return wire.empty(204)
    # iteratePossibleParsingsWithDataSource, outside a try block (id == datasource is an uncaught 500).
    for candidate in possible_parsings(datasource, segment_id):
        hit = served.get(str(candidate))
        if hit is not None:
            segment, servers = hit
            return wire.json_response(serialize.served_segment(segment, [s.name for s in servers], profile))
    return wire.empty(204)


@bp.get(f"{P}/<datasource>/tiers")
def get_tiers_where_segments_are_served(datasource: str) -> Response:
    """3.5: tiers with a server serving a segment of the datasource, sorted; ``[]`` when not served."""
    cluster = _cluster()
    with cluster.lock:
        served = cluster.served(datasource)
    return wire.json_response(sorted({server.tier for _, servers in served.values() for server in servers}))
