"""What a request that no view answers gets: 501 for a Druid path the fake lacks, else Jersey's or Jetty's 404/405.

Layer: api (Flask). The answer comes from the path table (:mod:`fakedruid.api.druid_paths`), never from a list
kept here:

* the method and path are a Druid route of the active profile the fake does not serve: 501 naming them
  (recorded, so strict mode fails the test);
* the path is a Druid route of the profile, but not with this method: Jersey's 405, empty, with ``Allow``;
* otherwise the path is unknown to Druid: under a prefix Druid hands to Jersey (``GuiceFilter`` in
  ``CoordinatorJettyServerInitializer``: ``/status/*``, ``/druid/coordinator/*``, ``/druid/indexer/*``...) Jersey's
  404, empty; anywhere else Jetty's ``DefaultServlet`` 404 page.

A view that decides its path does not exist in this profile (``abort(404)``) gets the unknown-path 404 too.
Every answer also gets Jetty's reason phrase in its status line (Werkzeug writes ``NOT FOUND``).

Observed on Druid 28.0.0 (Coordinator running the Overlord): ``GET /druid/coordinator/v1/nope`` is 404 with no body
and no ``Content-Type``; ``GET /nope`` is Jetty's page with a ``SERVLET: default`` row; ``POST
/druid/coordinator/v1/leader`` is 405 with no body and ``Allow: HEAD,GET,OPTIONS``.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from flask import Flask, Response, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.http import HTTP_STATUS_CODES

from fakedruid.api import druid_paths, wire

#: Path prefixes Druid's Coordinator routes through ``GuiceFilter`` to Jersey (its own 404 and 405 answers).
JERSEY_PREFIXES: tuple[str, ...] = (
    "/status",
    "/druid-internal",
    "/info",
    "/druid/coordinator",
    "/druid/indexer",
    "/druid-ext",
    "/coordinator",
)

#: Reason phrases as Jetty (9.4 and 12) and Jersey 1 write them in the status line.
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
    # Jersey's phrase for a status a resource returns; Jetty's own error pages say "Server Error".
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


def register(app: Flask) -> None:
    """Install Jersey's matching (a ``before_request`` hook: register it after the harness hooks), the 404/405
    handlers and the status-line fix on ``app``."""
    app.before_request(jersey_match)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(MethodNotAllowed, _method_not_allowed)
    app.after_request(_reason_phrase)


def jersey_match() -> Response | None:
    """Answer here what Druid answers before any resource method runs.

    * ``AllowHttpMethodsResourceFilter`` (every path; GET, POST, PUT, DELETE and OPTIONS pass) answers any other
      method, ``HEAD`` included, with Jetty's 405 page (no body on the wire for HEAD). ``OPTIONS`` reaches
      Jersey, which answered 405 with no body and no ``Allow`` on Druid 28.0.0; on a path Druid does not serve it
      is the unknown-path 404. (Flask would answer both itself: HEAD as GET, OPTIONS 200.)
    * Jersey's matching: 404 for a path Druid does not serve in this profile, 405 for a method its best-matching
      template lacks (``POST /rules/history`` is a 405, though ``POST /rules/{dataSourceName}`` exists).
      Werkzeug's rule order differs from Jersey's, so no view sees such a request. A Druid route no view serves
      falls through to Flask's routing miss and :func:`_unrouted` (501).

    The fake's own ``/fakedruid`` API is exempt.
    """
    path = raw_path()
    if _is_own(path):
        return None
    method = request.method
    if method not in _PASSED_METHODS and method != "OPTIONS":
        return jetty_page(405, "Method Not Allowed", path)
    routes = _druid_routes(path)
    if not routes:
        return unknown_path()
    if method == "OPTIONS":
        return _empty(405)
    methods = tuple(r.method for r in routes)
    if method not in methods:
        return method_not_allowed(methods)
    return None


#: ``AllowHttpMethodsResourceFilter.SUPPORTED_METHODS`` less OPTIONS (Jersey answers it, see above).
_PASSED_METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})


def raw_path() -> str:
    """The request path as sent (percent-encoded), the form Jersey matches templates against."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path = str(raw).split("?", 1)[0]
        if path.startswith("/"):
            return path
    return quote(request.path, safe="/:@!$&'()*+,;=~-._")


def _is_own(path: str) -> bool:
    return path == "/fakedruid" or path.startswith("/fakedruid/")


def _profile_name() -> str:
    return wire.profile().name


def _not_found(exc: NotFound) -> Response:
    # A routing miss, or a view that found its path is not Druid's after all (``abort(404)``).
    return _unrouted(exc)


def _method_not_allowed(exc: MethodNotAllowed) -> Response:
    return _unrouted(exc)


def _unrouted(exc: NotFound | MethodNotAllowed) -> Response:
    """No view has this method and path: ask the path table."""
    path = raw_path()
    if _is_own(path):
        return _own_api_miss(exc)
    routes = _druid_routes(path)
    if any(r.method == request.method for r in routes):
        return wire.not_implemented()
    if routes:
        return method_not_allowed(tuple(r.method for r in routes))
    return unknown_path()


def _druid_routes(path: str) -> tuple[druid_paths.Route, ...]:
    """The Druid routes of the active profile at ``path``, less those the fake is configured to lack."""
    if wire.state().harness.overlord_mode == "old":
        return druid_paths.matching(path, _profile_name(), exclude=_hidden)
    return druid_paths.matching(path, _profile_name())


def _own_api_miss(exc: NotFound | MethodNotAllowed) -> Response:
    """The fake's own API is not Druid's: a plain message naming the miss."""
    if isinstance(exc, MethodNotAllowed):
        return wire.text(f"fakedruid admin API: {request.method} is not allowed on {request.path}", 405)
    return wire.text(f"fakedruid admin API: no such path {request.path}", 404)


def _hidden(route: druid_paths.Route) -> bool:
    """The fake is configured to lack this route's resource (an Overlord too old for its datasource API)."""
    return route.resource == "OverlordDataSourcesResource" and wire.state().harness.overlord_mode == "old"


def unknown_path() -> Response:
    """Druid's 404 for a path it does not serve: Jersey's (empty) under its prefixes, else Jetty's page."""
    path = raw_path()
    if any(path == p or path.startswith(p + "/") for p in JERSEY_PREFIXES):
        return _empty(404)
    return jetty_404_page(path)


def method_not_allowed(methods: tuple[str, ...]) -> Response:
    """Jersey's 405: no body; ``Allow`` lists the resource's methods plus the ``HEAD`` (for ``GET``) and
    ``OPTIONS`` Jersey adds, in the iteration order of Java's ``HashSet<String>``."""
    allowed = set(methods) | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())
    response = _empty(405)
    response.headers["Allow"] = ",".join(sorted(allowed, key=_java_hash_set_order))
    return response


def _java_hash_set_order(name: str) -> tuple[int, str]:
    """Where a ``HashSet<String>`` of default capacity (16 buckets) iterates ``name``: bucket index of the spread
    ``String.hashCode``. Observed: ``HEAD,DELETE,POST,GET,OPTIONS``."""
    h = 0
    for ch in name:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & 15, name


def _empty(status: int) -> Response:
    response = Response(b"", status=status)
    response.headers.pop("Content-Type", None)
    return response


def jetty_404_page(path: str) -> Response:
    """Jetty 9.4's ``ErrorHandler`` page for a request ``DefaultServlet`` cannot serve (byte for byte as
    Druid 28.0.0 answers ``GET /nope``)."""
    return jetty_page(404, "Not Found", path)


def jetty_page(status: int, message: str, path: str) -> Response:
    """Jetty's ``ErrorHandler`` page for ``sendError(status)`` outside Jersey: the ``SERVLET`` row names
    ``DefaultServlet`` ("default"), the only servlet Druid maps (``/``). Jetty 12's ee8 handler (Druid 37) writes
    the same layout."""
    uri = html.escape(path, quote=False)
    page = (
        "<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n'
        f"<title>Error {status} {message}</title>\n"
        "</head>\n"
        f"<body><h2>HTTP ERROR {status} {message}</h2>\n"
        "<table>\n"
        f"<tr><th>URI:</th><td>{uri}</td></tr>\n"
        f"<tr><th>STATUS:</th><td>{status}</td></tr>\n"
        f"<tr><th>MESSAGE:</th><td>{message}</td></tr>\n"
        "<tr><th>SERVLET:</th><td>default</td></tr>\n"
        "</table>\n\n"
        "</body>\n</html>\n"
    )
    response = Response(
        page.encode("iso-8859-1", "replace"),
        status=f"{status} {REASONS.get(status, message)}",
        content_type="text/html;charset=iso-8859-1",
    )
    response.headers["Cache-Control"] = "must-revalidate,no-cache,no-store"
    return response


def _reason_phrase(response: Response) -> Response:
    """Replace Werkzeug's upper-case reason phrase (``404 NOT FOUND``) with Jetty's; a phrase a view set on
    purpose (Jetty's ``500 Server Error``) is kept."""
    code = response.status_code
    default = HTTP_STATUS_CODES.get(code)
    if default is not None and response.status == f"{code} {default.upper()}" and code in REASONS:
        response.status = f"{code} {REASONS[code]}"
    return response


