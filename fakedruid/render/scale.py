"""The time axis shared by the text and SVG timelines: the range to draw, lanes in version order, and ticks.

Layer: render; stdlib and :mod:`fakedruid.model` only.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence

from fakedruid.model.intervals import ETERNITY
from fakedruid.model.segment_ids import version_key
from fakedruid.render.snapshot import SegmentView

__all__ = ["axis_range", "human_size", "lane_versions", "ticks"]

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

#: Fixed-length tick steps (ms), smallest first; longer spans use calendar months and years.
_FIXED_STEPS = (
    SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND,
    MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE,
    HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
    DAY, 2 * DAY, 7 * DAY, 14 * DAY,
)  # fmt: skip
_MONTH_STEPS = (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000)

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
#: Instants the tick labels can name (datetime's range).
_MIN_TICK = int((_dt.datetime(1, 1, 2, tzinfo=_dt.timezone.utc) - _EPOCH).total_seconds() * 1000)
_MAX_TICK = int((_dt.datetime(9999, 12, 30, tzinfo=_dt.timezone.utc) - _EPOCH).total_seconds() * 1000)


def is_open_start(start: int) -> bool:
    """The interval starts at the beginning of time (an eternity segment)."""
    return start <= ETERNITY.start


def is_open_end(end: int) -> bool:
    """The interval ends at the end of time."""
    return end >= ETERNITY.end


def axis_range(segments: Iterable[SegmentView]) -> tuple[int, int]:
    """The smallest range holding every finite interval bound (eternity's bounds are left out, so that one
    eternity segment does not squash the rest into a dot); one day around the epoch when there is none."""
    points = []
    for s in segments:
        if not is_open_start(s.start):
            points.append(s.start)
        if not is_open_end(s.end):
            points.append(s.end)
    if not points:
        return 0, DAY
    lo, hi = min(points), max(points)
    if lo == hi:
        return lo - HOUR, hi + HOUR
    return lo, hi


def lane_versions(segments: Iterable[SegmentView]) -> list[str]:
    """The versions present, newest first (Druid's version order)."""
    return sorted({s.version for s in segments}, key=version_key, reverse=True)


def _to_datetime(ms: int) -> _dt.datetime:
    return _EPOCH + _dt.timedelta(milliseconds=ms)


def _to_ms(value: _dt.datetime) -> int:
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def ticks(lo: int, hi: int, max_ticks: int) -> list[tuple[int, str]]:
    """Round instants in ``[lo, hi]``, at most ``max_ticks`` of them, with short labels.

    Labels name what changes between ticks: ``HH:MM`` (``HH:MM:SS`` below a minute) within a day, ``MM-DD``
    for day steps, ``YYYY-MM`` and ``YYYY`` for calendar months and years; the first label of a day or a year
    carries the date or the year too, so the axis can be read on its own.
    """
    lo_c, hi_c = max(lo, _MIN_TICK), min(hi, _MAX_TICK)
    if hi_c <= lo_c or max_ticks < 1:
        return []
    span = hi_c - lo_c
    for step in _FIXED_STEPS:
        if span // step <= max_ticks:
            first = -(-lo_c // step) * step
            points = list(range(first, hi_c + 1, step))
            return _label_fixed(points, step)
    months = next((m for m in _MONTH_STEPS if span // (m * 30 * DAY) <= max_ticks), None)
    if months is None:
        return []
    start = _to_datetime(lo_c)
    index = start.year * 12 + start.month - 1
    index = -(-index // months) * months
    out = []
    while True:
        year, month = divmod(index, 12)
        if year > 9999:
            break
        at = _to_ms(_dt.datetime(year, month + 1, 1, tzinfo=_dt.timezone.utc))
        if at > hi_c:
            break
        if at >= lo_c:
            out.append((at, f"{year:04d}" if months % 12 == 0 else f"{year:04d}-{month + 1:02d}"))
        index += months
    return out


def _label_fixed(points: Sequence[int], step: int) -> list[tuple[int, str]]:
    out = []
    previous: _dt.datetime | None = None
    for at in points:
        when = _to_datetime(at)
        if step >= DAY:
            label = when.strftime("%Y-%m-%d" if previous is None or previous.year != when.year else "%m-%d")
        else:
            label = when.strftime("%H:%M:%S" if step < MINUTE else "%H:%M")
            if previous is None or previous.date() != when.date():
                label = when.strftime("%Y-%m-%d ") + label
        out.append((at, label))
        previous = when
    return out


def human_size(size: int) -> str:
    """Bytes in binary units, one decimal: ``12.3 MiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns
