"""The Overlord's data-management API: ``/druid/indexer/v1/datasources/...`` (http-api.md section 5.4).

Layer: api (Flask). Druid source: ``indexing-service/.../overlord/http/OverlordDataSourcesResource.java`` (ODSR)
@ ``32747cd5``, added by PR #17545 (~32). The resource serves exactly six routes; killing stays on the
Coordinator, so ``DELETE .../datasources/{ds}/intervals/{interval}`` is a path the Overlord does not have (404).

The routes exist only where ``profile.overlord_datasources_api`` is set (profile "latest") and the Overlord is
not made too old by fault injection (``overlord_mode="old"``). Elsewhere every path under the prefix answers
404 as an unknown path does, also for methods that would otherwise be a 405 (:mod:`fakedruid.api.fallback`
answers those from the path table before the view).

Unlike the Coordinator's copies (``fakedruid.api.datasources``), these answer the Overlord's own errors
directly (the ``OVERLORD`` table of :mod:`fakedruid.api.errors`): a DruidException as its JSON and status (400
for unparseable or unknown ids of markUsed), any other failure as 500 ``{"error": "Server error", "message":
<root cause>}``, and the single-segment parse error with the id and datasource HTML-escaped. markUnused and
mark-all-unused write a ``segment.markUnused`` audit entry on success (``auditMarkUnusedOperation``).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from fakedruid.api import messages, serialize, wire
from fakedruid.api.datasources import mark_audit_payload, parse_mark_payload, parse_segment_id, request_note
from fakedruid.api.errors import OVERLORD, surface
from fakedruid.errors import InvalidSegmentId
from fakedruid.model.audit import AUDIT_TYPE_MARK_UNUSED, payload_text
from fakedruid.profiles import Profile
from fakedruid.settings import AppState

PREFIX = "/druid/indexer/v1/datasources"

bp = Blueprint("overlord_datasources", __name__, url_prefix=PREFIX)


def _api_exists(state: AppState, profile: Profile) -> bool:
    """The profile's Overlord has this API, and fault injection does not make it too old (semantics 10.9)."""
    return profile.overlord_datasources_api and state.harness.overlord_mode != "old"


def _context() -> tuple[AppState, Profile]:
    """The app state and profile; 404, as for a path Druid does not have, where the Overlord lacks this API.

    Its leadership check (503 ``I am not leader``) is answered before the view, by the request hooks
    (:mod:`fakedruid.api.hooks`).
    """
    state, profile = wire.context()
    if not _api_exists(state, profile):
        abort(404)
    return state, profile


def _check_id(datasource: str, segment_id: str) -> None:
    """The 400 for a single-segment id that does not parse for the datasource, HTML-escaped (ODSR).

    :raises InvalidSegmentId: with that message.
    """
    # tryParse outside any try block: an id equal to the datasource escapes as an uncaught 500 (semantics 5.2).
    if parse_segment_id(datasource, segment_id) is None:
        esc = wire.escape_html
        raise InvalidSegmentId(messages.COULD_NOT_PARSE_SEGMENT_ID.format(id=esc(segment_id), ds=esc(datasource)))


def _answer(n: int, profile: Profile, *, produces_json: bool = True) -> Response:
    """The SegmentUpdateResponse. The routes without ``@Produces`` in Druid 33.0.0 (``produces_json`` false,
    ``profile.forwarded_mark_used_500``) make the change and then, for an ``Accept`` that names no JSON type,
    answer Jersey's empty 500: what the Coordinator's forwarded call gets (measured through it: ``Server error [500
    Internal Server Error]; no body``)."""
    accept = request.headers.get("Accept", "")
    if not produces_json and profile.forwarded_mark_used_500 and not wire.accepts_json(accept):
        return wire.empty(500)
    return wire.json_response(serialize.bulk_update(n, profile))


# ====================================================================== the six routes


@bp.post("/<datasource>", provide_automatic_options=False)
@surface(OVERLORD)
def mark_all_non_overshadowed_segments_as_used(datasource: str) -> Response:
    """Mark every unused, non-overshadowed segment of the datasource used (as http-api 2.1)."""
    state, profile = _context()
    wire.require_json_content_type()
    return _answer(state.cluster.mark_used_in_interval(datasource), profile, produces_json=False)


@bp.delete("/<datasource>", provide_automatic_options=False)
@surface(OVERLORD)
def mark_all_segments_as_unused(datasource: str) -> Response:
    """Mark every used segment of the datasource unused (http-api 2.5 without the kill branch).

    A 2xx answer writes a ``segment.markUnused`` audit entry (``auditMarkUnusedOperation``: author and comment
    from the request headers, service ``overlord``) whose payload is the answer.
    """
    state, profile = _context()
    note = request_note(
        AUDIT_TYPE_MARK_UNUSED, lambda n: payload_text(serialize.bulk_update(n, profile)), service="overlord"
    )
    return _answer(state.cluster.mark_all_unused(datasource, audit=note), profile)


@bp.post("/<datasource>/markUsed", provide_automatic_options=False)
@surface(OVERLORD)
def mark_non_overshadowed_segments_as_used(datasource: str) -> Response:
    """Mark unused, non-overshadowed segments used, by interval (+ versions) or by ids (as http-api 2.3).

    Ids are parsed first (``IdUtils.getValidSegmentIds``): unparseable or unknown ids answer a 400 DruidException.
    """
    state, profile = _context()
    payload = parse_mark_payload(wire.json_body(), profile)
    if payload.interval is not None:
        n = state.cluster.mark_used_in_interval(datasource, payload.interval, versions=payload.versions)
    else:
        n = state.cluster.mark_used_by_ids(datasource, payload.segment_ids or (), parse_ids=True)
    return _answer(n, profile, produces_json=False)


@bp.post("/<datasource>/markUnused", provide_automatic_options=False)
@surface(OVERLORD)
def mark_segments_as_unused(datasource: str) -> Response:
    """Mark used segments unused, by interval (+ versions) or by ids; unparseable ids are dropped (http-api 2.4).

    A successful update writes a ``segment.markUnused`` audit entry whose payload is the filter as read.
    """
    state, profile = _context()
    body = wire.json_body()
    payload = parse_mark_payload(body, profile)
    note = request_note(
        AUDIT_TYPE_MARK_UNUSED, mark_audit_payload(body, payload, profile), service="overlord"
    )
    if payload.interval is not None:
        n = state.cluster.mark_unused_in_interval(
            datasource, payload.interval, versions=payload.versions, audit=note
        )
    else:
        n = state.cluster.mark_unused_by_ids(datasource, payload.segment_ids or (), audit=note)
    return _answer(n, profile)


@bp.post("/<datasource>/segments/<segment_id>", provide_automatic_options=False)
@surface(OVERLORD)
def mark_segment_as_used(datasource: str, segment_id: str) -> Response:
    """Mark one segment used, with no overshadow check; 1 when the row exists (as http-api 2.2, "latest")."""
    state, profile = _context()
    wire.require_json_content_type()
    _check_id(datasource, segment_id)
    return _answer(int(state.cluster.mark_segment_used(datasource, segment_id)), profile, produces_json=False)


@bp.delete("/<datasource>/segments/<segment_id>", provide_automatic_options=False)
@surface(OVERLORD)
def mark_segment_as_unused(datasource: str, segment_id: str) -> Response:
    """Mark one segment unused; 1 when the row exists, even if already unused (as http-api 2.7, "latest")."""
    state, profile = _context()
    _check_id(datasource, segment_id)
    return _answer(int(state.cluster.mark_segment_unused(datasource, segment_id)), profile, produces_json=False)
