"""The Flask application that answers as a Druid Coordinator (and the Overlord's task endpoints).

Layer: api, the only package that imports Flask. ``create_app`` builds one app per
:class:`~fakedruid.settings.AppState`; views reach it through :func:`fakedruid.api.wire.context`.

How to add an endpoint
----------------------

A view reads like moto's ``responses.py``: **parse, one call, serialize**. ::

    @bp.post("/<datasource>/markUnused")
    @surface(COORDINATOR)
    def mark_segments_as_unused(datasource: str) -> Response:
        state, profile = wire.context()                   # the one typed accessor; the profile, read once
        payload = updates.mark_payload(profile)           # parse: raises on bad input, never returns a Response
        n = state.cluster.mark_unused_in_interval(...)    # one atomic Cluster call: check, change, audit entry
        return wire.json_response(serialize.bulk_update(n, profile))   # serialize

1. **Parse** path, query and body with :mod:`fakedruid.api.wire` (and :mod:`fakedruid.api.updates` for segment
   updates). A parser raises a :class:`~fakedruid.errors.FakeDruidError` (``JsonMappingError``,
   ``InvalidRequestPayload``, ``Uncaught`` for what Druid leaves to Jetty); it never builds an error answer.
2. **One** :class:`~fakedruid.model.cluster.Cluster` **call** per Druid action. A Cluster method takes the lock
   once, checks, changes and writes the audit entry together, and raises a domain error before it changes
   anything. The model imports only the stdlib; a new action is a new Cluster method (with an unlocked
   ``_helper`` when others reuse it). No code in ``fakedruid/api/`` takes the lock.
3. **Serialize** with :mod:`fakedruid.api.serialize` (wire shapes) and :mod:`fakedruid.api.wire` (responses).
4. **Errors** are answered in one place, the table of :mod:`fakedruid.api.errors`, keyed by surface (the
   Coordinator per profile, the Overlord): declare the view's surface with ``@surface(...)`` when it performs a
   segment update, and add a row when a new error class needs Druid's answer.
5. **The harness** (:mod:`fakedruid.harness`: journal, faults, leader and Overlord modes, 501s) hooks in around
   every view in :mod:`fakedruid.api.hooks`; a view reads it only for the Overlord modes
   (``state.harness.overlord_mode``).
6. Register the blueprint in :mod:`fakedruid.api.routes` (``url_prefix=`` for its path prefix), put verbatim Druid
   strings in :mod:`fakedruid.api.messages`, the profile switch in :mod:`fakedruid.profiles`, and list the endpoint
   in IMPLEMENTED.md.
"""

from __future__ import annotations

from flask import Flask

from fakedruid.settings import AppState


def create_app(state: AppState) -> Flask:
    """An app serving ``state`` (a FakeCoordinator's ``state``)."""
    from fakedruid.api import errors, hooks, routes, wire

    # No static route: every path the app answers is a Druid path or the fake's own admin API.
    app = Flask("fakedruid", static_folder=None)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    app.extensions[wire.EXTENSION] = state
    hooks.register(app)
    routes.register(app)
    errors.register(app)
    return app
