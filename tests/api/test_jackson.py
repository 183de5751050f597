"""Jackson's bytes (``fakedruid.api.jackson``): compact output, first-value reads, Jackson's parse messages."""

from __future__ import annotations

import json

import pytest

from fakedruid.api import jackson


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"numChangedSegments": 2}, '{"numChangedSegments":2}'),
        (["a", "b"], '["a","b"]'),
        ({"leader": True, "x": None, "nested": [1, {"k": "v"}]}, '{"leader":true,"x":null,"nested":[1,{"k":"v"}]}'),
        ("wiki_é_☃", '"wiki_é_☃"'),
        ("tab\there\nline\x01\x1f", '"tab\\there\\nline\\u0001\\u001F"'),
        # Text that merely looks like an escape is not touched.
        ("\\u00ab", '"\\\\u00ab"'),
    ],
)
def test_dumps_writes_jacksons_bytes(value: object, expected: str) -> None:
    assert jackson.dumps(value) == expected
    assert json.loads(jackson.dumps(value)) == value


def test_loads_reads_the_first_value_and_ignores_the_rest() -> None:
    assert jackson.loads(b'  {"a": 1} trailing garbage') == {"a": 1}
    assert jackson.loads(b"[1, 2]]") == [1, 2]


@pytest.mark.parametrize(
    ("body", "java_string"),
    [
        # Observed on Druid 28.0.0 (POST /druid/indexer/v1/task and .../markUnused).
        (
            b'{"type": ',
            "com.fasterxml.jackson.core.io.JsonEOFException: Unexpected end-of-input within/between Object entries\n"
            " at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: 10]",
        ),
        (
            b'{"interval": ',
            "com.fasterxml.jackson.core.io.JsonEOFException: Unexpected end-of-input within/between Object entries\n"
            " at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: 14]",
        ),
        (
            b"[1, 2",
            "com.fasterxml.jackson.core.io.JsonEOFException: Unexpected end-of-input: expected close marker for "
            "Array (start marker at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: 1])\n"
            " at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: 6]",
        ),
        (
            b"{'a': 1}",
            "com.fasterxml.jackson.core.JsonParseException: Unexpected character (''' (code 39)): was expecting "
            "double-quote to start field name\n"
            " at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: 3]",
        ),
        (
            b'{"a": nope}',
            "com.fasterxml.jackson.core.JsonParseException: Unrecognized token 'nope': was expecting (JSON String, "
            "Number, Array, Object or token 'null', 'true' or 'false')\n"
            " at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: 11]",
        ),
    ],
)
def test_loads_reports_jacksons_words(body: bytes, java_string: str) -> None:
    with pytest.raises(jackson.JacksonParseError) as info:
        jackson.loads(body)
    assert info.value.java_string == java_string


@pytest.mark.parametrize("body", [b'{"a" 1}', b'{"a": 1 "b": 2}', b'["a\x01"]', b'["\\q"]', b'"open', b"\xff{}"])
def test_loads_never_leaks_pythons_wording(body: bytes) -> None:
    with pytest.raises(jackson.JacksonParseError) as info:
        jackson.loads(body)
    text = info.value.java_string
    assert text.startswith("com.fasterxml.jackson.")
    for python_word in ("Expecting", "delimiter", "char ", "JSONDecodeError", "codec"):
        assert python_word not in text


# ---------------------------------------------------------------------- token locations (measured on Druid 28.0.0)


@pytest.mark.parametrize(
    "body, path, anchor, where",
    [
        (b"[]", (), "start", (1, 1)),
        (b"\n\n  []", (), "start", (3, 3)),
        (b"\r\n\r\n  []", (), "start", (3, 3)),
        (b"\r\r  []", (), "start", (3, 3)),
        (b"\t[]", (), "start", (1, 2)),
        (b'{"segmentIds": 5}', ("segmentIds",), "start", (1, 16)),
        (b'{\n  "segmentIds":\n     5}', ("segmentIds",), "start", (3, 6)),
        ('{"x":"ééé","segmentIds": 5}'.encode(), ("segmentIds",), "start", (1, 29)),
        ('{"x":"日本語","segmentIds": 5}'.encode(), ("segmentIds",), "start", (1, 32)),
        ('{"x":"😀","segmentIds": 5}'.encode(), ("segmentIds",), "start", (1, 27)),
        (b'{"x":"\\"\\\\","segmentIds": 5}', ("segmentIds",), "start", (1, 27)),
        (b'{"segmentIds": ["a", {}]}', ("segmentIds", 1), "start", (1, 22)),
        (b"[{}]", (0,), "end", (1, 3)),
        (b'[{"type":"dropForever"}, {"a":1, "b":[1,2]}]', (1,), "end", (1, 43)),
        (b"[1]", (0,), "end", (1, 2)),
        (b'[{"type":"nope"}]', (0, "type"), "start", (1, 10)),
        (b'{"type":"kill",\n"interval":"x",\n "dataSource":"ds1"\n  }  ', (), "end", (4, 3)),
        (b'{"a":1,"limit":null, "x":1}', ("limit",), "next", (1, 22)),
        (b'{"a":1,"limit":null }', ("limit",), "next", (1, 21)),
    ],
)
def test_locate_counts_as_jackson_does(
    body: bytes, path: tuple[str | int, ...], anchor: str, where: tuple[int, int]
) -> None:
    assert jackson.locate(body, path, anchor) == where


def test_locate_missing_member_stops_at_the_closing_bracket() -> None:
    assert jackson.locate(b'{"a": [1, 2]}', ("a", 5)) == (1, 12)
    assert jackson.locate(b'{"a": 1}', ("b",)) == (1, 8)
