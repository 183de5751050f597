"""The Flask application that answers as a Druid Coordinator (and the Overlord's task endpoints).

Layer: api, the only package that imports Flask. ``create_app`` builds one app per FakeCoordinator; the
coordinator is reachable from views as ``current_app.extensions["fakedruid"]``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(coordinator: Any) -> Flask:
    """An app serving ``coordinator`` (a :class:`fakedruid.FakeCoordinator`)."""
    from fakedruid.api import errors, journal, pages, routes, wire

    # No static route: every path the app answers is a Druid path or the fake's own admin API.
    app = Flask("fakedruid", static_folder=None)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    app.extensions["fakedruid"] = coordinator
    # Jetty's limit answers before anything else, as it does in front of Druid.
    app.before_request(wire.limit_request_line)
    routes.register(app)
    journal.register(app)
    app.register_blueprint(pages.bp)  # the fake's own pages under /fakedruid/ (issue 15)
    errors.register(app)
    return app
