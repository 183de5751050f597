"""Retention rules: the ten rule types, their JSON, and the per-datasource rule store with its audit history.

Layer: model; imports only the stdlib (and ``fakedruid.errors``, ``fakedruid.model.intervals``,
``fakedruid.model.audit``); never Flask, pytest or hypothesis. Rule audit entries are
:class:`~fakedruid.model.audit.AuditEntry` objects of type ``rules``. Semantics: semantics.md section 6; JSON
forms, validation and history: http-api.md sections 4.3 to 4.5. Rule classes live in Druid's
``server/src/main/java/org/apache/druid/server/coordinator/rules/``. The JSON codec lives here (like
``segments.py``) because the public Python API and the state files take the same JSON as the HTTP API.

Validation errors are :class:`~fakedruid.errors.InvalidRule` with an extra attribute ``kind``:
``"null_list"`` (``Rules cannot be null.``), ``"empty_default"`` (``Cluster-level rules cannot be empty.``),
``"limit"`` (``Limit must be greater than zero!``) or ``"mapping"`` (anything Druid reports while reading the
JSON, which it answers as a Jackson mapping error), so that the HTTP layer can choose the body.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias

from fakedruid.errors import (
    InvalidInterval,
    InvalidPeriod,
    InvalidRule,
    JacksonMappingProblem,
    JsonAt,
)
from fakedruid.model.audit import AUDIT_TYPE_RULES, AuditEntry, AuditLog, payload_text
from fakedruid.model.intervals import (
    MS_PER_DAY,
    Interval,
    Period,
    add_period,
    parse_interval,
    parse_period,
)
from fakedruid.model.json_text import (
    bean_from_non_object,
    cannot_deserialize,
    jackson_token,
    java_trim,
    number_text,
)
from fakedruid.model.type_ids import read_wrapper, within

#: ``DruidServer.DEFAULT_TIER``.
DEFAULT_TIER = "_default_tier"
#: ``DruidServer.DEFAULT_NUM_REPLICANTS``.
DEFAULT_NUM_REPLICANTS = 2
#: ``druid.manager.rules.defaultRule``.
DEFAULT_RULES_KEY = "_default"
#: ``druid.audit.manager.auditHistoryMillis`` (1 week): the default window of rule history queries.
AUDIT_HISTORY_MILLIS = 7 * MS_PER_DAY
#: ``druid.service`` of a Coordinator, named in the unknown-type message.
COORDINATOR_SERVICE = "druid/coordinator"

_RULE_JAVA_TYPE = "org.apache.druid.server.coordinator.rules.Rule"

# --- Errors -----------------------------------------------------------------------------------------------


def _invalid(message: str, kind: str = "mapping", *, at: JsonAt | None = None) -> InvalidRule:
    return InvalidRule(message, kind, at=at)


# --- Rule classes -----------------------------------------------------------------------------------------


def _window_start(now: int, period: Period | None) -> int:
    # Joda ``new Interval(period, now)``: start = now minus the period, field by field (semantics 4.2). A null
    # period (a rule stored without one, as Druid stores it) adds nothing: Joda's BaseInterval(ReadablePeriod,
    # ReadableInstant) and DateTime.minus(ReadablePeriod) treat null as zero, so such a rule never fails.
    return now if period is None else add_period(now, period, -1)


class RuleNullPointer(Exception):
    """Java's ``NullPointerException`` when Druid's first-match loop calls ``appliesTo`` on a null rule entry or
    on an interval rule stored without its interval; ``str()`` is the exception's ``toString()``."""


def _interval_npe(call: str, variable: str) -> RuleNullPointer:
    # JDK 17's helpful NullPointerException text; Druid's classes carry their local variable names (the null
    # rule's message, measured, names "rule"). Derived from the source, not measured: IntervalLoadRule and
    # IntervalBroadcastDistributionRule call Rules.eligibleForLoad(interval, theInterval), which calls
    # src.overlaps(target); IntervalDropRule calls interval.contains(theInterval).
    return RuleNullPointer(
        f'java.lang.NullPointerException: Cannot invoke "org.joda.time.Interval.{call}(org.joda.time.ReadableInterval)"'
        f' because "{variable}" is null'
    )


class _Rule:
    """Behaviour shared by every rule type."""

    __slots__ = ()

    #: The JSON ``type``.
    type: ClassVar[str]

    @property
    def is_load(self) -> bool:
        """This is a load rule (``loadForever``, ``loadByInterval``, ``loadByPeriod``)."""
        return False

    @property
    def is_drop(self) -> bool:
        """This is a drop rule (``dropForever``, ``dropByInterval``, ``dropByPeriod``, ``dropBeforeByPeriod``)."""
        return False

    @property
    def is_broadcast(self) -> bool:
        """This is a broadcast rule (``broadcastForever``, ``broadcastByInterval``, ``broadcastByPeriod``)."""
        return False


class _LoadRule(_Rule):
    """``LoadRule``: a target replica count per tier."""

    __slots__ = ()

    tiered_replicants: dict[str, int]
    use_default_tier_for_null: bool

    @property
    def is_load(self) -> bool:
        """Always true for load rules."""
        return True

    @property
    def total_replicas(self) -> int:
        """The sum of the replica counts over every tier."""
        return sum(self.tiered_replicants.values())

    def _replicants_key(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(self.tiered_replicants.items()))


class _DropRule(_Rule):
    __slots__ = ()

    @property
    def is_drop(self) -> bool:
        """Always true for drop rules."""
        return True


class _BroadcastRule(_Rule):
    __slots__ = ()

    @property
    def is_broadcast(self) -> bool:
        """Always true for broadcast rules."""
        return True


def _tiered_replicants(value: Mapping[str, Any] | None, use_default_tier_for_null: bool) -> dict[str, int]:
    """``LoadRule.handleNullTieredReplicants`` then ``validateTieredReplicants`` (27+)."""
    if value is None:
        return {DEFAULT_TIER: DEFAULT_NUM_REPLICANTS} if use_default_tier_for_null else {}
    out: dict[str, int] = {}
    for tier, count in value.items():
        if count is None:
            raise _invalid(f"Invalid number of replicas for tier [{tier}]. Value must not be null.")
        if isinstance(count, bool) or not isinstance(count, int):
            raise _invalid(
                f"Cannot deserialize value of type `java.lang.Integer` from {jackson_token(count)} "
                f"(replica count of tier [{tier}])"
            )
        if count < 0:
            raise _invalid(f"Invalid number of replicas for tier [{tier}]. Value [{count}] must be positive.")
        out[str(tier)] = count
    return out


@dataclass(frozen=True, slots=True, init=False)
class LoadForever(_LoadRule):
    """``loadForever`` (``ForeverLoadRule``): applies to every interval.

    :param tiered_replicants: replicas per tier; ``None`` means ``{"_default_tier": 2}``, or ``{}`` when
        ``use_default_tier_for_null`` is false.
    :raises InvalidRule: for a negative or null replica count.
    """

    type: ClassVar[str] = "loadForever"
    tiered_replicants: dict[str, int]
    use_default_tier_for_null: bool

    def __init__(
        self, tiered_replicants: Mapping[str, int] | None = None, use_default_tier_for_null: bool = True
    ) -> None:
        object.__setattr__(self, "tiered_replicants", _tiered_replicants(tiered_replicants, use_default_tier_for_null))
        object.__setattr__(self, "use_default_tier_for_null", use_default_tier_for_null)

    def __hash__(self) -> int:
        return hash((self.type, self._replicants_key(), self.use_default_tier_for_null))

    def applies_to(self, interval: Interval, now: int) -> bool:
        """Always true."""
        return True


@dataclass(frozen=True, slots=True, init=False)
class LoadByInterval(_LoadRule):
    """``loadByInterval`` (``IntervalLoadRule``): applies when the rule's interval overlaps the segment's.

    :raises InvalidRule: for a negative or null replica count.
    """

    type: ClassVar[str] = "loadByInterval"
    interval: Interval | None
    tiered_replicants: dict[str, int]
    use_default_tier_for_null: bool

    def __init__(
        self,
        interval: Interval | None,
        tiered_replicants: Mapping[str, int] | None = None,
        use_default_tier_for_null: bool = True,
    ) -> None:
        object.__setattr__(self, "interval", interval)
        object.__setattr__(self, "tiered_replicants", _tiered_replicants(tiered_replicants, use_default_tier_for_null))
        object.__setattr__(self, "use_default_tier_for_null", use_default_tier_for_null)

    def __hash__(self) -> int:
        return hash((self.type, self.interval, self._replicants_key(), self.use_default_tier_for_null))

    def applies_to(self, interval: Interval, now: int) -> bool:
        """``rule.interval.overlaps(interval)`` (abutting intervals do not overlap).

        :raises RuleNullPointer: the rule has no interval.
        """
        if self.interval is None:
            raise _interval_npe("overlaps", "src")
        return self.interval.overlaps(interval)


@dataclass(frozen=True, slots=True, init=False)
class LoadByPeriod(_LoadRule):
    """``loadByPeriod`` (``PeriodLoadRule``), with ``W = [now - period, now)``.

    With ``include_future`` (the default): applies when ``W.start < interval.end``; without: when ``W``
    overlaps the interval.

    :raises InvalidRule: for a negative or null replica count.
    """

    type: ClassVar[str] = "loadByPeriod"
    period: Period | None
    include_future: bool
    tiered_replicants: dict[str, int]
    use_default_tier_for_null: bool

    def __init__(
        self,
        period: Period | None,
        include_future: bool = True,
        tiered_replicants: Mapping[str, int] | None = None,
        use_default_tier_for_null: bool = True,
    ) -> None:
        object.__setattr__(self, "period", period)
        object.__setattr__(self, "include_future", include_future)
        object.__setattr__(self, "tiered_replicants", _tiered_replicants(tiered_replicants, use_default_tier_for_null))
        object.__setattr__(self, "use_default_tier_for_null", use_default_tier_for_null)

    def __hash__(self) -> int:
        return hash(
            (self.type, self.period, self.include_future, self._replicants_key(), self.use_default_tier_for_null)
        )

    def applies_to(self, interval: Interval, now: int) -> bool:
        """``Rules.eligibleForLoad(period, interval, now, includeFuture)``."""
        return _eligible_for_load(self.period, self.include_future, interval, now)


def _eligible_for_load(period: Period | None, include_future: bool, interval: Interval, now: int) -> bool:
    start = _window_start(now, period)
    if include_future:
        return start < interval.end
    return Interval(start, now).overlaps(interval)


@dataclass(frozen=True, slots=True)
class DropForever(_DropRule):
    """``dropForever`` (``ForeverDropRule``): applies to every interval."""

    type: ClassVar[str] = "dropForever"

    def applies_to(self, interval: Interval, now: int) -> bool:
        """Always true."""
        return True


@dataclass(frozen=True, slots=True)
class DropByInterval(_DropRule):
    """``dropByInterval`` (``IntervalDropRule``): applies when the rule's interval **contains** the segment's."""

    type: ClassVar[str] = "dropByInterval"
    interval: Interval | None

    def applies_to(self, interval: Interval, now: int) -> bool:
        """``rule.interval.contains(interval)`` (the segment may end exactly at the rule's end).

        :raises RuleNullPointer: the rule has no interval.
        """
        if self.interval is None:
            raise _interval_npe("contains", "this.interval")
        return self.interval.contains(interval)


@dataclass(frozen=True, slots=True)
class DropByPeriod(_DropRule):
    """``dropByPeriod`` (``PeriodDropRule``), with ``W = [now - period, now)``.

    With ``include_future`` (the default): applies when ``W.start <= interval.start`` (not an overlap test);
    without: when ``W`` contains the interval.
    """

    type: ClassVar[str] = "dropByPeriod"
    period: Period | None
    include_future: bool = True

    def applies_to(self, interval: Interval, now: int) -> bool:
        """As ``PeriodDropRule.appliesTo``."""
        start = _window_start(now, self.period)
        if self.include_future:
            return start <= interval.start
        return Interval(start, now).contains(interval)


@dataclass(frozen=True, slots=True)
class DropBeforeByPeriod(_DropRule):
    """``dropBeforeByPeriod`` (``PeriodDropBeforeRule``): applies when ``interval.end <= now - period``."""

    type: ClassVar[str] = "dropBeforeByPeriod"
    period: Period | None

    def applies_to(self, interval: Interval, now: int) -> bool:
        """``interval.end <= now.minus(period)``."""
        return interval.end <= _window_start(now, self.period)


@dataclass(frozen=True, slots=True)
class BroadcastForever(_BroadcastRule):
    """``broadcastForever`` (``ForeverBroadcastDistributionRule``): applies to every interval."""

    type: ClassVar[str] = "broadcastForever"

    def applies_to(self, interval: Interval, now: int) -> bool:
        """Always true."""
        return True


@dataclass(frozen=True, slots=True)
class BroadcastByInterval(_BroadcastRule):
    """``broadcastByInterval`` (``IntervalBroadcastDistributionRule``): applies when the intervals overlap."""

    type: ClassVar[str] = "broadcastByInterval"
    interval: Interval | None

    def applies_to(self, interval: Interval, now: int) -> bool:
        """``rule.interval.overlaps(interval)``.

        :raises RuleNullPointer: the rule has no interval.
        """
        if self.interval is None:
            raise _interval_npe("overlaps", "src")
        return self.interval.overlaps(interval)


@dataclass(frozen=True, slots=True)
class BroadcastByPeriod(_BroadcastRule):
    """``broadcastByPeriod`` (``PeriodBroadcastDistributionRule``): as :class:`LoadByPeriod`."""

    type: ClassVar[str] = "broadcastByPeriod"
    period: Period | None
    include_future: bool = True

    def applies_to(self, interval: Interval, now: int) -> bool:
        """``Rules.eligibleForLoad(period, interval, now, includeFuture)``."""
        return _eligible_for_load(self.period, self.include_future, interval, now)


#: Any retention rule.
Rule: TypeAlias = (
    LoadForever
    | LoadByInterval
    | LoadByPeriod
    | DropForever
    | DropByInterval
    | DropByPeriod
    | DropBeforeByPeriod
    | BroadcastForever
    | BroadcastByInterval
    | BroadcastByPeriod
)
#: An entry of a stored rule list: a rule, or ``None`` for a JSON ``null``, which Druid's ``POST /rules/{ds}``
#: accepts and stores (Jackson reads a null element of a ``List<Rule>`` as null; ``RulesResource`` and
#: ``SQLMetadataRuleManager.overrideRule`` check only that the list is not null, and not empty for ``_default``:
#: measured on 28.0.0 and 37.0.0) and the Coordinator fails on later (:data:`NULL_RULE_ERROR`).
RuleEntry: TypeAlias = Rule | None
#: A load rule.
LoadRule: TypeAlias = LoadForever | LoadByInterval | LoadByPeriod
#: The load rule classes, for ``isinstance``.
LOAD_RULES = (LoadForever, LoadByInterval, LoadByPeriod)

_RULE_CLASSES: dict[str, type[Rule]] = {
    cls.type: cls
    for cls in (
        LoadForever,
        LoadByInterval,
        LoadByPeriod,
        DropForever,
        DropByInterval,
        DropByPeriod,
        DropBeforeByPeriod,
        BroadcastForever,
        BroadcastByInterval,
        BroadcastByPeriod,
    )
}
#: The JSON ``type`` of every rule the fake implements.
RULE_TYPES: tuple[str, ...] = tuple(_RULE_CLASSES)

#: The cluster default rules Druid inserts at startup (``SQLMetadataRuleManager.createDefaultRule``).
DEFAULT_RULES: list[Rule] = [LoadForever({DEFAULT_TIER: DEFAULT_NUM_REPLICANTS})]


#: What Java says when Druid calls ``rule.appliesTo(segment, now)`` on a null entry of a rule list (``RunRules``,
#: ``RunRules.java:98`` in 28.0.0's Coordinator log, JDK 17's helpful NullPointerException text). The interval
#: form (``DataSourcesResource.isHandOffComplete``) was measured on 28.0.0: ``Cannot invoke
#: "org.apache.druid.server.coordinator.rules.Rule.appliesTo(org.joda.time.Interval, org.joda.time.DateTime)"
#: because "rule" is null``.
NULL_RULE_ERROR = (
    'java.lang.NullPointerException: Cannot invoke "org.apache.druid.server.coordinator.rules.Rule.appliesTo('
    'org.apache.druid.timeline.DataSegment, org.joda.time.DateTime)" because "rule" is null'
)


def applies(rule: RuleEntry, interval: Interval, now: int) -> bool:
    """``rule.appliesTo(segment, now)`` as Druid's loops call it.

    :raises RuleNullPointer: ``rule`` is a null entry (:data:`NULL_RULE_ERROR`) or an interval rule without its
        interval.
    """
    if rule is None:
        raise RuleNullPointer(NULL_RULE_ERROR)
    return rule.applies_to(interval, now)


def _first_match(rules: Sequence[RuleEntry], interval: Interval, now: int) -> tuple[Rule | None, bool]:
    """Druid's first-match loop: the first rule that applies to ``interval``, and whether a rule failed before one
    did (``RunRules`` calls ``appliesTo`` on a null entry or an interval rule without its interval, and fails:
    :func:`applies`)."""
    for rule in rules:
        try:
            if applies(rule, interval, now):
                return rule, False
        except RuleNullPointer:
            return None, True
    return None, False


def reaches_null_rule(rules: Sequence[RuleEntry], interval: Interval, now: int) -> bool:
    """Druid's first-match loop over ``rules`` fails (:func:`applies`) before a rule that applies to ``interval``."""
    return _first_match(rules, interval, now)[1]


def first_matching_rule(rules: Sequence[RuleEntry], interval: Interval, now: int) -> Rule | None:
    """The first rule whose ``applies_to`` holds (semantics 6.3), or ``None``.

    A null entry met before that rule also gives ``None``: Druid's ``RunRules`` fails on it
    (:func:`reaches_null_rule`), so no rule runs for the segment and it is not loaded.

    :param rules: usually a datasource's rules followed by the default rules.
    """
    return _first_match(rules, interval, now)[0]


# --- JSON -------------------------------------------------------------------------------------------------


def unknown_type_message(
    type_id: str, *, service: str | None = COORDINATOR_SERVICE, known_type_ids: Iterable[str] | None = None
) -> str:
    """The message of Druid's ``DefaultObjectMapper`` problem handler for an unknown rule ``type``.

    Confirmed wording (``DefaultObjectMapper.java`` @ ``08d4eac2`` plus Jackson's ``known type ids`` suffix, as
    an embedded-cluster test in Druid shows for another base type).

    :param service: ``druid.service``; ``None`` leaves out the `` on '<service>' service`` part.
    :param known_type_ids: the type ids Druid knows; by default the ten the fake implements.
    """
    ids = sorted(RULE_TYPES if known_type_ids is None else known_type_ids)
    service_part = "" if service is None else f" on '{service}' service"
    return (
        f"Please make sure to load all the necessary extensions and jars with type '{type_id}'{service_part}. "
        f"Could not resolve type id '{type_id}' as a subtype of `{_RULE_JAVA_TYPE}` "
        f"known type ids = [{', '.join(ids)}]"
    )


class _InvalidValue(InvalidRule):
    """A rule field whose string Joda refuses: Jackson wraps the exception with the field's path, which
    :func:`rules_from_json` completes with the list index (measured on 28.0.0 and 33.0.0)."""

    def __init__(self, message: str, type_id: str, field: str) -> None:
        super().__init__(message)
        self.path = f'{_RULES_PACKAGE}.{_JAVA_CLASSES.get(type_id, type_id)}["{field}"]'


class _FieldProblem(InvalidRule):
    """A Jackson error on a token of a rule object: located (``at``, within the object), with ``ref``, the
    reference chain below the list index (``...PeriodLoadRule["tieredReplicants"]->java.util.LinkedHashMap["hot"]``;
    empty for a constructor's error, which Jackson chains to the list element only)."""

    def __init__(self, head: str, at: JsonAt, ref: str = "") -> None:
        super().__init__(head, at=at)
        self.ref = ref


_RULES_PACKAGE = "org.apache.druid.server.coordinator.rules"
#: The Java class of each rule type (``Rule.java``'s ``@JsonSubTypes``).
_JAVA_CLASSES = {
    "loadForever": "ForeverLoadRule",
    "dropForever": "ForeverDropRule",
    "broadcastForever": "ForeverBroadcastDistributionRule",
    "loadByInterval": "IntervalLoadRule",
    "loadByPeriod": "PeriodLoadRule",
    "dropByInterval": "IntervalDropRule",
    "dropByPeriod": "PeriodDropRule",
    "dropBeforeByPeriod": "PeriodDropBeforeRule",
    "broadcastByInterval": "IntervalBroadcastDistributionRule",
    "broadcastByPeriod": "PeriodBroadcastDistributionRule",
}
#: The ``@JsonCreator`` properties of each rule class, in the constructor's order (28.0.0 and 37.0.0). Jackson
#: reads an object's fields in document order, and builds the rule as soon as it has read the last of these
#: (so a constructor's error is located at the token after it), or at the closing ``}``.
_CREATOR_PROPERTIES: dict[str, tuple[str, ...]] = {
    "loadForever": ("tieredReplicants", "useDefaultTierForNull"),
    "loadByInterval": ("interval", "tieredReplicants", "useDefaultTierForNull"),
    "loadByPeriod": ("period", "includeFuture", "tieredReplicants", "useDefaultTierForNull"),
    "dropForever": (),
    "dropByInterval": ("interval",),
    "dropByPeriod": ("period", "includeFuture"),
    "dropBeforeByPeriod": ("period",),
    "broadcastForever": (),
    "broadcastByInterval": ("interval",),
    "broadcastByPeriod": ("period", "includeFuture"),
}
_REPLICAS_MAP = "java.util.LinkedHashMap<java.lang.String,java.lang.Integer>"
#: Java's ``int`` range.
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _token_text(value: Any) -> str:
    """Jackson's ``getText()`` of the token a value starts with (a number as written when the JSON decoder kept
    its text, :class:`fakedruid.model.json_text.JsonFloat`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "{" if isinstance(value, dict) else "["
    return number_text(value) if isinstance(value, (int, float)) else str(value)


def _interval_field(value: Any, type_id: str) -> Interval | None:
    # JodaStuff.IntervalDeserializer parses getText() of any token: 5 is interval text "5" (measured on 28.0.0:
    # "Format requires a '/' separator: 5", unlocated, chained to the field). A null stays null: Druid stores the
    # rule (measured on 28.0.0 and 37.0.0) and fails when it first applies it (RuleNullPointer).
    if value is None:
        return None
    try:
        return parse_interval(_token_text(value))
    except InvalidInterval as exc:
        raise _InvalidValue(exc.message, type_id, "interval") from exc


def _period_field(value: Any, type_id: str) -> Period | None:
    # A null period is stored (measured on 28.0.0 and 37.0.0) and counts as zero (_window_start).
    if value is None:
        return None
    if not isinstance(value, str):
        # Joda's PeriodDeserializer reads numbers and objects otherwise (measured on 28.0.0: 5 is accepted, {} is
        # "Don't know how to deserialize org.joda.time.Period using periodName ''"); see the README.
        raise _invalid(f"Cannot deserialize value of type `org.joda.time.Period` from {jackson_token(value)}")
    # jackson-datatype-joda's PeriodDeserializer trims the text, and reads an empty one as null (measured on
    # 28.0.0: "" and "  " are stored as null, " P1D " as P1D).
    text = java_trim(value)
    if not text:
        return None
    try:
        return parse_period(text)
    except InvalidPeriod as exc:
        raise _InvalidValue(exc.message, type_id, "period") from exc


def _blank_is_null(text: str, java_type: str, jackson_220: bool) -> str | None:
    """Jackson's coercion of a string to a scalar wrapper: ``""`` is null; a blank string is null from Jackson
    2.20 (Druid 37.0.0) and an error before (28.0.0, measured for ``Integer``); otherwise the trimmed text, or
    null for ``"null"``."""
    if text == "":
        return None
    trimmed = java_trim(text)
    if not trimmed:
        if jackson_220:
            return None
        raise ValueError(
            f"Cannot coerce blank String (all whitespace) to `{java_type}` value (but could if coercion was enabled "
            "using `CoercionConfig`)"
        )
    return None if trimmed == "null" else trimmed


def _java_int(text: str) -> int | None:
    # Integer.parseInt and Long.parseLong: an optional sign and decimal digits (Character.digit takes any Unicode
    # decimal digit, as Python's \d does; measured: "+4" and "\u0663" read, "3_0" and "0x10" do not).
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else None


def _replica_count(value: Any, where: JsonAt, ref: str, jackson_220: bool) -> int | None:
    """Jackson reading one ``Integer`` of ``tieredReplicants`` (measured on 28.0.0 and 37.0.0)."""
    if value is None:
        return None
    if isinstance(value, (bool, list, dict)):
        raise _FieldProblem(cannot_deserialize("java.lang.Integer", value), where, ref)
    if isinstance(value, (int, float)):
        # ACCEPT_FLOAT_AS_INT (on by default): a float is truncated toward zero; out of int's range, the parser's
        # own error, located just after the number and chained to the map, not its key.
        literal: float = value
        if literal != literal:  # NaN: Java's (int) cast gives 0
            return 0
        if literal < _INT_MIN or literal > _INT_MAX:
            raise _FieldProblem(
                f"Numeric value ({number_text(value)}) out of range of int ({_INT_MIN} - {_INT_MAX})",
                JsonAt(where.path, "after"),
                ref.rsplit("->", 1)[0],
            )
        return math.trunc(literal)
    # A string: Jackson 2.12 (28.0.0) words the parse through the primitive ``int``, 2.20 through ``Integer``.
    java_type = "java.lang.Integer" if jackson_220 else "int"
    text = _located_blank_is_null(value, "java.lang.Integer", jackson_220, where, ref)
    if text is None:
        return None
    number = _java_int(text)
    problem = f"not a valid `{java_type}` value"
    if number is not None and not _INT_MIN <= number <= _INT_MAX:
        # (Nine characters or fewer always fit an int.) Longer text Jackson parses as a long: out of an int's
        # range it names the overflow; out of a long's, Long.parseLong fails and the text is not valid.
        if -(2**63) <= number < 2**63:
            range_type = "`java.lang.Integer`" if jackson_220 else "int"
            problem = f"Overflow: numeric value ({text}) out of range of {range_type} ({_INT_MIN} -{_INT_MAX})"
        number = None
    if number is None:
        message = f'Cannot deserialize value of type `{java_type}` from String "{text}": {problem}'
        raise _FieldProblem(message, where, ref)
    return number


def _located_blank_is_null(value: str, java_type: str, jackson_220: bool, where: JsonAt, ref: str) -> str | None:
    """:func:`_blank_is_null`, its refusal located at the field."""
    try:
        return _blank_is_null(value, java_type, jackson_220)
    except ValueError as exc:
        raise _FieldProblem(str(exc), where, ref) from exc


def _tiers_field(value: Any, type_id: str, jackson_220: bool) -> dict[str, int | None] | None:
    """Jackson reading ``tieredReplicants``, a ``Map<String, Integer>`` (measured on 28.0.0 and 37.0.0)."""
    if value is None:
        return None
    ref = f'{_RULES_PACKAGE}.{_JAVA_CLASSES[type_id]}["tieredReplicants"]'
    where = JsonAt(("tieredReplicants",))
    if isinstance(value, str):
        if not java_trim(value):
            # Jackson 2.20 names the raw type (as for the HashSet of segmentIds, measured on 37.0.0).
            target = "java.util.LinkedHashMap" if jackson_220 else _REPLICAS_MAP
            raise _FieldProblem(
                f'Cannot coerce empty String ("") to element of `{target}` (but could if coercion was enabled '
                "using `CoercionConfig`)",
                where,
                ref,
            )
        raise _FieldProblem(
            "Cannot construct instance of `java.util.LinkedHashMap` (although at least one Creator exists): no "
            f"String-argument constructor/factory method to deserialize from String value ('{value}')",
            where,
            ref,
        )
    if not isinstance(value, dict):
        raise _FieldProblem(cannot_deserialize(_REPLICAS_MAP, value), where, ref)
    return {
        str(tier): _replica_count(
            count, JsonAt(("tieredReplicants", tier)), f'{ref}->java.util.LinkedHashMap["{tier}"]', jackson_220
        )
        for tier, count in value.items()
    }


def _bool_field(value: Any, type_id: str, key: str, jackson_220: bool) -> bool | None:
    """Jackson reading a ``Boolean`` creator property (measured on 28.0.0: ``"false"`` and ``0`` read as false)."""
    if value is None or isinstance(value, bool):
        return value
    where, ref = JsonAt((key,)), f'{_RULES_PACKAGE}.{_JAVA_CLASSES[type_id]}["{key}"]'
    if isinstance(value, int):
        return value != 0  # Jackson's int-to-boolean coercion: "0" is false, any other integer true
    if not isinstance(value, str):
        raise _FieldProblem(cannot_deserialize("java.lang.Boolean", value), where, ref)
    text = _located_blank_is_null(value, "java.lang.Boolean", jackson_220, where, ref)
    if text is None:
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    raise _FieldProblem(
        f'Cannot deserialize value of type `java.lang.Boolean` from String "{text}": only "true" or "false" '
        "recognized",
        where,
        ref,
    )


def rule_from_json(obj: Any, *, service: str | None = COORDINATOR_SERVICE, jackson_220: bool = False) -> Rule:
    """Read one rule from its JSON object, as Druid's ``Rule`` deserializer does.

    Defaults: ``includeFuture`` true; ``useDefaultTierForNull`` true; ``tieredReplicants`` per semantics 6.2.
    Unknown fields (including ``colocatedDataSources`` of old broadcast rules) are ignored.

    A missing or null ``interval`` or ``period`` is kept as None, as Druid stores it (measured on 28.0.0 and 37.0.0;
    the rule fails when it is applied, :func:`applies`, or counts as a zero period). Values are coerced as
    Jackson does: ``"3"`` and ``1.7`` are 3 and 1 replicas, ``"false"`` and ``0`` are false.

    :param service: ``druid.service`` for the unknown-type message.
    :param jackson_220: word errors as Jackson 2.20 does (profile switch ``jackson_220_wording``).
    :raises InvalidRule: (``kind`` ``"mapping"``) for an unknown or missing ``type``, a bad interval or period
        string, a null or negative replica count, or a value of the wrong JSON type.
    """
    missing_type = (
        f"Could not resolve subtype of [simple type, class {_RULE_JAVA_TYPE}]: missing type id property 'type'"
    )
    if isinstance(obj, list):
        raise _invalid(f"Cannot deserialize value of type `{_RULE_JAVA_TYPE}` from {jackson_token(obj)}", at=JsonAt())
    if not isinstance(obj, dict):
        # A scalar has no type id (measured on 28.0.0: [1], [true], ["x"]), located on its token.
        raise _invalid(missing_type, at=JsonAt())
    type_id = obj.get("type")
    if type_id is None:
        # Jackson looks for the type id through the whole object: its parser stands on the closing "}".
        raise _invalid(missing_type, at=JsonAt((), "end"))
    if not isinstance(type_id, str):
        type_id = json.dumps(type_id)
    if type_id not in _CREATOR_PROPERTIES:
        raise _invalid(
            unknown_type_message(type_id, service=service, known_type_ids=RULE_TYPES), at=JsonAt(("type",))
        )
    # Jackson reads the fields in document order: the first that fails is the error.
    creator = _CREATOR_PROPERTIES[type_id]
    fields: dict[str, Any] = {}
    for key, value in obj.items():
        if key in ("interval", "period") and key in creator:
            read = _interval_field if key == "interval" else _period_field
            fields[key] = read(value, type_id)
        elif key in ("includeFuture", "useDefaultTierForNull") and key in creator:
            fields[key] = _bool_field(value, type_id, key, jackson_220)
        elif key == "tieredReplicants" and key in creator:
            fields[key] = _tiers_field(value, type_id, jackson_220)
    include_future = fields.get("includeFuture")
    include_future = True if include_future is None else include_future
    if type_id in ("loadForever", "loadByInterval", "loadByPeriod"):
        use_default = fields.get("useDefaultTierForNull")
        use_default = True if use_default is None else use_default
        tiers = fields.get("tieredReplicants")
        try:
            if type_id == "loadForever":
                return LoadForever(tiers, use_default)  # a None count is refused there
            if type_id == "loadByInterval":
                return LoadByInterval(fields.get("interval"), tiers, use_default)
            return LoadByPeriod(fields.get("period"), include_future, tiers, use_default)
        except InvalidRule as exc:
            # LoadRule.validateTieredReplicants throws inside the @JsonCreator: Jackson's ValueInstantiationException,
            # located where the parser stood (the token after the last creator property when the object has them
            # all, else its closing "}") and chained to the list element only (measured on 28.0.0 and 37.0.0).
            present = [key for key in obj if key in creator]
            at = JsonAt((present[-1],), "next") if len(set(present)) == len(creator) else JsonAt((), "end")
            raise _FieldProblem(
                f"Cannot construct instance of `{_RULES_PACKAGE}.{_JAVA_CLASSES[type_id]}`, problem: {exc.message}", at
            ) from exc
    if type_id == "dropForever":
        return DropForever()
    if type_id == "dropByInterval":
        return DropByInterval(fields.get("interval"))
    if type_id == "dropByPeriod":
        return DropByPeriod(fields.get("period"), include_future)
    if type_id == "dropBeforeByPeriod":
        return DropBeforeByPeriod(fields.get("period"))
    if type_id == "broadcastForever":
        return BroadcastForever()
    if type_id == "broadcastByInterval":
        return BroadcastByInterval(fields.get("interval"))
    return BroadcastByPeriod(fields.get("period"), include_future)


def rules_from_json(
    value: Any,
    *,
    datasource: str,
    default_key: str = DEFAULT_RULES_KEY,
    service: str | None = COORDINATOR_SERVICE,
    jackson_220: bool = False,
) -> list[RuleEntry]:
    """Read the body of ``POST /druid/coordinator/v1/rules/{datasource}`` (http-api 4.3).

    A rule may also be Jackson's wrapper array ``[type, {...}]``, and ``[type]`` is a null rule
    (:mod:`fakedruid.model.type_ids`; ``jackson_220`` is the profile switch ``jackson_220_wording``).

    :param value: the decoded JSON body (``None`` for an empty body or ``null``).
    :param datasource: the datasource the rules are for; ``default_key`` means the cluster defaults.
    :returns: the rules, with ``None`` for each ``null`` element (Druid stores those, see :data:`RuleEntry`).
    :raises InvalidRule: ``kind`` ``"null_list"`` for ``None``; ``"empty_default"`` for ``[]`` on the default
        key; ``"mapping"`` for a body that is not a list or a rule that does not read.
    """
    if value is None:
        raise _invalid("Rules cannot be null.", "null_list")
    if not isinstance(value, list):
        raise _invalid(
            f"Cannot deserialize value of type `java.util.ArrayList<{_RULE_JAVA_TYPE}>` from {jackson_token(value)}",
            at=JsonAt(),
        )
    # Jackson reads the whole body before the resource checks for an empty default list.
    rules: list[RuleEntry] = []
    for index, obj in enumerate(value):
        if obj is None:
            # Jackson reads a null element of a List<Rule> as null, and nothing checks the elements.
            rules.append(None)
            continue
        try:
            if isinstance(obj, list):
                rules.append(_wrapped_rule(obj, jackson_220, service=service))
            else:
                rules.append(rule_from_json(obj, service=service, jackson_220=jackson_220))
        except _InvalidValue as exc:
            chain = f"java.util.ArrayList[{index}]->{exc.path}"
            raise _invalid(f"{exc.message} (through reference chain: {chain})") from exc
        except InvalidRule as exc:
            if exc.at is None:
                raise
            # Jackson raised it on the element's tokens: located, and the chain names the list index (28.0.0), then
            # the field's path when a field's deserializer raised it.
            ref = getattr(exc, "ref", "")
            raise InvalidRule(
                exc.head,
                chain=f" (through reference chain: java.util.ArrayList[{index}]{'->' + ref if ref else ''})",
                at=JsonAt((index, *exc.at.path), exc.at.anchor),
            ) from exc
    _check_rule_list(rules, datasource, default_key)
    return rules


def _wrapped_rule(array: list[Any], jackson_220: bool, **options: Any) -> Rule | None:
    """A rule given as Jackson's wrapper array ``[type, {...}]`` (measured on 28.0.0 and 37.0.0: ``[["loadForever"]]``
    is stored as a null rule, ``[["dropForever", 7]]`` names ``ForeverDropRule``).

    :raises InvalidRule: located within the array, as :func:`rule_from_json`'s errors are within an object.
    """
    try:
        wrapped = read_wrapper(array, _RULE_JAVA_TYPE, jackson_220=jackson_220)
    except JacksonMappingProblem as exc:
        raise _invalid(exc.head, at=exc.at) from exc
    type_id = wrapped.type_id
    if type_id not in RULE_TYPES:
        message = unknown_type_message(type_id, service=options["service"], known_type_ids=RULE_TYPES)
        raise _invalid(message, at=wrapped.after_type_id())
    rule: Rule | None = None
    if wrapped.has_value:
        value = wrapped.value
        if not isinstance(value, dict):
            java = f"{_RULES_PACKAGE}.{_JAVA_CLASSES.get(type_id, type_id)}"
            scalar = value is not None and not isinstance(value, list)
            message = bean_from_non_object(java, value) if scalar else cannot_deserialize(java, value)
            raise _invalid(message, at=JsonAt((1,)))
        try:
            # The object's own "type" is not read: the array's type id decides.
            body = {"type": type_id, **{k: v for k, v in value.items() if k != "type"}}
            rule = rule_from_json(body, jackson_220=jackson_220, **options)
        except InvalidRule as exc:
            at = within(exc, 1)
            if at is None:  # a field's value Joda refused (_InvalidValue): rules_from_json adds the chain
                raise
            raise _FieldProblem(exc.head, at, getattr(exc, "ref", "")) from exc
    try:
        wrapped.check_end(jackson_220)
    except JacksonMappingProblem as exc:
        raise _invalid(exc.head, at=exc.at) from exc
    return rule


def _check_rule_list(rules: Sequence[RuleEntry] | None, datasource: str, default_key: str) -> None:
    # PR #14223 (27+): the only list-level checks Druid makes.
    if rules is None:
        raise _invalid("Rules cannot be null.", "null_list")
    if not rules and datasource == default_key:
        raise _invalid("Cluster-level rules cannot be empty.", "empty_default")


def rule_to_json(rule: Rule) -> dict[str, Any]:
    """Druid's output form of a rule (http-api 4.4): Jackson's property order, ``type`` last.

    Load rules always carry ``tieredReplicants`` and ``useDefaultTierForNull``; intervals are in the full UTC
    form; periods as Joda prints them.
    """
    out: dict[str, Any] = {}
    # A rule read without its interval or period keeps null, and Jackson writes it (measured on 28.0.0, 37.0.0).
    if isinstance(rule, (LoadByInterval, DropByInterval, BroadcastByInterval)):
        out["interval"] = None if rule.interval is None else str(rule.interval)
    if isinstance(rule, (LoadByPeriod, DropByPeriod, DropBeforeByPeriod, BroadcastByPeriod)):
        out["period"] = None if rule.period is None else str(rule.period)
    if isinstance(rule, (LoadByPeriod, DropByPeriod, BroadcastByPeriod)):
        out["includeFuture"] = rule.include_future
    if isinstance(rule, (LoadForever, LoadByInterval, LoadByPeriod)):
        out["tieredReplicants"] = dict(rule.tiered_replicants)
        out["useDefaultTierForNull"] = rule.use_default_tier_for_null
    out["type"] = rule.type
    return out


def rules_to_json(rules: Iterable[RuleEntry]) -> list[dict[str, Any] | None]:
    """:func:`rule_to_json` over a list; a null entry stays ``None`` (Druid lists it as ``null``)."""
    return [None if r is None else rule_to_json(r) for r in rules]


def rules_payload(rules: Iterable[RuleEntry]) -> str:
    """A rule list serialised as Druid writes it into audit payloads: compact JSON, no ASCII escaping."""
    return payload_text(rules_to_json(rules))


# --- Store and audit --------------------------------------------------------------------------------------


class RuleStore:
    """Rules per datasource key plus the rule audit log (``SQLMetadataRuleManager`` with ``SQLAuditManager``).

    Plain data with no lock: the caller holds the ``Cluster`` lock. A ``set_rules`` takes effect immediately
    (Druid applies it on the next poll, semantics 6.4).

    :param default_key: ``druid.manager.rules.defaultRule``.
    """

    __slots__ = ("_audit", "_rules", "default_key", "generation")

    def __init__(self, *, default_key: str = DEFAULT_RULES_KEY) -> None:
        self.default_key = default_key
        self._rules: dict[str, list[RuleEntry]] = {}
        self._audit = AuditLog()
        #: Counts changes to the rules, so that views derived from them (the served view) know when to recompute.
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        """Back to the startup state: only the default rules (:data:`DEFAULT_RULES`), no history."""
        self._rules = {self.default_key: list(DEFAULT_RULES)}
        self._audit.reset()
        self.generation += 1

    def set_rules(
        self,
        datasource: str,
        rules: Sequence[RuleEntry],
        *,
        author: str = "",
        comment: str = "",
        ip: str = "",
        now: int,
    ) -> AuditEntry:
        """Replace a datasource's rules (or the defaults) and record an audit entry.

        :param rules: the new list; ``[]`` means "use the defaults" (not allowed for the default key); ``None``
            entries are stored as Druid stores ``null`` ones.
        :param now: the audit time.
        :returns: the audit entry written.
        :raises InvalidRule: ``kind`` ``"empty_default"`` for ``[]`` on the default key.
        """
        _check_rule_list(rules, datasource, self.default_key)
        new = list(rules)
        self._rules[datasource] = new
        self.generation += 1
        # SQLMetadataRuleManager writes the serialized rule list and no request info.
        return self._audit.add(
            AuditEntry(
                key=datasource,
                type=AUDIT_TYPE_RULES,
                author=author,
                comment=comment,
                ip=ip,
                payload=rules_payload(new),
                audit_time=now,
            )
        )

    def get(self, datasource: str) -> list[RuleEntry]:
        """The datasource's own rules; ``[]`` when it has none (also for unknown datasources)."""
        return list(self._rules.get(datasource, ()))

    def get_with_default(self, datasource: str) -> list[RuleEntry]:
        """``getRulesWithDefault``: the datasource's rules followed by the default rules.

        As in Druid, asking for the default key itself lists the default rules twice.
        """
        return self.get(datasource) + self.get(self.default_key)

    def all_rules(self) -> dict[str, list[RuleEntry]]:
        """Every key that has ever had rules set: the default key first, then datasources by name."""
        out = {self.default_key: self.get(self.default_key)}
        for key in sorted(k for k in self._rules if k != self.default_key):
            out[key] = list(self._rules[key])
        return out

    def history(
        self,
        datasource: str | None = None,
        *,
        interval: Interval | None = None,
        count: int | None = None,
        now: int,
    ) -> list[AuditEntry]:
        """Rule audit entries as ``GET /rules/history`` and ``GET /rules/{ds}/history`` report them.

        ``count`` without ``interval``: the newest ``count`` entries, newest first. Otherwise the entries whose
        audit time lies in ``interval`` **including both ends** (default: the week ending at ``now``), oldest
        first.

        :param datasource: only entries for this key; ``None`` for every key.
        :raises InvalidRule: ``kind`` ``"limit"`` when ``count`` is used and is not positive.
        """
        entries = self._audit.entries(key=datasource)
        if interval is None and count is not None:
            if count <= 0:
                raise _invalid("Limit must be greater than zero!", "limit")
            return entries[::-1][:count]
        if interval is None:
            interval = Interval(now - AUDIT_HISTORY_MILLIS, now)
        # SQLAuditManager: created_date >= start AND created_date <= end, ORDER BY created_date.
        return sorted(
            (e for e in entries if interval.start <= e.audit_time <= interval.end), key=lambda e: e.audit_time
        )

    def audit_entries(self) -> list[AuditEntry]:
        """Every rule audit entry in the order written (for the fake's admin API; no window, no limit)."""
        return self._audit.entries()

    def to_state(self) -> dict[str, Any]:
        """The whole store as JSON-friendly data (rules in Druid's output form, audit times in milliseconds)."""
        return {
            "default_key": self.default_key,
            "rules": {key: rules_to_json(rules) for key, rules in self.all_rules().items()},
            "audit": [e.to_state() for e in self._audit],
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> RuleStore:
        """Rebuild a store from :meth:`to_state` output.

        :raises InvalidRule: if a stored rule does not read.
        """
        store = cls(default_key=state.get("default_key", DEFAULT_RULES_KEY))
        store._rules = {
            key: [None if obj is None else rule_from_json(obj) for obj in rules]
            for key, rules in state.get("rules", {}).items()
        }
        store._rules.setdefault(store.default_key, list(DEFAULT_RULES))
        store._audit = AuditLog(
            AuditEntry.from_state(e, default_type=AUDIT_TYPE_RULES) for e in state.get("audit", [])
        )
        return store
