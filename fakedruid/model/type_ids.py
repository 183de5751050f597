"""Jackson's wrapper-array form of a polymorphic value: ``["kill", {...}]`` for a task, ``["loadForever"]`` for a rule.

Druid's ``Task`` and ``Rule`` carry their type in a ``type`` property (``@JsonTypeInfo(use = NAME, property =
"type")``). Given an array instead of an object, Jackson's ``AsPropertyTypeDeserializer`` falls back to
``AsArrayTypeDeserializer``: the first element is the type id, the second the value (an object read without its
``type``), and the array must end there. ``["loadForever"]`` (no value) is a null rule. Measured on Druid 28.0.0
(Jackson 2.12) and 37.0.0 (Jackson 2.20) with ``POST /druid/indexer/v1/task`` and ``POST /rules/{ds}``.

Layer: model; imports only the stdlib, ``fakedruid.errors`` and ``fakedruid.model.json_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fakedruid.errors import JacksonMappingProblem, JsonAt
from fakedruid.model.json_text import token_name


@dataclass(frozen=True)
class Wrapped:
    """A wrapper array whose type id token was read."""

    #: The type id as Jackson read it (a number's or boolean's text with ``jackson_220``).
    type_id: str
    #: The array's elements: ``[type_id, value?, extra...]``.
    elements: list[Any]

    @property
    def has_value(self) -> bool:
        """Whether a value follows the type id (``["loadForever"]`` has none: Jackson reads null)."""
        return len(self.elements) > 1

    @property
    def value(self) -> Any:
        return self.elements[1]

    def after_type_id(self) -> JsonAt:
        """Where the parser stands once it has read the type id: an unknown type id is located there (measured on
        28.0.0: ``["nope", {}]`` on the ``{``, ``["nope"]`` on the ``]``)."""
        return JsonAt((1,)) if self.has_value else JsonAt((), "end")

    def check_end(self, jackson_220: bool) -> None:
        """After the value: the array must close (``AsArrayTypeDeserializer._deserialize``).

        :raises JacksonMappingProblem: an element after the value, located on it.
        """
        if len(self.elements) > 2:
            closing = "`JsonToken.END_ARRAY`" if jackson_220 else "END_ARRAY"
            raise JacksonMappingProblem(
                f"Unexpected token ({token_name(self.elements[2])}), expected END_ARRAY: expected closing {closing} "
                "after type information and deserialized value",
                at=JsonAt((2,)),
            )


def read_wrapper(array: list[Any], base_class: str, *, jackson_220: bool) -> Wrapped:
    """Read the type id of a wrapper array (``AsArrayTypeDeserializer._locateTypeId``).

    :param base_class: the polymorphic base type, for the message (``org.apache.druid.server.coordinator.rules.Rule``).
    :param jackson_220: Jackson 2.20 (profile switch ``jackson_220_wording``) takes a number, boolean or null
        token's text as the type id; Jackson 2.12 wants a string.
    :raises JacksonMappingProblem: an empty array or a type id token Jackson does not take, located there.
    """
    need = "String, Number of Boolean value" if jackson_220 else "JSON String"

    def refused(token: str, at: JsonAt) -> JacksonMappingProblem:
        return JacksonMappingProblem(
            f"Unexpected token ({token}), expected VALUE_STRING: need {need} that contains type id (for subtype of "
            f"{base_class})",
            at=at,
        )

    if not array:
        raise refused("END_ARRAY", JsonAt((), "end"))
    first = array[0]
    if isinstance(first, str):
        return Wrapped(first, array)
    if jackson_220 and not isinstance(first, (dict, list)):
        # The token's text: JSON's spelling of true, false, null and a number (Python's for a float: 1.5, not 1.50).
        text = "null" if first is None else ("true" if first is True else "false" if first is False else repr(first))
        return Wrapped(text, array)
    raise refused(token_name(first), JsonAt((0,)))


def within(error: JacksonMappingProblem, index: int) -> JsonAt | None:
    """The location of an error raised while reading element ``index`` of the wrapper array."""
    if error.at is None:
        return None
    return JsonAt((index, *error.at.path), error.at.anchor)
