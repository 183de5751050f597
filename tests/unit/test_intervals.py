"""Unit tests of instant and interval strings (semantics section 4): parsing, printing, predicates, ETERNITY.

Layer: unit tests of ``fakedruid.model.intervals``; no HTTP. Expected values were checked against Joda-Time
(``ISODateTimeFormat.dateTimeParser()`` and ``new Interval(s, ISOChronology.getInstanceUTC())``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakedruid.errors import InvalidInstant, InvalidInterval
from fakedruid.model.intervals import (
    ETERNITY,
    MAX_INSTANT,
    MIN_INSTANT,
    Interval,
    format_instant,
    parse_instant,
    parse_interval,
    parse_path_interval,
)

# --- parse_instant: accepted forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015", "2015-01-01T00:00:00.000Z"),
        ("2015-09", "2015-09-01T00:00:00.000Z"),
        ("2015-09-12", "2015-09-12T00:00:00.000Z"),
        ("2015-09-12T03", "2015-09-12T03:00:00.000Z"),
        ("2015-09-12T03:04", "2015-09-12T03:04:00.000Z"),
        ("2015-09-12T03:04:05", "2015-09-12T03:04:05.000Z"),
        ("2015-09-12T03:04:05.123", "2015-09-12T03:04:05.123Z"),
        ("2015-09-12T03:04:05.123Z", "2015-09-12T03:04:05.123Z"),
        ("2015-09-12T", "2015-09-12T00:00:00.000Z"),
        ("2015-09-12TZ", "2015-09-12T00:00:00.000Z"),
        ("2015-9-1T3:4:5", "2015-09-01T03:04:05.000Z"),
        ("+2015-09-12", "2015-09-12T00:00:00.000Z"),
        ("15-09-12", "0015-09-12T00:00:00.000Z"),
        ("T03:04", "1970-01-01T03:04:00.000Z"),
    ],
)
def test_parse_instant_given_calendar_forms_defaults_missing_fields_to_minimum(text: str, expected: str) -> None:
    assert format_instant(parse_instant(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-09-12T03:04:05.1", "2015-09-12T03:04:05.100Z"),
        ("2015-09-12T03:04:05.12", "2015-09-12T03:04:05.120Z"),
        ("2015-09-12T03:04:05.1239", "2015-09-12T03:04:05.123Z"),
        ("2015-09-12T03:04:05.123456789", "2015-09-12T03:04:05.123Z"),
        ("2015-09-12T03:04:05,5", "2015-09-12T03:04:05.500Z"),
        ("2015-09-12T03.5", "2015-09-12T03:30:00.000Z"),
        ("2015-09-12T03:04.5", "2015-09-12T03:04:30.000Z"),
    ],
)
def test_parse_instant_given_fraction_truncates_to_milliseconds(text: str, expected: str) -> None:
    assert format_instant(parse_instant(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-09-12T03:04:05Z", "2015-09-12T03:04:05.000Z"),
        ("2015-09-12T03:04:05z", "2015-09-12T03:04:05.000Z"),
        ("2015-09-12T03:04:05+05:30", "2015-09-11T21:34:05.000Z"),
        ("2015-09-12T03:04:05+0530", "2015-09-11T21:34:05.000Z"),
        ("2015-09-12T03:04:05+05", "2015-09-11T22:04:05.000Z"),
        ("2015-09-12T03:04:05-08:00", "2015-09-12T11:04:05.000Z"),
        ("2015-09-12T03:04:05-0800", "2015-09-12T11:04:05.000Z"),
        ("2015-09-12T03:04:05-08", "2015-09-12T11:04:05.000Z"),
        ("2015-09-12T03:04:05+05:30:15", "2015-09-11T21:33:50.000Z"),
        ("2015-09-12T00:00:00+05:00", "2015-09-11T19:00:00.000Z"),
        ("2015-09-12T+05:00", "2015-09-11T19:00:00.000Z"),
    ],
)
def test_parse_instant_given_offset_shifts_to_utc(text: str, expected: str) -> None:
    assert format_instant(parse_instant(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-W37-6", "2015-09-12T00:00:00.000Z"),
        ("2015-W37", "2015-09-07T00:00:00.000Z"),
        ("2015-W01", "2014-12-29T00:00:00.000Z"),
        ("2015-W53-7", "2016-01-03T00:00:00.000Z"),
        ("2015-w37-6", "2015-09-12T00:00:00.000Z"),
        ("2015-W37-6T10:00Z", "2015-09-12T10:00:00.000Z"),
    ],
)
def test_parse_instant_given_week_date_uses_iso_weeks(text: str, expected: str) -> None:
    assert format_instant(parse_instant(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-255", "2015-09-12T00:00:00.000Z"),
        ("2016-366", "2016-12-31T00:00:00.000Z"),
        ("2015-001T12", "2015-01-01T12:00:00.000Z"),
    ],
)
def test_parse_instant_given_ordinal_date_counts_days_of_year(text: str, expected: str) -> None:
    assert format_instant(parse_instant(text)) == expected


def test_parse_instant_given_lower_case_letters_accepts_them() -> None:
    assert parse_instant("2015-09-12t03:04:05z") == parse_instant("2015-09-12T03:04:05Z")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0000-01-01", -62167219200000),
        ("-0001-12-31T23:59:59.999Z", -62167219200001),
        ("10000-01-01", 253402300800000),
        ("-292275054", -9223372017043200000),
        ("292278993-12-31T23:59:59.999Z", 9223372017129599999),
    ],
)
def test_parse_instant_given_year_outside_1_to_9999_parses(text: str, expected: int) -> None:
    assert parse_instant(text) == expected


# --- parse_instant: errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", 'Invalid format: "abc"'),
        ("", 'Invalid format: ""'),
        ("ETERNITY", 'Invalid format: "ETERNITY"'),
        ("2015-13x", 'Invalid format: "2015-13x" is malformed at "x"'),
        ("2015-", 'Invalid format: "2015-" is malformed at "-"'),
        ("2015-09-12T03:", 'Invalid format: "2015-09-12T03:" is malformed at ":"'),
        ("2015-09-12Z", 'Invalid format: "2015-09-12Z" is malformed at "Z"'),
        ("2015-09-12T03:04:05+5", 'Invalid format: "2015-09-12T03:04:05+5" is malformed at "+5"'),
        ("2015-09-12T03:04:05+24:00", 'Invalid format: "2015-09-12T03:04:05+24:00" is malformed at "+24:00"'),
        ("2015-09-12T03:04:05.1234567891", 'Invalid format: "2015-09-12T03:04:05.1234567891" is malformed at "1"'),
        ("T", 'Invalid format: "T" is too short'),
        (
            "2015-09-12T03:04:05.123Z and then some more text to truncate the sample",
            'Invalid format: "2015-09-12T03:04:05.123Z and then some more text to trun..." '
            'is malformed at " and then some more text to trun..."',
        ),
        ("+3201509120", 'For input string: "3201509120"'),
    ],
)
def test_parse_instant_given_malformed_text_raises_joda_message(text: str, message: str) -> None:
    with pytest.raises(InvalidInstant) as info:
        parse_instant(text)
    assert info.value.message == message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2015-02-30", "Value 30 for dayOfMonth must be in the range [1,28]"),
        ("2016-02-30", "Value 30 for dayOfMonth must be in the range [1,29]"),
        ("2015-09-00", "Value 0 for dayOfMonth must be in the range [1,30]"),
        ("2015-13", "Value 13 for monthOfYear must be in the range [1,12]"),
        ("2015-00", "Value 0 for monthOfYear must be in the range [1,12]"),
        ("2015-09-12T24", "Value 24 for hourOfDay must be in the range [0,23]"),
        ("2015-09-12T23:60", "Value 60 for minuteOfHour must be in the range [0,59]"),
        ("2015-09-12T23:59:60", "Value 60 for secondOfMinute must be in the range [0,59]"),
        ("2015-366", "Value 366 for dayOfYear must be in the range [1,365]"),
        ("2015-000", "Value 0 for dayOfYear must be in the range [1,365]"),
        ("2015-W54", "Value 54 for weekOfWeekyear must be in the range [1,53]"),
        ("2014-W53", "Value 53 for weekOfWeekyear must be in the range [1,52]"),
        ("2015-W00", "Value 0 for weekOfWeekyear must be in the range [1,52]"),
        ("2015-W37-8", "Value 8 for dayOfWeek must be in the range [1,7]"),
        ("292278994", "Value 292278994 for year must be in the range [-292275054,292278993]"),
        ("-292275055", "Value -292275055 for year must be in the range [-292275054,292278993]"),
    ],
)
def test_parse_instant_given_field_out_of_range_raises_cannot_parse(text: str, reason: str) -> None:
    with pytest.raises(InvalidInstant) as info:
        parse_instant(text)
    assert info.value.message == f'Cannot parse "{text}": {reason}'


def test_parse_instant_given_bad_text_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Invalid format"):
        parse_instant("nope")


# --- parse_interval: semantics 4.4 table and combinations ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-09-12/2015-09-13", "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"),
        ("2014-10-20T00:00:00Z/P1D", "2014-10-20T00:00:00.000Z/2014-10-21T00:00:00.000Z"),
        ("2020/2023", "2020-01-01T00:00:00.000Z/2023-01-01T00:00:00.000Z"),
        ("2015-09-12T00:00:00+05:00/P1D", "2015-09-11T19:00:00.000Z/2015-09-12T19:00:00.000Z"),
        ("P1D/2015-09-13", "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"),
    ],
)
def test_parse_interval_given_semantics_table_prints_druid_form(text: str, expected: str) -> None:
    assert str(parse_interval(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("p1d/2015", "2014-12-31T00:00:00.000Z/2015-01-01T00:00:00.000Z"),
        ("2015/p1m", "2015-01-01T00:00:00.000Z/2015-02-01T00:00:00.000Z"),
        ("P1M/2024-03-31", "2024-02-29T00:00:00.000Z/2024-03-31T00:00:00.000Z"),
        ("2024-01-31/P1M", "2024-01-31T00:00:00.000Z/2024-02-29T00:00:00.000Z"),
        ("2023-01-31/P1M", "2023-01-31T00:00:00.000Z/2023-02-28T00:00:00.000Z"),
        ("2024-02-29/P1Y", "2024-02-29T00:00:00.000Z/2025-02-28T00:00:00.000Z"),
        ("P1M1D/2024-03-31", "2024-02-28T00:00:00.000Z/2024-03-31T00:00:00.000Z"),
        ("2015-W37-6/2015-255", "2015-09-12T00:00:00.000Z/2015-09-12T00:00:00.000Z"),
    ],
)
def test_parse_interval_given_period_side_adds_largest_field_first_with_clamping(text: str, expected: str) -> None:
    assert str(parse_interval(text)) == expected


@pytest.mark.parametrize("text", ["2015-09-12/2015-09-12", "2015/P", "2015-09-12T00:00:00.000Z/PT0S"])
def test_parse_interval_given_zero_length_is_allowed(text: str) -> None:
    interval = parse_interval(text)
    assert interval.start == interval.end


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ETERNITY", "Format requires a '/' separator: ETERNITY"),
        ("2015-09-12", "Format requires a '/' separator: 2015-09-12"),
        ("2015-09-12_2015-09-13", "Format requires a '/' separator: 2015-09-12_2015-09-13"),
        ("/2015", "Format invalid: /2015"),
        ("2015/", "Format invalid: 2015/"),
        ("/", "Format invalid: /"),
        ("P1D/P1D", "Interval composed of two durations: P1D/P1D"),
        ("P1D/Pxx", "Interval composed of two durations: P1D/Pxx"),
        ("Pxx/P1D", 'Invalid format: "Pxx" is malformed at "xx"'),
        ("2015/Pxx", 'Invalid format: "Pxx" is malformed at "xx"'),
        ("2015-09-13/2015-09-12", "The end instant must be greater than the start instant"),
        ("2015-13/2016", 'Cannot parse "2015-13": Value 13 for monthOfYear must be in the range [1,12]'),
        ("2015/2016-02-30", 'Cannot parse "2016-02-30": Value 30 for dayOfMonth must be in the range [1,29]'),
        ("2015/2016/2017", 'Invalid format: "2016/2017" is malformed at "/2017"'),
        ("abc/2016", 'Invalid format: "abc"'),
        ("292278993/P1Y", "Value 292278994 for year must be in the range [-292275054,292278993]"),
    ],
)
def test_parse_interval_given_invalid_text_raises_with_joda_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidInterval) as info:
        parse_interval(text)
    assert info.value.text == text
    assert info.value.reason == reason
    assert str(info.value) == f"Invalid interval[{text}]: [{reason}]"


def test_parse_interval_given_invalid_text_raises_value_error() -> None:
    with pytest.raises(ValueError, match=r"^Invalid interval\[x\]: "):
        parse_interval("x")


# --- parse_path_interval (semantics 4.6) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-09-12_2015-09-13", "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"),
        ("2015-09-12_P1D", "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"),
        ("2015-09-12/2015-09-13", "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"),
    ],
)
def test_parse_path_interval_given_underscore_reads_it_as_slash(text: str, expected: str) -> None:
    assert str(parse_path_interval(text)) == expected


def test_parse_path_interval_given_invalid_text_names_replaced_text() -> None:
    with pytest.raises(InvalidInterval) as info:
        parse_path_interval("2015_2016_2017")
    assert str(info.value) == (
        'Invalid interval[2015/2016/2017]: [Invalid format: "2016/2017" is malformed at "/2017"]'
    )


def test_parse_path_interval_given_no_separator_names_text() -> None:
    with pytest.raises(InvalidInterval) as info:
        parse_path_interval("2015")
    assert info.value.reason == "Format requires a '/' separator: 2015"


# --- ETERNITY (semantics 4.7) --------------------------------------------------------------------------------


def test_eternity_given_bounds_matches_joda_utils() -> None:
    assert ETERNITY == Interval(-4611686018427387904, 4611686018427387903)
    assert (MIN_INSTANT, MAX_INSTANT) == (-(2**63) // 2, (2**63 - 1) // 2)


def test_format_eternity_given_bounds_prints_druid_form() -> None:
    assert str(ETERNITY) == "-146136543-09-08T08:23:32.096Z/146140482-04-24T15:36:27.903Z"


def test_parse_interval_given_printed_eternity_returns_eternity() -> None:
    assert parse_interval("-146136543-09-08T08:23:32.096Z/146140482-04-24T15:36:27.903Z") == ETERNITY


def test_parse_path_interval_given_printed_eternity_with_underscore_returns_eternity() -> None:
    assert parse_path_interval("-146136543-09-08T08:23:32.096Z_146140482-04-24T15:36:27.903Z") == ETERNITY


# --- Predicates (semantics 4.5) ------------------------------------------------------------------------------

_A = Interval(10, 20)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (Interval(10, 20), True),
        (Interval(12, 18), True),
        (Interval(15, 20), True),
        (Interval(10, 10), True),
        (Interval(20, 20), False),
        (Interval(9, 15), False),
        (Interval(15, 21), False),
        (Interval(20, 30), False),
    ],
)
def test_contains_given_other_interval_follows_joda(other: Interval, expected: bool) -> None:
    assert _A.contains(other) is expected


def test_contains_given_zero_length_interval_contains_nothing() -> None:
    empty = Interval(10, 10)
    assert not empty.contains(Interval(10, 10))
    assert not empty.contains_instant(10)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (Interval(0, 10), False),
        (Interval(20, 30), False),
        (Interval(0, 11), True),
        (Interval(19, 30), True),
        (Interval(12, 13), True),
        (Interval(0, 30), True),
        (Interval(15, 15), True),
        (Interval(10, 10), False),
        (Interval(20, 20), False),
    ],
)
def test_overlaps_given_other_interval_excludes_abutting(other: Interval, expected: bool) -> None:
    assert _A.overlaps(other) is expected


@pytest.mark.parametrize(
    ("other", "expected"),
    [(Interval(0, 10), True), (Interval(20, 30), True), (Interval(0, 11), False), (Interval(21, 30), False)],
)
def test_abuts_given_other_interval_needs_shared_bound(other: Interval, expected: bool) -> None:
    assert _A.abuts(other) is expected


# --- Properties ----------------------------------------------------------------------------------------------

_INSTANTS = st.one_of(
    st.integers(min_value=MIN_INSTANT, max_value=MAX_INSTANT),
    st.integers(min_value=-(10**14), max_value=10**14),
    st.sampled_from([MIN_INSTANT, MAX_INSTANT, 0, -1, -62167219200001, 253402300800000]),
)


@given(_INSTANTS)
def test_parse_instant_given_formatted_instant_round_trips(ms: int) -> None:
    assert parse_instant(format_instant(ms)) == ms


@given(_INSTANTS, _INSTANTS)
def test_parse_interval_given_printed_interval_round_trips(a: int, b: int) -> None:
    interval = Interval(min(a, b), max(a, b))
    assert parse_interval(str(interval)) == interval


@given(st.integers(min_value=-(10**14), max_value=10**14), st.integers(min_value=0, max_value=10**10))
def test_parse_path_interval_given_underscore_form_equals_slash_form(start: int, length: int) -> None:
    interval = Interval(start, start + length)
    assert parse_path_interval(str(interval).replace("/", "_")) == interval
