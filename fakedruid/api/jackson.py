"""JSON as Druid's Jackson writes and reads it: compact bytes out, Jackson's own words for a body it cannot parse.

Layer: api helpers; imports only the stdlib (no Flask).

Writing. Jackson's default ``ObjectMapper`` writes no space after ``,`` or ``:`` (``{"leader":true}``,
``["a","b"]``), leaves non-ASCII characters as they are, and escapes control characters as ``\\b \\t \\n \\f \\r`` or
``\\u00XX`` with upper-case hex digits (``CharTypes.HC``); Python writes lower-case hex.

Reading. Jackson reads the first JSON value of a body and ignores what follows it
(``DeserializationFeature.FAIL_ON_TRAILING_TOKENS`` is off in Druid's mappers); Python's ``json.loads`` refuses
trailing data. A syntax error is reported with Jackson 2.12's message for the same fault and its location line
(``at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: L, column: C]``), never Python's wording.
Observed on Druid 28.0.0: ``{"type": `` gives ``com.fasterxml.jackson.core.io.JsonEOFException: Unexpected
end-of-input within/between Object entries`` at column 10. The other messages are Jackson's texts for those
faults (``ReaderBasedJsonParser``/``UTF8StreamJsonParser``, ``ParserMinimalBase``); their columns are UNCONFIRMED.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SOURCE = "[Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: {line}, column: {column}]"
_EXPECTED_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
#: A ``\\u00xx`` escape Python wrote (preceded by an even number of backslashes, so not itself escaped text).
_LOWER_HEX_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u00([0-9a-f]{2})")
_DECODER = json.JSONDecoder()


def dumps(value: Any) -> str:
    """``value`` as Jackson writes it: compact, non-ASCII as is, control characters escaped in upper-case hex."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if "\\u00" not in text:
        return text
    return _LOWER_HEX_ESCAPE.sub(lambda m: f"{m.group(1)}\\u00{m.group(2).upper()}", text)


_REDACTED_SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled);"


def redact_source(text: str) -> str:
    """Jackson 2.16+ (Druid 37.0.0 runs 2.20) leaves the source out of locations unless asked: the text as
    37.0.0 writes it (measured)."""
    return text.replace(_SOURCE.split(";", 1)[0] + ";", _REDACTED_SOURCE)


class JacksonParseError(ValueError):
    """A body Jackson cannot parse; :attr:`java_string` is the exception as Java prints it."""

    def __init__(self, exception_class: str, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.exception_class = exception_class
        self.message = message
        self.line = line
        self.column = column

    @property
    def java_string(self) -> str:
        """``<class>: <message>\\n at [Source: ...; line: L, column: C]``, as ``Throwable.toString()`` prints it."""
        return f"{self.exception_class}: {self.message}\n at {_SOURCE.format(line=self.line, column=self.column)}"


def loads(data: bytes | str) -> Any:
    """The first JSON value in ``data`` (what follows it is ignored, as Jackson does).

    :raises JacksonParseError: for a syntax error, with Jackson's message.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line, column = _line_column(data[: exc.start].decode("utf-8", "replace"), exc.start)
            raise JacksonParseError(
                "com.fasterxml.jackson.core.JsonParseException",
                f"Invalid UTF-8 start byte 0x{data[exc.start]:02x}",
                line,
                column + 1,
            ) from None
    else:
        text = data
    start = len(text) - len(text.lstrip(" \t\r\n"))
    try:
        value, _end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise _translate(text, exc) from None
    return value


def _line_column(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of ``pos`` in ``text``."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _open_containers(text: str, end: int) -> list[tuple[str, int]]:
    """The arrays and objects still open at ``end``: ``(bracket, position)``, outermost first."""
    stack: list[tuple[str, int]] = []
    in_string = escaped = False
    for i, ch in enumerate(text[:end]):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            stack.append((ch, i))
        elif ch in "]}" and stack:
            stack.pop()
    return stack


def _translate(text: str, exc: json.JSONDecodeError) -> JacksonParseError:
    pos = exc.pos
    line, column = _line_column(text, pos)
    open_ = _open_containers(text, pos)
    innermost = open_[-1] if open_ else None
    kind = "Object" if innermost is not None and innermost[0] == "{" else "Array"
    parse = "com.fasterxml.jackson.core.JsonParseException"
    if exc.msg.startswith("Unterminated string"):
        end_line, end_column = _line_column(text, len(text))
        return JacksonParseError(
            "com.fasterxml.jackson.core.io.JsonEOFException",
            "Unexpected end-of-input: was expecting closing quote for a string value",
            end_line,
            end_column,
        )
    if pos >= len(text):
        eof = "com.fasterxml.jackson.core.io.JsonEOFException"
        if innermost is None:
            return JacksonParseError(
                "com.fasterxml.jackson.databind.exc.MismatchedInputException",
                "No content to map due to end-of-input",
                line,
                column,
            )
        # Jackson reports the missing close marker where it looks for the next token at the top of nextToken()
        # (right after "{", or after a value); inside an entry (after a name, a colon or a comma) it is
        # "within/between" (measured on 28.0.0 and 33.0.0: "{" gives the close marker at column 2).
        at_token_start = exc.msg.startswith("Expecting ',' delimiter") or (
            exc.msg.startswith("Expecting property name") and text[:pos].rstrip().endswith("{")
        )
        if kind == "Object" and not at_token_start:
            return JacksonParseError(eof, "Unexpected end-of-input within/between Object entries", line, column)
        start_line, start_column = _line_column(text, innermost[1])
        marker = _SOURCE.format(line=start_line, column=start_column)
        return JacksonParseError(
            eof, f"Unexpected end-of-input: expected close marker for {kind} (start marker at {marker})", line, column
        )
    ch = text[pos]
    unexpected = f"Unexpected character ({_describe(ch)})"
    if exc.msg.startswith("Expecting property name"):
        message = f"{unexpected}: was expecting double-quote to start field name"
    elif exc.msg.startswith("Expecting ':' delimiter"):
        message = f"{unexpected}: was expecting a colon to separate field name and value"
    elif exc.msg.startswith("Expecting ',' delimiter"):
        message = f"{unexpected}: was expecting comma to separate {kind} entries"
    elif exc.msg.startswith("Invalid control character"):
        message = (
            f"Illegal unquoted character ((CTRL-CHAR, code {ord(ch)})): has to be escaped using backslash to be "
            "included in string value"
        )
    elif exc.msg.startswith("Invalid \\escape") or exc.msg.startswith("Invalid \\uXXXX"):
        bad = text[pos + 1] if pos + 1 < len(text) else ch
        message = f"Unrecognized character escape {_describe(bad)}"
    elif ch.isalpha():
        token = re.match(r"[A-Za-z0-9_$.+-]+", text[pos:])
        word = token.group(0) if token else ch
        message = f"Unrecognized token '{word}': was expecting {_EXPECTED_VALUE}"
        column += len(word) - 1
    else:
        message = f"{unexpected}: expected a valid value {_EXPECTED_VALUE}"
    return JacksonParseError(parse, message, line, column + 1)


def _describe(ch: str) -> str:
    """Jackson's ``_getCharDesc``: ``'x' (code 120)``, or ``(CTRL-CHAR, code 10)`` for a control character."""
    code = ord(ch)
    if code < 32:
        return f"(CTRL-CHAR, code {code})"
    if code > 255:
        return f"'{ch}' (code {code} / 0x{code:x})"
    return f"'{ch}' (code {code})"


# ---------------------------------------------------------------------- token locations


def source(line: int, column: int) -> str:
    """Jackson's location text for the request body Druid's Jetty hands it."""
    return _SOURCE.format(line=line, column=column)


class _Scanner:
    """A position-tracking walk over one JSON document Python already parsed (so it is well formed).

    Positions count as Jackson's ``UTF8StreamJsonParser`` does (measured on Druid 28.0.0): the line is 1-based and
    advances at ``\\n``, at ``\\r`` and once at ``\\r\\n``; the column is 1-based and counts **bytes** of UTF-8 from
    the line's start (``{"x":"é","k":5}`` puts the ``5`` at column 15, not 14).
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self.line = 1
        self.row_start = 0

    def here(self) -> tuple[int, int]:
        return self.line, self.pos - self.row_start + 1

    def skip_ws(self) -> None:
        data = self.data
        while self.pos < len(data):
            ch = data[self.pos]
            if ch in b" \t":
                self.pos += 1
            elif ch in b"\r\n":
                self.pos += 2 if data[self.pos : self.pos + 2] == b"\r\n" else 1
                self.line += 1
                self.row_start = self.pos
            else:
                return

    def string(self) -> bytes:
        """Consume a string token; returns its raw bytes, quotes included."""
        start = self.pos
        self.pos += 1
        while self.data[self.pos] != 0x22:  # '"'
            self.pos += 2 if self.data[self.pos] == 0x5C else 1  # a backslash escapes the next byte
        self.pos += 1
        return self.data[start : self.pos]

    def value(self) -> None:
        """Consume one value (the scanner stands on its first byte)."""
        ch = self.data[self.pos : self.pos + 1]
        if ch == b'"':
            self.string()
        elif ch in (b"[", b"{"):
            self.members(None)
        else:
            while self.pos < len(self.data) and self.data[self.pos] not in b",]} \t\r\n":
                self.pos += 1

    def members(self, target: str | int | None) -> bool:
        """Walk the container the scanner stands on. With a ``target`` key or index, stop on that member's value
        (True); else (or when it is absent) consume the container, closing bracket included (False)."""
        is_object = self.data[self.pos] == 0x7B  # '{'
        self.pos += 1
        index = 0
        while True:
            self.skip_ws()
            if self.data[self.pos] in b"]}":
                if target is None:
                    self.pos += 1
                return False
            if self.data[self.pos] == 0x2C:  # ','
                self.pos += 1
                continue
            if is_object:
                key = json.loads(self.string())
                self.skip_ws()
                self.pos += 1  # ':'
                self.skip_ws()
                if key == target:
                    return True
            elif index == target:
                return True
            self.value()
            index += 1


def locate(data: bytes, path: tuple[str | int, ...] = (), anchor: str = "start") -> tuple[int, int]:
    """Line and column of the token Jackson's parser stood on for a mapping error (:class:`fakedruid.errors.JsonAt`).

    :param data: the request body, which Python's parser read.
    :param path: object keys and array indexes to the value; a missing member stops at the closing bracket of the
        container that lacks it.
    :param anchor: ``"start"``, the value's first token; ``"end"``, the closing bracket of a container value (a
        scalar's own token); ``"next"``, the token after the value (the next field name, or the closing bracket);
        ``"after"``, just past the value's last character (the parser's own errors on a number it has read, such as
        an int overflow).
    """
    scan = _Scanner(data)
    scan.skip_ws()
    for step in path:
        if scan.data[scan.pos : scan.pos + 1] not in (b"[", b"{") or not scan.members(step):
            return scan.here()
    if anchor == "start":
        return scan.here()
    if anchor == "end" and scan.data[scan.pos : scan.pos + 1] in (b"[", b"{"):
        scan.value()
        scan.pos -= 1
        return scan.here()
    if anchor == "after":
        scan.value()
        return scan.here()
    if anchor == "next":
        scan.value()
        scan.skip_ws()
        if scan.data[scan.pos : scan.pos + 1] == b",":
            scan.pos += 1
            scan.skip_ws()
    return scan.here()
