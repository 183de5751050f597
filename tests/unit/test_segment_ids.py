"""Unit tests of segment id strings (semantics section 5): format, order, parsing with a known datasource.

Layer: unit tests of ``fakedruid.model.segment_ids``; no HTTP. Cases marked "SegmentIdTest" are ported from
``processing/src/test/java/org/apache/druid/timeline/SegmentIdTest.java`` @ ``114d2c70``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakedruid.errors import FakeDruidError, SegmentIdIndexError
from fakedruid.model.intervals import (
    ETERNITY,
    MAX_INSTANT,
    MIN_INSTANT,
    Interval,
    parse_interval,
)
from fakedruid.model.segment_ids import (
    SegmentId,
    parse_instant_strict,
    possible_parsings,
    try_parse,
    version_key,
)

DS = "datasource"
D1 = "2015-01-01T00:00:00.000Z"
D2 = "2015-01-02T00:00:00.000Z"
D3 = "2015-01-03T00:00:00.000Z"
DAY2 = parse_interval("2015-01-02/2015-01-03")
ETERNITY_START = "-146136543-09-08T08:23:32.096Z"
ETERNITY_END = "146140482-04-24T15:36:27.903Z"


def _sid(version: str, partition: int = 0, *, datasource: str = DS, interval: Interval = DAY2) -> SegmentId:
    return SegmentId(datasource, interval, version, partition)


def _iv(text: str) -> Interval:
    return parse_interval(text)


# --- str(): the id format (semantics 5.1) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("segment_id", "expected"),
    [
        (_sid("ver_0", 1), f"datasource_{D2}_{D3}_ver_0_1"),
        (_sid("ver", 0), f"datasource_{D2}_{D3}_ver"),
        (_sid("ver", 7), f"datasource_{D2}_{D3}_ver_7"),
        # Druid prints any partition number but 0, negative ones included (SegmentId.toString).
        (_sid("ver", -1), f"datasource_{D2}_{D3}_ver_-1"),
        (_sid("", 0), f"datasource_{D2}_{D3}_"),
        (
            SegmentId("wikipedia_hour", _iv("2015-09-12T16/2015-09-12T17"), "2023-08-10T04:12:03.860Z", 3),
            "wikipedia_hour_2015-09-12T16:00:00.000Z_2015-09-12T17:00:00.000Z_2023-08-10T04:12:03.860Z_3",
        ),
    ],
)
def test_str_formats_druid_id_and_omits_partition_zero(segment_id: SegmentId, expected: str) -> None:
    assert str(segment_id) == expected


def test_str_eternity_interval_prints_joda_extreme_years() -> None:
    # SegmentIdTest.testBasicEmptyDataSource: Intervals.ETERNITY in an id.
    assert str(_sid("dummy_version", interval=ETERNITY)) == f"datasource_{ETERNITY_START}_{ETERNITY_END}_dummy_version"


# --- SegmentIdTest: tryParse round trips ----------------------------------------------------------------------


@pytest.mark.parametrize("datasource", [DS, "datasource_1", f"datasource_{D1}"])
@pytest.mark.parametrize(("version", "partition"), [("ver_0", 1), ("ver", 0)])
@pytest.mark.parametrize("interval", ["2015-01-02/2015-01-03", "2014-10-20T00:00:00Z/P1D"])
def test_try_parse_druid_cases_round_trip(datasource: str, version: str, partition: int, interval: str) -> None:
    # testBasic, testDataSourceWithUnderscore, testDataSourceWithUnderscoreAndTimeStringInDataSourceName.
    sid = SegmentId(datasource, _iv(interval), version, partition)
    assert try_parse(datasource, str(sid)) == sid


@pytest.mark.parametrize(
    ("datasource", "text"),
    [
        (DS, f"datasource_{D2}_{D3}_ver_0_1"),
        ("datasource_1", "datasource_1_2014-10-20T00:00:00.000Z_2014-10-21T00:00:00.000Z_ver"),
        (f"datasource_{D1}", f"datasource_{D1}_2014-10-20T00:00:00.000Z_2014-10-21T00:00:00.000Z_ver_0_1"),
    ],
)
def test_try_parse_druid_strings_print_back_identically(datasource: str, text: str) -> None:
    # tryParse's contract: toString() of the result equals the parsed string.
    parsed = try_parse(datasource, text)
    assert parsed is not None
    assert str(parsed) == text


def test_try_parse_version_ambiguity_prefers_version_for_trailing_zero() -> None:
    # testTryParseVersionAmbiguity.
    parsed = try_parse(DS, f"datasource_{D2}_{D3}_ver_0")
    assert parsed == _sid("ver_0", 0)


@pytest.mark.parametrize(
    "text",
    [
        f"datasource_{D2}_2014-10-20T00:00:00.000Z_version",  # testInvalidFormat0: start after end
        "datasource_invalid_interval_version",  # testInvalidFormat1: no dates
        f"datasource_{D2}_version",  # testInvalidFormat2: one date
    ],
)
def test_try_parse_invalid_druid_ids_returns_none(text: str) -> None:
    assert try_parse(DS, text) is None
    assert possible_parsings(DS, text) == []


@pytest.mark.parametrize(
    ("datasource", "text"),
    [
        (DS, f"datasource_{D2}_{D3}_ver_0_1"),
        (DS, f"datasource_{D2}_{D3}_ver"),
        ("datasource_1", f"datasource_1_{D2}_{D3}_ver_0_1"),
        ("datasource_1", f"datasource_1_{D2}_{D3}_ver"),
        (DS, f"datasource_{D1}_{D2}_{D3}_ver_0_1"),
        (DS, f"datasource_{D1}_{D2}_{D3}_ver"),
    ],
)
def test_possible_parsings_with_heuristic_datasource_is_not_empty(datasource: str, text: str) -> None:
    # testTryParseHeuristically, with the datasource Druid's tryExtractMostProbableDataSource picks.
    assert possible_parsings(datasource, text)


# --- possible_parsings: candidates in Druid's order (semantics 5.2, 5.6) --------------------------------------


@pytest.mark.parametrize(
    ("trail", "expected"),
    [
        ("ver", [("ver", 0)]),
        ("ver_0", [("ver_0", 0)]),
        ("ver_1", [("ver", 1), ("ver_1", 0)]),
        ("ver_0_1", [("ver_0", 1), ("ver_0_1", 0)]),
        ("a_b_c_12", [("a_b_c", 12), ("a_b_c_12", 0)]),
        # Guava Ints.tryParse accepts leading zeros: "_01" is partition 1 (its str() then ends in "_1").
        ("ver_01", [("ver", 1), ("ver_01", 0)]),
        ("ver_-1", [("ver_-1", 0)]),
        ("ver_-0", [("ver_-0", 0)]),
        ("ver_+1", [("ver_+1", 0)]),
        ("ver_1a", [("ver_1a", 0)]),
        ("ver_١", [("ver_١", 0)]),  # ARABIC-INDIC DIGIT ONE: Guava reads ASCII digits only
        ("ver_2147483647", [("ver", 2147483647), ("ver_2147483647", 0)]),
        ("ver_2147483648", [("ver_2147483648", 0)]),  # beyond a Java int
        ("ver_", [("ver_", 0)]),
        ("_1", [("", 1), ("_1", 0)]),
        ("", [("", 0)]),
        ("__", [("__", 0)]),
    ],
)
def test_possible_parsings_trailing_part_gives_druid_candidates(trail: str, expected: list[tuple[str, int]]) -> None:
    candidates = possible_parsings(DS, f"datasource_{D2}_{D3}_{trail}")
    assert candidates == [_sid(version, partition) for version, partition in expected]


def test_possible_parsings_leading_zero_partition_prints_without_zero() -> None:
    first = possible_parsings(DS, f"datasource_{D2}_{D3}_ver_01")[0]
    assert str(first) == f"datasource_{D2}_{D3}_ver_1"


def test_try_parse_returns_first_candidate() -> None:
    text = f"datasource_{D2}_{D3}_ver_0_1"
    assert try_parse(DS, text) == possible_parsings(DS, text)[0] == _sid("ver_0", 1)


def test_possible_parsings_date_in_datasource_depends_on_given_datasource() -> None:
    # SegmentIdTest.testIterateAllPossibleParsings, per datasource (iterateAllPossibleParsings is reference only).
    text = f"datasource_{D1}_{D2}_{D3}_ver_0_1"
    assert possible_parsings(DS, text) == [
        SegmentId(DS, _iv(f"{D1}/{D2}"), f"{D3}_ver_0", 1),
        SegmentId(DS, _iv(f"{D1}/{D2}"), f"{D3}_ver_0_1", 0),
    ]
    assert possible_parsings(f"datasource_{D1}", text) == [
        SegmentId(f"datasource_{D1}", _iv(f"{D2}/{D3}"), "ver_0", 1),
        SegmentId(f"datasource_{D1}", _iv(f"{D2}/{D3}"), "ver_0_1", 0),
    ]


def test_possible_parsings_empty_version_before_partition() -> None:
    # SegmentIdTest.testIterateAllPossibleParsingsWithEmptyVersion.
    text = f"datasource_{D1}_{D2}_{D3}__1"
    assert possible_parsings(DS, text) == [
        SegmentId(DS, _iv(f"{D1}/{D2}"), f"{D3}_", 1),
        SegmentId(DS, _iv(f"{D1}/{D2}"), f"{D3}__1", 0),
    ]
    assert possible_parsings(f"datasource_{D1}", text) == [
        SegmentId(f"datasource_{D1}", _iv(f"{D2}/{D3}"), "", 1),
        SegmentId(f"datasource_{D1}", _iv(f"{D2}/{D3}"), "_1", 0),
    ]


def test_possible_parsings_descending_dates_rule_out_a_split() -> None:
    # SegmentIdTest.testIterateAllPossibleParsings2.
    text = f"datasource_{D2}_{D3}_{D2}_ver_1"
    assert possible_parsings(DS, text) == [
        SegmentId(DS, DAY2, f"{D2}_ver", 1),
        SegmentId(DS, DAY2, f"{D2}_ver_1", 0),
    ]
    assert possible_parsings(f"datasource_{D2}", text) == []


def test_try_parse_shorter_datasource_can_pick_wrong_split() -> None:
    # The ambiguity SegmentId.tryParse documents: "datasource" parses an id of "datasource_<date>".
    text = str(SegmentId(f"datasource_{D1}", DAY2, "ver_0", 1))
    assert try_parse(DS, text) == SegmentId(DS, _iv(f"{D1}/{D2}"), f"{D3}_ver_0", 1)


def test_possible_parsings_eternity_bounds_parse() -> None:
    text = f"datasource_{ETERNITY_START}_{ETERNITY_END}_dummy_version"
    assert possible_parsings(DS, text) == [_sid("dummy_version", interval=ETERNITY)]


def test_possible_parsings_offset_instants_parse_to_utc() -> None:
    text = "datasource_2015-01-02T01:00:00.000+01:00_2015-01-02T19:00:00.000-05:00_ver"
    assert possible_parsings(DS, text) == [_sid("ver", interval=_iv("2015-01-02/2015-01-03"))]


@pytest.mark.parametrize(
    "text",
    [
        f"datasource_{D2}_{D2}_ver",  # start == end
        f"datasource_{D3}_{D2}_ver",  # start > end
        f"datasource_{D2}_{D3}",  # two parts only
        f"datasource_{D2}",
        "datasource_",
        f"datasource_2015-01-02T00:00:00Z_{D3}_ver",  # no milliseconds
        f"datasource_2015-01-02_{D3}_ver",  # date only
        f"datasource_{D2}_2015-01-03T00:00:00.000_ver",  # no zone
        f"other_{D2}_{D3}_ver",  # another datasource
        f"datasourcex_{D2}_{D3}_ver",  # the datasource is a prefix of a longer name
        f"datasource-{D2}_{D3}_ver",  # no '_' after the datasource
        f"Datasource_{D2}_{D3}_ver",  # case matters
        "data",  # shorter than the datasource
        "",
        f"_datasource_{D2}_{D3}_ver",
    ],
)
def test_possible_parsings_unparseable_returns_empty(text: str) -> None:
    assert possible_parsings(DS, text) == []
    assert try_parse(DS, text) is None


def test_possible_parsings_empty_datasource_returns_empty() -> None:
    assert possible_parsings("", f"_{D2}_{D3}_ver") == []
    assert possible_parsings("", "") == []
    assert try_parse("", f"_{ETERNITY_START}_{ETERNITY_END}_lookup") is None


@pytest.mark.parametrize("function", [possible_parsings, try_parse])
def test_possible_parsings_id_equal_to_datasource_raises_index_error(function: object) -> None:
    # SegmentId.java reads charAt(dataSource.length()) without a length check (semantics 5.2).
    with pytest.raises(SegmentIdIndexError) as info:
        function(DS, DS)  # type: ignore[operator]
    assert isinstance(info.value, IndexError)
    assert isinstance(info.value, FakeDruidError)
    assert info.value.java_string().startswith("java.lang.StringIndexOutOfBoundsException: ")
    assert "10" in info.value.message


# --- parse_instant_strict: Joda ISODateTimeFormat.dateTime() as the fake narrows it (semantics 5.2) -----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1970-01-01T00:00:00.000Z", 0),
        ("1970-01-01T00:00:00.001Z", 1),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2015-01-02T00:00:00.000Z", 1420156800000),
        ("2015-09-12T16:07:08.123Z", 1442074028123),
        ("2015-01-02T01:00:00.000+01:00", 1420156800000),
        ("2015-01-01T19:00:00.000-05:00", 1420156800000),
        ("2015-01-02T05:30:00.000+05:30", 1420156800000),
        ("2015-01-02T00:00:00.000+00:00", 1420156800000),
        ("2015-01-02T00:00:00.000-00:00", 1420156800000),
        ("2015-01-02T23:59:00.000+23:59", 1420156800000),
        ("2016-02-29T00:00:00.000Z", 1456704000000),  # leap year
        ("2000-02-29T00:00:00.000Z", 951782400000),  # divisible by 400
        ("0000-01-01T00:00:00.000Z", -62167219200000),  # year 0 exists in ISOChronology
        ("-0001-01-01T00:00:00.000Z", -62198755200000),
        ("10000-01-01T00:00:00.000Z", 253402300800000),
        (ETERNITY_START, MIN_INSTANT),
        (ETERNITY_END, MAX_INSTANT),
        ("292278993-12-31T23:59:59.999Z", 9223372017129599999),  # GregorianChronology.MAX_YEAR
    ],
)
def test_parse_instant_strict_accepts_id_form(text: str, expected: int) -> None:
    assert parse_instant_strict(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2015-01-02T00:00:00Z",  # seconds without a fraction
        "2015-01-02T00:00Z",
        "2015-01-02T00Z",
        "2015-01-02",
        "2015-01-02T00:00:00.0Z",  # exactly three fraction digits (semantics 5.2)
        "2015-01-02T00:00:00.00Z",
        "2015-01-02T00:00:00.0000Z",
        "2015-01-02T00:00:00.000",  # no zone
        "2015-01-02T00:00:00.000+01",
        "2015-01-02T00:00:00.000+0100",
        "2015-01-02T00:00:00.000+01:00:00",
        "2015-01-02 00:00:00.000Z",
        " 2015-01-02T00:00:00.000Z",
        "2015-01-02T00:00:00.000Z ",
        "2015-01-02T00:00:00.000Zx",
        "2015-1-02T00:00:00.000Z",
        "15-01-02T00:00:00.000Z",  # fewer than 4 year digits
        "999-01-02T00:00:00.000Z",
        "1234567890-01-02T00:00:00.000Z",  # more than 9 year digits
        "２０１５-01-02T00:00:00.000Z",  # FULLWIDTH digits: Joda reads ASCII digits only
        "2015-01-02T00:00:00.00１Z",
        "",
    ],
)
def test_parse_instant_strict_other_forms_return_none(text: str) -> None:
    assert parse_instant_strict(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "2015-00-01T00:00:00.000Z",
        "2015-13-01T00:00:00.000Z",
        "2015-01-00T00:00:00.000Z",
        "2015-01-32T00:00:00.000Z",
        "2015-04-31T00:00:00.000Z",
        "2015-02-29T00:00:00.000Z",  # not a leap year
        "1900-02-29T00:00:00.000Z",  # divisible by 100, not by 400
        "2016-02-30T00:00:00.000Z",
        "2015-01-01T24:00:00.000Z",
        "2015-01-01T00:60:00.000Z",
        "2015-01-01T00:00:60.000Z",
        "2015-01-01T00:00:00.000+24:00",
        "2015-01-01T00:00:00.000+00:60",
        "292278994-01-01T00:00:00.000Z",  # beyond GregorianChronology.MAX_YEAR
        "-292275055-01-01T00:00:00.000Z",  # before MIN_YEAR
        "999999999-01-01T00:00:00.000Z",
    ],
)
def test_parse_instant_strict_out_of_range_field_returns_none(text: str) -> None:
    assert parse_instant_strict(text) is None


# --- equality and order (semantics 5.5) -------------------------------------------------------------------------


def test_segment_id_equality_uses_all_four_fields() -> None:
    base = _sid("ver", 1)
    assert base == _sid("ver", 1)
    assert hash(base) == hash(_sid("ver", 1))
    assert base != _sid("ver", 2)
    assert base != _sid("ver2", 1)
    assert base != _sid("ver", 1, datasource="other")
    assert base != _sid("ver", 1, interval=_iv("2015-01-02/2015-01-04"))
    # The same string, two ids: Druid keeps them apart.
    assert str(_sid("ver", 1)) == str(_sid("ver_1", 0))
    assert _sid("ver", 1) != _sid("ver_1", 0)


def test_sort_key_orders_datasource_start_end_version_partition() -> None:
    ids = [
        _sid("v1", 0, datasource="z"),
        _sid("v1", 0, interval=_iv("2015-01-03/2015-01-04")),
        _sid("v1", 0, interval=_iv("2015-01-02/2015-01-05")),
        _sid("v9", 0),
        _sid("v10", 2),
        _sid("v10", 1),
        _sid("v1", 0, datasource="a"),
    ]
    ordered = sorted(ids, key=SegmentId.sort_key)
    assert ordered == [
        _sid("v1", 0, datasource="a"),
        _sid("v10", 1),  # "v10" < "v9" as strings
        _sid("v10", 2),
        _sid("v9", 0),
        _sid("v1", 0, interval=_iv("2015-01-02/2015-01-05")),  # same start as above: the later end after
        _sid("v1", 0, interval=_iv("2015-01-03/2015-01-04")),  # a later start first despite the earlier end
        _sid("v1", 0, datasource="z"),
    ]


def test_sort_key_compares_names_as_java_strings() -> None:
    # Java's String.compareTo compares UTF-16 code units: a supplementary character (a surrogate pair starting
    # with 0xD83D) sorts before U+FFFF, unlike Python's code point order.
    emoji, high = "\U0001F600", "\uffff"
    assert high < emoji  # Python
    assert version_key(emoji) < version_key(high)  # Java
    by_version = sorted([_sid(high), _sid(emoji)], key=SegmentId.sort_key)
    assert [s.version for s in by_version] == [emoji, high]
    by_datasource = sorted([_sid("v", datasource=high), _sid("v", datasource=emoji)], key=SegmentId.sort_key)
    assert [s.datasource for s in by_datasource] == [emoji, high]


# --- properties ---------------------------------------------------------------------------------------------------

_ids_text = st.text(max_size=12)


@st.composite
def _any_intervals(draw: st.DrawFn) -> Interval:
    start = draw(st.one_of(st.integers(MIN_INSTANT, MAX_INSTANT - 1), st.integers(-(10**13), 10**13)))
    end = draw(st.integers(start + 1, min(MAX_INSTANT, start + draw(st.sampled_from([1, 10**8, 10**19])))))
    return Interval(start, end)


_segment_ids = st.builds(
    SegmentId,
    st.one_of(_ids_text.filter(bool), st.sampled_from([DS, "datasource_1", f"datasource_{D1}", "a_", "_"])),
    _any_intervals(),
    st.one_of(_ids_text, st.sampled_from(["ver_0", "ver_1", "v_01", "v_-1", "_", "x_2147483648", D2])),
    st.one_of(st.integers(0, 3), st.integers(0, 2**31 - 1)),
)


def _ends_in_positive_int(version: str) -> bool:
    match = re.search(r"_([0-9]+)\Z", version, re.ASCII)
    return match is not None and 0 < int(match[1]) < 2**31


@given(_segment_ids)
def test_possible_parsings_of_formatted_id_contains_the_id(sid: SegmentId) -> None:
    candidates = possible_parsings(sid.datasource, str(sid))
    assert sid in candidates
    assert 1 <= len(candidates) <= 2
    if sid.partition_num == 0 and _ends_in_positive_int(sid.version):
        assert candidates == [candidates[0], sid]
        assert candidates[0].partition_num > 0
    else:
        assert candidates[0] == sid
    assert try_parse(sid.datasource, str(sid)) == candidates[0]


@given(st.sampled_from([DS, "d", "ds_1"]), st.text(max_size=80))
def test_possible_parsings_of_any_text_yields_valid_candidates(datasource: str, tail: str) -> None:
    text = datasource + tail
    if tail == "":
        with pytest.raises(SegmentIdIndexError):
            possible_parsings(datasource, text)
        return
    candidates = possible_parsings(datasource, text)
    assert len(candidates) <= 2
    for candidate in candidates:
        assert candidate.datasource == datasource
        assert candidate.interval.start < candidate.interval.end
        assert candidate.partition_num >= 0
    if len(candidates) == 2:
        assert candidates[0].partition_num > 0
        assert candidates[1].partition_num == 0
        assert str(candidates[1]) == text
