"""The Overlord's data-management API: ``/druid/indexer/v1/datasources/...`` (http-api.md section 5.4).

Layer: api (Flask). Druid source: ``indexing-service/.../overlord/http/OverlordDataSourcesResource.java`` (ODSR)
@ ``32747cd5``, added by PR #17545 (~32). The resource serves exactly six routes; killing stays on the
Coordinator, so ``DELETE .../datasources/{ds}/intervals/{interval}`` is a path the Overlord does not have (404).

The routes exist only where ``profile.overlord_datasources_api`` is set (profile "latest") and the Overlord is
not made too old by fault injection (``overlord_mode="old"``). Elsewhere every path under the prefix answers
404 as an unknown path does, also for methods that would otherwise be a 405.

Unlike the Coordinator's copies (``fakedruid.api.datasources``), these answer the Overlord's own errors
directly: a DruidException as its JSON and status (400 for unparseable or unknown ids of markUsed), any other
failure as 500 ``{"error": "Server error", "message": <root cause>}``, and the single-segment parse error with
the id and datasource HTML-escaped. markUnused and mark-all-unused write a ``segment.markUnused`` audit entry
on success (``auditMarkUnusedOperation``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import MethodNotAllowed, NotFound

from fakedruid.api import messages, serialize, wire
from fakedruid.api.datasources import (
    MarkPayload,
    audit_request,
    mark_audit_payload,
    overlord_segment_update,
    parse_mark_payload,
    then_audit,
)
from fakedruid.errors import JavaNullPointer
from fakedruid.model.audit import AUDIT_TYPE_MARK_UNUSED, payload_text
from fakedruid.model.cluster import Cluster
from fakedruid.model.segment_ids import try_parse

bp = Blueprint("overlord_datasources", __name__)

O = "/druid/indexer/v1/datasources"


def _api_exists() -> bool:
    """The profile's Overlord has this API, and fault injection does not make it too old (semantics 10.9)."""
    return wire.profile().overlord_datasources_api and wire.coordinator().overlord_mode != "old"


def _require_api() -> None:
    """404, as for a path Druid does not have, where the Overlord lacks this API."""
    if not _api_exists():
        abort(404)


@bp.app_errorhandler(405)
def _method_not_allowed(exc: MethodNotAllowed) -> ResponseReturnValue:
    """A wrong method on these paths is Jersey's 405 only where the paths exist; elsewhere a 404.

    Any other 405 of the app is answered as Flask would.
    """
    path = request.path
    if (path == O or path.startswith(O + "/")) and not _api_exists():
        return NotFound().get_response()
    return exc.response if exc.response is not None else exc.get_response()


def _cluster() -> Cluster:
    return wire.coordinator().cluster  # type: ignore[no-any-return]


def _perform(operation: Callable[[], int]) -> Response:
    """ODSR ``performSegmentUpdate``: the update and the Overlord's answer.

    Its leadership check (503 ``I am not leader``) is answered for every request, before the view, by the
    request hooks of :mod:`fakedruid.api.journal` (``FakeCoordinator.set_leader``).
    """
    cluster = _cluster()
    with cluster.lock:
        return overlord_segment_update(operation, wire.profile())


def _no_nulls(ids: Sequence[str | None]) -> list[str]:
    """Ids about to be parsed: ``SegmentId.tryParse`` dereferences a null element (500 Server error)."""
    if any(i is None for i in ids):
        raise JavaNullPointer()
    return [i for i in ids if i is not None]


def _unparseable_id(datasource: str, segment_id: str) -> Response | None:
    """The 400 for a single-segment id that does not parse for the datasource, HTML-escaped (ODSR)."""
    # tryParse outside any try block: an id equal to the datasource escapes as an uncaught 500 (semantics 5.2).
    if try_parse(datasource, segment_id) is not None:
        return None
    text = messages.COULD_NOT_PARSE_SEGMENT_ID.format(id=wire.escape_html(segment_id), ds=wire.escape_html(datasource))
    return wire.raw(text, 400)


def _payload() -> tuple[object, MarkPayload | Response]:
    """The decoded body and the ``SegmentsToUpdateFilter`` read from it: mapping errors, then validity (400 RAW)."""
    wire.require_json_content_type()
    body = wire.read_json()
    return body, parse_mark_payload(body, wire.profile())


def _audited(datasource: str, operation: Callable[[], int], payload: Callable[[int], str]) -> Callable[[], int]:
    """``operation``, then the ``segment.markUnused`` entry ODSR ``auditMarkUnusedOperation`` writes on success:
    author and comment from the request headers, service ``overlord``."""
    return then_audit(
        operation, lambda n: audit_request(datasource, AUDIT_TYPE_MARK_UNUSED, payload(n), service="overlord")
    )


# ====================================================================== the six routes


@bp.post(f"{O}/<datasource>", provide_automatic_options=False)
def mark_all_non_overshadowed_segments_as_used(datasource: str) -> Response:
    """Mark every unused, non-overshadowed segment of the datasource used (as http-api 2.1)."""
    _require_api()
    wire.require_json_content_type()
    cluster = _cluster()
    return _perform(lambda: cluster.mark_used_in_interval(datasource))


@bp.delete(f"{O}/<datasource>", provide_automatic_options=False)
def mark_all_segments_as_unused(datasource: str) -> Response:
    """Mark every used segment of the datasource unused (http-api 2.5 without the kill branch).

    A 2xx answer writes a ``segment.markUnused`` audit entry whose payload is the answer.
    """
    _require_api()
    cluster = _cluster()
    profile = wire.profile()
    return _perform(
        _audited(
            datasource,
            lambda: cluster.mark_all_unused(datasource),
            lambda n: payload_text(serialize.bulk_update(n, profile)),
        )
    )


@bp.post(f"{O}/<datasource>/markUsed", provide_automatic_options=False)
def mark_non_overshadowed_segments_as_used(datasource: str) -> Response:
    """Mark unused, non-overshadowed segments used, by interval (+ versions) or by ids (as http-api 2.3).

    Ids are parsed first (``IdUtils.getValidSegmentIds``): unparseable or unknown ids answer a 400 DruidException.
    """
    _require_api()
    _body, payload = _payload()
    if isinstance(payload, Response):
        return payload
    cluster = _cluster()
    if payload.interval is not None:
        interval, versions = payload.interval, payload.versions
        return _perform(lambda: cluster.mark_used_in_interval(datasource, interval, versions=versions))
    ids = payload.segment_ids or ()
    return _perform(lambda: cluster.mark_used_by_ids(datasource, _no_nulls(ids), parse_ids=True))


@bp.post(f"{O}/<datasource>/markUnused", provide_automatic_options=False)
def mark_segments_as_unused(datasource: str) -> Response:
    """Mark used segments unused, by interval (+ versions) or by ids; unparseable ids are dropped (http-api 2.4).

    A successful update writes a ``segment.markUnused`` audit entry whose payload is the filter as read.
    """
    _require_api()
    body, payload = _payload()
    if isinstance(payload, Response):
        return payload
    cluster = _cluster()
    text = mark_audit_payload(body, payload, wire.profile())
    operation: Callable[[], int]
    if payload.interval is not None:
        interval, versions = payload.interval, payload.versions
        operation = lambda: cluster.mark_unused_in_interval(datasource, interval, versions=versions)
    else:
        ids = payload.segment_ids or ()
        operation = lambda: cluster.mark_unused_by_ids(datasource, _no_nulls(ids))
    return _perform(_audited(datasource, operation, lambda _n: text))


@bp.post(f"{O}/<datasource>/segments/<segment_id>", provide_automatic_options=False)
def mark_segment_as_used(datasource: str, segment_id: str) -> Response:
    """Mark one segment used, with no overshadow check; 1 when the row exists (as http-api 2.2, "latest")."""
    _require_api()
    wire.require_json_content_type()
    bad = _unparseable_id(datasource, segment_id)
    if bad is not None:
        return bad
    cluster = _cluster()
    return _perform(lambda: int(cluster.mark_segment_used(datasource, segment_id)))


@bp.delete(f"{O}/<datasource>/segments/<segment_id>", provide_automatic_options=False)
def mark_segment_as_unused(datasource: str, segment_id: str) -> Response:
    """Mark one segment unused; 1 when the row exists, even if already unused (as http-api 2.7, "latest")."""
    _require_api()
    bad = _unparseable_id(datasource, segment_id)
    if bad is not None:
        return bad
    cluster = _cluster()
    return _perform(lambda: int(cluster.mark_segment_unused(datasource, segment_id)))
