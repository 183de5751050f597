"""The segment timeline as an SVG drawing: time across, one lane per version (newest on top), one box per
segment with its partitions stacked inside the lane.

Layer: render; stdlib and :mod:`fakedruid.model` only; no external assets (the tombstone hatch is an inline
pattern). Every segment box is a ``<rect class="seg STATE [served] [tombstone]" data-id=...>`` with a
``<title>`` (segment id, interval, size, rows), so that a browser shows it on hover and a test can find it.

Boxes narrower than :data:`MIN_BOX_PX` are merged, per lane row and per :data:`BUCKET_PX` pixels, into one
``<g class="agg" data-count=N>`` whose height is split between the states of its members: at 10,000 segments
the drawing stays a few hundred elements and can still be read. Lanes past :data:`MAX_LANES` (the oldest
versions) share one last lane.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from fakedruid.model.intervals import format_instant
from fakedruid.render.scale import axis_range, human_size, lane_versions, ticks
from fakedruid.render.snapshot import (
    OVERSHADOWED,
    UNUSED,
    VISIBLE,
    SegmentView,
    TimelineSnapshot,
)

__all__ = ["BUCKET_PX", "LEGEND_ITEMS", "MAX_LANES", "MAX_ROWS", "MIN_BOX_PX", "render_svg"]

#: A box narrower than this (pixels) joins an aggregate.
MIN_BOX_PX = 3.0
#: Aggregates cover this many pixels each.
BUCKET_PX = 4
#: Version lanes drawn one by one; older versions share one more lane.
MAX_LANES = 40
#: Partition rows per lane; partitions from the last row on share it (as aggregates).
MAX_ROWS = 6

LABEL_W = 200
AXIS_H = 44
ROW_H = 18
LANE_GAP = 8
RIGHT_PAD = 16
#: Width of one character of a tick label, roughly (12px sans-serif), to keep labels inside the drawing.
_TEXT_PX = 7

#: (CSS class, legend text) of every state the drawing shows, in legend order.
LEGEND_ITEMS = (
    ("visible served", "used, visible, served"),
    ("visible", "used, visible, not served"),
    ("overshadowed", "used, overshadowed"),
    ("unused", "unused"),
    ("visible served tombstone", "tombstone"),
)

#: Fill colours per state for the aggregates' slices (the boxes take theirs from :data:`CSS`).
_FILL = {"served": "#1d4ed8", VISIBLE: "#93c5fd", OVERSHADOWED: "#f59e0b", UNUSED: "#d1d5db"}

CSS = """
svg.timeline { font: 12px system-ui, sans-serif; user-select: none; }
svg.timeline .lane-bg { fill: #f8fafc; }
svg.timeline .lane-bg.odd { fill: #eef2f7; }
svg.timeline .grid { stroke: #cbd5e1; stroke-width: 1; }
svg.timeline .tick { fill: #334155; }
svg.timeline .tick.date { font-weight: 600; }
svg.timeline .lane-label { fill: #0f172a; font-family: ui-monospace, monospace; font-size: 11px; }
svg.timeline .row-label { fill: #64748b; font-size: 10px; }
svg.timeline .seg { stroke: #ffffff; stroke-width: 1; }
svg.timeline .seg.visible { fill: #93c5fd; }
svg.timeline .seg.visible.served { fill: #1d4ed8; }
svg.timeline .seg.overshadowed { fill: #f59e0b; }
svg.timeline .seg.unused { fill: #e5e7eb; stroke: #6b7280; stroke-dasharray: 3 2; }
svg.timeline .seg.tombstone.tombstone.tombstone { fill: url(#tombstone); stroke: #7c3aed; stroke-width: 1.5; }
svg.timeline .seg.tombstone.tombstone.unused { stroke: #6b7280; stroke-dasharray: 3 2; }
svg.timeline .seg:hover, svg.timeline .agg:hover { stroke: #0f172a; stroke-width: 2; }
svg.timeline .agg rect.frame { fill: none; stroke: #475569; stroke-width: 0.5; }
svg.timeline .selection { fill: rgba(29, 78, 216, 0.15); stroke: #1d4ed8; }
""".strip()

_DEFS = (
    '<defs><pattern id="tombstone" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ede9fe"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#7c3aed" stroke-width="2"/></pattern></defs>'
)


def _classes(s: SegmentView) -> str:
    parts = [s.state]
    if s.served:
        parts.append("served")
    if s.tombstone:
        parts.append("tombstone")
    return " ".join(parts)


def _title(s: SegmentView) -> str:
    rows = "unknown" if s.num_rows is None else f"{s.num_rows:,}"
    state = {VISIBLE: "used, visible", OVERSHADOWED: "used, overshadowed", UNUSED: "unused"}[s.state]
    flags = (", served" if s.served else ", not served") + (", tombstone" if s.tombstone else "")
    return (
        f"{s.id}\n{format_instant(s.start)}/{format_instant(s.end)} partition {s.partition_num}\n"
        f"{state}{flags}\nsize {human_size(s.size)} ({s.size:,} bytes), rows {rows}"
    )


def _agg_title(members: Sequence[SegmentView]) -> str:
    start = min(s.start for s in members)
    end = max(s.end for s in members)
    visible = sum(1 for s in members if s.state == VISIBLE)
    served = sum(1 for s in members if s.served)
    over = sum(1 for s in members if s.state == OVERSHADOWED)
    unused = sum(1 for s in members if s.state == UNUSED)
    tomb = sum(1 for s in members if s.tombstone)
    return (
        f"{len(members):,} segments from {format_instant(start)} to {format_instant(end)}\n"
        f"{visible:,} visible ({served:,} served), {over:,} overshadowed, {unused:,} unused"
        + (f", {tomb:,} tombstones" if tomb else "")
        + f"\nsize {human_size(sum(s.size for s in members))}"
    )


def render_svg(
    snap: TimelineSnapshot, *, width: int = 1100, start: int | None = None, end: int | None = None
) -> str:
    """The timeline of ``snap`` as one ``<svg>`` element ``width`` pixels wide.

    :param start: draw from this instant (UTC ms); default: the earliest finite interval bound.
    :param end: draw up to this instant; default: the latest finite interval bound.
    """
    lo, hi = axis_range(snap.segments)
    lo = lo if start is None else start
    hi = hi if end is None else end
    if hi <= lo:
        hi = lo + 1
    plot_x = LABEL_W
    plot_w = max(100, width - LABEL_W - RIGHT_PAD)
    scale = plot_w / (hi - lo)

    def x_of(t: int) -> float:
        return plot_x + (min(max(t, lo), hi) - lo) * scale

    in_range = [s for s in snap.segments if s.end > lo and s.start < hi]
    versions = lane_versions(snap.segments)
    lanes: list[tuple[str, list[SegmentView]]] = []
    by_version: dict[str, list[SegmentView]] = {v: [] for v in versions}
    for s in in_range:
        by_version[s.version].append(s)
    for v in versions[:MAX_LANES]:
        lanes.append((v, by_version[v]))
    if len(versions) > MAX_LANES:
        rest = [s for v in versions[MAX_LANES:] for s in by_version[v]]
        lanes.append((f"{len(versions) - MAX_LANES} older versions", rest))

    body: list[str] = []
    backgrounds: list[str] = []
    y = AXIS_H
    for index, (label, members) in enumerate(lanes):
        merged_lane = index == MAX_LANES
        rows = 1 if merged_lane else min(MAX_ROWS, 1 + max((s.partition_num for s in members), default=0))
        lane_h = rows * ROW_H
        # Lane backgrounds go under the grid lines, boxes over them.
        backgrounds.append(
            f'<rect class="lane-bg{" odd" if index % 2 else ""}" x="0" y="{y - LANE_GAP // 2}" '
            f'width="{plot_x + plot_w}" height="{lane_h + LANE_GAP}"/>'
        )
        body.append(
            f'<g class="lane" data-version="{escape(label)}">'
            f'<text class="lane-label" x="6" y="{y + 13}">{escape(label)}</text>'
        )
        for r in range(1, rows):
            text = f"p{r}" + ("+" if r == rows - 1 and rows == MAX_ROWS else "")
            body.append(f'<text class="row-label" x="{plot_x - 24}" y="{y + r * ROW_H + 12}">{text}</text>')
        grouped: dict[tuple[int, int, int], list[SegmentView]] = {}
        for s in members:
            row = 0 if merged_lane else min(s.partition_num, rows - 1)
            grouped.setdefault((row, s.start, s.end), []).append(s)
        buckets: dict[tuple[int, int], list[SegmentView]] = {}
        for (row, s_start, s_end), group in grouped.items():
            x0, x1 = x_of(s_start), x_of(s_end)
            if x1 - x0 >= MIN_BOX_PX and len(group) == 1:
                s = group[0]
                body.append(
                    f'<rect class="seg {_classes(s)}" x="{x0:.1f}" y="{y + row * ROW_H + 1}" '
                    f'width="{x1 - x0:.1f}" height="{ROW_H - 2}" data-id="{escape(s.id)}" '
                    f'data-state="{s.state}" data-served="{str(s.served).lower()}" '
                    f'data-tombstone="{str(s.tombstone).lower()}"><title>{escape(_title(s))}</title></rect>'
                )
            elif x1 - x0 >= MIN_BOX_PX:
                body.append(_aggregate(group, x0, x1, y + row * ROW_H + 1))
            else:
                buckets.setdefault((row, int((x0 - plot_x) // BUCKET_PX)), []).extend(group)
        for (row, bucket), group in sorted(buckets.items()):
            x0 = plot_x + bucket * BUCKET_PX
            x1 = max(x0 + 1, min(plot_x + plot_w, x0 + BUCKET_PX))
            body.append(_aggregate(group, x0, x1, y + row * ROW_H + 1))
        body.append("</g>")
        y += lane_h + LANE_GAP
    height = y + 4

    axis: list[str] = []
    right = plot_x + plot_w + RIGHT_PAD
    axis.append(f'<text class="tick date" x="6" y="{AXIS_H - 12}">version (newest on top)</text>')
    for at, text in ticks(lo, hi, max(1, plot_w // 90)):
        x = x_of(at)
        axis.append(f'<line class="grid" x1="{x:.1f}" y1="{AXIS_H - 8}" x2="{x:.1f}" y2="{height}"/>')
        # A date that starts a day goes on a line of its own above the times.
        date, _, time = text.rpartition(" ")
        if x + 3 + _TEXT_PX * len(time) <= right:
            axis.append(f'<text class="tick" x="{x + 3:.1f}" y="{AXIS_H - 12}">{escape(time)}</text>')
        if date and x + 3 + _TEXT_PX * len(date) <= right:
            axis.append(f'<text class="tick date" x="{x + 3:.1f}" y="{AXIS_H - 27}">{escape(date)}</text>')

    return (
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{plot_x + plot_w + RIGHT_PAD}" '
        f'height="{height}" viewBox="0 0 {plot_x + plot_w + RIGHT_PAD} {height}" '
        f'data-lo="{lo}" data-hi="{hi}" data-plot-x="{plot_x}" data-plot-w="{plot_w}" '
        f'data-datasource="{escape(snap.datasource)}" role="img" '
        f'aria-label="segment timeline of {escape(snap.datasource)}">'
        f"{_DEFS}{''.join(backgrounds)}<g class=\"axis\">{''.join(axis)}</g><g class=\"lanes\">{''.join(body)}</g>"
        f'<rect class="selection" x="0" y="0" width="0" height="{height}" visibility="hidden"/></svg>'
    )


def _aggregate(members: Sequence[SegmentView], x0: float, x1: float, y: float) -> str:
    """One counted box standing for ``members``, its height split between their states (served on top)."""
    counts = [
        ("served", sum(1 for s in members if s.state == VISIBLE and s.served)),
        (VISIBLE, sum(1 for s in members if s.state == VISIBLE and not s.served)),
        (OVERSHADOWED, sum(1 for s in members if s.state == OVERSHADOWED)),
        (UNUSED, sum(1 for s in members if s.state == UNUSED)),
    ]
    h = ROW_H - 2
    parts = []
    top = y
    total = len(members)
    for state, n in counts:
        if n:
            slice_h = h * n / total
            parts.append(
                f'<rect x="{x0:.1f}" y="{top:.2f}" width="{x1 - x0:.1f}" height="{slice_h:.2f}" '
                f'fill="{_FILL[state]}"/>'
            )
            top += slice_h
    states = " ".join(state for state, n in counts if n)
    return (
        f'<g class="agg" data-count="{total}" data-states="{states}"><title>{escape(_agg_title(members))}</title>'
        f'{"".join(parts)}<rect class="frame" x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{h}"/></g>'
    )
