"""The Flask application that answers as a Druid Coordinator (and the Overlord's task endpoints).

Layer: api, the only package that imports Flask. ``create_app`` builds one app per
:class:`~fakedruid.settings.AppState`; views reach it through :func:`fakedruid.api.wire.context`.

How to add an endpoint
----------------------

A view reads like moto's ``responses.py``: **parse, one call, serialize**. ::

    @bp.post("/<datasource>/markUnused")               # the blueprint carries the prefix (url_prefix=)
    @surface(COORDINATOR)                              # which error table answers what this view raises
    def mark_segments_as_unused(datasource: str) -> Response:
        state, profile, body = wire.json_request()     # the one typed accessor (+ body); the profile, read once
        payload = parse_mark_payload(body, profile)    # parse: raises on bad input, never returns a Response
        n = state.cluster.mark_unused_in_interval(     # one atomic Cluster call: served check, change and
            datasource, payload.interval, require_served=profile.served_check_on_mark, audit=note)  # audit entry
        return serialize.bulk_update_response(n, profile)   # serialize

(``mark_segments_as_unused`` in :mod:`fakedruid.api.datasources` is this view in full.)

1. **Parse** path, query and body with :mod:`fakedruid.api.wire` (:func:`~fakedruid.api.wire.context`, or
   :func:`~fakedruid.api.wire.json_request` for a JSON body) and the endpoint's own parsers (the segment-update
   parsers shared with the Overlord live in :mod:`fakedruid.api.datasources`). A parser raises a
   :class:`~fakedruid.errors.FakeDruidError` (``JsonMappingError``, ``InvalidRequestPayload``, ``Uncaught`` for
   what Druid leaves to Jetty); it never builds an error answer.
2. **One** :class:`~fakedruid.model.cluster.Cluster` **call** per Druid action. A Cluster method takes the lock
   once, checks, changes and writes the audit entry together, and raises a domain error before it changes
   anything. The model imports only the stdlib; a new action is a new Cluster method (with an unlocked
   ``_helper`` when others reuse it). No code in ``fakedruid/api/`` takes the lock.
3. **Serialize** with :mod:`fakedruid.api.serialize` (wire shapes) and :mod:`fakedruid.api.wire` (responses).
4. **Errors** are answered in one place, the table of :mod:`fakedruid.api.errors`, keyed by surface (the
   Coordinator per profile, the Overlord): declare the view's surface with ``@surface(...)`` when it performs a
   segment update, and add a row when a new error class needs Druid's answer.
5. **The harness** (:mod:`fakedruid.harness`: journal, faults, leader and Overlord modes, 501s) hooks in around
   every view in :mod:`fakedruid.api.hooks` (before the view: Jetty's URI limit, the profile, faults, leader
   mode; after it: the journal); a view reads it only for the Overlord modes (``state.harness.overlord_mode``).
   The fake's own admin API is one blueprint, :mod:`fakedruid.api.admin`, under ``/fakedruid/v1``.
6. Register the blueprint in :mod:`fakedruid.api.routes` (``url_prefix=`` for its path prefix), put verbatim Druid
   strings in :mod:`fakedruid.api.messages`, the profile switch in :mod:`fakedruid.profiles`, and regenerate
   IMPLEMENTED.md (``python3 tools/gen_implemented.py``). The route must be in the path table
   (:mod:`fakedruid.api.druid_paths`, read from Druid's jars): the request hooks answer a path that is not Druid's
   in the profile with Druid's 404 before any view, and a Druid route no view serves with 501
   (:mod:`fakedruid.api.fallback`). ``python3 benchmarks/trace_request.py`` shows how many files one request
   goes through.
"""

from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from fakedruid.settings import AppState


def create_app(state: AppState) -> Flask:
    """An app serving ``state`` (a FakeCoordinator's ``state``)."""
    from fakedruid.api import errors, fallback, hooks, routes, wire

    # No static route: every path the app answers is a Druid path or the fake's own admin API.
    app = hooks.FakeDruidApp("fakedruid", static_folder=None)
    if isinstance(app.json, DefaultJSONProvider):  # keys in Druid's order wherever Flask writes JSON
        app.json.sort_keys = False
    app.response_class = wire.Response  # Jetty's reason phrases in every status line
    app.url_map.strict_slashes = False
    app.extensions[wire.EXTENSION] = state
    hooks.register(app)
    routes.register(app)
    errors.register(app)
    # After the harness hooks (Jersey matches after Druid's filters) and after errors (its 404/405 handlers win).
    fallback.register(app)
    return app
