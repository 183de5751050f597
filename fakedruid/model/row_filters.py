"""Row filters of an ingestion's ``transformSpec``: Druid's ``DimFilter`` JSON, evaluated on input rows.

Layer: model; imports only the stdlib and the rest of ``fakedruid.model``. Implemented: ``selector``, ``in``,
``bound`` (``lexicographic`` and ``numeric`` orderings), ``and``, ``or``, ``not``. Any other filter type, an
``extractionFn`` or another ordering raises :class:`NotImplementedByFake` naming it (501): the fake never guesses.

Semantics, from Druid's source (``SelectorFilter``, ``InDimFilter``, ``BoundFilter``, ``StringComparators``,
``AndFilter``/``OrFilter``/``NotFilter``):

* During ingestion the filter reads the input row through a ``RowBasedColumnSelectorFactory`` with no
  signature, so ``PredicateValueMatcherFactory`` looks at each value's Java class: a JSON integer (Jackson's
  ``Integer``/``Long``) goes to the long predicate and a JSON decimal (``Double``) to the double predicate, so
  ``selector`` and ``in`` match numbers by value (``5`` matches ``"5"`` and ``"5.0"``;
  ``SelectorPredicateFactory``: ``DimensionHandlerUtils.convertObjectToLong``/``convertObjectToDouble``,
  ``InDimFilter``: ``getExactLongFromDecimalString``/``Doubles.tryParse``). Strings, booleans and lists go to the
  string predicate (``Rows.objectToStrings``: ``true`` is ``"true"``; a list is a multi-value dimension, which
  matches when any of its values matches), so the string ``"5"`` does not match ``"5.0"``. Measured on Druid
  28.0.0 and 33.0.0 (tests/contract/test_ingestion.py::test_transform_filter_matches_numbers_by_value);
  ``bound`` compares a number's text (``String.valueOf``), or its value with the numeric ordering.
* SQL-compatible null handling and three-valued logic (the defaults since Druid 28,
  ``druid.generic.useThreeValueLogicForNativeFilters``): a missing or null value is *unknown* to ``selector``,
  ``in`` and ``bound`` unless the filter asks for null itself (``"value": null``, ``null`` in ``values``), and
  ``not`` of unknown stays unknown. A row is kept only when the filter is true (``Transformer.transform``);
  a dropped row counts as ``thrownAway`` (``FilteringCloseableInputRowIterator``).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fakedruid.errors import InvalidTask, NotImplementedByFake

#: A dimension's values in a row, as strings; ``[]`` when the row has no value (null).
RowValues = Callable[[str], Sequence[str]]
#: A dimension's value when it is one JSON number (Jackson's ``Integer``, ``Long`` or ``Double``), else None.
RowNumber = Callable[[str], "int | float | None"]

#: ``DimFilter`` type ids Druid knows that the fake does not evaluate (``DimFilter``'s ``@JsonSubTypes``).
OTHER_FILTER_TYPES = frozenset(
    {"equals", "null", "range", "like", "regex", "search", "expression", "javascript", "interval",
     "columnComparison", "true", "false", "spatial", "bloom", "arrayContainsElement", "extraction"}
)

_DIM_FILTER = "org.apache.druid.query.filter.DimFilter"
#: ``new BigDecimal(String)``'s syntax (``StringComparators.NumericComparator`` parses values with it).
_JAVA_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class RowFilter:
    """A parsed ``DimFilter``: ``kind`` is its type, the rest depends on it."""

    kind: str
    dimension: str = ""
    values: tuple[str | None, ...] = ()
    lower: str | None = None
    upper: str | None = None
    lower_strict: bool = False
    upper_strict: bool = False
    numeric: bool = False
    fields: tuple[RowFilter, ...] = ()

    def evaluate(self, row: RowValues, number: RowNumber | None = None) -> bool | None:
        """True, False, or None for unknown (SQL three-valued logic).

        :param number: a dimension's numeric value (see :data:`RowNumber`); None: every value is a string.
        """
        if self.kind == "and":
            results = [f.evaluate(row, number) for f in self.fields]
            return False if False in results else (None if None in results else True)
        if self.kind == "or":
            results = [f.evaluate(row, number) for f in self.fields]
            return True if True in results else (None if None in results else False)
        if self.kind == "not":
            inner = self.fields[0].evaluate(row, number)
            return None if inner is None else not inner
        if number is not None and self.kind in ("selector", "in"):
            numeric = number(self.dimension)
            if numeric is not None:
                # The long or double predicate: a non-null number is never unknown, and null matches only null.
                return any(v is not None and _equals_number(numeric, v) for v in self.values)
        values: list[str | None] = list(row(self.dimension)) or [None]
        results = [self._match_one(v) for v in values]
        return True if True in results else (None if None in results else False)

    def _match_one(self, value: str | None) -> bool | None:
        if self.kind in ("selector", "in"):
            if value is None:
                return True if None in self.values else None
            return value in self.values
        # bound: a null value is unknown (BoundFilter's predicate in SQL-compatible mode).
        if value is None:
            return None
        if self.lower is not None:
            c = _compare(self.lower, value, self.numeric)
            if c > 0 or (c == 0 and self.lower_strict):
                return False
        if self.upper is not None:
            c = _compare(value, self.upper, self.numeric)
            if c > 0 or (c == 0 and self.upper_strict):
                return False
        return True

    def keeps(self, row: RowValues, number: RowNumber | None = None) -> bool:
        """Whether ingestion keeps the row: only a true filter does."""
        return self.evaluate(row, number) is True


_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
#: Guava ``Doubles.tryParse``'s decimal syntax (its hexadecimal form is left out: such a value matches nothing).
_GUAVA_DOUBLE = re.compile(r"[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)")


def _equals_number(number: int | float, value: str) -> bool:
    """Whether a filter value matches a row's number: a long as ``getExactLongFromDecimalString`` reads the value
    (an integral decimal such as ``"5.0"`` is 5), a double as ``Doubles.tryParse`` does (bit for bit)."""
    if isinstance(number, int) and _LONG_MIN <= number <= _LONG_MAX:
        exact = _decimal(value)
        if exact is None or exact != exact.to_integral_value():
            return False
        return int(exact) == number
    if not _GUAVA_DOUBLE.fullmatch(value):
        return False
    parsed = float(value.rstrip("fFdD").replace("Infinity", "inf"))
    return struct.pack(">d", parsed) == struct.pack(">d", float(number)) or (
        math.isnan(parsed) and math.isnan(float(number))
    )


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if _JAVA_DECIMAL.fullmatch(value) else None


def _compare(a: str, b: str, numeric: bool) -> int:
    """``StringComparators.LEXICOGRAPHIC`` (unsigned UTF-8 bytes) or ``NUMERIC`` (numbers compare as
    ``BigDecimal``s and sort before non-numbers, which compare lexicographically)."""
    if numeric:
        da, db = _decimal(a), _decimal(b)
        if da is not None and db is not None:
            return (da > db) - (da < db)
        if da is not None or db is not None:
            return -1 if da is not None else 1
    ea, eb = a.encode("utf-8"), b.encode("utf-8")
    return (ea > eb) - (ea < eb)


def _string(obj: dict[str, Any], key: str, kind: str, *, required: bool) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise InvalidTask(f"{kind} filter: [{key}] must not be null")
        return None
    if isinstance(value, (dict, list)):
        raise InvalidTask(f"{kind} filter: [{key}] must be a string")
    return _scalar(value)


def _scalar(value: Any) -> str:
    # Jackson reads a JSON number or boolean given for a String field as its text.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def filter_from_json(obj: Any) -> RowFilter:
    """Read a ``DimFilter`` JSON object.

    The 400 texts for malformed filters are the fake's (UNCONFIRMED against Druid, whose Jackson wraps the
    filters' precondition messages in a longer text).

    :raises InvalidTask: for a malformed filter (Druid's 400).
    :raises NotImplementedByFake: for a filter type, ``extractionFn`` or ordering the fake does not evaluate.
    """
    if not isinstance(obj, dict):
        raise InvalidTask(f"Cannot deserialize value of type `{_DIM_FILTER}` from {type(obj).__name__}")
    kind = obj.get("type")
    if kind in ("and", "or"):
        fields = obj.get("fields")
        if not isinstance(fields, list) or not fields:
            raise InvalidTask(f"{kind} filter requires at least one field")
        return RowFilter(kind, fields=tuple(filter_from_json(f) for f in fields))
    if kind == "not":
        if obj.get("field") is None:
            raise InvalidTask("NOT DimFilter field must not be null")
        return RowFilter("not", fields=(filter_from_json(obj["field"]),))
    if kind in ("selector", "in", "bound"):
        if obj.get("extractionFn") is not None:
            raise NotImplementedByFake(f"transformSpec filter [{kind}] with an extractionFn is not implemented")
        dimension = _string(obj, "dimension", kind, required=True)
        assert dimension is not None
        if kind == "selector":
            return RowFilter("selector", dimension, values=(_string(obj, "value", kind, required=False),))
        if kind == "in":
            values = obj.get("values")
            if not isinstance(values, list):
                raise InvalidTask("values must not be null")
            return RowFilter("in", dimension,
                             values=tuple(None if v is None else _scalar(v) for v in values))
        lower = _string(obj, "lower", kind, required=False)
        upper = _string(obj, "upper", kind, required=False)
        if lower is None and upper is None:
            raise InvalidTask("lower and upper can not be null at the same time")
        ordering = obj.get("ordering")
        if isinstance(ordering, dict):
            ordering = ordering.get("type")
        if ordering is None:
            # The legacy "alphaNumeric": true means the alphanumeric ordering (BoundDimFilter's constructor).
            ordering = "alphanumeric" if obj.get("alphaNumeric") is True else "lexicographic"
        if ordering not in ("lexicographic", "numeric"):
            raise NotImplementedByFake(f"transformSpec bound filter ordering [{ordering}] is not implemented: "
                                       "only 'lexicographic' and 'numeric'")
        return RowFilter("bound", dimension, lower=lower, upper=upper,
                         lower_strict=obj.get("lowerStrict") is True, upper_strict=obj.get("upperStrict") is True,
                         numeric=ordering == "numeric")
    if kind in OTHER_FILTER_TYPES:
        raise NotImplementedByFake(f"transformSpec filter type [{kind}] is not implemented: only selector, in, "
                                   "bound, and, or, not")
    raise NotImplementedByFake(f"transformSpec filter type [{kind}] is not implemented (and not a DimFilter type "
                               "fakedruid knows)")
