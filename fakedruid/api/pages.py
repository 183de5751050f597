"""The fake's own pages (HTML and SVG, :mod:`fakedruid.render.pages`) under ``/fakedruid``.

Layer: api (Flask). A view is *parse, one read, render*: :func:`fakedruid.api.wire.context` for the state, one
:meth:`Cluster.read <fakedruid.model.cluster.Cluster.read>` query (:mod:`fakedruid.render.snapshot`) or public
read for a consistent copy, then a pure renderer. Nothing here takes a lock.

=======  ==========================================  ======================================================
method   path                                        what
=======  ==========================================  ======================================================
GET      /                                           landing page: **dev server only** (see below)
GET      /fakedruid/                                 datasources with their counts and total size
GET      /fakedruid/datasources/{ds}                 the timeline; zoom with ``?start=...&end=...`` (ISO)
GET      /fakedruid/tasks                            tasks with their states
GET      /fakedruid/requests                         the request journal
GET      /fakedruid/audit                            audit entries (segments and rules)
=======  ==========================================  ======================================================

The two JSON endpoints behind them are in the admin API (:mod:`fakedruid.api.admin`):
``GET /fakedruid/v1/version`` (the refresh token the pages poll, :func:`refresh_token`) and
``GET /fakedruid/v1/datasources/{ds}/timeline`` (what the timeline draws, for ``fakedruid timeline``).

Every app serves the ``/fakedruid/...`` pages: that prefix is the fake's own namespace (the request hooks never
record, fault or redirect it), so a test of user code loses nothing, and a developer paused in a debugger can
open ``fake_coordinator.url + "/fakedruid/"``. Only the dev server (``fakedruid serve``) answers ``/``, through
:func:`enable_landing_page`; elsewhere ``/`` stays the plain 404 of a path Druid's Coordinator API does not have,
so a fixture-based test that probes it sees what it saw before.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from fakedruid.api import wire
from fakedruid.errors import FakeDruidError
from fakedruid.model.cluster import ClusterReader
from fakedruid.model.intervals import parse_instant
from fakedruid.render import pages
from fakedruid.render.snapshot import (
    DatasourceSummary,
    TimelineSnapshot,
    snapshot_of,
    state_token,
    summaries,
    summaries_of,
)
from fakedruid.settings import AppState

bp = Blueprint("pages", __name__, url_prefix="/fakedruid")


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status=status, mimetype="text/html")


def refresh_token(state: AppState) -> str:
    """The live-refresh token: the cluster's state plus the request journal's length and newest entry.

    Computed when a page polls, never on the request path. The journal records ``GET /`` (only ``/fakedruid/...``
    is the fake's own), so views of the landing page are left out here: otherwise each load of the page would
    change the token and the page would reload forever.
    """
    journal = [r for r in state.harness.requests() if not (r.path == "/" and r.method in ("GET", "HEAD"))]
    return state_token(state.cluster, (len(journal), str(journal[-1]) if journal else ""))


def unknown_datasource(state: AppState, datasource: str) -> str:
    """The message for a datasource that has no segments, naming the known ones."""
    known = ", ".join(state.cluster.datasource_names()) or "none"
    return f"No datasource [{datasource}] (known: {known})"


def landing() -> Response:
    """``/``: links, the datasources, and the timelines of the first few (dev server only)."""
    state, _ = wire.context()

    def query(reader: ClusterReader) -> tuple[list[DatasourceSummary], list[TimelineSnapshot]]:
        rows = summaries_of(reader)
        return rows, [snapshot_of(reader, r.datasource) for r in rows[: pages.LANDING_TIMELINES]]

    rows, snaps = state.cluster.read(query)
    return _html(pages.landing_page(rows, snaps, token=refresh_token(state)))


def enable_landing_page(app: Flask) -> None:
    """Answer ``GET /`` with the landing page on ``app`` (the dev server calls this)."""
    app.add_url_rule("/", "pages.landing", landing, methods=["GET"])


@bp.get("/")
def datasources() -> Response:
    """Every datasource with its counts."""
    state, _ = wire.context()
    return _html(pages.datasources_page(summaries(state.cluster), token=refresh_token(state)))


@bp.get("/datasources/<ds>")
def timeline(ds: str) -> Response:
    """One datasource's timeline, zoomed to ``?start=&end=`` (ISO-8601 date-times) when given."""
    state, _ = wire.context()
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
    snap = state.cluster.read(lambda reader: snapshot_of(reader, ds))
    if not snap.segments:
        return _html(pages.error_page(404, unknown_datasource(state, ds)), 404)
    return _html(pages.timeline_page(snap, start=start, end=end, token=refresh_token(state)))


@bp.get("/tasks")
def tasks() -> Response:
    """Every task, active first, newest first."""
    state, _ = wire.context()
    listed = state.cluster.list_tasks(created_within=2**62)
    return _html(pages.tasks_page(listed, token=refresh_token(state)))


@bp.get("/requests")
def requests_journal() -> Response:
    """The request journal, newest first."""
    state, _ = wire.context()
    return _html(pages.requests_page([r.to_json() for r in state.harness.requests()], token=refresh_token(state)))


@bp.get("/audit")
def audit() -> Response:
    """Segment and rule audit entries, newest first."""
    state, _ = wire.context()
    entries = state.cluster.read(lambda reader: reader.audit_entries() + reader.rule_audit_entries())
    entries.sort(key=lambda e: e.audit_time, reverse=True)
    return _html(pages.audit_page([e.to_json() for e in entries], token=refresh_token(state)))
