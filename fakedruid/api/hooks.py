"""Request hooks: where the harness meets every Druid request (Jetty's URI limit, faults, leadership, journal).

Layer: api (Flask). :func:`register` installs one ``before_request`` and one ``after_request`` hook. The state
they consult is the :class:`~fakedruid.harness.Harness` (``FakeCoordinator.fail_next``, ``set_leader``,
``requests``). The fake's own API under ``/fakedruid/`` is never recorded, faulted or redirected.

Before the view, in this order: Jetty's request-line limit (414), then the request's profile is read once and
kept for the request (:func:`fakedruid.api.wire.context`), then the body limit (413), then basic security's 401 /
403 when it is on (:mod:`fakedruid.api.security_gate`), then the first matching fault, then the not-the-leader
answers, then Jersey's matching against the path table (:func:`jersey_match`: 404, 405, then the route's
``@Consumes`` (415) and ``@Produces`` (406)). After the view: ``Content-Type: application/json`` on an empty
answer of a JSON route, the state file
(``--state-file``), then the journal entry. A quiet harness (no fault, leading) costs two attribute reads; the
Jersey check one regular-expression match.
:class:`FakeDruidApp` is the Flask class of the app: it skips Flask's per-call ``async`` check of hooks and views.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote, unquote_to_bytes

from flask import Flask, current_app, has_request_context, request
from flask.globals import request_ctx
from werkzeug.routing import PathConverter, UnicodeConverter

from fakedruid.api import druid_paths, fallback, jackson, limits, messages, security_gate, wire
from fakedruid.api.wire import Response
from fakedruid.harness import RecordedRequest
from fakedruid.profiles import Profile
from fakedruid.settings import AppState

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


class FakeDruidApp(Flask):
    """Flask, minus the per-call check for ``async`` views and hooks (the fake has none): Flask asks
    ``inspect.iscoroutinefunction`` for the view and for every hook on every request."""

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """``func`` itself: every view and hook of the fake is synchronous."""
        return func


def register(app: Flask) -> None:
    """Install the hooks on ``app`` (before its routes: the converters apply to rules added afterwards)."""
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.wsgi_app = _EncodedSlashes(app.wsgi_app)  # type: ignore[method-assign]
    app.url_map.converters["default"] = app.url_map.converters["string"] = _SegmentConverter
    app.url_map.converters["path"] = _PathConverter


# ------------------------------------------------------------------ "%2F" inside a path segment

#: Set in the WSGI environ when the raw path has an encoded slash (see :class:`_EncodedSlashes`).
ENCODED_SLASH_KEY = "fakedruid.encoded_slash"
_KEEP_ENCODED = re.compile(r"%(25|2[fF])")


class _EncodedSlashes:
    """Jersey matches templates against the raw path and decodes a parameter afterwards, so ``%2F`` stays inside
    one segment (``.../segments/a%2Fb`` is the segment id ``a/b``: measured on 28.0.0 and 33.0.0). Werkzeug
    decodes ``PATH_INFO`` before routing, which would split it. For a raw path with ``%2F`` only, ``PATH_INFO``
    is decoded from it with ``%2F`` and ``%25`` kept encoded, and the converters below decode those two in the
    parameter values."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").split("?", 1)[0]
        if raw.startswith("/") and "%2f" in raw.lower():
            kept = _KEEP_ENCODED.sub(lambda m: "%25" + m.group(1), raw)
            environ["PATH_INFO"] = unquote_to_bytes(kept).decode("latin-1")  # WSGI: bytes as latin-1
            environ[ENCODED_SLASH_KEY] = True
        return self.app(environ, start_response)


def _decode_kept(value: str) -> str:
    # Outside a request (url_map.bind(...).match in tools and tests) nothing was kept encoded.
    if has_request_context() and request.environ.get(ENCODED_SLASH_KEY):
        return unquote(value)
    return value


class _SegmentConverter(UnicodeConverter):
    """Flask's default converter, decoding the ``%2F`` and ``%25`` :class:`_EncodedSlashes` kept."""

    def to_python(self, value: str) -> str:
        """The parameter as Jersey hands it to the resource."""
        return _decode_kept(value)


class _PathConverter(PathConverter):
    """Flask's ``path`` converter, decoding the ``%2F`` and ``%25`` :class:`_EncodedSlashes` kept."""

    def to_python(self, value: str) -> str:
        """The parameter as Jersey hands it to the resource."""
        return _decode_kept(value)


#: ``druid.server.http.maxRequestHeaderSize`` (default 8 KiB): Jetty's buffer for the request line and headers.
MAX_REQUEST_HEADER_SIZE = 8 * 1024


def _limit_request_line(profile: Profile) -> Response | None:
    """Jetty refuses a request line longer than its header buffer with ``414 URI Too Long`` before Druid sees it.

    (Jetty's ``HttpParser``; Druid's default ``maxRequestHeaderSize``.) The body is Jetty 9.4's bad-message page
    (measured on 28.0.0 and 33.0.0) or, with ``profile.jetty12_bad_message_page``, Jetty 12's core error page
    (measured on 37.0.0: HTML whatever the ``Accept``, for the URI ``/badMessage``).
    """
    environ = request.environ
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
    line = f"{environ.get('REQUEST_METHOD', 'GET')} {uri} {environ.get('SERVER_PROTOCOL', 'HTTP/1.1')}"
    # A character is at most 4 bytes in UTF-8: most lines are short enough not to need encoding.
    if len(line) * 4 <= MAX_REQUEST_HEADER_SIZE:
        return None
    if len(line.encode("utf-8", "surrogateescape")) <= MAX_REQUEST_HEADER_SIZE:
        return None
    if profile.jetty12_bad_message_page:
        response = Response(_JETTY12_414, status=414, content_type="text/html;charset=iso-8859-1")
        response.headers["Cache-Control"] = "must-revalidate,no-cache,no-store"
        return response
    return Response(
        "<h1>Bad Message 414</h1><pre>reason: URI Too Long</pre>",
        status=414,
        content_type="text/html;charset=iso-8859-1",
    )


#: Jetty 12's page for a request line over the limit, byte for byte as Druid 37.0.0 answered it.
_JETTY12_414 = (
    "<html>\n<head>\n"
    '<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n'
    "<title>Error 414 URI Too Long</title>\n"
    "</head>\n<body>\n<h2>HTTP ERROR 414 URI Too Long</h2>\n<table>\n"
    "<tr><th>URI:</th><td>/badMessage</td></tr>\n"
    "<tr><th>STATUS:</th><td>414</td></tr>\n"
    "<tr><th>MESSAGE:</th><td>URI Too Long</td></tr>\n"
    "</table>\n\n</body>\n</html>\n"
)


def _limit_body(limit: int) -> Response | None:
    """413 before the body is read when its declared length is over the limit (the fake's own bound, see
    :mod:`fakedruid.api.limits`); a chunked body is cut at the limit by Werkzeug (413 too)."""
    req = request_ctx.request
    req.max_content_length = limit
    length = req.content_length
    if length is None or length <= limit:
        return None
    return wire.text(limits.body_too_large_message(length, limit), 413)


def _is_own(path: str) -> bool:
    return path == "/fakedruid" or path.startswith("/fakedruid/")


def _before_request() -> Response | None:
    """Jetty's limit, the profile, then faults (an explicit per-request override), then leadership, then Jersey's
    matching (:func:`jersey_match`)."""
    req = request_ctx.request
    state: AppState = current_app.extensions[wire.EXTENSION]
    too_long = _limit_request_line(state.settings.profile)
    if too_long is not None:
        return too_long
    profile = req.environ[wire.PROFILE_KEY] = state.settings.profile
    too_large = _limit_body(state.settings.max_body_bytes)
    if too_large is not None:
        return too_large
    if state.cluster.security is not None:
        # druid-basic-security: authentication and the resource filters run before anything else Druid does.
        refused = security_gate.enforce()
        if refused is not None:
            return refused
        if req.path.startswith(_SECURITY_PREFIX):
            return None  # the extension's own resources, outside the core path table
    if _is_own(req.path):
        return None
    harness = state.harness
    # Attribute reads only: a quiet harness (no fault, leading) costs no call.
    if harness.faults or not harness.leader:
        # Read (and cache) the body now, before a view or a fault answer, so the journal sees it.
        req.get_data(cache=True)
        fault = harness.take_fault(req.method, req.path)
        if fault is not None:
            fault.wait()
            if fault.status is not None:
                return _fault_response(fault.status, fault.body, fault.content_type)
        if not harness.leader:
            answer = _not_leader_response(harness.leader_url)
            if answer is not None:
                return answer
    return jersey_match(req.environ, req.method, profile.route_versions, harness.overlord_mode)


#: Per profile (its route versions): the path table's templates as one regular expression and, behind each of its
#: groups, the methods with their ``@Consumes`` and ``@Produces`` media types.
_JERSEY: dict[
    tuple[str, ...],
    tuple[re.Pattern[str], dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]],
] = {}


def _compile_jersey(
    versions: tuple[str, ...],
) -> tuple[re.Pattern[str], dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]]:
    pattern, routes = druid_paths.compiled(versions)
    compiled = pattern, {group: {r.method: (r.consumes, r.produces) for r in rs} for group, rs in routes.items()}
    _JERSEY[versions] = compiled
    return compiled


def jersey_match(
    environ: dict[str, Any], method: str, versions: tuple[str, ...], overlord_mode: str
) -> Response | None:
    """What Druid answers before a resource method runs, from the path table (:mod:`fakedruid.api.fallback` has
    the answers): Druid's method filters, the unknown-path 404 for a path that is not a Druid route of the
    profile, and Jersey's 405 for a method its best-matching template lacks (``POST /rules/history`` is a 405,
    though ``POST /rules/{dataSourceName}`` exists; Werkzeug's rule order would pick the latter).

    The common case (a Druid route with its method) is one regular-expression match on the raw path, no call.
    """
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    path = raw.split("?", 1)[0] if raw.startswith("/") else ""
    jersey = _JERSEY.get(versions) or _compile_jersey(versions)
    found = jersey[0].fullmatch(path) if path else None
    media = jersey[1][found.lastgroup].get(method) if found is not None and found.lastgroup is not None else None
    if media is None or overlord_mode == "old" or method not in _PLAIN_METHODS:
        answer = fallback.before_view(fallback.raw_path(), method)
        if answer is None and media is not None:
            # A view of the path table runs (an Overlord made too old leaves the Coordinator's routes in place).
            environ[JSON_PRODUCES_KEY] = JSON_MEDIA in media[1]
        return answer
    consumes, produces = media
    content_type = environ.get("CONTENT_TYPE")
    if consumes and content_type and not _content_type_consumed(content_type, consumes):
        # Jersey 1 matches @Consumes before @Produces. A request without Content-Type passes here; it is a 415
        # only when the method reads an entity (no reader for application/octet-stream): the body readers of
        # fakedruid.api.wire refuse it (measured on 28.0.0 and 33.0.0: POST markUnused and POST /rules/{ds}
        # without Content-Type are 415, mark-all-used and the single-segment POST are not).
        return wire.empty(415)
    if produces:
        accept = environ.get("HTTP_ACCEPT")
        if accept is not None and not _accept_matches(accept, produces):
            # No media type of @Produces is acceptable: Jersey's empty 406, before the resource method runs
            # (measured on Druid 28.0.0 and 33.0.0 with Accept: text/plain).
            return wire.empty(406)
    environ[JSON_PRODUCES_KEY] = JSON_MEDIA in produces
    return None


#: Where :func:`jersey_match` notes that the matched resource method declares ``@Produces(application/json)``.
JSON_PRODUCES_KEY = wire.JSON_PRODUCES_KEY
JSON_MEDIA = "application/json"


def _media_ranges(header: str) -> list[str]:
    """The media ranges of an ``Accept`` header, lower case, without parameters, those with ``q=0`` left out."""
    found = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        if any(p.replace(" ", "").lower() in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params):
            continue
        found.append(media.lower())
    return found


def _accept_matches(accept: str, produces: tuple[str, ...]) -> bool:
    """Whether an ``Accept`` header admits one of the ``@Produces`` media types (``*/*``, ``type/*`` or the type)."""
    ranges = _media_ranges(accept)
    if not ranges:
        return True  # an empty Accept header is "*/*" to Jersey
    offered = [p.split(";", 1)[0].strip().lower() for p in produces]
    for media in ranges:
        if media == "*/*" or media == "*":
            return True
        kind, _, sub = media.partition("/")
        for offer in offered:
            okind, _, osub = offer.partition("/")
            if kind == okind and (sub == "*" or sub == osub):
                return True
    return False


def _content_type_consumed(content_type: str, consumes: tuple[str, ...]) -> bool:
    """Whether ``@Consumes`` accepts the request's ``Content-Type``."""
    media = content_type.split(";", 1)[0].strip().lower()
    return any(media == c.split(";", 1)[0].strip().lower() for c in consumes)


#: Methods that pass Druid's filters and are never answered by them.
_PLAIN_METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})
#: Where druid-basic-security's management API lives (served only while security is on).
_SECURITY_PREFIX = "/druid-ext/basic-security/"

#: ``app.extensions`` key of the :class:`~fakedruid.persistence.Persister` of ``fakedruid serve --state-file``.
PERSISTER_KEY = "fakedruid.persister"
_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _after_request(response: Response) -> Response:
    """Persist what the request changed (``--state-file``), then record the request in the journal."""
    req = request_ctx.request  # one proxy lookup for the many reads below
    if req.environ.get(JSON_PRODUCES_KEY) and response.status_code in _EMPTY_JSON_STATUSES:
        _json_type_on_empty(response)
    profile = req.environ.get(wire.PROFILE_KEY)
    if profile is not None and profile.jetty12_reason_phrases and response.status == "500 Internal Server Error":
        # Jetty 12 writes its own reason phrase whatever Jersey sets (measured on Druid 37.0.0).
        response.status = "500 Server Error"
    persister = current_app.extensions.get(PERSISTER_KEY)
    if persister is not None and req.method not in _READ_ONLY_METHODS:
        response = _persist(persister, response)
    path = req.path
    if _is_own(path):
        return response
    state: AppState = current_app.extensions[wire.EXTENSION]
    harness = state.harness
    if not harness.record_requests:
        return response
    try:
        environ = req.environ
        limit = req.max_content_length
        if response.status_code == 413 or (limit is not None and (req.content_length or 0) > limit):
            text = ""  # refused with 413 unread: the journal does not read it either
        else:
            text = req.get_data(cache=True).decode("utf-8", errors="replace")
        body = environ[wire.BODY_KEY] if wire.BODY_KEY in environ else _decoded_body(text)
        # The journal's own append: a bounded deque, appended atomically (no lock needed, no call into the harness).
        harness.journal.append(
            RecordedRequest(
                method=req.method,
                path=path,
                query=req.args.to_dict(flat=False) if environ.get("QUERY_STRING") else {},
                body=body,
                status=response.status_code,
                text=text,
            )
        )
    except Exception as exc:  # a bug in the fake: fail the test in its thread, keep the answer
        harness.record_server_error(exc, f"{req.method} {req.full_path} (request journal)")
    return response


#: Statuses a resource method answers with no entity (``Response.noContent()``, ``status(404)``, ``ok()``).
_EMPTY_JSON_STATUSES = frozenset({200, 204, 404})


def _json_type_on_empty(response: Response) -> None:
    """Jersey writes the ``@Produces`` type even when a resource method's answer has no entity: Druid 28.0.0 and
    33.0.0 answer ``204 No Content`` (``GET .../intervals`` of an unknown datasource), ``404 Not Found``
    (``GET .../metadata/datasources/{unknown}``) and an empty ``200`` (a kill) with ``Content-Type:
    application/json`` (measured)."""
    if "Content-Type" not in response.headers and not response.direct_passthrough and not response.get_data():
        response.headers["Content-Type"] = JSON_MEDIA


def _persist(persister: Any, response: Response) -> Response:
    """Write the changes to the state file before the answer leaves; an answer that cannot be made durable is
    not acknowledged: it becomes a 500 naming the problem (the change stays in memory and in the next write)."""
    try:
        persister.commit()
    except OSError as exc:
        wire.state().harness.record_server_error(exc, "the state file")
        return wire.text(f"fakedruid could not write the state file [{persister.file.path}]: {exc}", 500)
    return response


def _decoded_body(text: str) -> Any:
    if not text.strip():
        return None
    if limits.json_depth_exceeded(text.encode("utf-8", "replace")) is not None:
        return text  # too deep to decode without recursion: kept as text
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
        jackson.dumps(body), status=status, content_type=content_type or wire.JSON_TYPE
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
    if path in ("/druid/coordinator/v1/isLeader", "/druid/indexer/v1/isLeader"):
        # CoordinatorResource.isLeader and OverlordResource.isLeader: 404 {"leader":false}.
        return wire.json_response({"leader": False}, 404)
    if path in ("/druid/coordinator/v1/leader", "/druid/indexer/v1/leader"):
        # getLeader: Response.ok(getCurrentLeader()); a null entity is sent as 204 (UNCONFIRMED).
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
