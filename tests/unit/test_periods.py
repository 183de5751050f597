"""Unit tests of ISO-8601 periods (semantics 4.2): ``Period`` printing, ``parse_period`` and ``add_period``.

Layer: unit tests of ``fakedruid.model.intervals``; no HTTP. Expected values were checked against Joda-Time
(``ISOPeriodFormat.standard()`` and ``ISOChronology.getInstanceUTC().add(period, instant, scalar)``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakedruid.errors import InvalidInstant, InvalidPeriod
from fakedruid.model.intervals import (
    MAX_INSTANT,
    MIN_INSTANT,
    MS_PER_DAY,
    Period,
    add_period,
    civil_from_days,
    days_from_civil,
    format_instant,
    parse_instant,
    parse_period,
)

_INT = st.integers(min_value=-(2**31), max_value=2**31 - 1)

# --- str(Period) ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period(months=1), "P1M"),
        (Period(hours=24), "PT24H"),
        (Period(weeks=1), "P1W"),
        (Period(days=1), "P1D"),
        (Period(1, 2, 3, 4, 5, 6, 7, 8), "P1Y2M3W4DT5H6M7.008S"),
        (Period(), "PT0S"),
        (Period(days=-1), "P-1D"),
        (Period(years=-1, minutes=-30), "P-1YT-30M"),
        (Period(seconds=1, millis=500), "PT1.500S"),
        (Period(seconds=-1, millis=-500), "PT-1.500S"),
        (Period(millis=-500), "PT-0.500S"),
        (Period(millis=1500), "PT1.500S"),
        (Period(seconds=5), "PT5S"),
        (Period(minutes=1), "PT1M"),
    ],
)
def test_str_given_period_prints_iso_standard_form(period: Period, expected: str) -> None:
    assert str(period) == expected


# --- parse_period --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P1M", Period(months=1)),
        ("PT24H", Period(hours=24)),
        ("P1W", Period(weeks=1)),
        ("P1Y2M3W4DT5H6M7.008S", Period(1, 2, 3, 4, 5, 6, 7, 8)),
        ("PT0S", Period()),
        ("P", Period()),
        ("P1DT12H", Period(days=1, hours=12)),
        ("P-1D", Period(days=-1)),
        ("P+1D", Period(days=1)),
        ("P2147483647D", Period(days=2**31 - 1)),
    ],
)
def test_parse_period_given_standard_form_reads_fields(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("p1d", Period(days=1)),
        ("pt1h", Period(hours=1)),
        ("P1d", Period(days=1)),
        ("p1y2m3w4dt5h6m7s", Period(1, 2, 3, 4, 5, 6, 7)),
    ],
)
def test_parse_period_given_lower_case_designators_accepts_them(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT1.5S", Period(seconds=1, millis=500)),
        ("PT1,5S", Period(seconds=1, millis=500)),
        ("PT1.25S", Period(seconds=1, millis=250)),
        ("PT1.2345S", Period(seconds=1, millis=234)),
        ("PT.5S", Period(millis=500)),
        ("PT1.S", Period(seconds=1)),
        ("PT-1.5S", Period(seconds=-1, millis=-500)),
        # Joda negates the fraction only when the whole seconds are negative.
        ("PT-0.5S", Period(millis=500)),
        ("PT1000000.001S", Period(seconds=1000000, millis=1)),
    ],
)
def test_parse_period_given_fractional_seconds_reads_milliseconds(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'Invalid format: ""'),
        ("X", 'Invalid format: "X"'),
        ("1D", 'Invalid format: "1D"'),
        ("PT", 'Invalid format: "PT" is too short'),
        ("P1DT", 'Invalid format: "P1DT" is too short'),
        ("P1H", 'Invalid format: "P1H" is malformed at "1H"'),
        ("P1.5D", 'Invalid format: "P1.5D" is malformed at "1.5D"'),
        ("P1Y1Y", 'Invalid format: "P1Y1Y" is malformed at "1Y"'),
        ("P1M1Y", 'Invalid format: "P1M1Y" is malformed at "1Y"'),
        ("P1D2W", 'Invalid format: "P1D2W" is malformed at "2W"'),
        ("PT1M1H", 'Invalid format: "PT1M1H" is malformed at "1H"'),
        ("P12345678901D", 'Invalid format: "P12345678901D" is malformed at "12345678901D"'),
        ("P9999999999D", 'For input string: "9999999999"'),
        ("P2147483648D", 'For input string: "2147483648"'),
        ("PT10000000.001S", 'Invalid format: "PT10000000.001S" is malformed at "10000000.001S"'),
    ],
)
def test_parse_period_given_malformed_text_raises_joda_message(text: str, message: str) -> None:
    with pytest.raises(InvalidPeriod) as info:
        parse_period(text)
    assert info.value.message == message


def test_parse_period_given_bad_text_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Invalid format"):
        parse_period("P1X")


# --- add_period ----------------------------------------------------------------------------------------------


def _at(text: str) -> int:
    return parse_instant(text)


@pytest.mark.parametrize(
    ("start", "period", "times", "expected"),
    [
        ("2024-03-31", Period(months=1), -1, "2024-02-29T00:00:00.000Z"),
        ("2023-03-31", Period(months=1), -1, "2023-02-28T00:00:00.000Z"),
        ("2024-01-31", Period(months=1), 1, "2024-02-29T00:00:00.000Z"),
        ("2024-01-31T10:11:12.013Z", Period(months=13), 1, "2025-02-28T10:11:12.013Z"),
        ("2024-05-31", Period(months=-3), 1, "2024-02-29T00:00:00.000Z"),
        ("2024-02-29", Period(years=1), 1, "2025-02-28T00:00:00.000Z"),
        ("2024-02-29", Period(years=4), 1, "2028-02-29T00:00:00.000Z"),
        ("2024-02-29", Period(years=1), -1, "2023-02-28T00:00:00.000Z"),
        ("2024-12-15", Period(months=1), 1, "2025-01-15T00:00:00.000Z"),
        ("2024-01-15", Period(months=1), -1, "2023-12-15T00:00:00.000Z"),
        ("2024-01-15", Period(months=2), -6, "2023-01-15T00:00:00.000Z"),
        ("2015-09-12", Period(weeks=1, days=1, hours=1, minutes=1, seconds=1, millis=1), 1, "2015-09-20T01:01:01.001Z"),
    ],
)
def test_add_period_given_month_or_year_step_clamps_day_of_month(
    start: str, period: Period, times: int, expected: str
) -> None:
    assert format_instant(add_period(_at(start), period, times)) == expected


def test_add_period_given_several_fields_adds_largest_first() -> None:
    # Months first: 2024-03-31 - P1M = 02-29, minus a day = 02-28. Days first would give 02-29.
    assert format_instant(add_period(_at("2024-03-31"), Period(months=1, days=1), -1)) == "2024-02-28T00:00:00.000Z"
    # Years before months: 2023-02-28 + P1Y1M = 2024-02-28 + P1M = 2024-03-28.
    assert format_instant(add_period(_at("2023-02-28"), Period(years=1, months=1))) == "2024-03-28T00:00:00.000Z"


def test_add_period_given_zero_times_returns_instant() -> None:
    assert add_period(123, Period(years=5), 0) == 123


@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        ("-0001-03-31", Period(months=-1), "-0001-02-28T00:00:00.000Z"),
        ("0000-03-31", Period(months=-1), "0000-02-29T00:00:00.000Z"),
        ("9999-12-31T23:59:59.999Z", Period(millis=1), "10000-01-01T00:00:00.000Z"),
        ("-146136543-09-08T08:23:32.096Z", Period(years=1), "-146136542-09-08T08:23:32.096Z"),
    ],
)
def test_add_period_given_year_outside_1_to_9999_uses_proleptic_calendar(
    start: str, period: Period, expected: str
) -> None:
    assert format_instant(add_period(_at(start), period)) == expected


def test_add_period_given_year_beyond_joda_range_raises() -> None:
    with pytest.raises(InvalidInstant) as info:
        add_period(_at("292278993-06-01"), Period(years=1))
    assert info.value.message == "Value 292278994 for year must be in the range [-292275054,292278993]"


# --- Properties ----------------------------------------------------------------------------------------------


@st.composite
def _printable_periods(draw: st.DrawFn) -> Period:
    """Periods whose printed form reads back unchanged: millis within a second, with the seconds' sign.

    Joda prints seconds and millis as one number, so ``millis=1500`` reads back as 1 s 500 ms, it reads
    ``-0.500S`` as +500 ms, and it parses at most 10 digits per field, fraction included, so
    ``PT10000000.001S`` (which it prints) does not parse.
    """
    seconds = draw(_INT)
    if draw(st.booleans()):
        seconds = max(-9_999_999, min(seconds, 9_999_999))
        sign = -1 if seconds < 0 else 1
        millis = sign * draw(st.integers(min_value=0, max_value=999))
    else:
        millis = 0
    return Period(draw(_INT), draw(_INT), draw(_INT), draw(_INT), draw(_INT), draw(_INT), seconds, millis)


@given(_printable_periods())
def test_parse_period_given_printed_period_round_trips(period: Period) -> None:
    assert parse_period(str(period)) == period


@given(_printable_periods())
def test_parse_period_given_lower_case_printed_period_round_trips(period: Period) -> None:
    assert parse_period(str(period).lower()) == period


_SMALL = st.integers(min_value=-10_000, max_value=10_000)
_FIXED_PERIODS = st.builds(
    Period, weeks=_SMALL, days=_SMALL, hours=_SMALL, minutes=_SMALL, seconds=_SMALL, millis=_SMALL
)
_INSTANTS = st.integers(min_value=MIN_INSTANT, max_value=MAX_INSTANT)


@given(_INSTANTS, _FIXED_PERIODS)
def test_add_period_given_fixed_length_fields_subtraction_undoes_addition(ms: int, period: Period) -> None:
    assert add_period(add_period(ms, period), period, -1) == ms


@given(_INSTANTS, _FIXED_PERIODS, st.integers(min_value=-5, max_value=5))
def test_add_period_given_fixed_length_fields_times_scales_linearly(ms: int, period: Period, times: int) -> None:
    assert add_period(ms, period, times) - ms == times * (add_period(ms, period) - ms)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=-1200, max_value=1200))
def test_add_period_given_months_keeps_time_and_clamps_day(ms: int, months: int) -> None:
    days, tod = divmod(ms, MS_PER_DAY)
    year, month, day = civil_from_days(days)
    result_days, result_tod = divmod(add_period(ms, Period(months=months)), MS_PER_DAY)
    new_year, new_month, new_day = civil_from_days(result_days)
    assert result_tod == tod
    assert new_year * 12 + new_month == year * 12 + month + months
    assert new_day == day or (new_day < day and civil_from_days(result_days + 1)[2] == 1)
    assert days_from_civil(new_year, new_month, new_day) == result_days
