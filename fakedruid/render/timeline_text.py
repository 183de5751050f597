"""The segment timeline as a few lines of text: one lane per version (newest on top), time across.

Layer: render; stdlib and :mod:`fakedruid.model` only. Used in the failure messages of the fixture's assertion
helpers, by ``FakeCoordinator.timeline(ds)`` and by ``fakedruid timeline URL DS``. Example::

    wikipedia_hour: 26 segments, 12.1 MiB: 23 visible (23 served), 1 overshadowed, 2 unused
    from 2015-09-12T00:00:00.000Z to 2015-09-13T00:00:00.000Z, 24 hours
                              |2015-09-12 00:00   |06:00        |12:00        |18:00       |
    2023-08-10T04:12:03.860Z  [#][#][#][#][#][#][#][#][#][#][#][#][#][#][#][#][#][#][.][#]...
    2023-08-09T22:41:17.512Z                 [o]                                 [.]
    # used, visible, served  = used, visible, not served  o used, overshadowed  . unused  t tombstone

A segment wide enough gets brackets so that neighbours can be told apart; a character cell holding several
segments shows the first state in the order ``# = t o .`` (used before unused). Extra lines in a lane are
further partitions (``p1``, ``p2+``). Past 20 versions, the older ones are only counted.
"""

from __future__ import annotations

from collections.abc import Sequence

from fakedruid.model.intervals import format_instant
from fakedruid.render.scale import (
    axis_range,
    human_size,
    is_open_end,
    is_open_start,
    lane_versions,
    ticks,
)
from fakedruid.render.snapshot import (
    OVERSHADOWED,
    UNUSED,
    VISIBLE,
    SegmentView,
    TimelineSnapshot,
)

__all__ = ["LEGEND", "render_text"]

LEGEND = "# used, visible, served  = used, visible, not served  o used, overshadowed  . unused  t tombstone"

#: Cell characters, strongest first: a cell shared by several segments shows the strongest.
_ORDER = "#=to."
#: Partition rows drawn per lane; partitions from the last row on share it.
_MAX_ROWS = 3
_LABEL = 26
#: Version lanes drawn; older versions are counted in one line.
_MAX_LANES = 20


def _char(s: SegmentView) -> str:
    if not s.used:
        return "."
    if s.tombstone:
        return "t"
    if s.overshadowed:
        return "o"
    return "#" if s.served else "="


def summary_line(snap: TimelineSnapshot) -> str:
    """``ds: N segments, SIZE: a visible (b served), c overshadowed, d unused``."""
    n = len(snap.segments)
    size = human_size(sum(s.size for s in snap.segments))
    return (
        f"{snap.datasource}: {n} segment{'s' if n != 1 else ''}, {size}: {snap.count(VISIBLE)} visible "
        f"({snap.count(served=True)} served), {snap.count(OVERSHADOWED)} overshadowed, {snap.count(UNUSED)} unused"
    )


def render_text(
    snap: TimelineSnapshot, *, width: int = 100, start: int | None = None, end: int | None = None
) -> str:
    """The timeline of ``snap`` in about ``width`` characters per line.

    :param start: draw from this instant (UTC ms); default: the earliest finite interval bound.
    :param end: draw up to this instant; default: the latest finite interval bound.
    """
    lines = [summary_line(snap)]
    if not snap.segments:
        lines.append("(no segments)")
        return "\n".join(lines)
    lo, hi = axis_range(snap.segments)
    lo = lo if start is None else start
    hi = hi if end is None else end
    if hi <= lo:
        hi = lo + 1
    cols = max(20, width - _LABEL)
    span = hi - lo
    lines.append(f"from {format_instant(lo)} to {format_instant(hi)}, {_duration(span)}")
    lines.append(" " * _LABEL + _axis(lo, hi, cols))

    def col(t: int) -> int:
        return (t - lo) * cols // span

    versions = lane_versions(snap.segments)
    for version in versions[:_MAX_LANES]:
        members = [s for s in snap.segments if s.version == version]
        rows = min(_MAX_ROWS, 1 + max(s.partition_num for s in members))
        grid = [[" "] * cols for _ in range(rows)]
        spans = []
        for s in members:
            if s.end <= lo or s.start >= hi:
                continue
            c0 = max(0, col(s.start))
            c1 = min(cols, max(c0 + 1, col(s.end)))
            row = grid[min(s.partition_num, rows - 1)]
            ch = _char(s)
            spans.append((row, c0, c1, ch, s))
            for c in range(c0, c1):
                if row[c] == " " or _ORDER.index(ch) < _ORDER.index(row[c]):
                    row[c] = ch
        # Brackets go on only once every state is known, and only where the segment's own state shows.
        marks = []
        for row, c0, c1, ch, s in spans:
            if c1 - c0 >= 3:
                if row[c0] == ch:
                    marks.append((row, c0, "<" if is_open_start(s.start) and s.start < lo else "["))
                if row[c1 - 1] == ch:
                    marks.append((row, c1 - 1, ">" if is_open_end(s.end) and s.end > hi else "]"))
        for row, c, mark in marks:
            row[c] = mark
        for r, cells in enumerate(grid):
            if r == 0:
                label = version if len(version) <= _LABEL - 2 else version[: _LABEL - 3] + "~"
            else:
                label = f"  p{r}" + ("+" if r == rows - 1 and rows == _MAX_ROWS else "")
            lines.append(label.ljust(_LABEL) + "".join(cells).rstrip())
    if len(versions) > _MAX_LANES:
        older = set(versions[_MAX_LANES:])
        hidden = sum(1 for s in snap.segments if s.version in older)
        lines.append(f"... {len(versions) - _MAX_LANES} older versions ({hidden} segments) not drawn")
    lines.append(LEGEND)
    return "\n".join(lines)


def _axis(lo: int, hi: int, cols: int) -> str:
    """A line of ``|label`` marks at round instants, each placed only where it fits."""
    line = [" "] * cols
    for at, label in ticks(lo, hi, max(1, cols // 10)):
        c = (at - lo) * cols // (hi - lo)
        text = "|" + label
        if c + len(text) > cols or any(ch != " " for ch in line[max(0, c - 1) : c + len(text) + 1]):
            if c < cols and line[c] == " ":
                line[c] = "|"
            continue
        line[c : c + len(text)] = list(text)
    return "".join(line).rstrip()


def _duration(ms: int) -> str:
    """A span in the largest whole unit that reads well: ``24 hours``, ``3 days``, ``90 minutes``."""
    for unit, size in (("day", 86_400_000), ("hour", 3_600_000), ("minute", 60_000), ("second", 1000)):
        if (ms >= size and ms % size == 0) or ms >= 10 * size:
            n = round(ms / size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{ms} ms"


def render_many(snaps: Sequence[TimelineSnapshot], *, width: int = 100) -> str:
    """Several timelines separated by blank lines; ``(no datasources)`` when there is none."""
    return "\n\n".join(render_text(s, width=width) for s in snaps) if snaps else "(no datasources)"
