"""Druid's answers where no view answers: 501 for a Druid route the fake lacks, else Jersey's or Jetty's 404/405.

Layer: api (Flask). The answer comes from the path table (:mod:`fakedruid.api.druid_paths`), never from a list
kept here. Before the view, the request hooks (:func:`fakedruid.api.hooks.jersey_match`) answer what Jersey
answers without running a resource method:

* a method Druid's filters refuse (HEAD and anything but GET, POST, PUT, DELETE and OPTIONS): Jetty's 405 page;
* a path that is not a Druid route of the active profile: the unknown-path 404, Jersey's (empty) under a prefix
  Druid hands to Jersey (``GuiceFilter`` in ``CoordinatorJettyServerInitializer``: ``/status/*``,
  ``/druid/coordinator/*``, ``/druid/indexer/*``...), Jetty's ``DefaultServlet`` page anywhere else;
* a method the best-matching template lacks: Jersey's 405, empty, with ``Allow``; ``OPTIONS``: 405, empty.

After that, a Druid route no view serves reaches Flask's routing miss, answered here with 501 naming it
(recorded, so strict mode fails the test), and a view that finds its path is not Druid's after all
(``abort(404)``) gets the unknown-path 404.

Observed on Druid 28.0.0 (a Coordinator running the Overlord): ``GET /druid/coordinator/v1/nope`` is 404 with no
body and no ``Content-Type``; ``GET /nope`` is Jetty's page with a ``SERVLET: default`` row; ``POST
/druid/coordinator/v1/leader`` is 405 with no body and ``Allow: HEAD,GET,OPTIONS``; ``HEAD /status`` is Jetty's 405
page; ``OPTIONS /druid/indexer/v1/leader`` is 405 with no body and no ``Allow``.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, current_app, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from fakedruid.api import druid_paths, wire
from fakedruid.api.wire import Response

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
#: ``AllowHttpMethodsResourceFilter.SUPPORTED_METHODS``: any other method is refused before Jersey.
FILTER_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "OPTIONS"})


def register(app: Flask) -> None:
    """Install the handlers for Flask's routing misses (404 and 405) on ``app``."""
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(MethodNotAllowed, _method_not_allowed)


def before_view(path: str, method: str) -> Response | None:
    """The slow path of the request hooks' Jersey check (see the module docstring): the whole answer, or None
    to let the view run. The hooks call it only for a refused method, an unknown path, a wrong method, or while
    the Overlord is made too old."""
    if method not in FILTER_METHODS:
        return jetty_page(405, "Method Not Allowed", path)
    routes = druid_routes(path)
    if not routes:
        if _is_landing_page(path):
            return None
        return unknown_path()
    if method == "OPTIONS":
        return wire.empty(405)
    methods = tuple(r.method for r in routes)
    if method not in methods:
        return method_not_allowed(methods)
    return None


def raw_path() -> str:
    """The request path as sent (percent-encoded), the form Jersey matches templates against."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path = str(raw).split("?", 1)[0]
        if path.startswith("/"):
            return path
    return quote(request.path, safe="/:@!$&'()*+,;=~-._")


def is_own(path: str) -> bool:
    """A path of the fake's own API (``/fakedruid``), which is not Druid's."""
    return path == "/fakedruid" or path.startswith("/fakedruid/")


def _is_landing_page(path: str) -> bool:
    """The fake's own page outside ``/fakedruid``: the dev server's landing page at ``/``."""
    return path == "/" and "pages.landing" in current_app.view_functions


def druid_routes(path: str) -> tuple[druid_paths.Route, ...]:
    """The Druid routes of the active profile at ``path``, less those the fake is configured to lack."""
    state, profile = wire.context()
    if state.harness.overlord_mode == "old":
        return druid_paths.matching(path, profile.route_versions, exclude=_too_old)
    return druid_paths.matching(path, profile.route_versions)


def _too_old(route: druid_paths.Route) -> bool:
    """An Overlord made too old (``overlord_mode="old"``) lacks its datasource API."""
    return route.resource == "OverlordDataSourcesResource"


def _not_found(exc: NotFound) -> Response:
    # A routing miss, or a view that found its path is not Druid's after all (``abort(404)``).
    return _unrouted(exc)


def _method_not_allowed(exc: MethodNotAllowed) -> Response:
    return _unrouted(exc)


def _unrouted(exc: NotFound | MethodNotAllowed) -> Response:
    """No view has this method and path: ask the path table."""
    path = raw_path()
    if is_own(path) or _is_landing_page(path):
        if isinstance(exc, MethodNotAllowed):
            return wire.text(f"fakedruid admin API: {request.method} is not allowed on {request.path}", 405)
        return wire.text(f"fakedruid admin API: no such path {request.path}", 404)
    routes = druid_routes(path)
    if any(r.method == request.method for r in routes):
        return wire.not_implemented()
    if routes:
        return method_not_allowed(tuple(r.method for r in routes))
    return unknown_path()


def unknown_path() -> Response:
    """Druid's 404 for a path it does not serve: Jersey's (empty) under its prefixes, else Jetty's page."""
    path = raw_path()
    if any(path == p or path.startswith(p + "/") for p in JERSEY_PREFIXES):
        return wire.empty(404)
    if request.method in ("PUT", "DELETE", "OPTIONS"):
        # Jetty's DefaultServlet refuses these methods (405), and its ErrorHandler writes no page for them:
        # no body, no Content-Type, no Allow (measured on 28.0.0 and 33.0.0: OPTIONS, PUT and DELETE /nope).
        return jetty_page(405, "Method Not Allowed", path)
    return jetty_page(404, "Not Found", path)


def method_not_allowed(methods: tuple[str, ...]) -> Response:
    """Jersey's 405: no body; ``Allow`` lists the resource's methods plus the ``HEAD`` (for ``GET``) and
    ``OPTIONS`` Jersey adds, in the iteration order of Java's ``HashSet<String>``."""
    allowed = set(methods) | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())
    response = wire.empty(405)
    response.headers["Allow"] = ",".join(sorted(allowed, key=_java_hash_set_order))
    return response


def _java_hash_set_order(name: str) -> tuple[int, str]:
    """Where a ``HashSet<String>`` of default capacity (16 buckets) iterates ``name``: the bucket index of the
    spread ``String.hashCode``. Observed: ``HEAD,DELETE,POST,GET,OPTIONS``."""
    h = 0
    for ch in name:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & 15, name


def jetty_page(status: int, message: str, path: str) -> Response:
    """Jetty's ``ErrorHandler`` page for ``sendError(status)`` outside Jersey (``GET /nope``), in the form the
    ``Accept`` header asks for (:func:`fakedruid.api.wire.error_page`; Druid 28.0.0 and 33.0.0)."""
    return wire.error_page(status, message, uri=path)
