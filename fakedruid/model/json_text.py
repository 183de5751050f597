"""How JSON values are named in error messages: Jackson's wording for Druid's errors, plain words for the fake's.

Layer: model; imports only the stdlib.
"""

from __future__ import annotations

import json
from typing import Any


def jackson_token(value: Any) -> str:
    """Jackson 2's description of the token it found, as in ``Cannot deserialize ... from <this>``.

    The wording is Jackson's; which Druid versions print exactly this is UNCONFIRMED.
    """
    if value is None:
        return "Null value (token `JsonToken.VALUE_NULL`)"
    if isinstance(value, bool):
        return f"Boolean value (token `JsonToken.VALUE_{'TRUE' if value else 'FALSE'}`)"
    if isinstance(value, int):
        return "Integer value (token `JsonToken.VALUE_NUMBER_INT`)"
    if isinstance(value, float):
        return "Floating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)"
    if isinstance(value, str):
        return "String value (token `JsonToken.VALUE_STRING`)"
    if isinstance(value, list):
        return "Array value (token `JsonToken.START_ARRAY`)"
    return "Object value (token `JsonToken.START_OBJECT`)"


def cannot_deserialize(java_type: str, value: Any) -> str:
    """Jackson's ``Cannot deserialize value of type `<java_type>` from <token>`` (a mapping error)."""
    return f"Cannot deserialize value of type `{java_type}` from {jackson_token(value)}"


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
