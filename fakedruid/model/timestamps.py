"""Row timestamps as an ingestion ``timestampSpec`` reads them (``TimestampSpec`` and ``TimestampParser``).

Layer: model; imports only the stdlib. Formats: ``auto`` (all digits are epoch milliseconds, anything else an ISO
date with ``T`` or a space before the time), ``iso``, ``millis``, ``posix``, ``micro``, ``nano``, ``ruby`` and
Joda-Time ``DateTimeFormat`` patterns (``java/util/common/parsers/TimestampParser.java``). Pattern letters
supported: ``y Y M d H h k K m s S a Z E D`` and quoted literals; others raise
:class:`~fakedruid.errors.NotImplementedByFake` when the spec is read. Zone ids other than UTC are not
implemented either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from fakedruid.errors import InvalidInstant, NotImplementedByFake
from fakedruid.model.intervals import (
    MS_PER_DAY,
    MS_PER_HOUR,
    MS_PER_MINUTE,
    MS_PER_SECOND,
    days_from_civil,
    parse_instant,
)

_NAMED_FORMATS = ("auto", "iso", "millis", "posix", "micro", "nano", "ruby")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SUPPORTED_LETTERS = set("yYMdHhkKmsSaZED")


class UnparseableTimestamp(ValueError):
    """A value the timestamp format cannot read (the planner counts the row as unparseable)."""


@dataclass(frozen=True, slots=True)
class _Token:
    letter: str  # "" for a literal
    count: int
    text: str = ""

    @property
    def numeric(self) -> bool:
        return self.letter in "yYdHhkKmsSD" or (self.letter == "M" and self.count < 3)


def _tokenize(pattern: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "'":
            j = pattern.find("'", i + 1)
            if j < 0:
                raise NotImplementedByFake(f"timestamp format [{pattern}]: unterminated quote")
            tokens.append(_Token("", 0, "'" if j == i + 1 else pattern[i + 1 : j]))
            i = j + 1
        elif c.isalpha():
            j = i
            while j < len(pattern) and pattern[j] == c:
                j += 1
            if c not in _SUPPORTED_LETTERS:
                raise NotImplementedByFake(f"timestamp format [{pattern}]: pattern letter [{c}] is not implemented")
            tokens.append(_Token(c, j - i))
            i = j
        else:
            tokens.append(_Token("", 0, c))
            i += 1
    return tokens


@dataclass(frozen=True, slots=True)
class TimestampSpec:
    """``TimestampSpec``: the column (default ``timestamp``), the format (default ``auto``), the missing value."""

    column: str = "timestamp"
    format: str = "auto"
    missing_value: int | None = None
    _tokens: tuple[_Token, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.format.lower() not in _NAMED_FORMATS:
            object.__setattr__(self, "_tokens", tuple(_tokenize(self.format)))

    def extract(self, row: dict[str, Any]) -> int | None:
        """``TimestampSpec.extractTimestamp``: the row's timestamp in UTC milliseconds, or None when absent.

        :raises UnparseableTimestamp: when the value is present but does not parse.
        """
        value = row.get(self.column)
        if value is None or value == "":
            return self.missing_value
        return parse_timestamp(value, self.format, self._tokens)


def parse_timestamp(value: Any, fmt: str, tokens: tuple[_Token, ...] = ()) -> int:
    """``TimestampParser.createObjectTimestampParser(fmt).apply(value)`` in UTC milliseconds.

    :raises UnparseableTimestamp: naming the value.
    """
    name = fmt.lower()
    if isinstance(value, (bool, dict, list)):
        raise UnparseableTimestamp(f"Unparseable timestamp [{value!r}]")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise UnparseableTimestamp(f"Unparseable timestamp [{value}]")
        if name in ("auto", "millis"):
            return int(value)
        if name == "posix":
            return int(value) * 1000
        if name == "micro":
            return int(value) // 1000
        if name == "nano":
            return int(value) // 1_000_000
        if name == "ruby":
            return int(float(value) * 1000)
        value = str(value)
    text = str(value)
    if name == "auto":
        return _parse_auto(text)
    if name == "iso":
        return _iso(text)
    if name in ("millis", "posix", "micro", "nano"):
        number = _java_long(text.strip('"'))
        return {"millis": number, "posix": number * 1000, "micro": number // 1000,
                "nano": number // 1_000_000}[name]
    if name == "ruby":
        try:
            return int(float(text) * 1000)
        except ValueError:
            raise UnparseableTimestamp(f"Unparseable timestamp [{text}]") from None
    return _parse_pattern(text, tokens or tuple(_tokenize(fmt)), fmt)


def _java_long(text: str) -> int:
    if not text or not (text.isascii() and text.lstrip("+-").isdigit()):
        raise UnparseableTimestamp(f'For input string: "{text}"')
    return int(text)


def _iso(text: str) -> int:
    try:
        return parse_instant(text)
    except InvalidInstant as exc:
        raise UnparseableTimestamp(exc.message) from None


def _parse_auto(text: str) -> int:
    if text and all("0" <= c <= "9" for c in text):
        return int(text)
    text = text.strip('"')
    # createAutoParser: an ISO date, then optionally 'T' or ' ' and an ISO time and offset.
    date_end = 10 if len(text) > 10 and text[10] == " " else -1
    if date_end > 0:
        text = text[:date_end] + "T" + text[date_end + 1 :]
    return _iso(text.removesuffix(" UTC"))


def _parse_pattern(text: str, tokens: tuple[_Token, ...], fmt: str) -> int:
    fields: dict[str, int] = {}
    pos = 0
    offset = 0
    pm: bool | None = None

    def fail() -> UnparseableTimestamp:
        return UnparseableTimestamp(f'Invalid format: "{text}" is malformed at "{text[pos:]}"')

    for index, tok in enumerate(tokens):
        if tok.letter == "":
            if not text.startswith(tok.text, pos):
                raise fail()
            pos += len(tok.text)
            continue
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if tok.numeric:
            fixed = nxt is not None and nxt.letter != "" and nxt.numeric
            if tok.letter == "S":
                width = tok.count if fixed else 9
            elif fixed:
                width = tok.count
            else:
                width = 9 if tok.letter in "yYD" else max(tok.count, 2)
            sign = 1
            if tok.letter in "yY" and pos < len(text) and text[pos] in "+-":
                sign = -1 if text[pos] == "-" else 1
                pos += 1
            start = pos
            while pos < len(text) and pos - start < width and "0" <= text[pos] <= "9":
                pos += 1
            if pos == start:
                raise fail()
            digits = text[start:pos]
            if tok.letter == "S":
                fields["S"] = int((digits + "000")[:3])
            elif tok.letter in "yY" and tok.count == 2 and len(digits) == 2:
                fields["y"] = 2000 + int(digits) if int(digits) < 50 else 1900 + int(digits)
            else:
                fields["y" if tok.letter == "Y" else tok.letter] = sign * int(digits)
        elif tok.letter == "M":
            low = text[pos:].lower()
            for i, month_name in enumerate(_MONTHS):
                for candidate in (month_name, month_name[:3]):
                    if low.startswith(candidate):
                        fields["M"] = i + 1
                        pos += len(candidate)
                        break
                if "M" in fields:
                    break
            else:
                raise fail()
        elif tok.letter == "E":
            low = text[pos:].lower()
            for day_name in _DAYS:
                hit = next((c for c in (day_name, day_name[:3]) if low.startswith(c)), None)
                if hit:
                    pos += len(hit)
                    break
            else:
                raise fail()
        elif tok.letter == "a":
            low = text[pos : pos + 2].lower()
            if low not in ("am", "pm"):
                raise fail()
            pm = low == "pm"
            pos += 2
        elif tok.letter == "Z":
            if text.startswith("Z", pos):
                pos += 1
                continue
            if text.startswith("UTC", pos):
                pos += 3
                continue
            if pos >= len(text) or text[pos] not in "+-":
                raise fail()
            sign = -1 if text[pos] == "-" else 1
            pos += 1
            hh = text[pos : pos + 2]
            pos += 2
            if text.startswith(":", pos):
                pos += 1
            minutes = text[pos : pos + 2]
            pos += 2
            if not (hh.isdigit() and minutes.isdigit()):
                raise fail()
            offset = sign * (int(hh) * MS_PER_HOUR + int(minutes) * MS_PER_MINUTE)
    if pos != len(text):
        raise fail()
    year = fields.get("y", 1970)
    month = fields.get("M", 1)
    day = fields.get("d", 1)
    hour = fields.get("H", fields.get("k", 0) % 24)
    if "h" in fields or "K" in fields:
        hour = fields.get("h", fields.get("K", 0)) % 12 + (12 if pm else 0)
    if not (1 <= month <= 12 and 1 <= day <= 31 and 0 <= hour < 24 and fields.get("m", 0) < 60
            and fields.get("s", 0) < 60):
        raise UnparseableTimestamp(f'Cannot parse "{text}": Value out of range for pattern [{fmt}]')
    days = days_from_civil(year, month, day) if "D" not in fields else days_from_civil(year, 1, 1) + fields["D"] - 1
    return (days * MS_PER_DAY + hour * MS_PER_HOUR + fields.get("m", 0) * MS_PER_MINUTE
            + fields.get("s", 0) * MS_PER_SECOND + fields.get("S", 0) - offset)
