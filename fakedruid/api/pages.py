"""The fake's own pages (HTML and SVG, :mod:`fakedruid.render.pages`) and the two JSON endpoints behind them.

Layer: api (Flask). Views take a snapshot of the state under the cluster's lock and hand it to a pure renderer.

=======  ==========================================  ======================================================
method   path                                        what
=======  ==========================================  ======================================================
GET      /                                           landing page: **dev server only** (see below)
GET      /fakedruid/                                 datasources with their counts and total size
GET      /fakedruid/datasources/{ds}                 the timeline; zoom with ``?start=...&end=...`` (ISO)
GET      /fakedruid/tasks                            tasks with their states
GET      /fakedruid/requests                         the request journal
GET      /fakedruid/audit                            audit entries (segments and rules)
GET      /fakedruid/v1/version                       ``{"version": token}``; the token changes with the state
GET      /fakedruid/v1/datasources/{ds}/timeline     what the timeline draws, as JSON (``fakedruid timeline``)
=======  ==========================================  ======================================================

Every app serves the ``/fakedruid/...`` pages: that prefix is the fake's own namespace, so a test of user code
loses nothing, and a developer paused in a debugger can open ``fake_coordinator.url + "/fakedruid/"``. Only the
dev server (``fakedruid serve``) answers ``/``, through :func:`enable_landing_page`; elsewhere ``/`` stays the
plain 404 of a path Druid's Coordinator API does not have, so a fixture-based test that probes it sees what it
saw before.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from fakedruid.api import wire
from fakedruid.errors import FakeDruidError
from fakedruid.model.intervals import parse_instant
from fakedruid.render import pages
from fakedruid.render.snapshot import state_token, summaries, take_snapshot

bp = Blueprint("pages", __name__)


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status=status, mimetype="text/html")


def _token() -> str:
    """The live-refresh token: the cluster's state plus the request journal's length and newest entry.

    The journal records ``GET /`` (only ``/fakedruid/...`` is the fake's own), so views of the landing page are
    left out here: otherwise each load of the page would change the token and the page would reload forever.
    """
    coordinator = wire.coordinator()
    journal = [r for r in coordinator.requests if not (r.path == "/" and r.method in ("GET", "HEAD"))]
    return state_token(coordinator.cluster, (len(journal), str(journal[-1]) if journal else ""))


def landing() -> Response:
    """``/``: links, the datasources, and the timelines of the first few (dev server only)."""
    cluster = wire.coordinator().cluster
    with cluster.lock:
        rows = summaries(cluster)
        snaps = [take_snapshot(cluster, r.datasource) for r in rows[: pages.LANDING_TIMELINES]]
    return _html(pages.landing_page(rows, snaps, token=_token()))


def enable_landing_page(app: Flask) -> None:
    """Answer ``GET /`` with the landing page on ``app`` (the dev server calls this)."""
    app.add_url_rule("/", "pages.landing", landing, methods=["GET"])


@bp.get("/fakedruid/")
def datasources() -> Response:
    """Every datasource with its counts."""
    return _html(pages.datasources_page(summaries(wire.coordinator().cluster), token=_token()))


@bp.get("/fakedruid/datasources/<ds>")
def timeline(ds: str) -> Response:
    """One datasource's timeline, zoomed to ``?start=&end=`` (ISO-8601 date-times) when given."""
    bounds: dict[str, int | None] = {}
    for name in ("start", "end"):
        text = request.args.get(name, "").strip()
        try:
            bounds[name] = parse_instant(text) if text else None
        except FakeDruidError as exc:
            return _html(pages.error_page(400, f"Bad [{name}] [{text}]: {exc.message}"), 400)
    start, end = bounds["start"], bounds["end"]
    if start is not None and end is not None and end <= start:
        return _html(pages.error_page(400, f"[end] must be after [start], got [{start}] and [{end}]"), 400)
    cluster = wire.coordinator().cluster
    snap = take_snapshot(cluster, ds)
    if not snap.segments:
        known = ", ".join(cluster.datasource_names()) or "none"
        return _html(pages.error_page(404, f"No datasource [{ds}] (known: {known})"), 404)
    return _html(pages.timeline_page(snap, start=start, end=end, token=_token()))


@bp.get("/fakedruid/tasks")
def tasks() -> Response:
    """Every task, active first, newest first."""
    cluster = wire.coordinator().cluster
    with cluster.lock:
        listed = cluster.tasks.list(cluster.now(), created_within=2**62)
    return _html(pages.tasks_page(listed, token=_token()))


@bp.get("/fakedruid/requests")
def requests_journal() -> Response:
    """The request journal, newest first."""
    return _html(pages.requests_page([r.to_json() for r in wire.coordinator().requests], token=_token()))


@bp.get("/fakedruid/audit")
def audit() -> Response:
    """Segment and rule audit entries, newest first."""
    cluster = wire.coordinator().cluster
    with cluster.lock:
        entries = list(cluster.audit.entries()) + list(cluster.rules.audit_entries())
    entries.sort(key=lambda e: e.audit_time, reverse=True)
    return _html(pages.audit_page([e.to_json() for e in entries], token=_token()))


@bp.get("/fakedruid/v1/version")
def version() -> Response:
    """``{"version": token}``: polled by the pages, which reload when it changes."""
    return wire.json_response({"version": _token()})


@bp.get("/fakedruid/v1/datasources/<ds>/timeline")
def timeline_json(ds: str) -> Response:
    """The datasource's segments with their states, as JSON; 404 with a plain-text message when it has none."""
    cluster = wire.coordinator().cluster
    snap = take_snapshot(cluster, ds)
    if not snap.segments:
        known = ", ".join(cluster.datasource_names()) or "none"
        return wire.text(f"No datasource [{ds}] (known: {known})", 404)
    return wire.json_response(snap.to_json())
