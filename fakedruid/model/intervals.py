"""Instants, intervals and ISO-8601 periods as Druid (Joda-Time, ISOChronology UTC) reads and prints them.

Layer: model; imports only the stdlib. Instants are integer milliseconds since the epoch in UTC, because
Druid's bounds (ETERNITY) lie far outside the years ``datetime`` can hold. Semantics: semantics.md section 4.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from fakedruid.errors import InvalidInstant, InvalidInterval, InvalidPeriod

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


@lru_cache(maxsize=1 << 14)
def _interval_text(start: int, end: int) -> str:
    """Druid's printed form of an interval (cached: the same intervals are printed over and over)."""
    return f"{format_instant(start)}/{format_instant(end)}"


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open interval ``[start, end)`` of UTC milliseconds; ``str()`` is Druid's form."""

    start: int
    end: int

    def __str__(self) -> str:
        return _interval_text(self.start, self.end)

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
#
# The parsers below are a port of the Joda-Time 2.x classes Druid relies on, structure included, so that the
# positions in "is malformed at" messages and the order of range checks come out as Joda's do:
# ``ISODateTimeFormat.dateTimeParser()`` (DateTimeFormatterBuilder's CharacterLiteral, StringLiteral,
# NumberFormatter, Fraction, TimeZoneOffset, Composite and MatchingParser; DateTimeParserBucket.computeMillis),
# ``ISOPeriodFormat.standard()`` (PeriodFormatterBuilder's Literal, FieldFormatter and Separator) and
# ``StringConverter.setInto(ReadWritableInterval, ...)``. Only what those formatters use is ported.

#: ``GregorianChronology`` MIN_YEAR and MAX_YEAR: the range Joda accepts for the year field.
MIN_YEAR = -292275054
MAX_YEAR = 292278993

_INT_MAX = 2**31 - 1
_INT_MIN = -(2**31)


def _is_digit(c: str) -> bool:
    # Java's ``c >= '0' && c <= '9'``: ASCII only (str.isdigit() would take other scripts' digits).
    return "0" <= c <= "9"


def _ci_equal(a: str, b: str) -> bool:
    """One character compared as Joda's case-insensitive literals do (upper case, then lower case)."""
    if a == b:
        return True
    ua, ub = a.upper(), b.upper()
    return ua == ub or ua.lower() == ub.lower()


def _ci_starts_with(text: str, position: int, search: str) -> bool:
    if len(text) - position < len(search):
        return False
    return all(_ci_equal(text[position + i], ch) for i, ch in enumerate(search))


def _error_message(text: str, error_pos: int) -> str:
    """``FormatUtils.createErrorMessage``: Joda's ``Invalid format`` wording, with its 32-character sample."""
    sample_len = error_pos + 32
    sample = text if len(text) <= sample_len + 3 else text[:sample_len] + "..."
    if error_pos <= 0:
        return f'Invalid format: "{sample}"'
    if error_pos >= len(text):
        return f'Invalid format: "{sample}" is too short'
    return f'Invalid format: "{sample}" is malformed at "{sample[error_pos:]}"'


def _range_error(text: str, field: str, value: int, lower: int, upper: int) -> InvalidInstant:
    """``IllegalFieldValueException`` with the ``Cannot parse "<text>"`` prefix ``computeMillis`` adds."""
    return InvalidInstant(
        f'Cannot parse "{text}": Value {value} for {field} must be in the range [{lower},{upper}]'
    )


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _week1_monday(weekyear: int) -> int:
    """Days since the epoch of the Monday that starts ISO week 1 of ``weekyear`` (the week holding 4 January)."""
    jan4 = days_from_civil(weekyear, 1, 4)
    return jan4 - (jan4 + 3) % 7  # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays


def _weeks_in_weekyear(weekyear: int) -> int:
    return (_week1_monday(weekyear + 1) - _week1_monday(weekyear)) // 7


# --- Date-time parser (ISODateTimeFormat.dateTimeParser) -----------------------------------------------------
#
# Every element returns the new position on success or ``~position`` of the failure, exactly as Joda's
# ``InternalParser.parseInto`` does; ``_Bucket`` stands for ``DateTimeParserBucket``.

_SavedState = tuple[tuple[tuple[str, int], ...], "int | None"]


class _Bucket:
    __slots__ = ("fields", "offset")

    def __init__(self) -> None:
        self.fields: list[tuple[str, int]] = []
        self.offset: int | None = None

    def save(self) -> _SavedState:
        return tuple(self.fields), self.offset

    def restore(self, state: _SavedState) -> None:
        self.fields = list(state[0])
        self.offset = state[1]


class _Element:
    __slots__ = ()

    def parse(self, bucket: _Bucket, text: str, position: int) -> int:
        raise NotImplementedError


class _Char(_Element):
    """``CharacterLiteral``: one character, case-insensitive."""

    __slots__ = ("char",)

    def __init__(self, char: str) -> None:
        self.char = char

    def parse(self, bucket: _Bucket, text: str, position: int) -> int:
        if position >= len(text) or not _ci_equal(text[position], self.char):
            return ~position
        return position + 1


class _Str(_Element):
    """``StringLiteral``: a string, case-insensitive."""

    __slots__ = ("string",)

    def __init__(self, string: str) -> None:
        self.string = string

    def parse(self, bucket: _Bucket, text: str, position: int) -> int:
        if _ci_starts_with(text, position, self.string):
            return position + len(self.string)
        return ~position


class _Number(_Element):
    """``NumberFormatter`` (padded or unpadded, which parse alike): up to ``max_digits`` digits, maybe signed."""

    __slots__ = ("field", "max_digits", "signed")

    def __init__(self, field: str, max_digits: int, signed: bool) -> None:
        self.field = field
        self.max_digits = max_digits
        self.signed = signed

    def parse(self, bucket: _Bucket, text: str, position: int) -> int:
        limit = min(self.max_digits, len(text) - position)
        length = 0
        while length < limit:
            c = text[position + length]
            if length == 0 and c in "-+" and self.signed:
                # The sign must be followed by a digit; it does not count towards the digit limit.
                if length + 1 >= limit or not _is_digit(text[position + length + 1]):
                    break
                if c == "-":
                    length += 1
                else:
                    position += 1  # Java skips a '+' so that Integer.parseInt accepts the rest
                limit = min(limit + 1, len(text) - position)
                continue
            if not _is_digit(c):
                break
            length += 1
        if length == 0:
            return ~position
        literal = text[position : position + length]
        value = int(literal)
        if not _INT_MIN <= value <= _INT_MAX:
            # Ten digits after a '+' reach Integer.parseInt, whose NumberFormatException (an
            # IllegalArgumentException) ends the whole parse at once.
            raise InvalidInstant(f'For input string: "{literal}"')
        bucket.fields.append((self.field, value))
        return position + length


class _Fraction(_Element):
    """``Fraction``: 1 to 9 digits of a fraction of ``unit`` milliseconds, saved as milliseconds of that unit."""

    __slots__ = ("field", "unit")

    def __init__(self, field: str, unit: int) -> None:
        self.field = field
        self.unit = unit

    def parse(self, bucket: _Bucket, text: str, position: int) -> int:
        limit = min(9, len(text) - position)
        value = 0
        n = self.unit * 10
        length = 0
        while length < limit:
            c = text[position + length]
            if not _is_digit(c):
                break
            length += 1
            n //= 10
            value += (ord(c) - 48) * n  # Joda's integer steps: digits beyond the unit's precision add nothing
        value //= 10
        if length == 0:
            return ~position
        bucket.fields.append((self.field, value))
        return position + length


class _Offset(_Element):
    """``TimeZoneOffset("Z", ...)`` parsing: ``Z`` or ``±hh[[:]mm[[:]ss[[.,]SSS]]]``."""

    __slots__ = ()

    @staticmethod
    def _digit_count(text: str, position: int, amount: int) -> int:
        count = 0
        for i in range(min(len(text) - position, amount)):
            if not _is_digit(text[position + i]):
                break
            count += 1
        return count

    def parse(self, bucket: _Bucket, text: str, position: int) -> int:
        if _ci_starts_with(text, position, "Z"):
            bucket.offset = 0
            return position + 1
        limit = len(text) - position
        if limit <= 1:
            return ~position
        sign = text[position]
        if sign not in "-+":
            return ~position
        limit -= 1
        position += 1
        if self._digit_count(text, position, 2) < 2:
            return ~position
        hours = int(text[position : position + 2])
        if hours > 23:
            return ~position
        offset = hours * MS_PER_HOUR
        limit -= 2
        position += 2
        while True:  # Java's labelled block "parse": every break ends the offset where it stands
            if limit <= 0:
                break
            c = text[position]
            if c == ":":
                separators = True
                limit -= 1
                position += 1
            elif _is_digit(c):
                separators = False
            else:
                break
            count = self._digit_count(text, position, 2)
            if count == 0 and not separators:
                break
            if count < 2:
                return ~position
            minutes = int(text[position : position + 2])
            if minutes > 59:
                return ~position
            offset += minutes * MS_PER_MINUTE
            limit -= 2
            position += 2
            if limit <= 0:
                break
            if separators:
                if text[position] != ":":
                    break
                limit -= 1
                position += 1
            count = self._digit_count(text, position, 2)
            if count == 0 and not separators:
                break
            if count < 2:
                return ~position
            seconds = int(text[position : position + 2])
            if seconds > 59:
                return ~position
            offset += seconds * MS_PER_SECOND
            limit -= 2
            position += 2
            if limit <= 0:
                break
            if separators:
                if text[position] not in ".,":
                    break
                limit -= 1
                position += 1
            count = self._digit_count(text, position, 3)
            if count == 0 and not separators:
                break
            if count < 1:
                return ~position
            for scale in (100, 10, 1)[:count]:
                offset += (ord(text[position]) - 48) * scale
                position += 1
            break
        bucket.offset = -offset if sign == "-" else offset
        return position


class _Seq(_Element):
    """``Composite``: the elements in order; the first failure ends the parse."""

    __slots__ = ("elements",)

    def __init__(self, *elements: _Element) -> None:
        self.elements = elements

    def parse(self, bucket: _Bucket, text: str, position: int) -> int:
        for element in self.elements:
            position = element.parse(bucket, text, position)
            if position < 0:
                break
        return position


class _Match(_Element):
    """``MatchingParser``: the alternative that parses furthest wins (the first on a tie); ``None`` = optional."""

    __slots__ = ("alternatives",)

    def __init__(self, *alternatives: _Element | None) -> None:
        self.alternatives = alternatives

    def parse(self, bucket: _Bucket, text: str, position: int) -> int:
        alternatives = self.alternatives
        original = bucket.save()
        optional = False
        best_valid = position
        best_state: _SavedState | None = None
        best_invalid = position
        for i, parser in enumerate(alternatives):
            if parser is None:
                if best_valid <= position:
                    return position
                optional = True
                break
            parsed = parser.parse(bucket, text, position)
            if parsed >= position:
                if parsed > best_valid:
                    if parsed >= len(text) or i + 1 >= len(alternatives) or alternatives[i + 1] is None:
                        return parsed
                    best_valid = parsed
                    best_state = bucket.save()
            elif parsed < 0 and ~parsed > best_invalid:
                best_invalid = ~parsed
            bucket.restore(original)
        if best_valid > position or (best_valid == position and optional):
            if best_state is not None:
                bucket.restore(best_state)
            return best_valid
        return ~best_invalid


def _optional(element: _Element) -> _Match:
    return _Match(element, None)


def _build_date_time_parser() -> _Element:
    year = _Number("year", 9, True)
    date_element = _Match(
        _Seq(
            year,
            _optional(
                _Seq(
                    _Char("-"),
                    _Number("monthOfYear", 2, False),
                    _optional(_Seq(_Char("-"), _Number("dayOfMonth", 2, False))),
                )
            ),
        ),
        _Seq(
            _Number("weekyear", 9, True),
            _Str("-W"),
            _Number("weekOfWeekyear", 2, False),
            _optional(_Seq(_Char("-"), _Number("dayOfWeek", 1, False))),
        ),
        _Seq(year, _Char("-"), _Number("dayOfYear", 3, False)),
    )
    decimal_point = _Match(_Char("."), _Char(","))
    time_element = _Seq(
        _Number("hourOfDay", 2, False),
        _Match(
            _Seq(
                _Char(":"),
                _Number("minuteOfHour", 2, False),
                _Match(
                    _Seq(
                        _Char(":"),
                        _Number("secondOfMinute", 2, False),
                        _optional(_Seq(decimal_point, _Fraction("fractionOfSecond", MS_PER_SECOND))),
                    ),
                    _Seq(decimal_point, _Fraction("fractionOfMinute", MS_PER_MINUTE)),
                    None,
                ),
            ),
            _Seq(decimal_point, _Fraction("fractionOfHour", MS_PER_HOUR)),
            None,
        ),
    )
    offset = _Offset()
    time = _Seq(_Char("T"), time_element, _optional(offset))
    date_optional_time = _Seq(
        date_element, _optional(_Seq(_Char("T"), _optional(time_element), _optional(offset)))
    )
    return _Match(time, date_optional_time)


_DATE_TIME_PARSER = _build_date_time_parser()

# DateTimeParserBucket.SavedField.compareTo: the field with the longer range comes first (none = unbounded),
# then the one with the longer unit. Ranks: 9 unbounded, 8 years and weekyears, 7 months, 6 weeks, 5 days,
# 4 hours, 3 minutes, 2 seconds, 1 milliseconds.
_FIELD_ORDER = {
    "year": (9, 8),
    "weekyear": (9, 8),
    "monthOfYear": (8, 7),
    "weekOfWeekyear": (8, 6),
    "dayOfYear": (8, 5),
    "dayOfMonth": (7, 5),
    "dayOfWeek": (6, 5),
    "hourOfDay": (5, 4),
    "fractionOfHour": (4, 1),
    "minuteOfHour": (4, 3),
    "fractionOfMinute": (3, 1),
    "secondOfMinute": (3, 2),
    "fractionOfSecond": (2, 1),
}
_FRACTION_UNITS = {
    "fractionOfHour": MS_PER_HOUR,
    "fractionOfMinute": MS_PER_MINUTE,
    "fractionOfSecond": MS_PER_SECOND,
}


def _compute_millis(text: str, bucket: _Bucket) -> int:
    """``DateTimeParserBucket.computeMillis(true, text)`` in ISOChronology UTC.

    The saved fields are set largest first onto 1970-01-01T00:00Z, each followed by ``roundFloor``, so a
    missing smaller field keeps its minimum; each value is range-checked against the instant built so far
    (``dayOfMonth`` against the month already set). Joda's second pass re-sets the same values and changes
    nothing for the fields this grammar produces, so it is left out.
    """
    fields = sorted(bucket.fields, key=lambda f: _FIELD_ORDER[f[0]], reverse=True)
    days = 0
    tod = 0
    year, month, weekyear = 1970, 1, 1970
    for name, value in fields:
        if name == "year":
            if not MIN_YEAR <= value <= MAX_YEAR:
                raise _range_error(text, name, value, MIN_YEAR, MAX_YEAR)
            year, month = value, 1
            days, tod = days_from_civil(value, 1, 1), 0
        elif name == "weekyear":
            # BasicWeekyearDateTimeField.set checks the absolute value.
            if not MIN_YEAR <= abs(value) <= MAX_YEAR:
                raise _range_error(text, name, abs(value), MIN_YEAR, MAX_YEAR)
            weekyear = value
            days, tod = _week1_monday(value), 0
        elif name == "monthOfYear":
            if not 1 <= value <= 12:
                raise _range_error(text, name, value, 1, 12)
            month = value
            days, tod = days_from_civil(year, value, 1), 0
        elif name == "dayOfMonth":
            top = _days_in_month(year, month)
            if not 1 <= value <= top:
                raise _range_error(text, name, value, 1, top)
            days, tod = days_from_civil(year, month, value), 0
        elif name == "dayOfYear":
            top = 366 if _is_leap(year) else 365
            if not 1 <= value <= top:
                raise _range_error(text, name, value, 1, top)
            days, tod = days_from_civil(year, 1, 1) + value - 1, 0
        elif name == "weekOfWeekyear":
            # BasicWeekOfWeekyearDateTimeField.getMaximumValueForSet: 52 unless the value is above 52.
            top = _weeks_in_weekyear(weekyear) if value > 52 else 52
            if not 1 <= value <= top:
                raise _range_error(text, name, value, 1, top)
            days, tod = _week1_monday(weekyear) + 7 * (value - 1), 0
        elif name == "dayOfWeek":
            if not 1 <= value <= 7:
                raise _range_error(text, name, value, 1, 7)
            days, tod = days - (days + 3) % 7 + value - 1, 0
        elif name == "hourOfDay":
            if not 0 <= value <= 23:
                raise _range_error(text, name, value, 0, 23)
            tod = value * MS_PER_HOUR
        elif name == "minuteOfHour":
            if not 0 <= value <= 59:
                raise _range_error(text, name, value, 0, 59)
            tod = tod - tod % MS_PER_HOUR + value * MS_PER_MINUTE
        elif name == "secondOfMinute":
            if not 0 <= value <= 59:
                raise _range_error(text, name, value, 0, 59)
            tod = tod - tod % MS_PER_MINUTE + value * MS_PER_SECOND
        else:  # a fraction: milliseconds within its hour, minute or second, always in range
            unit = _FRACTION_UNITS[name]
            tod = tod - tod % unit + value
    millis = days * MS_PER_DAY + tod
    if bucket.offset is not None:
        millis -= bucket.offset
    return millis


# The form Druid itself prints (and the plain date), read without the general parser. Anything else, and any
# value out of range, goes to the general parser, which produces Joda's errors.
_FAST_INSTANT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{3}))?Z?)?", re.ASCII
)


def _fast_instant(text: str) -> int | None:
    m = _FAST_INSTANT.fullmatch(text)
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    millis = days_from_civil(year, month, day) * MS_PER_DAY
    if m[4] is not None:
        hour, minute, second = int(m[4]), int(m[5]), int(m[6])
        if hour > 23 or minute > 59 or second > 59:
            return None
        millis += hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND
        if m[7] is not None:
            millis += int(m[7])
    return millis


@lru_cache(maxsize=1 << 16)
def _parse_instant(text: str) -> int:
    fast = _fast_instant(text)
    if fast is not None:
        return fast
    bucket = _Bucket()
    position = _DATE_TIME_PARSER.parse(bucket, text, 0)
    if position >= 0:
        if position >= len(text):
            return _compute_millis(text, bucket)
    else:
        position = ~position
    raise InvalidInstant(_error_message(text, position))


def parse_instant(text: str) -> int:
    """Read a date-time as Joda ``ISODateTimeFormat.dateTimeParser()`` does in UTC; return UTC milliseconds.

    Accepts ``yyyy[-MM[-dd]]``, week dates ``xxxx-Www[-e]`` and ordinal dates ``yyyy-DDD``, each optionally
    followed by ``T`` and a time ``HH[:mm[:ss]]`` with an optional fraction (``.`` or ``,``, 1 to 9 digits, of
    the last field given; cut to milliseconds) and an optional offset (``Z`` or ``±hh[[:]mm]``); also a time
    alone, ``THH...``, on 1970-01-01. Years are signed and up to 9 digits; letters may be lower case. An offset
    needs the ``T`` (``2015-09-12Z`` is malformed), as in Joda.

    :param text: the date-time string.
    :returns: milliseconds since the epoch, UTC.
    :raises InvalidInstant: with Joda's message: ``Invalid format: "<text>" is malformed at "<rest>"`` (or
        ``... is too short``), or ``Cannot parse "<text>": Value 30 for dayOfMonth must be in the range
        [1,28]`` for a field out of range.
    """
    return _parse_instant(text)


# --- Periods (ISOPeriodFormat.standard) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A Joda ``Period`` of the standard type; ``str()`` is ``ISOPeriodFormat.standard()``'s form (``P1D``)."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: int = 0
    millis: int = 0

    def __str__(self) -> str:
        out = ["P"]
        for value, designator in (
            (self.years, "Y"),
            (self.months, "M"),
            (self.weeks, "W"),
            (self.days, "D"),
        ):
            if value:
                out.append(f"{value}{designator}")
        # Seconds and millis print as one field (PRINT_ZERO_RARELY_LAST: "PT0S" when the whole period is 0).
        total = self.seconds * MS_PER_SECOND + self.millis
        is_zero = not any(
            (self.years, self.months, self.weeks, self.days, self.hours, self.minutes, self.seconds, self.millis)
        )
        time_part = []
        if self.hours:
            time_part.append(f"{self.hours}H")
        if self.minutes:
            time_part.append(f"{self.minutes}M")
        if total or is_zero:
            whole = abs(total) // MS_PER_SECOND * (-1 if total < 0 else 1)  # Java division truncates
            fraction = abs(total) % MS_PER_SECOND
            number = str(whole)
            if fraction:
                if -MS_PER_SECOND < total < 0:
                    number = "-" + number
                number += f".{fraction:03d}"
            time_part.append(f"{number}S")
        if time_part:
            out.append("T")
            out.extend(time_part)
        return "".join(out)


def _java_parse_int(text: str, position: int, length: int) -> int:
    """``FieldFormatter.parseInt``: ``length`` characters (a '-' and digits) as an int."""
    if length >= 10:
        literal = text[position : position + length]
        value = int(literal)
        if not _INT_MIN <= value <= _INT_MAX:
            # Integer.parseInt's NumberFormatException, an IllegalArgumentException that Druid reports as is.
            raise InvalidPeriod(f'For input string: "{literal}"')
        return value
    if length <= 0:
        return 0
    literal = text[position : position + length]
    if literal == "-":
        return 0
    return int(literal)


class _PeriodField:
    """``FieldFormatter`` with a one-letter suffix, as ``ISOPeriodFormat.standard()`` builds them."""

    __slots__ = ("field", "suffix")

    def __init__(self, field: str, suffix: str) -> None:
        self.field = field
        self.suffix = suffix

    def _scan(self, text: str, position: int) -> int:
        # SimpleAffix.scan: look ahead for the suffix, skipping only characters that can be part of a number.
        for pos in range(position, len(text)):
            if _ci_equal(text[pos], self.suffix):
                return pos
            if text[pos] not in "0123456789.,+-":
                break
        return ~position

    def parse(self, values: dict[str, int], text: str, position: int) -> int:
        if position >= len(text):
            return position
        suffix_pos = self._scan(text, position)
        if suffix_pos < 0:
            return ~suffix_pos  # no suffix ahead: this field is absent, which is fine
        limit = min(10, suffix_pos - position)
        seconds = self.field == "seconds"
        length = 0
        fract_pos = -1
        has_digits = False
        while length < limit:
            c = text[position + length]
            if length == 0 and c in "-+":
                if length + 1 >= limit or not _is_digit(text[position + length + 1]):
                    break
                if c == "-":
                    length += 1
                else:
                    position += 1
                limit = min(limit + 1, len(text) - position)
                continue
            if _is_digit(c):
                has_digits = True
            elif c in ".," and seconds:
                if fract_pos >= 0:
                    break
                fract_pos = position + length + 1
                limit = min(limit + 1, len(text) - position)
            else:
                break
            length += 1
        if not has_digits:
            return ~position
        if position + length != suffix_pos:
            # Something that is not part of the number stands before the suffix: the suffix found belongs to
            # a later field. Leave the text for it.
            return position
        if not seconds:
            values[self.field] = _java_parse_int(text, position, length)
        elif fract_pos < 0:
            values["seconds"] = _java_parse_int(text, position, length)
            values["millis"] = 0
        else:
            whole = _java_parse_int(text, position, fract_pos - position - 1)
            values["seconds"] = whole
            fract_len = position + length - fract_pos
            fraction = 0
            if fract_len > 0:
                if fract_len >= 3:
                    fraction = _java_parse_int(text, fract_pos, 3)
                else:
                    fraction = _java_parse_int(text, fract_pos, fract_len) * (100 if fract_len == 1 else 10)
                # Joda negates the fraction only when the whole seconds are negative, so "-0.5S" reads
                # as +500 ms (Joda's behaviour, kept).
                if whole < 0:
                    fraction = -fraction
            values["millis"] = fraction
        position += length
        if _ci_equal(text[position], self.suffix):
            return position + 1
        return ~position


_DATE_PERIOD_FIELDS = (
    _PeriodField("years", "Y"),
    _PeriodField("months", "M"),
    _PeriodField("weeks", "W"),
    _PeriodField("days", "D"),
)
_TIME_PERIOD_FIELDS = (
    _PeriodField("hours", "H"),
    _PeriodField("minutes", "M"),
    _PeriodField("seconds", "S"),
)


def _parse_period_fields(fields: tuple[_PeriodField, ...], values: dict[str, int], text: str, position: int) -> int:
    for field in fields:
        position = field.parse(values, text, position)
        if position < 0:
            break
    return position


def _parse_period_into(values: dict[str, int], text: str) -> int:
    """The standard formatter's parser: ``P`` and the date fields, then the ``T`` separator and time fields."""
    if not _ci_starts_with(text, 0, "P"):
        return ~0
    # Separator("T", useBefore=false, useAfter=true).parseInto, whose "before" part includes the "P".
    position = _parse_period_fields(_DATE_PERIOD_FIELDS, values, text, 1)
    if position < 0:
        return position
    found = _ci_starts_with(text, position, "T")  # the "P" always moved the position, so the T is looked for
    if found:
        position += 1
    before_time = position
    position = _parse_period_fields(_TIME_PERIOD_FIELDS, values, text, position)
    if position < 0:
        return position
    if found and position == before_time:
        return ~before_time  # a T with no time field after it
    if position > before_time and not found:
        return ~before_time  # time fields need the T
    return position


@lru_cache(maxsize=1024)
def _parse_period(text: str) -> Period:
    values: dict[str, int] = {}
    position = _parse_period_into(values, text)
    if position >= 0:
        if position >= len(text):
            return Period(**values)
    else:
        position = ~position
    raise InvalidPeriod(_error_message(text, position))


def parse_period(text: str) -> Period:
    """Read an ISO-8601 period as Joda ``ISOPeriodFormat.standard()`` does: ``PnYnMnWnDTnHnMnS``.

    Designators are case-insensitive (Joda's literals and suffixes are), values may carry a sign, only seconds
    take a fraction (``.`` or ``,``; the first three digits count). ``P`` alone is the zero period, as in Joda.

    :param text: the period string.
    :returns: the period.
    :raises InvalidPeriod: with Joda's ``Invalid format: "<text>" ...`` message, or ``For input string:
        "<digits>"`` for a value that does not fit a Java int.
    """
    return _parse_period(text)


def _add_months(ms: int, months: int) -> int:
    """``BasicMonthOfYearDateTimeField.add``: move the month, clamp the day to the new month's length."""
    days, tod = divmod(ms, MS_PER_DAY)
    year, month, day = civil_from_days(days)
    new_year, new_month0 = divmod(year * 12 + month - 1 + months, 12)
    new_month = new_month0 + 1
    day = min(day, _days_in_month(new_year, new_month))
    # Joda checks no year bounds here, and its long arithmetic wraps past the 64-bit range; reproduce that
    # so that a month step off the end of time fails the same way (as "end before start").
    return _wrap_long(days_from_civil(new_year, new_month, day) * MS_PER_DAY + tod)


def _wrap_long(value: int) -> int:
    """``value`` as a Java ``long`` holds it after overflow (two's complement wrap-around)."""
    return (value + 2**63) % 2**64 - 2**63


def _add_years(ms: int, years: int) -> int:
    """``BasicYearDateTimeField.add``: move the year (range-checked), 29 February becomes the 28th."""
    days, tod = divmod(ms, MS_PER_DAY)
    year, month, day = civil_from_days(days)
    new_year = year + years
    if not MIN_YEAR <= new_year <= MAX_YEAR:
        raise InvalidInstant(f"Value {new_year} for year must be in the range [{MIN_YEAR},{MAX_YEAR}]")
    day = min(day, _days_in_month(new_year, month))
    return days_from_civil(new_year, month, day) * MS_PER_DAY + tod


def add_period(ms: int, period: Period, times: int = 1) -> int:
    """``ISOChronology.getInstanceUTC().add(period, ms, times)``.

    Each field times ``times`` is added in turn, largest first (years, months, weeks, days, hours, minutes,
    seconds, millis); year and month steps keep the day of month where it exists and clamp it otherwise
    (2024-03-31 minus ``P1M`` is 2024-02-29), the other steps add fixed lengths (UTC has no transitions).

    :param ms: the instant, UTC milliseconds.
    :param period: the period to add.
    :param times: the multiplier; ``-1`` subtracts, still largest field first.
    :returns: the resulting instant.
    :raises InvalidInstant: when a year step leaves Joda's year range (``Value ... for year must be in the
        range [-292275054,292278993]``).
    """
    if times == 0:
        return ms
    if period.years:
        ms = _add_years(ms, period.years * times)
    if period.months:
        ms = _add_months(ms, period.months * times)
    return ms + times * (
        period.weeks * 7 * MS_PER_DAY
        + period.days * MS_PER_DAY
        + period.hours * MS_PER_HOUR
        + period.minutes * MS_PER_MINUTE
        + period.seconds * MS_PER_SECOND
        + period.millis
    )


# --- Intervals (StringConverter.setInto(ReadWritableInterval, ...)) ------------------------------------------


def _parse_side_period(text: str, side: str) -> Period:
    try:
        return _parse_period(side)
    except InvalidPeriod as exc:
        raise InvalidInterval(text, exc.message) from None


def _parse_side_instant(text: str, side: str) -> int:
    try:
        return _parse_instant(side)
    except InvalidInstant as exc:
        raise InvalidInterval(text, exc.message) from None


@lru_cache(maxsize=1 << 16)
def _parse_interval(text: str) -> Interval:
    separator = text.find("/")
    if separator < 0:
        raise InvalidInterval(text, f"Format requires a '/' separator: {text}")
    left, right = text[:separator], text[separator + 1 :]
    if not left or not right:
        raise InvalidInterval(text, f"Format invalid: {text}")
    period: Period | None = None
    start = end = 0
    if left[0] in "Pp":
        period = _parse_side_period(text, left)
    else:
        start = _parse_side_instant(text, left)
    try:
        if right[0] in "Pp":
            if period is not None:
                raise InvalidInterval(text, f"Interval composed of two durations: {text}")
            end = add_period(start, _parse_side_period(text, right))
        else:
            end = _parse_side_instant(text, right)
            if period is not None:
                start = add_period(end, period, -1)
    except InvalidInstant as exc:  # a year step out of range
        raise InvalidInterval(text, exc.message) from None
    if end < start:
        raise InvalidInterval(text, "The end instant must be greater than the start instant")
    return Interval(start, end)


def parse_interval(text: str) -> Interval:
    """``Intervals.of(text)``: Joda ``new Interval(text, ISOChronology.getInstanceUTC())`` (semantics 4.2).

    ``start/end``, ``start/period`` or ``period/end``; a side starting with ``P`` or ``p`` is a period
    (:func:`parse_period`), any other side a date-time (:func:`parse_instant`). Zero length is allowed.
    ``ETERNITY``'s printed form reads back as :data:`ETERNITY`.

    :param text: the interval string.
    :returns: the interval.
    :raises InvalidInterval: ``Invalid interval[<text>]: [<reason>]`` where the reason is Joda's message:
        ``Format requires a '/' separator: <text>``, ``Format invalid: <text>``, ``Interval composed of two
        durations: <text>``, ``The end instant must be greater than the start instant``, or the message of
        the side that failed to parse.
    """
    return _parse_interval(text)


def parse_path_interval(text: str) -> Interval:
    """An interval from a URL path or query parameter: every ``_`` becomes ``/`` first (semantics 4.6).

    :param text: the interval with ``_`` (or ``/``) between its parts.
    :returns: the interval.
    :raises InvalidInterval: as :func:`parse_interval`, naming the text after the replacement, as Druid does.
    """
    return _parse_interval(text.replace("_", "/"))
