"""How JSON values are named in error messages: Jackson's wording for Druid's errors, plain words for the fake's.

Layer: model; imports only the stdlib.
"""

from __future__ import annotations

import json
from typing import Any


def token_name(value: Any) -> str:
    """The name of the ``JsonToken`` a JSON value starts with (``VALUE_NUMBER_INT``, ``START_OBJECT``, ...)."""
    if value is None:
        return "VALUE_NULL"
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int):
        return "VALUE_NUMBER_INT"
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT"
    if isinstance(value, str):
        return "VALUE_STRING"
    return "START_ARRAY" if isinstance(value, list) else "START_OBJECT"


_TOKEN_WORDS = {
    "VALUE_NULL": "Null",
    "VALUE_TRUE": "Boolean",
    "VALUE_FALSE": "Boolean",
    "VALUE_NUMBER_INT": "Integer",
    "VALUE_NUMBER_FLOAT": "Floating-point",
    "VALUE_STRING": "String",
    "START_ARRAY": "Array",
    "START_OBJECT": "Object",
}


def jackson_token(value: Any) -> str:
    """Jackson 2's description of the token it found, as in ``Cannot deserialize ... from <this>``.

    Measured on Druid 28.0.0, 33.0.0 and 37.0.0 (Jackson 2.12 and 2.20 word it alike).
    """
    name = token_name(value)
    return f"{_TOKEN_WORDS[name]} value (token `JsonToken.{name}`)"


def cannot_deserialize(java_type: str, value: Any) -> str:
    """Jackson's ``Cannot deserialize value of type `<java_type>` from <token>`` (a mapping error)."""
    return f"Cannot deserialize value of type `{java_type}` from {jackson_token(value)}"


class JsonFloat(float):
    """A JSON number with a fraction or an exponent that keeps the text it was written as (``json.loads``'s
    ``parse_float``), for the messages that quote Jackson's ``getText()`` of the token (``1e20``, not ``1e+20``)."""

    text: str

    def __new__(cls, text: str) -> JsonFloat:
        value = super().__new__(cls, text)
        value.text = text
        return value


def number_text(value: float) -> str:
    """A JSON number as written: a :class:`JsonFloat`'s text, an integer's digits, else Python's ``repr``."""
    return getattr(value, "text", None) or repr(value)


def describe(value: Any) -> str:
    """A short description of a JSON value for the fake's own messages: its type and, when short, the value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean [{json.dumps(value)}]"
    if isinstance(value, (int, float)):
        return f"a number [{value!r}]"
    if isinstance(value, str):
        return f"a string [{value}]" if len(value) <= 80 else "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


_INT_RANGE = (-(2**31), 2**31 - 1)
_LONG_RANGE = (-(2**63), 2**63 - 1)


def java_double_text(value: float) -> str:
    """Java's ``Double.toString``: ``1.0E10``, ``1.0E-5``, ``100.0``, ``Infinity`` (JDK 19+, Raffaello Giulietti's
    shortest-digits algorithm; JDK 17's older one gives more digits for a few values).

    Plain notation for 10^-3 <= |value| < 10^7, else one digit, a point and the exponent; at least two significant
    digits are kept when the shortest has one (``4.9E-324`` for the smallest double, as Java prints it).
    """
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if str(value).startswith("-") else "0.0"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    digits, exponent = _shortest_digits(magnitude)
    if len(digits) == 1:
        # Double.toString's spec: a one-digit shortest decimal is replaced by the closest two-digit one.
        two, two_exp = _closest_two_digits(magnitude)
        if two[1] != "0":
            digits, exponent = two, two_exp
    # value = 0.d1d2... x 10^exponent, i.e. d1.d2... x 10^(exponent - 1)
    if 1e-3 <= magnitude < 1e7:
        if exponent > 0:
            whole = digits[:exponent].ljust(exponent, "0")
            fraction = digits[exponent:] or "0"
        else:
            whole, fraction = "0", "0" * -exponent + digits
        return f"{sign}{whole}.{fraction}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent - 1}"


def _shortest_digits(magnitude: float) -> tuple[str, int]:
    """Python's shortest round-trip digits of a positive double, and the exponent e with value = 0.digits x 10^e."""
    mantissa, _, exp = f"{magnitude!r}".replace("e", "E").partition("E")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) - (len(whole + fraction) - len((whole + fraction).lstrip("0")))
    exponent = point + (int(exp) if exp else 0)
    return digits.rstrip("0") or "0", exponent


def _closest_two_digits(magnitude: float) -> tuple[str, int]:
    mantissa, _, exp = f"{magnitude:.1e}".partition("e")
    return mantissa.replace(".", ""), int(exp) + 1


#: What Java's ``String.trim`` removes from both ends: every character <= U+0020.
_JAVA_TRIMMED = "".join(chr(c) for c in range(0x21))


def java_trim(text: str) -> str:
    """Java's ``String.trim()``: strips every character up to U+0020 from both ends."""
    return text.strip(_JAVA_TRIMMED)


def bean_from_non_object(java_type: str, value: Any) -> str:
    """Jackson's error for a JSON value that is not an object where a bean built by a properties-based
    ``@JsonCreator`` is expected.

    ``BeanDeserializerBase.deserializeFromNumber``/``String``/``Boolean`` ask the value instantiator for a
    one-argument creator of the token's kind; Druid's beans have none, so ``handleMissingInstantiator`` words it
    (measured on Druid 28.0.0 and 37.0.0 with markUsed bodies ``7``, ``2147483648``, ``1e400``, ``true``,
    ``"x"``, ``""``, ``"  "``; the Java number kinds follow the value's range). A blank string is the empty-String
    coercion error, other strings are trimmed as Java's ``String.trim`` does. An array is :func:`cannot_deserialize`'s
    ``Array value``.
    """
    if isinstance(value, bool):
        kind, found = "boolean/Boolean", f"boolean value ({'true' if value else 'false'})"
    elif isinstance(value, int):
        if _INT_RANGE[0] <= value <= _INT_RANGE[1]:
            kind = "int/Int"
        elif _LONG_RANGE[0] <= value <= _LONG_RANGE[1]:
            kind = "long/Long"
        else:
            kind = "BigInteger"
        found = f"Number value ({value})"
    elif isinstance(value, float):
        kind, found = "double/Double", f"Number value ({java_double_text(value)})"
    elif isinstance(value, str):
        # BeanDeserializerBase.deserializeFromString reads the trimmed text (measured: " x " is 'x').
        text = java_trim(value)
        if not text:
            return (
                f'Cannot coerce empty String ("") to `{java_type}` value (but could if coercion was enabled using '
                "`CoercionConfig`)"
            )
        kind, found = "String", f"String value ('{text}')"
    else:
        return cannot_deserialize(java_type, value)
    return (
        f"Cannot construct instance of `{java_type}` (although at least one Creator exists): no {kind}-argument "
        f"constructor/factory method to deserialize from {found}"
    )
