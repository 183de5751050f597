"""transformSpec row filters (fakedruid.model.row_filters): Druid's DimFilter JSON on input rows, with SQL
three-valued logic (SelectorFilter, InDimFilter, BoundFilter, StringComparators, Not/And/OrFilter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fakedruid.errors import InvalidTask, NotImplementedByFake
from fakedruid.model.ingestion import dimension_values
from fakedruid.model.row_filters import filter_from_json


def _number(row: dict[str, Any]) -> Callable[[str], int | float | None]:
    def number(name: str) -> int | float | None:
        value = row.get(name)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    return number


def keeps(filter_json: dict[str, Any], row: dict[str, Any]) -> bool:
    return filter_from_json(filter_json).keeps(lambda name: dimension_values(row.get(name)), _number(row))


def evaluate(filter_json: dict[str, Any], row: dict[str, Any]) -> bool | None:
    return filter_from_json(filter_json).evaluate(lambda name: dimension_values(row.get(name)), _number(row))


SEL_MAIN = {"type": "selector", "dimension": "page", "value": "Main"}


@pytest.mark.parametrize(
    ("row", "expected"),
    [({"page": "Main"}, True), ({"page": "Talk"}, False), ({}, None), ({"page": ["Talk", "Main"]}, True),
     ({"page": []}, None)],
)
def test_selector_matches_the_value_and_is_unknown_on_null(row: dict[str, Any], expected: bool | None) -> None:
    assert evaluate(SEL_MAIN, row) is expected


def test_selector_compares_numbers_by_value_and_booleans_as_their_java_text() -> None:
    assert keeps({"type": "selector", "dimension": "n", "value": "5"}, {"n": 5})
    assert keeps({"type": "selector", "dimension": "n", "value": 5}, {"n": 5})
    assert keeps({"type": "selector", "dimension": "b", "value": "true"}, {"b": True})
    # Measured on Druid 28.0.0 and 33.0.0: a JSON number matches by value (long or double predicate), a string as text.
    assert keeps({"type": "selector", "dimension": "n", "value": "5.0"}, {"n": 5})
    assert keeps({"type": "selector", "dimension": "n", "value": "5"}, {"n": 5.0})
    assert not keeps({"type": "selector", "dimension": "n", "value": "5.0"}, {"n": "5"})
    assert not keeps({"type": "selector", "dimension": "n", "value": "5"}, {"n": 5.5})
    assert not keeps({"type": "selector", "dimension": "n", "value": "x"}, {"n": 5})
    # A number is never unknown: NOT of a non-matching number keeps the row.
    assert keeps({"type": "not", "field": {"type": "selector", "dimension": "n", "value": "6"}}, {"n": 5})


def test_in_matches_numbers_by_value() -> None:
    assert keeps({"type": "in", "dimension": "n", "values": ["4", "5.0"]}, {"n": 5})
    assert keeps({"type": "in", "dimension": "n", "values": ["1e0"]}, {"n": 1.0})
    assert not keeps({"type": "in", "dimension": "n", "values": ["5.5", None]}, {"n": 5})


def test_selector_null_value_matches_missing_and_null_only() -> None:
    null_sel = {"type": "selector", "dimension": "page", "value": None}
    assert keeps(null_sel, {}) and keeps(null_sel, {"page": None})
    assert not keeps(null_sel, {"page": ""})  # SQL-compatible nulls: "" is not null
    assert not keeps(null_sel, {"page": "Main"})


def test_in_matches_any_listed_value() -> None:
    f = {"type": "in", "dimension": "page", "values": ["Main", "Help"]}
    assert keeps(f, {"page": "Help"}) and not keeps(f, {"page": "Talk"}) and evaluate(f, {}) is None
    assert keeps({"type": "in", "dimension": "page", "values": ["Main", None]}, {})


@pytest.mark.parametrize(
    ("bound", "value", "expected"),
    [
        ({"lower": "b", "upper": "d"}, "c", True),
        ({"lower": "b", "upper": "d"}, "b", True),
        ({"lower": "b", "upper": "d", "lowerStrict": True}, "b", False),
        ({"lower": "b", "upper": "d", "upperStrict": True}, "d", False),
        ({"upper": "d"}, "a", True),
        ({"lower": "b"}, "a", False),
        # lexicographic: "10" < "9"; numeric: 10 > 9, and numbers sort before non-numbers.
        ({"lower": "9"}, "10", False),
        ({"lower": "9", "ordering": "numeric"}, "10", True),
        ({"upper": "9", "ordering": "numeric"}, "x", False),
        ({"lower": "9", "ordering": {"type": "numeric"}}, "1e2", True),
    ],
)
def test_bound(bound: dict[str, Any], value: str, expected: bool) -> None:
    assert keeps({"type": "bound", "dimension": "d", **bound}, {"d": value}) is expected


def test_bound_is_unknown_on_null() -> None:
    assert evaluate({"type": "bound", "dimension": "d", "lower": "a"}, {}) is None


def test_and_or_not_follow_three_valued_logic() -> None:
    not_main = {"type": "not", "field": SEL_MAIN}
    assert keeps(not_main, {"page": "Talk"}) and not keeps(not_main, {"page": "Main"})
    assert evaluate(not_main, {}) is None and not keeps(not_main, {})  # NOT(unknown) drops the row
    talk = {"type": "selector", "dimension": "page", "value": "Talk"}
    assert keeps({"type": "or", "fields": [SEL_MAIN, talk]}, {"page": "Talk"})
    assert not keeps({"type": "and", "fields": [SEL_MAIN, talk]}, {"page": "Talk"})
    user = {"type": "selector", "dimension": "user", "value": "bot"}
    assert evaluate({"type": "and", "fields": [SEL_MAIN, user]}, {"page": "Talk"}) is False
    assert evaluate({"type": "or", "fields": [SEL_MAIN, user]}, {"page": "Talk"}) is None


@pytest.mark.parametrize("kind", ["equals", "like", "regex", "expression", "interval", "javascript", "madeup"])
def test_other_filter_types_are_not_implemented_and_named(kind: str) -> None:
    with pytest.raises(NotImplementedByFake, match=rf"filter type \[{kind}\]"):
        filter_from_json({"type": kind, "dimension": "page", "value": "x"})


def test_extraction_fn_and_other_orderings_are_not_implemented() -> None:
    with pytest.raises(NotImplementedByFake, match="extractionFn"):
        filter_from_json({**SEL_MAIN, "extractionFn": {"type": "upper"}})
    with pytest.raises(NotImplementedByFake, match=r"ordering \[strlen\]"):
        filter_from_json({"type": "bound", "dimension": "d", "lower": "1", "ordering": "strlen"})
    with pytest.raises(NotImplementedByFake, match=r"ordering \[alphanumeric\]"):
        filter_from_json({"type": "bound", "dimension": "d", "lower": "1", "alphaNumeric": True})


@pytest.mark.parametrize(
    "bad",
    [{"type": "selector", "value": "x"}, {"type": "in", "dimension": "d"}, {"type": "bound", "dimension": "d"},
     {"type": "and", "fields": []}, {"type": "not"}, ["selector"]],
)
def test_malformed_filters_are_invalid(bad: Any) -> None:
    with pytest.raises(InvalidTask):
        filter_from_json(bad)
