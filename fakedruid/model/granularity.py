"""Granularities: how ingestion cuts time into segment chunks and truncates row timestamps.

Layer: model; imports only the stdlib. Druid's ``Granularity`` (``GranularityType`` names, ``PeriodGranularity``,
``AllGranularity``, ``NoneGranularity``; ``processing/.../java/util/common/granularity/``) in UTC only: a period
granularity with a time zone other than UTC, an origin, or a compound period raises
:class:`~fakedruid.errors.NotImplementedByFake`.

``PeriodGranularity.truncate`` without an origin truncates each field within its parent (``PT5H`` buckets start at
00, 05, 10, 15 and 20 h of every day; ``P3M`` at January, April, July, October), which is what
:meth:`Granularity.bucket_start` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fakedruid.errors import NotImplementedByFake
from fakedruid.model.intervals import (
    ETERNITY,
    MAX_INSTANT,
    MIN_INSTANT,
    MS_PER_DAY,
    MS_PER_HOUR,
    MS_PER_MINUTE,
    MS_PER_SECOND,
    Interval,
    Period,
    add_period,
    civil_from_days,
    days_from_civil,
    parse_period,
)

#: ``GranularityType``: name -> ISO period (None for ALL and NONE).
NAMED_PERIODS: dict[str, str | None] = {
    "SECOND": "PT1S",
    "MINUTE": "PT1M",
    "FIVE_MINUTE": "PT5M",
    "TEN_MINUTE": "PT10M",
    "FIFTEEN_MINUTE": "PT15M",
    "THIRTY_MINUTE": "PT30M",
    "HOUR": "PT1H",
    "SIX_HOUR": "PT6H",
    "EIGHT_HOUR": "PT8H",
    "DAY": "P1D",
    "WEEK": "P1W",
    "MONTH": "P1M",
    "QUARTER": "P3M",
    "YEAR": "P1Y",
    "ALL": None,
    "NONE": None,
}


class UnknownGranularity(ValueError):
    """A granularity name or JSON Druid does not know (the caller wraps it in its own error)."""


@dataclass(frozen=True, slots=True)
class Granularity:
    """One granularity. ``name`` is the ``GranularityType`` name, or ``period`` for other period granularities."""

    name: str
    period: Period | None = None

    # ---------------------------------------------------------------- truncation

    def bucket_start(self, ms: int) -> int:
        """``Granularity.bucketStart``: the start of the bucket holding ``ms``."""
        if self.name == "ALL":
            return MIN_INSTANT
        if self.name == "NONE" or self.period is None:
            return ms
        p = self.period
        if p.years:
            year, _, _ = civil_from_days(ms // MS_PER_DAY)
            year -= year % p.years
            return days_from_civil(year, 1, 1) * MS_PER_DAY
        if p.months:
            year, month, _ = civil_from_days(ms // MS_PER_DAY)
            m = month - 1
            m -= m % p.months
            return days_from_civil(year, m + 1, 1) * MS_PER_DAY
        if p.weeks:
            days = ms // MS_PER_DAY
            # 1970-01-01 was a Thursday: Monday-based day of week is (days + 3) % 7.
            return (days - (days + 3) % 7) * MS_PER_DAY
        if p.days:
            days = ms // MS_PER_DAY
            year, month, day = civil_from_days(days)
            d = day - 1
            d -= d % p.days
            return days_from_civil(year, month, d + 1) * MS_PER_DAY
        if p.hours:
            return _truncate_within(ms, MS_PER_DAY, MS_PER_HOUR, p.hours)
        if p.minutes:
            return _truncate_within(ms, MS_PER_HOUR, MS_PER_MINUTE, p.minutes)
        if p.seconds:
            return _truncate_within(ms, MS_PER_MINUTE, MS_PER_SECOND, p.seconds)
        return _truncate_within(ms, MS_PER_SECOND, 1, p.millis)

    def increment(self, start: int) -> int:
        """The start of the bucket after the one starting at ``start``."""
        if self.name == "ALL":
            return MAX_INSTANT
        if self.name == "NONE" or self.period is None:
            return start + 1
        return add_period(start, self.period)

    def bucket(self, ms: int) -> Interval:
        """``Granularity.bucket``: the bucket interval holding ``ms``."""
        if self.name == "ALL":
            return ETERNITY
        start = self.bucket_start(ms)
        return Interval(start, self.increment(start))

    def bucket_end(self, ms: int) -> int:
        """``Granularity.bucketEnd``: the end of the bucket holding ``ms``."""
        return self.bucket(ms).end

    def buckets(self, interval: Interval) -> Iterator[Interval]:
        """``IntervalsByGranularity``: the buckets overlapping ``interval``, in time order."""
        if self.name == "ALL":
            yield ETERNITY
            return
        start = self.bucket_start(interval.start)
        while start < interval.end:
            end = self.increment(start)
            yield Interval(start, end)
            start = end

    def is_aligned(self, interval: Interval) -> bool:
        """``Granularity.isAligned``: the interval is exactly one bucket."""
        return self.bucket(interval.start) == interval

    def to_json(self) -> Any:
        """The granularity as Druid writes it in a spec: ``{"type": "period", ...}`` or a type name."""
        if self.name == "period" and self.period is not None:
            return {"type": "period", "period": str(self.period), "timeZone": "UTC", "origin": None}
        return self.name

    def __str__(self) -> str:
        return self.name if self.name != "period" else str(self.period)


def _truncate_within(ms: int, parent: int, unit: int, count: int) -> int:
    base = ms - ms % parent
    within = (ms - base) // unit
    return base + (within - within % count) * unit


def _single_field(period: Period) -> bool:
    fields = (period.years, period.months, period.weeks, period.days, period.hours, period.minutes,
              period.seconds, period.millis)
    return sum(1 for f in fields if f) == 1 and all(f >= 0 for f in fields)


def granularity_of(name: str) -> Granularity:
    """A ``GranularityType`` by name, case-insensitive (``Granularity.fromString``).

    :raises UnknownGranularity: for another name.
    """
    key = name.upper()
    if key not in NAMED_PERIODS:
        raise UnknownGranularity(
            f"No enum constant org.apache.druid.java.util.common.granularity.GranularityType.{key}"
        )
    text = NAMED_PERIODS[key]
    return Granularity(key, None if text is None else parse_period(text))


def period_granularity(text: str, *, time_zone: str | None = None, origin: Any = None) -> Granularity:
    """A ``PeriodGranularity`` of an ISO period; a named one when the period equals a ``GranularityType``.

    :raises NotImplementedByFake: for a time zone other than UTC, an origin, or a compound period.
    """
    if time_zone not in (None, "UTC", "Etc/UTC", "Z"):
        raise NotImplementedByFake(f"period granularity with timeZone [{time_zone}]: only UTC is implemented")
    if origin is not None:
        raise NotImplementedByFake("period granularity with an origin is not implemented")
    period = parse_period(text)
    if not _single_field(period):
        raise NotImplementedByFake(f"period granularity [{text}]: only single-field periods are implemented")
    for name, iso in NAMED_PERIODS.items():
        if iso is not None and parse_period(iso) == period:
            return Granularity(name, period)
    return Granularity("period", period)


def granularity_from_json(value: Any) -> Granularity:
    """A granularity as Druid's Jackson reads it: a type name, or ``{"type": "period"|"duration"|"all"|"none"}``.

    :raises UnknownGranularity: for a name or type Druid does not know.
    :raises NotImplementedByFake: for what :func:`period_granularity` does not implement, and ``duration``.
    """
    if isinstance(value, str):
        return granularity_of(value)
    if isinstance(value, dict):
        type_ = value.get("type")
        if type_ == "period":
            period = value.get("period")
            if not isinstance(period, str):
                raise UnknownGranularity("period granularity needs a [period] string")
            return period_granularity(period, time_zone=value.get("timeZone"), origin=value.get("origin"))
        if isinstance(type_, str) and type_.lower() in ("all", "none"):
            return granularity_of(type_)
        if type_ == "duration":
            raise NotImplementedByFake("duration granularity is not implemented")
        raise UnknownGranularity(f"Could not resolve type id '{type_}' as a subtype of Granularity")
    raise UnknownGranularity(f"Cannot deserialize Granularity from {value!r}")


DAY = granularity_of("DAY")
NONE = granularity_of("NONE")
ALL = granularity_of("ALL")
