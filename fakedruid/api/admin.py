"""The fake's own admin API under ``/fakedruid/v1``: seed segments, reset, dump and load the state, set the clock.

Layer: api (Flask). This API is fakedruid's, not Druid's, so none of Druid's quirks apply (http-api.md 0.3):
a body that is not JSON, a value of the wrong type or an invalid segment answers **400** with a plain-text
message naming the problem, and changes nothing. Successful answers are JSON.

=======  ======================  ============================================================================
method   path                    what
=======  ======================  ============================================================================
POST     /fakedruid/v1/segments  seed DataSegment JSON objects (all or nothing); ``{"segmentIds": [...]}``
POST     /fakedruid/v1/reset     forget segments, rules, rule history and tasks; ``{}``
GET      /fakedruid/v1/state     the whole state as one document (:mod:`fakedruid.state`)
PUT      /fakedruid/v1/state     replace the state with a document (all or nothing); ``{"numSegments": N}``
GET      /fakedruid/v1/clock     ``{"now": "<ISO-8601>"}``
POST     /fakedruid/v1/clock     body ``{"now": <ISO-8601 string or UTC ms>}`` freezes the clock there
=======  ======================  ============================================================================
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import Blueprint, Response, request

from fakedruid.api import wire
from fakedruid.errors import FakeDruidError
from fakedruid.model.intervals import format_instant
from fakedruid.model.json_text import describe
from fakedruid.state import export_state, load_state

bp = Blueprint("admin", __name__)

PREFIX = "/fakedruid/v1"


def _bad_request(message: str) -> NoReturn:
    """Answer 400 with a plain-text message at once."""
    wire.stop(wire.text(message, 400))


def _json_body(expected: str) -> Any:
    """The request body as JSON (any Content-Type is accepted); 400 when it is empty or malformed.

    :param expected: what the body should be, for the message (``"a JSON array of DataSegment objects"``).
    """
    data = request.get_data(cache=True)
    if not data.strip():
        _bad_request(f"The request body is empty; expected {expected}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _bad_request(f"The request body is not UTF-8 ({exc}); expected {expected}")
    try:
        return json.loads(text)
    except ValueError as exc:
        _bad_request(f"Malformed JSON in the request body: {exc}")


def _invalid(exc: FakeDruidError) -> NoReturn:
    """400 for a validation error; anything else is not the caller's fault and propagates."""
    if not isinstance(exc, ValueError):
        raise exc
    _bad_request(exc.message)


@bp.post(f"{PREFIX}/segments")
def add_segments() -> Response:
    """Seed DataSegment objects as Druid serialises them, plus optional ``used`` (default true),
    ``createdDate`` and ``usedStatusLastUpdatedDate``. All or nothing; the ids come back in input order."""
    body = _json_body("a JSON array of DataSegment objects")
    if not isinstance(body, list):
        _bad_request(f"The request body must be a JSON array of DataSegment objects, got {describe(body)}")
    try:
        ids = wire.coordinator().add_segments(body)
    except FakeDruidError as exc:
        _invalid(exc)
    return wire.json_response({"segmentIds": ids})


@bp.post(f"{PREFIX}/reset")
def reset() -> Response:
    """Return to the freshly built state: no segments, Druid's default rules, no history, no tasks. The clock stays."""
    wire.coordinator().reset()
    return wire.json_response({})


@bp.get(f"{PREFIX}/state")
def get_state() -> Response:
    """The whole state as one document (:func:`fakedruid.state.export_state`)."""
    return wire.json_response(export_state(wire.coordinator()))


@bp.put(f"{PREFIX}/state")
def put_state() -> Response:
    """Replace the whole state with a document, all or nothing (:func:`fakedruid.state.load_state`)."""
    body = _json_body("a state document (a JSON object)")
    try:
        load_state(wire.coordinator(), body)
    except FakeDruidError as exc:
        _invalid(exc)
    return wire.json_response({"numSegments": len(body.get("segments", []))})


@bp.get(f"{PREFIX}/clock")
def get_clock() -> Response:
    """The fake's current time."""
    return wire.json_response({"now": format_instant(wire.coordinator().cluster.now())})


@bp.post(f"{PREFIX}/clock")
def set_clock() -> Response:
    """Freeze the clock at ``now`` (an ISO-8601 date-time or UTC milliseconds); answers the new time."""
    body = _json_body('a JSON object {"now": "<ISO-8601 date-time>"}')
    if not isinstance(body, dict):
        _bad_request(
            f'The request body must be a JSON object {{"now": "<ISO-8601 date-time>"}}, got {describe(body)}'
        )
    unknown = sorted(set(body) - {"now"})
    if unknown:
        _bad_request(f"Unknown field(s) [{', '.join(unknown)}]; the only field is [now]")
    if "now" not in body:
        _bad_request('Missing field [now]: send {"now": "<ISO-8601 date-time>"}')
    value = body["now"]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        _bad_request(f"[now] must be an ISO-8601 date-time string or UTC milliseconds, got {describe(value)}")
    coordinator = wire.coordinator()
    try:
        coordinator.set_now(value)
    except FakeDruidError as exc:
        _invalid(exc)
    return wire.json_response({"now": format_instant(coordinator.cluster.now())})


