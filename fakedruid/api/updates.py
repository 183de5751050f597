"""What the segment-update endpoints of the Coordinator and the Overlord share: the mark payload, the audit notes
and the Overlord checks.

Layer: api (Flask). Used by :mod:`fakedruid.api.datasources` (``DataSourcesResource``, DSR) and
:mod:`fakedruid.api.overlord_datasources` (``OverlordDataSourcesResource``, ODSR). Parsers raise (the error table of
:mod:`fakedruid.api.errors` answers); the audit notes describe the request for the entry the Cluster writes
together with the change (http-api.md 1.9).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import request

from fakedruid.api import messages
from fakedruid.api.rules import AUTHOR_HEADER, COMMENT_HEADER
from fakedruid.errors import (
    FakeDruidError,
    InvalidInterval,
    InvalidRequestPayload,
    JsonMappingError,
    OverlordUnavailable,
    Uncaught,
)
from fakedruid.model.audit import AUDIT_TYPE_MARK_UNUSED, AuditNote, RequestInfo, java_hash_set_order, payload_text
from fakedruid.model.intervals import Interval, parse_interval, parse_path_interval
from fakedruid.model.json_text import jackson_token
from fakedruid.model.segment_ids import SegmentId, try_parse
from fakedruid.profiles import Profile
from fakedruid.settings import AppState

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
) -> list[str | None]:
    """Jackson reading a ``Set<String>``/``List<String>``: scalars are coerced to text, containers fail."""
    chain = f'{payload_class}["{field}"]'
    if not isinstance(value, list):
        raise JsonMappingError(
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
            raise JsonMappingError(
                f"Cannot deserialize value of type `java.lang.String` from {jackson_token(item)} "
                f"(through reference chain: {chain}->{element_chain}[{index}])"
            )
    return out


def _body_interval(value: Any, payload_class: str) -> Interval:
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
        raise JsonMappingError(f'{exc.message} (through reference chain: {payload_class}["interval"])') from exc


def parse_mark_payload(body: Any, profile: Profile) -> MarkPayload:
    """Read and validate a markUsed/markUnused body as Druid does (http-api.md 1.4 and 2.3).

    Profile "29" reads ``MarkDataSourceSegmentsPayload`` (``versions`` is an unknown field, ignored); profile
    "latest" (``profile.honours_versions``) reads ``SegmentsToUpdateFilter``. Mapping errors come first, in
    the body's field order (Jackson reads fields as they arrive), then the validity rule.

    :param body: the decoded JSON body; None for an empty body or ``null``.
    :raises JsonMappingError: Jackson cannot read the body (400 ``{"error": ...}``).
    :raises InvalidRequestPayload: the payload's validity rule fails (400 RAW text).
    """
    latest = profile.honours_versions
    payload_class = _PAYLOAD_CLASS_LATEST if latest else _PAYLOAD_CLASS_29
    invalid = InvalidRequestPayload(
        messages.INVALID_MARK_PAYLOAD_LATEST if latest else messages.INVALID_MARK_PAYLOAD_29
    )
    if body is None:
        raise invalid
    if not isinstance(body, dict):
        raise JsonMappingError(f"Cannot deserialize value of type `{payload_class}` from {jackson_token(body)}")
    interval: Interval | None = None
    ids: list[str | None] | None = None
    versions: list[str | None] | None = None
    for key, value in body.items():
        if value is None:
            continue
        if key == "interval":
            interval = _body_interval(value, payload_class)
        elif key == "segmentIds":
            read = _string_elements(
                value, key, "java.util.Set<java.lang.String>", "java.util.HashSet", payload_class
            )
            ids = list(dict.fromkeys(read))
        elif key == "versions" and latest:
            versions = _string_elements(
                value, key, "java.util.List<java.lang.String>", "java.util.ArrayList", payload_class
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
        # The body was accepted, so every element reads.
        return _string_elements(value, field, java_type, element_chain, payload_class)

    ids = strings("segmentIds", "java.util.Set<java.lang.String>", "java.util.HashSet")
    out: dict[str, Any] = {
        "interval": None if payload.interval is None else str(payload.interval),
        "segmentIds": None if ids is None else java_hash_set_order(ids),
    }
    if profile.honours_versions:
        out["versions"] = strings("versions", "java.util.List<java.lang.String>", "java.util.ArrayList")
    return payload_text(out)


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
    headers = request.headers
    query = request.query_string.decode("latin-1")
    return AuditNote(
        type=audit_type,
        author=headers.get(AUTHOR_HEADER, ""),
        comment=headers.get(COMMENT_HEADER, ""),
        ip=request.remote_addr or "",
        request=RequestInfo(service, request.method, request_uri(), query or None),
        payload=payload,
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
