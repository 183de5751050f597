"""Request hooks: the request journal, injected faults and the not-the-leader mode, plus their admin API.

Layer: api (Flask). :func:`register` installs a ``before_request`` hook (faults, then leadership) and an
``after_request`` hook (the journal) on the app, and the admin routes below. The state lives on the
:class:`~fakedruid.server.FakeCoordinator` (``requests``, ``fail_next``, ``set_leader``, ``overlord_mode``); the
fake's own API under ``/fakedruid/`` is never recorded, faulted or redirected.

=======  =======================  ==========================================================================
method   path                     what
=======  =======================  ==========================================================================
GET      /fakedruid/v1/requests   the journal: ``[{"method", "path", "query", "body", "status"}, ...]``
DELETE   /fakedruid/v1/requests   empty the journal; ``{}``
GET      /fakedruid/v1/faults     ``{"faults": [...], "leader": bool, "leaderUrl": str|null, "overlordMode": str}``
POST     /fakedruid/v1/faults     add a fault and/or set the modes (fields below); answers as GET
DELETE   /fakedruid/v1/faults     forget the faults, lead again, Overlord ``ok``; ``{}``
=======  =======================  ==========================================================================

``POST /fakedruid/v1/faults`` takes a JSON object. A fault: ``"path"`` (glob) or ``"pathRegex"`` (full-match
regular expression), ``"method"`` (default ``"*"``), ``"status"`` (default 503; null answers normally after the
delay), ``"body"``, ``"contentType"``, ``"times"`` (default 1; null for every request), ``"delay"`` (seconds).
Modes: ``"notLeader"`` (bool), ``"leaderUrl"``, ``"overlordMode"`` (``ok``, ``missing``, ``old``,
``unreachable``). The object is checked as a whole first: a bad one answers 400 with a plain-text message
naming the field and changes nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn
from urllib.parse import quote

from flask import Blueprint, Flask, Response, request

from fakedruid.api import messages, wire
from fakedruid.errors import FakeDruidError
from fakedruid.server import OVERLORD_MODES, RecordedRequest

bp = Blueprint("journal", __name__)

PREFIX = "/fakedruid/v1"

#: Paths a non-leader still answers itself (``CoordinatorRedirectInfo.LOCAL_PATHS`` and
#: ``OverlordRedirectInfo.LOCAL_PATHS``, ``server/.../server/http/`` and ``indexing-service/.../overlord/http/``).
_LOCAL_PATHS = frozenset(
    {
        "/druid/coordinator/v1/leader",
        "/druid/coordinator/v1/isLeader",
        "/druid/indexer/v1/leader",
        "/druid/indexer/v1/isLeader",
    }
)

#: The routes of ``OverlordDataSourcesResource`` (http-api.md 5.4), with their methods.
_OVERLORD_DATA_MANAGEMENT = (
    (re.compile(r"/druid/indexer/v1/datasources/[^/]+/?"), frozenset({"POST", "DELETE"})),
    (re.compile(r"/druid/indexer/v1/datasources/[^/]+/mark(?:Used|Unused)/?"), frozenset({"POST"})),
    (re.compile(r"/druid/indexer/v1/datasources/[^/]+/segments/[^/]+/?"), frozenset({"POST", "DELETE"})),
)

_FAULT_FIELDS = ("method", "path", "pathRegex", "status", "body", "contentType", "times", "delay")
_MODE_FIELDS = ("notLeader", "leaderUrl", "overlordMode")


def register(app: Flask) -> None:
    """Install the hooks and the admin routes on ``app``."""
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.register_blueprint(bp)


def _is_own(path: str) -> bool:
    return path == "/fakedruid" or path.startswith("/fakedruid/")


# ---------------------------------------------------------------------- hooks


def _before_request() -> Response | None:
    """Faults first (an explicit per-request override), then leadership."""
    if _is_own(request.path):
        return None
    coordinator = wire.coordinator()
    # Read (and cache) the body now, before a view or a fault answer, so the journal sees it.
    request.get_data(cache=True)
    fault = coordinator.take_fault(request.method, request.path)
    if fault is not None:
        fault.wait()
        if fault.status is not None:
            return _fault_response(fault.status, fault.body, fault.content_type)
    if not coordinator.is_leader:
        return _not_leader_response(coordinator.leader_url)
    return None


def _after_request(response: Response) -> Response:
    """Record the request and its status in the journal."""
    if _is_own(request.path):
        return response
    coordinator = wire.coordinator()
    try:
        data = request.get_data(cache=True)
        text = data.decode("utf-8", errors="replace")
        coordinator.record_request(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=request.args.to_dict(flat=False),
                body=_decoded_body(text),
                status=response.status_code,
                text=text,
            )
        )
    except Exception as exc:  # a bug in the fake: fail the test in its thread, keep the answer
        coordinator.record_server_error(exc, f"{request.method} {request.full_path} (request journal)")
    return response


def _decoded_body(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _fault_response(status: int, body: Any, content_type: str | None) -> Response:
    if body is None:
        response = wire.empty(status)
        if content_type is not None:
            response.headers["Content-Type"] = content_type
        return response
    if isinstance(body, str):
        return Response(body, status=status, content_type=content_type or "text/plain; charset=utf-8")
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, content_type=content_type or wire.JSON_TYPE
    )


def _not_leader_response(leader_url: str | None) -> Response | None:
    """What a Coordinator (running the Overlord too) that is not the leader answers.

    ``RedirectFilter`` (``server/.../server/http/RedirectFilter.java``) runs on every path but ``/status/*``:
    the local paths go through (``isLeader`` then says 404 ``{"leader": false}``); any other request is
    redirected with 307 to the leader's URL plus the request URI and query, or gets Jetty's 503 page when no
    leader is known (``getRedirectURL`` returns null). The Overlord's data-management resource answers its own
    503 ``I am not leader`` (``OverlordDataSourcesResource.performSegmentUpdate``); the fake gives that answer on
    those paths, so clients can be tested against it (see the README's known differences).
    """
    path = request.path
    if path == "/status" or path.startswith("/status/"):
        return None
    if path == "/druid/coordinator/v1/isLeader":
        return wire.json_response({"leader": False}, 404)
    if path == "/druid/coordinator/v1/leader":
        # CoordinatorResource.getLeader: Response.ok(getCurrentLeader()); a null entity is sent as 204
        # (UNCONFIRMED).
        return wire.raw(leader_url, 200) if leader_url else wire.empty(204)
    if path in _LOCAL_PATHS:
        return None
    if wire.profile().overlord_datasources_api and _is_overlord_data_management(request.method, path):
        return wire.raw(messages.NOT_LEADER, 503)
    if leader_url is None:
        return wire.jetty(503, "Service Unavailable")
    location = leader_url + _raw_path()
    if request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    response = wire.empty(307)
    response.headers["Location"] = location
    return response


def _is_overlord_data_management(method: str, path: str) -> bool:
    return any(rx.fullmatch(path) and method in methods for rx, methods in _OVERLORD_DATA_MANAGEMENT)


def _raw_path() -> str:
    """The request URI as sent (Java's ``getRequestURI`` does not decode it)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0]
    return quote(request.path, safe="/:@!$&'()*+,;=~-._")


# ---------------------------------------------------------------------- admin API


def _bad_request(message: str) -> NoReturn:
    wire.stop(wire.text(message, 400))


def _json_object() -> dict[str, Any]:
    data = request.get_data(cache=True)
    if not data.strip():
        _bad_request("The request body is empty; expected a JSON object")
    try:
        body = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        _bad_request(f"Malformed JSON in the request body: {exc}")
    if not isinstance(body, dict):
        _bad_request(f"The request body must be a JSON object, got {type(body).__name__}")
    return body


@bp.get(f"{PREFIX}/requests")
def get_requests() -> Response:
    """The request journal, oldest first."""
    return wire.json_response([r.to_json() for r in wire.coordinator().requests])


@bp.delete(f"{PREFIX}/requests")
def clear_requests() -> Response:
    """Empty the request journal."""
    wire.coordinator().clear_requests()
    return wire.json_response({})


def _faults_document() -> dict[str, Any]:
    coordinator = wire.coordinator()
    return {
        "faults": [f.to_json() for f in coordinator.faults],
        "leader": coordinator.is_leader,
        "leaderUrl": coordinator.leader_url,
        "overlordMode": coordinator.overlord_mode,
    }


@bp.get(f"{PREFIX}/faults")
def get_faults() -> Response:
    """Pending faults and the current modes."""
    return wire.json_response(_faults_document())


@bp.post(f"{PREFIX}/faults")
def add_fault() -> Response:
    """Add a fault and/or set the leader and Overlord modes; all or nothing."""
    body = _json_object()
    unknown = sorted(set(body) - set(_FAULT_FIELDS) - set(_MODE_FIELDS))
    if unknown:
        _bad_request(
            f"Unknown field(s) [{', '.join(unknown)}]; expected some of [{', '.join(_FAULT_FIELDS + _MODE_FIELDS)}]"
        )
    coordinator = wire.coordinator()
    not_leader = body.get("notLeader")
    if "notLeader" in body and not isinstance(not_leader, bool):
        _bad_request(f"[notLeader] must be true or false, got {json.dumps(not_leader)}")
    leader_url = body.get("leaderUrl")
    if leader_url is not None and not (isinstance(leader_url, str) and leader_url.startswith(("http://", "https://"))):
        _bad_request(f"[leaderUrl] must be an http(s) base URL, got {json.dumps(leader_url)}")
    mode = body.get("overlordMode")
    if "overlordMode" in body and mode not in OVERLORD_MODES:
        _bad_request(f"[overlordMode] must be one of {json.dumps(list(OVERLORD_MODES))}, got {json.dumps(mode)}")
    fault_args = _fault_arguments(body)
    if fault_args is None and not any(k in body for k in _MODE_FIELDS):
        _bad_request('Nothing to do: send a fault ("path" or "pathRegex") and/or "notLeader" or "overlordMode"')
    if fault_args is not None:
        try:
            coordinator.fail_next(**fault_args)
        except FakeDruidError as exc:
            _bad_request(f"Invalid fault: {exc.message}")
    if "notLeader" in body or "leaderUrl" in body:
        leading = not not_leader if "notLeader" in body else coordinator.is_leader
        coordinator.set_leader(leading, leader_url if leader_url is not None else coordinator.leader_url)
    if "overlordMode" in body:
        coordinator.overlord_mode = mode
    return wire.json_response(_faults_document())


def _fault_arguments(body: dict[str, Any]) -> dict[str, Any] | None:
    """``fail_next`` keyword arguments from the body, or None when it describes no fault."""
    has_glob, has_regex = "path" in body, "pathRegex" in body
    if not has_glob and not has_regex:
        stray = [k for k in _FAULT_FIELDS if k in body]
        if stray:
            _bad_request(f"Field(s) [{', '.join(stray)}] need a [path] (glob) or [pathRegex]")
        return None
    if has_glob and has_regex:
        _bad_request("Send either [path] (a glob) or [pathRegex], not both")
    if has_glob:
        pattern: Any = body["path"]
        if not isinstance(pattern, str) or not pattern:
            _bad_request(f"[path] must be a non-empty glob string, got {json.dumps(pattern)}")
    else:
        source = body["pathRegex"]
        if not isinstance(source, str) or not source:
            _bad_request(f"[pathRegex] must be a non-empty regular expression, got {json.dumps(source)}")
        try:
            pattern = re.compile(source)
        except re.error as exc:
            _bad_request(f"[pathRegex] is not a valid regular expression: {exc}")
    args: dict[str, Any] = {"method": body.get("method", "*"), "path_pattern": pattern}
    for field, name in (("status", "status"), ("body", "body"), ("contentType", "content_type"), ("times", "times")):
        if field in body:
            args[name] = body[field]
    if "delay" in body:
        args["delay"] = body["delay"]
    return args


@bp.delete(f"{PREFIX}/faults")
def clear_faults() -> Response:
    """Forget every fault, lead again, and make the Overlord reachable."""
    wire.coordinator().clear_faults()
    return wire.json_response({})
