"""Wire helpers: the typed accessor to the app state, Druid's response shapes and its ways of reading requests.

Layer: api (Flask). :func:`context` is the one accessor views use: the :class:`~fakedruid.settings.AppState` and the
profile of this request (read once, by the request hooks). Then raw-string bodies under a JSON content type,
Jetty-style error pages, presence flags, Boolean and integer parameters, the JSON body reader, and the
``Accept`` quirk (http-api.md sections 0.2, 1.3 to 1.6).
"""

from __future__ import annotations

import html
import html.entities
import json
from http import HTTPStatus
from typing import Any, NoReturn

from flask import Response as FlaskResponse
from flask import current_app, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from fakedruid.api import jackson, limits
from fakedruid.errors import FakeDruidError, InvalidInterval, JacksonMappingProblem
from fakedruid.profiles import Profile
from fakedruid.settings import AppState, Settings

JSON_TYPE = "application/json"

#: Reason phrases as Jetty (9.4 and 12) and Jersey 1 write them in the status line. A 500 a resource returns
#: is Jersey's "Internal Server Error"; Jetty's own error pages say "Server Error" (:func:`jetty`).
REASONS: dict[int, str] = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    307: "Temporary Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


class Response(FlaskResponse):
    """The app's response class: a status given as a number gets Jetty's reason phrase (Werkzeug would write
    ``404 NOT FOUND``); a status given with its phrase (``"500 Server Error"``) is kept."""

    def _clean_status(self, value: str | int | HTTPStatus) -> tuple[str, int]:
        status, code = super()._clean_status(value)
        phrase = REASONS.get(code)
        if phrase is not None and status == f"{code} {HTTP_STATUS_CODES[code].upper()}":
            return f"{code} {phrase}", code
        return status, code


#: Where the app keeps its state (``app.extensions``) and the request its profile (``request.environ``).
EXTENSION = "fakedruid"
PROFILE_KEY = "fakedruid.profile"
#: Where :func:`read_json` leaves the decoded body for the request journal.
BODY_KEY = "fakedruid.body"


def state() -> AppState:
    """The state the app serves: ``cluster``, ``harness`` and ``settings``."""
    app_state: AppState = current_app.extensions[EXTENSION]
    return app_state


def context() -> tuple[AppState, Profile]:
    """The app state and this request's profile (read once per request, when the request arrives)."""
    environ = request.environ
    app_state: AppState = current_app.extensions[EXTENSION]
    profile: Profile | None = environ.get(PROFILE_KEY)
    if profile is None:
        profile = environ[PROFILE_KEY] = app_state.settings.profile
    return app_state, profile


def profile() -> Profile:
    """This request's profile (see :func:`context`)."""
    return context()[1]


def json_request(*, error_page: bool = True) -> tuple[AppState, Profile, Any]:
    """:func:`context` plus the body of an ``@Consumes(application/json)`` request, in one step.

    :param error_page: as for :func:`read_json`.
    :returns: the app state, the profile and the body as :func:`read_json` reads it.
    """
    req = request_ctx.request  # one proxy lookup for the reads below
    environ = req.environ
    app_state: AppState = current_app.extensions[EXTENSION]
    profile: Profile | None = environ.get(PROFILE_KEY)
    if profile is None:
        profile = environ[PROFILE_KEY] = app_state.settings.profile
    ctype = req.mimetype
    if not ctype or (ctype != JSON_TYPE and not ctype.endswith("+json")):
        stop(unsupported_media_type())
    data = req.get_data(cache=True)
    if not data.strip():
        return app_state, profile, None
    _refuse_deep_json(data)
    try:
        value = json.loads(data)
    except ValueError:
        value = _jackson_read(data, error_page)
    environ[BODY_KEY] = value  # the request journal reuses it
    return app_state, profile, value


def _jackson_read(data: bytes, error_page: bool) -> Any:
    """What Python's parser refused, as Jackson reads it: the first value of the body (trailing text is ignored),
    or Druid's 500 naming Jackson's exception."""
    try:
        return jackson.loads(data)
    except jackson.JacksonParseError as exc:
        stop(malformed_json(exc) if error_page else empty(500))


def json_response(value: Any, status: int = 200) -> Response:
    """``JSON x``: the value serialised with keys in the order given, as Jackson writes it (compact)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if "\\u00" in text:  # a control character: Jackson's escapes use upper-case hex (rare; see jackson.dumps)
        text = jackson.dumps(value)
    return Response(text, status=status, mimetype=JSON_TYPE)


def jackson_json(value: Any) -> str:
    """``value`` as Jackson writes it: compact JSON (what :func:`json_response` sends)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def raw(text: str, status: int) -> Response:
    """``RAW "t"``: a Java string written unquoted under ``Content-Type: application/json``."""
    return Response(text, status=status, mimetype=JSON_TYPE)


def text(body: str, status: int) -> Response:
    """``TEXT "t"``: a plain-text body."""
    return Response(body, status=status, mimetype="text/plain")


def empty(status: int) -> Response:
    """``EMPTY``: no body and no ``Content-Type``. For a resource method that ``@Produces(APPLICATION_JSON)``,
    the request hooks add the type Jersey writes anyway (:func:`fakedruid.api.hooks.jersey_match`)."""
    resp = Response(b"", status=status)
    resp.headers.pop("Content-Type", None)
    return resp


#: The servlet Jetty's error page names: Druid maps only ``DefaultServlet`` ("default"); Jersey runs in a filter.
_SERVLET_ROW = "<tr><th>SERVLET:</th><td>default</td></tr>\n"


def jetty(status: int, cause: str, *, note: str | None = None, wrapped: bool | None = None) -> Response:
    """``JETTY(status, cause)``: Jetty 9.4's ``ErrorHandler`` page, in the form the ``Accept`` header asks for.

    For 500, ``cause`` escaped a resource method: Jersey rethrows a checked exception wrapped in a
    ``ServletException`` (``wrapped``; a malformed JSON body on Druid 28.0.0 and 33.0.0), so the page's message
    is ``javax.servlet.ServletException: <cause>`` and it lists both as causes; a runtime exception
    (``wrapped=False``: a ``NullPointerException``) escapes as itself (measured on 28.0.0 and 33.0.0: an empty task
    body, a segment id equal to its datasource). By default only Jackson's exceptions are
    wrapped. The status line says ``500 Server Error``.
    For other statuses (``sendError`` from a filter) the message is ``cause`` and there is no cause row.
    Jetty's stack frames are left out. ``note`` (the fake's own explanation) is added to HTML pages only.
    """
    if status == 500:
        if wrapped is None:
            wrapped = cause.startswith("com.fasterxml.jackson.")
        causes = (f"javax.servlet.ServletException: {cause}", cause) if wrapped else (cause,)
        return error_page(status, causes[0], causes=causes, note=note)
    return error_page(status, cause, note=note)


def error_page(
    status: int, message: str, *, causes: tuple[str, ...] = (), uri: str | None = None, note: str | None = None
) -> Response:
    """Jetty 9.4 ``ErrorHandler.handle``: a page only for GET, POST and HEAD, in the first media type of the
    ``Accept`` header (most specific first) it can write: HTML for ``text/html``, ``text/*``, ``*/*`` or no
    ``Accept`` at all; a JSON map for ``application/json`` or ``text/json``; text for ``text/plain``; no body
    when none of them is acceptable (``Accept: application/*``). Measured on Druid 28.0.0 and 33.0.0.

    For any other method (DELETE, PUT, TRACE) Jetty marks the request handled and writes nothing, so Druid
    answers the status with no body and no ``Content-Type`` (an unparseable kill interval, a deprecated kill
    without interval, ``TRACE``).
    """
    method = request.method
    if method not in ("GET", "POST", "HEAD"):
        return _no_page(status)
    if uri is None:
        uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
        uri = str(uri).split("?", 1)[0]
    accept = request.headers.get("Accept")
    kinds = ["text/html"] if accept is None else _jetty_acceptable(accept)
    phrase = "Server Error" if status == 500 else REASONS.get(status, "Unknown")
    for kind in kinds:
        if kind in ("text/html", "text/*", "*/*"):
            body = _page_html(status, message, causes, uri, note)
            ctype = "text/html;charset=iso-8859-1"
        elif kind in ("application/json", "text/json"):
            body = _page_json(status, message, causes, uri, raw_controls=profile().error_page_json_raw_controls)
            ctype = JSON_TYPE
        elif kind == "text/plain":
            body = _page_text(status, message, causes, uri)
            ctype = "text/plain;charset=iso-8859-1"
        else:
            continue
        response = Response(body.encode("iso-8859-1", "replace"), status=f"{status} {phrase}", content_type=ctype)
        response.headers["Cache-Control"] = "must-revalidate,no-cache,no-store"
        return response
    return _no_page(status)


def _jetty_acceptable(accept: str) -> list[str]:
    """Jetty's ``QuotedQualityCSV`` with ``MOST_SPECIFIC_MIME_ORDERING``: media types by quality, then concrete
    types before ``type/*`` before ``*/*``; ties keep the header's order; ``q=0`` is left out."""
    found: list[tuple[float, int, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        specific = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        found.append((-q, -specific, i, media))
    return [media for *_, media in sorted(found)]


def _sanitize_xml(text: str) -> str:
    """Jetty's ``StringUtil.sanitizeXmlString``: XML's five entities, other control characters as ``?``."""
    out = []
    for ch in text:
        if ch in _XML_ENTITIES:
            out.append(_XML_ENTITIES[ch])
        elif ord(ch) < 32 and ch not in "\n\r\t":
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


_XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;"}


def _page_html(status: int, message: str, causes: tuple[str, ...], uri: str, note: str | None) -> str:
    esc = html.escape(message, quote=False)
    rows = "<tr><th>SERVLET:</th><td>default</td></tr>\n"
    stack = ""
    if causes:
        escaped = [html.escape(c, quote=False) for c in causes]
        rows += "".join(f"<tr><th>CAUSED BY:</th><td>{c}</td></tr>\n" for c in escaped)
        stack = "<h3>Caused by:</h3><pre>" + "\nCaused by: ".join(escaped) + "\n</pre>\n"
    extra = f"<p>{html.escape(note)}</p>\n" if note else ""
    return (
        "<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n'
        f"<title>Error {status} {esc}</title>\n"
        "</head>\n"
        f"<body><h2>HTTP ERROR {status} {esc}</h2>\n"
        "<table>\n"
        f"<tr><th>URI:</th><td>{html.escape(uri, quote=False)}</td></tr>\n"
        f"<tr><th>STATUS:</th><td>{status}</td></tr>\n"
        f"<tr><th>MESSAGE:</th><td>{esc}</td></tr>\n"
        f"{rows}"
        "</table>\n"
        f"{stack}{extra}\n"
        "</body>\n</html>\n"
    )


def _page_text(status: int, message: str, causes: tuple[str, ...], uri: str) -> str:
    lines = [
        f"HTTP ERROR {status} {_sanitize_xml(message)}",
        f"URI: {uri}",
        f"STATUS: {status}",
        f"MESSAGE: {message}",
        "SERVLET: default",
        *(f"CAUSED BY {c}" for c in causes),
    ]
    return "\n".join(lines) + "\n"


def _page_json(status: int, message: str, causes: tuple[str, ...], uri: str, *, raw_controls: bool = False) -> str:
    """``ErrorHandler.writeErrorJson``: a ``HashMap`` written as ``{\\n"k":"v",\\n...\\n}`` in Java's
    iteration order (measured: ``{"servlet","message","url","status"}`` for a 404). ``raw_controls``: Jetty 12
    (Druid 37.0.0, measured) writes control characters such as a newline unescaped (the page is not valid
    JSON then)."""
    entries = [("url", uri), ("status", str(status)), ("message", message), ("servlet", "default")]
    entries += [(f"cause{i}", c) for i, c in enumerate(causes)]
    ordered = java_hash_map_order([k for k, _ in entries])
    values = dict(entries)
    return (
        "{\n"
        + ",\n".join(
            f"{_jetty_quote(k)}:{_jetty_quote(_sanitize_xml(values[k]), raw_controls=raw_controls)}" for k in ordered
        )
        + "\n}"
    )


def _jetty_quote(text: str, *, raw_controls: bool = False) -> str:
    """Jetty's ``QuotedStringTokenizer.quote``: double quotes, with Java's escapes (control characters left raw
    with ``raw_controls``)."""
    out = ['"']
    for ch in text:
        if raw_controls and ord(ch) < 32:
            out.append(ch)
        elif ch in _QUOTE_ESCAPES:
            out.append(_QUOTE_ESCAPES[ch])
        elif ord(ch) < 32:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_QUOTE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f", "\b": "\\b"}


def java_hash_map_order(keys: list[str]) -> list[str]:
    """The iteration order of a ``java.util.HashMap<String, ?>`` filled with ``keys`` in that order: by bucket
    of the spread ``String.hashCode`` (16 buckets up to 12 entries, doubling past 75 % load), insertion order
    within a bucket."""
    buckets = 16
    while len(keys) > buckets * 3 // 4:
        buckets *= 2

    def bucket(name: str) -> int:
        h = 0
        for ch in name:
            h = (31 * h + ord(ch)) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (buckets - 1)

    return [k for _, _, k in sorted((bucket(k), i, k) for i, k in enumerate(keys))]


def _no_page(status: int) -> Response:
    """What Jetty 9.4 answers for an error on a method its ``ErrorHandler`` writes no page for: the status line
    (``500 Server Error``), no body, no ``Content-Type``."""
    phrase = "Server Error" if status == 500 else REASONS.get(status, "Unknown")
    resp = Response(b"", status=f"{status} {phrase}")
    resp.headers.pop("Content-Type", None)
    return resp


def unsupported_media_type() -> Response:
    """Jersey's 415 for a body ``@Consumes`` does not accept: no body (Druid 28.0.0)."""
    return empty(415)


def malformed_json(exc: jackson.JacksonParseError) -> Response:
    """Jackson could not parse the body: the exception escapes to Jetty's 500 page (Druid 28.0.0); Jackson 2.20
    (Druid 37.0.0, ``profile.jackson_source_redacted``) names no source in its locations."""
    text = exc.java_string
    return jetty(500, jackson.redact_source(text) if profile().jackson_source_redacted else text)


def jetty_for(exc: FakeDruidError, status: int = 500) -> Response:
    """The Jetty page for an exception that escapes a Druid resource method."""
    return jetty(status, interval_wording(exc.java_string(), exc, profile()))


def interval_wording(text: str, exc: BaseException, profile: Profile) -> str:
    """``text`` with the profile's wording of the interval error behind ``exc`` (itself, its ``cause`` or its
    ``__cause__`` chain), if any: the model words it as ``Invalid interval[...]``, the profile may say otherwise."""
    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, InvalidInterval):
        seen = getattr(seen, "cause", None) or seen.__cause__
    if seen is None or profile.interval_error_prefix == "Invalid interval":
        return text
    return text.replace(seen.message, seen.worded(profile.interval_error_prefix), 1)


def druid_error(
    status: int, code: str, persona: str, category: str, message: str, context: dict[str, Any] | None = None
) -> Response:
    """``DRUIDERR(...)``: DruidException JSON with its exact key order (``ErrorResponse.java``)."""
    body = {
        "error": "druidException",
        "errorCode": code,
        "persona": persona,
        "category": category,
        "errorMessage": message,
        "context": context or {},
    }
    return json_response(body, status)


def invalid_input(message: str) -> Response:
    """400 DruidException ``invalidInput``."""
    return druid_error(400, "invalidInput", "USER", "INVALID_INPUT", message)


def not_implemented(detail: str | None = None) -> Response:
    """501 naming what the fake does not implement, recorded on the harness as a fake limitation
    (``FakeCoordinator.check()`` fails the test for it in strict mode)."""
    what = f"{request.method} {request.path}"
    state().harness.record_unimplemented(what if detail is None else f"{what}: {detail}")
    return text(f"fakedruid does not implement {what}" + ("" if detail is None else f": {detail}"), 501)


def stop(response: FlaskResponse) -> NoReturn:
    """Answer with ``response`` at once, as it is.

    ``abort(response)`` raises an ``HTTPException`` without a code, which Flask answers by running it as a WSGI
    app and rebuilding the response, adding ``Content-Type: text/plain`` to an answer that has none (Jersey's
    empty 415, Jetty's page-less 500). With the status as its code the app's ``HTTPException`` handler
    returns ``response`` itself.
    """
    exc = HTTPException(response=response)
    exc.code = response.status_code
    raise exc


def escape_html(text: str) -> str:
    """Druid's ``StringUtils.escapeHtml``: commons-text ``StringEscapeUtils.escapeHtml4``.

    ``"``, ``&``, ``<`` and ``>`` plus every character that has an HTML 4.0 named entity (Latin-1 and the
    extended set: ``é`` becomes ``&eacute;``) are replaced; the apostrophe has no HTML 4 entity and is kept
    (``processing/.../java/util/common/StringUtils.java`` @ ``32747cd5``).
    """
    return "".join(f"&{_HTML4_ENTITIES[ord(c)]};" if ord(c) in _HTML4_ENTITIES else c for c in text)


#: The HTML 4.01 named entities (252 of them), as commons-text's BASIC, ISO8859_1 and HTML40_EXTENDED tables.
_HTML4_ENTITIES = html.entities.codepoint2name


# ------------------------------------------------------------------ parameters


def flag(name: str) -> bool:
    """A presence flag: set when the parameter is present with any value (``?full=false`` is full)."""
    return name in request.args


def boolean(name: str) -> bool:
    """A Boolean parameter: true only for ``true`` in any letter case."""
    return request.args.get(name, "").lower() == "true"


#: Set in the WSGI environ when the matched resource method declares ``@Produces(application/json)``: an empty
#: answer then carries that type (:mod:`fakedruid.api.hooks`).
JSON_PRODUCES_KEY = "fakedruid.produces_json"


def int_param(name: str) -> int | None:
    """An integer parameter; a value that is not a Java int makes Jersey answer 404 before the resource method
    runs, with no ``Content-Type`` (measured on Druid 33.0.0: ``?count=abc``, ``?max=abc``)."""
    value = request.args.get(name)
    if value is None:
        return None
    try:
        n = int(value.strip() if value.strip() == value else "x")
    except ValueError:
        n = None
    if n is None or not -(2**31) <= n < 2**31:
        request.environ[JSON_PRODUCES_KEY] = False
        stop(empty(404))
    return n


# ------------------------------------------------------------------ bodies


def require_json_content_type() -> None:
    """``@Consumes(application/json)`` on a method without an entity: another Content-Type gets Jersey's 415; a
    missing one is accepted (measured on 28.0.0 and 33.0.0: mark-all-used and the single-segment POST)."""
    ctype = request.mimetype
    if ctype and ctype != JSON_TYPE and not ctype.endswith("+json"):
        stop(unsupported_media_type())


def read_json(*, error_page: bool = True) -> Any:
    """The request body as JSON (its first value, as Jackson reads it); empty or ``null`` is None.

    A syntax error escapes Jackson's mapper: Druid answers with an uncaught 500 (http-api.md 1.4), Jetty's page
    naming Jackson's exception, or, with ``error_page=False``, Jersey's empty 500.
    """
    data = request.get_data(cache=True)
    if not data.strip():
        return None
    _refuse_deep_json(data)
    try:
        value = json.loads(data)
    except ValueError:
        value = _jackson_read(data, error_page)
    request.environ[BODY_KEY] = value  # the request journal reuses it
    return value


def _refuse_deep_json(data: bytes) -> None:
    """Jackson's nesting limit: too deep a document is a parse error, an uncaught 500 in Druid (see
    :mod:`fakedruid.api.limits`); checked without recursion before Python's parser could overflow."""
    if data.count(b"[") + data.count(b"{") <= limits.MAX_JSON_DEPTH:
        # Too few brackets to nest that deep: the usual body is settled here, without a call into limits
        # (the per-request file budget of benchmarks/trace_request.py).
        return
    depth = limits.json_depth_exceeded(data)
    if depth is not None:
        stop(jetty(500, limits.depth_error_message(depth)))


def mapping_error(message: str) -> Response:
    """A Jackson mapping error through ``CustomExceptionMapper``: 400 ``{"error": msg}``."""
    return json_response({"error": message or "unknown json mapping exception"}, 400)


def mapping_text(exc: JacksonMappingProblem, profile: Profile) -> str:
    """What ``CustomExceptionMapper`` writes of a Jackson mapping error of this request's body.

    Jackson's ``getMessage()`` is the head, ``\\n at [Source: ...; line: L, column: C]`` for the parser's token
    (when Jackson raised the error itself: ``exc.at``), and the reference chain. Druid 28 to 31 write all of it
    (measured on 28.0.0; 29.0.1's mapper and Jackson 2.12 are the same, read from its jars); from 33 the mapper
    keeps the first line only (``getMessage().split(lineSeparator())[0]``), so a located error loses its location
    and its chain (profile switch ``mapping_errors_name_path``).
    """
    if exc.at is None:
        return exc.message
    if not profile.mapping_errors_name_path:
        return exc.head
    line, column = jackson.locate(request.get_data(cache=True), exc.at.path, exc.at.anchor)
    return f"{exc.head}\n at {jackson.source(line, column)}{exc.chain}"


def json_body(*, error_page: bool = True) -> Any:
    """A resource method that reads a JSON entity: a Content-Type other than JSON, or none, is Jersey's 415; then
    the body as JSON (:func:`read_json`)."""
    ctype = request.mimetype
    if not ctype or (ctype != JSON_TYPE and not ctype.endswith("+json")):
        stop(unsupported_media_type())
    return read_json(error_page=error_page)


# ------------------------------------------------------------------ the Accept quirk


def accepts_json(accept: str) -> bool:
    # JacksonJsonProvider.hasMatchingMediaType: subtype json, *+json, javascript, x-javascript, x-json.
    for part in accept.split(","):
        media = part.split(";", 1)[0].strip().lower()
        if "/" not in media:
            continue
        subtype = media.split("/", 1)[1]
        if subtype == "json" or subtype.endswith("+json") or subtype in ("javascript", "x-javascript", "x-json"):
            return True
    return False


def untyped_map(body: dict[str, Any], status: int) -> Response:
    """A Java ``Map`` a resource method (or the pre-32 exception mapper) answers without naming a media type.

    Jersey then picks the writer from the method's ``@Produces`` and the request's ``Accept``: on a route that
    produces no JSON type (``POST /rules/{ds}`` in every release) an ``Accept`` that names no JSON type leaves no
    writer, and Druid answers Jersey's empty 500 (measured on 28.0.0 and 37.0.0: ``Rules cannot be null.`` with
    ``Accept`` none, ``*/*``, ``application/*`` and ``text/plain``). Off with ``emulate_accept_quirk=False``.
    """
    response = json_response(body, status)
    if request.environ.get(JSON_PRODUCES_KEY, True) or accepts_json(request.headers.get("Accept", "")):
        return response
    if not current_app.extensions[EXTENSION].settings.emulate_accept_quirk:
        return response
    return empty(500)


def map_answer(body: dict[str, Any], profile: Profile, settings: Settings) -> Response:
    """The 200 answer of an endpoint that returns a Java ``Map`` with no ``@Produces`` (profile "29", http-api 1.5).

    The change is applied first; then, when ``Accept`` names no JSON type, Jersey finds no writer and Druid
    answers 500. The fake does the same unless the emulation is turned off.
    """
    response = json_response(body)
    if not profile.accept_quirk or not settings.emulate_accept_quirk:
        return response
    if accepts_json(request.headers.get("Accept", "")):
        return response
    # Measured on Druid 28.0.0 and 33.0.0 (POST and DELETE .../segments/{id} with Accept none, */*,
    # application/* or text/plain): Jersey's own "500 Internal Server Error", no body, no Content-Type.
    return empty(500)
