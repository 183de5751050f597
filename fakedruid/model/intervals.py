"""Instants, intervals and ISO-8601 periods as Druid (Joda-Time, ISOChronology UTC) reads and prints them.

Layer: model; imports only the stdlib. Instants are integer milliseconds since the epoch in UTC, because
Druid's bounds (ETERNITY) lie far outside the years ``datetime`` can hold. Semantics: semantics.md section 4.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fakedruid.errors import InvalidInterval, InvalidPeriod  # noqa: F401  (re-raised by the parsers)

MS_PER_SECOND = 1000
MS_PER_MINUTE = 60 * MS_PER_SECOND
MS_PER_HOUR = 60 * MS_PER_MINUTE
MS_PER_DAY = 24 * MS_PER_HOUR

#: ``JodaUtils.MIN_INSTANT`` and ``MAX_INSTANT`` (``Long.MIN_VALUE / 2``, ``Long.MAX_VALUE / 2``).
MIN_INSTANT = -4611686018427387904
MAX_INSTANT = 4611686018427387903


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (year 0 exists), for any year."""
    y = year - 1 if month <= 2 else year
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """The proleptic Gregorian (year, month, day) of a day count since 1970-01-01."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return year, month, day


def format_instant(ms: int) -> str:
    """``DateTime.toString()`` in UTC: ``yyyy-MM-ddTHH:mm:ss.SSSZ``; years outside 0..9999 printed in full."""
    days, rest = divmod(ms, MS_PER_DAY)
    year, month, day = civil_from_days(days)
    hour, rest = divmod(rest, MS_PER_HOUR)
    minute, rest = divmod(rest, MS_PER_MINUTE)
    second, milli = divmod(rest, MS_PER_SECOND)
    sign = "-" if year < 0 else ""
    return (
        f"{sign}{abs(year):04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{milli:03d}Z"
    )


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open interval ``[start, end)`` of UTC milliseconds; ``str()`` is Druid's form."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{format_instant(self.start)}/{format_instant(self.end)}"

    def contains(self, other: Interval) -> bool:
        """Joda ``contains``: ``other`` lies inside; it may end exactly at this interval's end."""
        return self.start <= other.start < self.end and other.end <= self.end

    def overlaps(self, other: Interval) -> bool:
        """Joda ``overlaps``: the intervals share an instant; abutting intervals do not overlap."""
        return self.start < other.end and other.start < self.end

    def abuts(self, other: Interval) -> bool:
        """Joda ``abuts``: one ends where the other starts."""
        return self.end == other.start or other.end == self.start

    def contains_instant(self, ms: int) -> bool:
        """``start <= ms < end``."""
        return self.start <= ms < self.end

    @property
    def duration(self) -> int:
        """Length in milliseconds."""
        return self.end - self.start


#: ``Intervals.ETERNITY``.
ETERNITY = Interval(MIN_INSTANT, MAX_INSTANT)


def condense(intervals: Iterable[Interval]) -> list[Interval]:
    """``JodaUtils.condenseIntervals``: merge overlapping and abutting intervals, drop zero-length ones."""
    out: list[Interval] = []
    for iv in sorted(i for i in intervals if i.end > i.start):
        if out and iv.start <= out[-1].end:
            if iv.end > out[-1].end:
                out[-1] = Interval(out[-1].start, iv.end)
        else:
            out.append(iv)
    return out


# --- Parsing (semantics 4.2). Implemented below this line. ---
