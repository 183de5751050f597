"""Segment id strings: Druid's format and its parsing with a known datasource (``SegmentId.java``).

Layer: model; imports only the stdlib. Semantics: semantics.md section 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from fakedruid.errors import SegmentIdIndexError
from fakedruid.model.intervals import (
    MAX_YEAR,
    MIN_YEAR,
    MS_PER_DAY,
    MS_PER_HOUR,
    MS_PER_MINUTE,
    MS_PER_SECOND,
    Interval,
    days_from_civil,
    format_instant,
)


def version_key(version: str) -> bytes:
    """A sort key that orders versions as Java's ``String.compareTo`` does (UTF-16 code units)."""
    return version.encode("utf-16-be", "surrogatepass")


@dataclass(frozen=True, slots=True)
class SegmentId:
    """(datasource, interval, version, partition number); ``str()`` is Druid's id string."""

    datasource: str
    interval: Interval
    version: str
    partition_num: int = 0

    def __str__(self) -> str:
        start, end = format_instant(self.interval.start), format_instant(self.interval.end)
        base = f"{self.datasource}_{start}_{end}_{self.version}"
        return base if self.partition_num == 0 else f"{base}_{self.partition_num}"

    def sort_key(self) -> tuple[bytes, int, int, bytes, int]:
        """Druid's order: datasource, start, end, version (both names in Java string order), partition number."""
        # SegmentId.compareTo compares the datasource with String.compareTo too, so both use UTF-16 order.
        return (
            version_key(self.datasource),
            self.interval.start,
            self.interval.end,
            version_key(self.version),
            self.partition_num,
        )


# Joda ISODateTimeFormat.dateTime(): seconds and exactly three fraction digits are required (semantics 5.2).
# re.ASCII: Joda's number parsers take only '0'-'9', while Python's \d also matches other Unicode digits.
_STRICT_INSTANT = re.compile(
    r"(?P<year>[+-]?\d{4,9})-(?P<month>\d\d)-(?P<day>\d\d)T(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)"
    r"\.(?P<milli>\d{3})(?:(?P<z>Z)|(?P<osign>[+-])(?P<oh>\d\d):(?P<om>\d\d))\Z",
    re.ASCII,
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@lru_cache(maxsize=65536)
def parse_instant_strict(text: str) -> int | None:
    """Parse ``yyyy-MM-ddTHH:mm:ss.SSS`` plus ``Z`` or ``+hh:mm``, as segment ids print instants.

    :returns: UTC milliseconds, or None when the text is not in that form or a field is out of range.
    """
    m = _STRICT_INSTANT.match(text)
    if m is None:
        return None
    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    hour, minute, second, milli = int(m["hour"]), int(m["minute"]), int(m["second"]), int(m["milli"])
    # GregorianChronology's year range, as intervals.py checks it: a 9-digit year beyond it does not parse.
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 59:
        return None
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1] or (month == 2 and day == 29 and not _is_leap(year)):
        return None
    ms = (
        days_from_civil(year, month, day) * MS_PER_DAY
        + hour * MS_PER_HOUR
        + minute * MS_PER_MINUTE
        + second * MS_PER_SECOND
        + milli
    )
    if m["z"] is None:
        oh, om = int(m["oh"]), int(m["om"])
        if oh > 23 or om > 59:
            return None
        offset = oh * MS_PER_HOUR + om * MS_PER_MINUTE
        ms -= offset if m["osign"] == "+" else -offset
    return ms


def _java_int(text: str) -> int | None:
    """Guava ``Ints.tryParse``: optional ``-``, ASCII digits, within 32-bit range."""
    digits = text[1:] if text.startswith("-") else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    value = int(text)
    return value if -(2**31) <= value < 2**31 else None


def possible_parsings(datasource: str, text: str) -> list[SegmentId]:
    """``SegmentId.iteratePossibleParsingsWithDataSource``: 0, 1 or 2 candidates, preferred first.

    :raises SegmentIdIndexError: when ``text`` equals ``datasource`` (Druid fails with
        ``StringIndexOutOfBoundsException`` there instead of finding no parsing).
    """
    if datasource == "" or not text.startswith(datasource):
        return []
    if len(text) == len(datasource):
        # SegmentId.java reads charAt(dataSource.length()) without a length check. The message is Java 17's
        # StringLatin1.charAt text (measured on Druid 33.0.0 under Java 17: "String index out of range: 8").
        raise SegmentIdIndexError(f"String index out of range: {len(text)}")
    if text[len(datasource)] != "_":
        return []
    parts = text[len(datasource) + 1 :].split("_")
    if len(parts) < 3:
        return []
    start = parse_instant_strict(parts[0])
    end = parse_instant_strict(parts[1])
    if start is None or end is None or start >= end:
        return []
    interval = Interval(start, end)
    if len(parts) == 3:
        return [SegmentId(datasource, interval, parts[2], 0)]
    version = "_".join(parts[2:-1])
    trail = parts[-1]
    out = []
    partition = _java_int(trail)
    if partition is not None and partition > 0:
        out.append(SegmentId(datasource, interval, version, partition))
    out.append(SegmentId(datasource, interval, f"{version}_{trail}", 0))
    return out


def try_parse(datasource: str, text: str) -> SegmentId | None:
    """``SegmentId.tryParse``: the first candidate of :func:`possible_parsings`, or None.

    :raises SegmentIdIndexError: when ``text`` equals ``datasource``.
    """
    candidates = possible_parsings(datasource, text)
    return candidates[0] if candidates else None
