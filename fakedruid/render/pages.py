"""The dev server's HTML pages: landing page, datasources, one datasource's timeline, tasks, request journal
and audit log.

Layer: render; stdlib and :mod:`fakedruid.model` only. Every function returns a whole HTML document with its
CSS and a little plain JavaScript inline (no build step, no external assets, so the pages work offline). The
script polls ``GET /fakedruid/v1/version`` and reloads the page when the token it was rendered with changes,
shows the hovered box's details, and turns a drag across a timeline into a zoom (``?start=...&end=...``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from fakedruid.model.intervals import format_instant
from fakedruid.model.tasks import Task
from fakedruid.render.scale import axis_range, human_size
from fakedruid.render.snapshot import (
    OVERSHADOWED,
    UNUSED,
    VISIBLE,
    DatasourceSummary,
    SegmentView,
    TimelineSnapshot,
)
from fakedruid.render.svg import CSS as SVG_CSS
from fakedruid.render.svg import LEGEND_ITEMS, render_svg

__all__ = [
    "VERSION_PATH",
    "audit_page",
    "datasources_page",
    "error_page",
    "landing_page",
    "requests_page",
    "tasks_page",
    "timeline_page",
]

#: The live-refresh endpoint the pages poll.
VERSION_PATH = "/fakedruid/v1/version"
#: Segment rows listed under a timeline (the drawing shows them all).
TABLE_LIMIT = 200
#: Timelines drawn on the landing page; further datasources are links.
LANDING_TIMELINES = 4

_NAV = (
    ("home", "/", "Home"),
    ("datasources", "/fakedruid/", "Datasources"),
    ("tasks", "/fakedruid/tasks", "Tasks"),
    ("requests", "/fakedruid/requests", "Request journal"),
    ("audit", "/fakedruid/audit", "Audit log"),
)

_PAGE_CSS = """
body { font: 14px system-ui, sans-serif; margin: 0; color: #0f172a; background: #ffffff; }
header { background: #0f172a; color: #f8fafc; padding: 10px 20px; display: flex; gap: 22px; align-items: baseline; }
header .brand { font-weight: 700; font-size: 16px; }
header a { color: #cbd5e1; text-decoration: none; }
header a.active { color: #ffffff; border-bottom: 2px solid #60a5fa; }
header .live { margin-left: auto; font-size: 12px; color: #86efac; }
main { padding: 14px 20px 40px; }
h1 { font-size: 20px; margin: 6px 0 10px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; margin: 6px 0 8px; font-size: 13px; }
.legend svg { vertical-align: middle; margin-right: 5px; }
.summary { margin: 4px 0 8px; color: #334155; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; }
.badge.visible { background: #dbeafe; } .badge.served { background: #1d4ed8; color: #fff; }
.badge.overshadowed { background: #fde68a; } .badge.unused { background: #e5e7eb; color: #374151; }
.badge.tombstone { background: #ede9fe; color: #5b21b6; }
.badge.SUCCESS { background: #dcfce7; } .badge.FAILED { background: #fee2e2; } .badge.RUNNING { background: #fef9c3; }
#info { min-height: 4.2em; margin: 6px 0; padding: 6px 10px; background: #f8fafc; border: 1px solid #e2e8f0;
        font: 12px ui-monospace, monospace; white-space: pre-wrap; }
form.zoom { margin: 6px 0; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; font-size: 13px; }
form.zoom input { font: 12px ui-monospace, monospace; width: 210px; }
.muted { color: #64748b; }
.error { color: #b91c1c; font-weight: 600; }
.timeline-box { overflow-x: auto; }
"""

_SCRIPT = """
(function () {
  var token = document.body.getAttribute('data-token');
  var dragging = false;
  function poll() {
    fetch('%(version)s', {cache: 'no-store'}).then(function (r) { return r.json(); }).then(function (j) {
      if (j.version !== token && !dragging) { location.reload(); return; }
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  if (token) { setTimeout(poll, 1500); }
  var info = document.getElementById('info');
  document.addEventListener('mouseover', function (e) {
    var box = e.target.closest && e.target.closest('.seg, .agg');
    if (box && info) { var t = box.querySelector('title'); info.textContent = t ? t.textContent : ''; }
  });
  Array.prototype.forEach.call(document.querySelectorAll('svg.timeline'), function (svg) {
    var lo = Number(svg.getAttribute('data-lo')), hi = Number(svg.getAttribute('data-hi'));
    var px = Number(svg.getAttribute('data-plot-x')), pw = Number(svg.getAttribute('data-plot-w'));
    var sel = svg.querySelector('rect.selection'), x0 = null;
    function xOf(e) {
      var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
      var q = p.matrixTransform(svg.getScreenCTM().inverse());
      return Math.min(px + pw, Math.max(px, q.x));
    }
    function at(x) { return Math.round(lo + (x - px) / pw * (hi - lo)); }
    svg.addEventListener('mousedown', function (e) {
      x0 = xOf(e); dragging = true; e.preventDefault();
      sel.setAttribute('x', x0); sel.setAttribute('width', 0); sel.setAttribute('visibility', 'visible');
    });
    svg.addEventListener('mousemove', function (e) {
      if (x0 === null) { return; }
      var x = xOf(e); sel.setAttribute('x', Math.min(x, x0)); sel.setAttribute('width', Math.abs(x - x0));
    });
    window.addEventListener('mouseup', function (e) {
      if (x0 === null) { return; }
      var x = xOf(e), a = Math.min(x, x0), b = Math.max(x, x0);
      x0 = null; dragging = false; sel.setAttribute('visibility', 'hidden');
      if (b - a < 4) { return; }
      var ds = encodeURIComponent(svg.getAttribute('data-datasource'));
      location.href = '/fakedruid/datasources/' + ds + '?start=' + new Date(at(a)).toISOString() +
        '&end=' + new Date(at(b)).toISOString();
    });
  });
})();
"""


def _document(title: str, content: str, *, active: str, token: str | None) -> str:
    active_attr = ' class="active"'
    nav = "".join(
        f'<a href="{href}"{active_attr if key == active else ""}>{text}</a>' for key, href, text in _NAV
    )
    live = '<span class="live" title="this page reloads when the state changes">&#9679; live</span>' if token else ""
    token_attr = f' data-token="{escape(token)}"' if token else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} - fakedruid</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # An empty inline icon: the browser asks for no /favicon.ico, which the journal would record (and the
        # page, seeing the journal change, would reload).
        '<link rel="icon" href="data:,">'
        f"<style>{_PAGE_CSS}{SVG_CSS}</style></head>"
        f'<body{token_attr}><header><span class="brand">fakedruid</span>{nav}{live}</header>'
        f"<main>{content}</main><script>{_SCRIPT % {'version': VERSION_PATH}}</script></body></html>\n"
    )


def ds_href(datasource: str, **query: str) -> str:
    """The URL path of a datasource's timeline page."""
    path = f"/fakedruid/datasources/{quote(datasource, safe='')}"
    return f"{path}?{urlencode(query)}" if query else path


def legend() -> str:
    """The colour legend shared by every timeline."""
    items = []
    for classes, text in LEGEND_ITEMS:
        swatch = (
            '<svg class="timeline" width="26" height="14"><rect class="seg '
            f'{classes}" x="1" y="1" width="24" height="12"/></svg>'
        )
        items.append(f'<span data-legend="{classes}">{swatch}{escape(text)}</span>')
    agg = (
        '<svg class="timeline" width="26" height="14"><rect x="1" y="1" width="24" height="6" fill="#1d4ed8"/>'
        '<rect x="1" y="7" width="24" height="6" fill="#f59e0b"/></svg>'
    )
    items.append(f'<span data-legend="agg">{agg}several segments too small to draw, by state</span>')
    return f'<div class="legend">{"".join(items)}</div>'


def _summary_text(snap: TimelineSnapshot) -> str:
    n = len(snap.segments)
    return (
        f"{n:,} segment{'s' if n != 1 else ''} ({human_size(sum(s.size for s in snap.segments))}): "
        f"{snap.count(VISIBLE):,} used and visible ({snap.count(served=True):,} served), "
        f"{snap.count(OVERSHADOWED):,} used but overshadowed, {snap.count(UNUSED):,} unused"
    )


def _summaries_table(rows: Sequence[DatasourceSummary]) -> str:
    if not rows:
        return '<p class="muted">No datasources yet: seed segments with <code>POST /fakedruid/v1/segments</code>, ' \
            "<code>fakedruid serve --seed FILE</code> or the Python API.</p>"
    head = (
        "<tr><th>datasource</th><th class=num>segments</th><th class=num>used</th><th class=num>overshadowed</th>"
        "<th class=num>unused</th><th class=num>served</th><th class=num>total size</th></tr>"
    )
    body = "".join(
        f'<tr data-datasource="{escape(r.datasource)}"><td><a href="{escape(ds_href(r.datasource))}">'
        f"{escape(r.datasource)}</a></td><td class=num>{r.segments:,}</td><td class=num>{r.used:,}</td>"
        f"<td class=num>{r.overshadowed:,}</td><td class=num>{r.unused:,}</td><td class=num>{r.served:,}</td>"
        f"<td class=num>{human_size(r.total_size)}</td></tr>"
        for r in rows
    )
    return f'<table class="datasources">{head}{body}</table>'


def landing_page(rows: Sequence[DatasourceSummary], snaps: Sequence[TimelineSnapshot], *, token: str) -> str:
    """``/``: what the fake is, its datasources with the first few timelines, and links to everything else."""
    timelines = "".join(
        f'<h2><a href="{escape(ds_href(s.datasource))}">{escape(s.datasource)}</a></h2>'
        f'<div class="summary">{escape(_summary_text(s))}</div>'
        f'<div class="timeline-box">{render_svg(s)}</div>'
        for s in snaps
    )
    more = ""
    if len(rows) > len(snaps):
        more = (
            f'<p class="muted">{len(rows) - len(snaps)} more datasources: '
            'see <a href="/fakedruid/">Datasources</a>.</p>'
        )
    content = (
        "<h1>fakedruid: an in-memory fake Druid Coordinator</h1>"
        "<p>Point your code at this server as if it were a Druid Coordinator (and Overlord). These pages show its "
        "state and follow every change live. Hover a box for its segment; drag across a timeline to zoom.</p>"
        + (legend() + '<pre id="info">hover a box to see its segment</pre>' if snaps else "")
        + timelines
        + more
        + "<h2>Datasources</h2>"
        + _summaries_table(rows)
        + _API_REFERENCE
    )
    return _document("Home", content, active="home", token=token)


_API_REFERENCE = """
<h2>API reference</h2>
<ul>
<li>Druid's own documentation of these endpoints:
<a href="https://druid.apache.org/docs/latest/api-reference/data-management-api">data management</a>,
<a href="https://druid.apache.org/docs/latest/api-reference/legacy-metadata-api">metadata</a>,
<a href="https://druid.apache.org/docs/latest/api-reference/retention-rules-api">retention rules</a>,
<a href="https://druid.apache.org/docs/latest/api-reference/tasks-api">tasks</a>
(the project's <code>IMPLEMENTED.md</code> lists what the fake serves, per profile).</li>
<li>Try: <a href="/druid/coordinator/v1/datasources">/druid/coordinator/v1/datasources</a>,
<a href="/druid/coordinator/v1/rules">/druid/coordinator/v1/rules</a>,
<a href="/druid/coordinator/v1/loadstatus">/druid/coordinator/v1/loadstatus</a>,
<a href="/druid/indexer/v1/tasks">/druid/indexer/v1/tasks</a>,
<a href="/status">/status</a>.</li>
<li>The fake's own admin API:
<a href="/fakedruid/v1/state">GET /fakedruid/v1/state</a> (the whole state),
<code>POST /fakedruid/v1/segments</code> (seed), <code>POST /fakedruid/v1/reset</code>,
<a href="/fakedruid/v1/clock">/fakedruid/v1/clock</a>,
<a href="/fakedruid/v1/requests">/fakedruid/v1/requests</a>,
<a href="/fakedruid/v1/faults">/fakedruid/v1/faults</a>,
<code>GET /fakedruid/v1/datasources/{ds}/timeline</code> (what the timeline draws, as JSON),
<a href="/fakedruid/v1/version">/fakedruid/v1/version</a> (changes with the state).</li>
</ul>
"""


def datasources_page(rows: Sequence[DatasourceSummary], *, token: str) -> str:
    """``/fakedruid/``: every datasource with its counts and total size."""
    content = "<h1>Datasources</h1>" + _summaries_table(rows)
    return _document("Datasources", content, active="datasources", token=token)


def timeline_page(
    snap: TimelineSnapshot, *, start: int | None = None, end: int | None = None, token: str
) -> str:
    """``/fakedruid/datasources/{ds}``: the timeline, zoomed to ``[start, end)`` when given, and a segment table."""
    svg = render_svg(snap, start=start, end=end)
    zoomed = start is not None or end is not None
    lo, hi = axis_range(snap.segments)
    form = (
        f'<form class="zoom" method="get" action="{escape(ds_href(snap.datasource))}">'
        f'<label>from <input name="start" value="{escape(format_instant(start)) if start is not None else ""}" '
        f'placeholder="{format_instant(lo)}"></label>'
        f'<label>to <input name="end" value="{escape(format_instant(end)) if end is not None else ""}" '
        f'placeholder="{format_instant(hi)}"></label><button type="submit">zoom</button>'
        + (f'<a href="{escape(ds_href(snap.datasource))}">show everything</a>' if zoomed else "")
        + '<span class="muted">or drag across the timeline</span></form>'
    )
    shown = [s for s in snap.segments if (start is None or s.end > start) and (end is None or s.start < end)]
    table = _segment_table(shown)
    content = (
        f"<h1>{escape(snap.datasource)}</h1>"
        f'<div class="summary">{escape(_summary_text(snap))}</div>'
        + form
        + legend()
        + f'<div class="timeline-box">{svg}</div>'
        + '<pre id="info">hover a box to see its segment</pre>'
        + table
    )
    return _document(snap.datasource, content, active="datasources", token=token)


def _segment_table(segments: Sequence[SegmentView]) -> str:
    rows = sorted(segments, key=lambda s: (s.start, s.version, s.partition_num))
    if not rows:
        return '<p class="muted">No segments in this range.</p>'
    head = (
        f"<h2>Segments ({len(rows):,}{f', the first {TABLE_LIMIT}' if len(rows) > TABLE_LIMIT else ''})</h2>"
        "<table class=\"segments\"><tr><th>state</th><th>interval</th><th>version</th><th class=num>partition</th>"
        "<th class=num>size</th><th class=num>rows</th><th>id</th></tr>"
    )
    body = []
    for s in rows[:TABLE_LIMIT]:
        badges = f'<span class="badge {s.state}">{s.state}</span>'
        if s.served:
            badges += ' <span class="badge served">served</span>'
        if s.tombstone:
            badges += ' <span class="badge tombstone">tombstone</span>'
        body.append(
            f'<tr data-id="{escape(s.id)}"><td>{badges}</td>'
            f'<td class="mono">{format_instant(s.start)}/{format_instant(s.end)}</td>'
            f'<td class="mono">{escape(s.version)}</td><td class=num>{s.partition_num}</td>'
            f"<td class=num>{human_size(s.size)}</td>"
            f"<td class=num>{'' if s.num_rows is None else f'{s.num_rows:,}'}</td>"
            f'<td class="mono">{escape(s.id)}</td></tr>'
        )
    return head + "".join(body) + "</table>"


def tasks_page(tasks: Sequence[Task], *, token: str) -> str:
    """``/fakedruid/tasks``: every task, newest first, with its state and report."""
    if not tasks:
        content = '<h1>Tasks</h1><p class="muted">No tasks yet.</p>'
    else:
        body = "".join(
            f'<tr data-task="{escape(t.id)}"><td class="mono">{escape(t.id)}</td><td>{escape(t.type)}</td>'
            f"<td>{escape(t.datasource)}</td><td class=\"mono\">{t.interval}</td>"
            f'<td><span class="badge {escape(t.status)}">{escape(t.status)}</span></td>'
            f"<td class=\"mono\">{format_instant(t.created_time)}</td>"
            f"<td class=num>{'' if t.duration < 0 else f'{t.duration:,} ms'}</td>"
            f"<td class=num>{t.num_segments_killed:,}</td><td>{escape(t.error_msg or '')}</td></tr>"
            for t in tasks
        )
        content = (
            "<h1>Tasks</h1><table class=\"tasks\"><tr><th>id</th><th>type</th><th>datasource</th><th>interval</th>"
            "<th>state</th><th>created</th><th class=num>duration</th><th class=num>killed</th><th>error</th></tr>"
            f"{body}</table>"
        )
    return _document("Tasks", content, active="tasks", token=token)


def requests_page(records: Sequence[Mapping[str, Any]], *, token: str, limit: int = 500) -> str:
    """``/fakedruid/requests``: the request journal (``GET /fakedruid/v1/requests`` records), newest first."""
    if not records:
        content = '<h1>Request journal</h1><p class="muted">No requests to Druid endpoints yet.</p>'
    else:
        newest = list(records)[::-1][:limit]
        body = "".join(
            f"<tr><td class=num>{len(records) - i}</td><td>{escape(str(r['method']))}</td>"
            f"<td class=\"mono\">{escape(str(r['path']))}{escape(_query(r.get('query') or {}))}</td>"
            f"<td class=num>{r['status']}</td>"
            f"<td class=\"mono\">{escape(_short(r.get('body')))}</td></tr>"
            for i, r in enumerate(newest)
        )
        note = f" (the newest {limit})" if len(records) > limit else ""
        content = (
            f"<h1>Request journal</h1><p class=\"muted\">{len(records):,} requests{note}, newest first; the "
            "fake's own <code>/fakedruid/</code> paths are not recorded.</p>"
            "<table class=\"requests\"><tr><th class=num>#</th><th>method</th><th>path</th><th class=num>status</th>"
            f"<th>body</th></tr>{body}</table>"
        )
    return _document("Request journal", content, active="requests", token=token)


def audit_page(entries: Sequence[Mapping[str, Any]], *, token: str) -> str:
    """``/fakedruid/audit``: audit entries (Druid's AuditEntry JSON: segments and rules), newest first."""
    if not entries:
        content = '<h1>Audit log</h1><p class="muted">No audit entries yet.</p>'
    else:
        body = "".join(
            f"<tr><td class=\"mono\">{escape(str(e.get('auditTime')))}</td><td>{escape(str(e.get('type')))}</td>"
            f"<td>{escape(str(e.get('key')))}</td>"
            f"<td>{escape(str((e.get('auditInfo') or {}).get('author', '')))}</td>"
            f"<td>{escape(str((e.get('auditInfo') or {}).get('comment', '')))}</td>"
            f"<td class=\"mono\">{escape(_short(e.get('payload'), 300))}</td></tr>"
            for e in entries
        )
        content = (
            "<h1>Audit log</h1><table class=\"audit\"><tr><th>time</th><th>type</th><th>key</th><th>author</th>"
            f"<th>comment</th><th>payload</th></tr>{body}</table>"
        )
    return _document("Audit log", content, active="audit", token=token)


def error_page(status: int, message: str) -> str:
    """A page for a bad page request (unknown datasource, malformed zoom bounds)."""
    content = f"<h1>{status}</h1><p class=\"error\">{escape(message)}</p><p><a href=\"/fakedruid/\">Datasources</a></p>"
    return _document(str(status), content, active="", token=None)


def _query(query: Mapping[str, Sequence[str]]) -> str:
    pairs = [(k, v) for k, values in query.items() for v in values]
    return "?" + urlencode(pairs) if pairs else ""


def _short(value: Any, limit: int = 160) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
