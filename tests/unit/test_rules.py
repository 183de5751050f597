"""Unit tests of fakedruid.model.rules (semantics 6, http-api 4.3 to 4.5)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fakedruid.errors import InvalidRule
from fakedruid.model.intervals import Interval, add_period, parse_instant, parse_interval, parse_period
from fakedruid.model.rules import (
    DEFAULT_RULES,
    BroadcastByInterval,
    BroadcastByPeriod,
    BroadcastForever,
    DropBeforeByPeriod,
    DropByInterval,
    DropByPeriod,
    DropForever,
    LoadByInterval,
    LoadByPeriod,
    LoadForever,
    Rule,
    RuleNullPointer,
    RuleStore,
    applies,
    first_matching_rule,
    reaches_null_rule,
    rule_from_json,
    rule_to_json,
    rules_from_json,
    rules_payload,
    unknown_type_message,
)

NOW = parse_instant("2024-06-15T00:00:00Z")
DAY = 86_400_000
HOUR = 3_600_000
P1M = parse_period("P1M")


def iv(text: str) -> Interval:
    return parse_interval(text)


def kind(err: pytest.ExceptionInfo[InvalidRule]) -> str:
    return err.value.kind


# --- appliesTo: semantics 6.5 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("2024-05-14/2024-05-15", False),  # ends at W.start
        ("2024-05-14/2024-05-16", True),
        ("2025-01-01/2025-01-02", True),  # future
    ],
)
def test_applies_to_load_by_period_include_future(interval: str, expected: bool) -> None:
    assert LoadByPeriod(P1M).applies_to(iv(interval), NOW) is expected


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("2025-01-01/2025-01-02", False),
        ("2024-06-14/2024-06-16", True),  # overlaps W
        ("2024-05-14/2024-05-15", False),
        ("2024-06-15/2024-06-16", False),  # starts at W.end: abuts
    ],
)
def test_applies_to_load_by_period_without_future(interval: str, expected: bool) -> None:
    assert LoadByPeriod(P1M, include_future=False).applies_to(iv(interval), NOW) is expected


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("2024-05-15/2024-05-16", True),
        ("2024-05-14/2024-05-16", False),  # starts before W.start
        ("2025-01-01/2025-01-02", True),
        ("2030-01-01/2031-01-01", True),
    ],
)
def test_applies_to_drop_by_period_include_future(interval: str, expected: bool) -> None:
    assert DropByPeriod(P1M).applies_to(iv(interval), NOW) is expected


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("2024-06-14/2024-06-15", True),  # end == W.end is allowed
        ("2024-06-14/2024-06-16", False),
        ("2024-05-15/2024-05-16", True),
        ("2025-01-01/2025-01-02", False),
    ],
)
def test_applies_to_drop_by_period_without_future(interval: str, expected: bool) -> None:
    assert DropByPeriod(P1M, include_future=False).applies_to(iv(interval), NOW) is expected


@pytest.mark.parametrize(
    ("interval", "expected"),
    [("2024-05-14/2024-05-15", True), ("2024-05-14/2024-05-16", False), ("2020/2021", True)],
)
def test_applies_to_drop_before_by_period(interval: str, expected: bool) -> None:
    assert DropBeforeByPeriod(P1M).applies_to(iv(interval), NOW) is expected


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("2024-01-31/2024-02-01", True),
        ("2024-01-31/2024-02-02", False),
        ("2024-01-01/2024-02-01", True),
        ("2023-12-31/2024-01-02", False),
    ],
)
def test_applies_to_drop_by_interval_uses_containment(interval: str, expected: bool) -> None:
    assert DropByInterval(iv("2024-01-01/2024-02-01")).applies_to(iv(interval), NOW) is expected


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("2024-01-31/2024-02-02", True),
        ("2023-12-31/2024-01-02", True),
        ("2024-02-01/2024-02-02", False),  # abuts
        ("2023-12-31/2024-01-01", False),  # abuts
    ],
)
def test_applies_to_load_and_broadcast_by_interval_use_overlap(interval: str, expected: bool) -> None:
    rule_interval = iv("2024-01-01/2024-02-01")
    assert LoadByInterval(rule_interval).applies_to(iv(interval), NOW) is expected
    assert BroadcastByInterval(rule_interval).applies_to(iv(interval), NOW) is expected


@pytest.mark.parametrize("include_future", [True, False])
def test_applies_to_broadcast_by_period_same_as_load_by_period(include_future: bool) -> None:
    for text in ["2024-05-14/2024-05-15", "2024-05-14/2024-05-16", "2025-01-01/2025-01-02", "2024-06-14/2024-06-16"]:
        expected = LoadByPeriod(P1M, include_future).applies_to(iv(text), NOW)
        assert BroadcastByPeriod(P1M, include_future).applies_to(iv(text), NOW) is expected


@pytest.mark.parametrize("rule", [LoadForever(), DropForever(), BroadcastForever()])
def test_applies_to_forever_rules_always(rule: Rule) -> None:
    for text in ["2024-05-14/2024-05-15", "1000/1001", "3000/3001", "2024-06-15/2024-06-15"]:
        assert rule.applies_to(iv(text), NOW)


# PeriodDropRuleTest @ 2285600f, now = 2012-12-31T01:00.
TEST_NOW = parse_instant("2012-12-31T01:00:00")


def _ago(text: str) -> int:
    """``now`` minus a period, or ``now`` itself for ``"now"``."""
    return TEST_NOW if text == "now" else add_period(TEST_NOW, parse_period(text), -1)


def _rel(start: str, end: str) -> Interval:
    return Interval(_ago(start), _ago(end))


def test_applies_to_drop_by_period_p5000y_applies_to_all() -> None:
    rule = DropByPeriod(parse_period("P5000Y"), include_future=False)
    assert rule.applies_to(_rel("P2D", "P1D"), TEST_NOW)
    assert rule.applies_to(_rel("P100Y", "P1D"), TEST_NOW)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [("P1W", "P1D", True), ("P1D", "now", True), ("P1Y", "P1D", False), ("P2M", "P1D", False)],
)
def test_applies_to_drop_by_period_druid_test_cases(start: str, end: str, expected: bool) -> None:
    rule = DropByPeriod(P1M, include_future=False)
    assert rule.applies_to(_rel(start, end), TEST_NOW) is expected


def test_applies_to_drop_by_period_future_segment_only_with_include_future() -> None:
    future = Interval(TEST_NOW + DAY, TEST_NOW + 2 * DAY)
    assert DropByPeriod(parse_period("P2D"), include_future=True).applies_to(future, TEST_NOW)
    assert not DropByPeriod(parse_period("P2D"), include_future=False).applies_to(future, TEST_NOW)


def test_applies_to_period_window_clamps_day_of_month() -> None:
    # 2024-03-31 minus P1M = 2024-02-29.
    now = parse_instant("2024-03-31T00:00:00Z")
    rule = DropBeforeByPeriod(P1M)
    assert rule.applies_to(iv("2024-02-28/2024-02-29"), now)
    assert not rule.applies_to(iv("2024-02-28/2024-03-01"), now)


def test_applies_to_period_with_time_fields_uses_exact_window() -> None:
    rule = LoadByPeriod(parse_period("PT24H"), include_future=False)
    assert rule.applies_to(Interval(NOW - DAY, NOW - DAY + 1), NOW)
    assert not rule.applies_to(Interval(NOW - DAY - HOUR, NOW - DAY), NOW)


# --- Evaluation order ------------------------------------------------------------------------------------


def test_first_matching_rule_chain_load_then_drop_forever() -> None:
    rules: list[Rule] = [LoadByPeriod(P1M), DropForever()]
    assert first_matching_rule(rules, iv("2024-05-14/2024-05-15"), NOW) == DropForever()
    assert first_matching_rule(rules, iv("2024-01-01/2024-01-02"), NOW) == DropForever()
    assert first_matching_rule(rules, iv("2024-05-14/2024-05-16"), NOW) == LoadByPeriod(P1M)
    assert first_matching_rule(rules, iv("2025-01-01/2025-01-02"), NOW) == LoadByPeriod(P1M)


def test_first_matching_rule_none_applies_returns_none() -> None:
    assert first_matching_rule([DropByInterval(iv("2024/2025"))], iv("2020/2021"), NOW) is None
    assert first_matching_rule([], iv("2020/2021"), NOW) is None


def test_first_matching_rule_empty_datasource_rules_uses_defaults() -> None:
    store = RuleStore()
    store.set_rules("wiki", [], now=NOW)
    rule = first_matching_rule(store.get_with_default("wiki"), iv("2000/2001"), NOW)
    assert rule == LoadForever({"_default_tier": 2})


# --- Properties ------------------------------------------------------------------------------------------


def test_properties_kinds_match_rule_family() -> None:
    loads = [LoadForever(), LoadByInterval(iv("2024/2025")), LoadByPeriod(P1M)]
    drops = [DropForever(), DropByInterval(iv("2024/2025")), DropByPeriod(P1M), DropBeforeByPeriod(P1M)]
    broadcasts = [BroadcastForever(), BroadcastByInterval(iv("2024/2025")), BroadcastByPeriod(P1M)]
    for rule in loads:
        assert (rule.is_load, rule.is_drop, rule.is_broadcast) == (True, False, False)
    for rule in drops:
        assert (rule.is_load, rule.is_drop, rule.is_broadcast) == (False, True, False)
    for rule in broadcasts:
        assert (rule.is_load, rule.is_drop, rule.is_broadcast) == (False, False, True)


def test_init_load_rule_defaults_tiered_replicants() -> None:
    rule = LoadForever()
    assert rule.tiered_replicants == {"_default_tier": 2}
    assert rule.total_replicas == 2
    assert rule.use_default_tier_for_null is True


def test_init_load_rule_without_default_tier_has_zero_replicas() -> None:
    rule = LoadByPeriod(P1M, use_default_tier_for_null=False)
    assert rule.tiered_replicants == {}
    assert rule.total_replicas == 0


def test_total_replicas_sums_tiers() -> None:
    assert LoadForever({"hot": 1, "cold": 2, "off": 0}).total_replicas == 3


def test_hash_equal_rules_are_equal_and_hash_alike() -> None:
    a = LoadByInterval(iv("2024/2025"), {"hot": 1, "cold": 2})
    b = LoadByInterval(iv("2024/2025"), {"cold": 2, "hot": 1})
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, DropForever(), DropForever()}) == 2
    assert LoadForever() != LoadForever({}, False)
    assert DropByPeriod(P1M) != DropByPeriod(P1M, include_future=False)


def test_init_load_rule_copies_tiered_replicants() -> None:
    tiers = {"hot": 1}
    rule = LoadForever(tiers)
    tiers["hot"] = 5
    assert rule.tiered_replicants == {"hot": 1}


# --- JSON round trips ------------------------------------------------------------------------------------

ROUND_TRIPS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {"type": "loadForever"},
        {"tieredReplicants": {"_default_tier": 2}, "useDefaultTierForNull": True, "type": "loadForever"},
    ),
    (
        {"type": "loadByInterval", "interval": "2015-09-12/2015-09-13", "tieredReplicants": {"hot": 1}},
        {
            "interval": "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z",
            "tieredReplicants": {"hot": 1},
            "useDefaultTierForNull": True,
            "type": "loadByInterval",
        },
    ),
    (
        {"type": "loadByPeriod", "period": "P1M", "tieredReplicants": {"hot": 1, "_default_tier": 1}},
        {
            "period": "P1M",
            "includeFuture": True,
            "tieredReplicants": {"hot": 1, "_default_tier": 1},
            "useDefaultTierForNull": True,
            "type": "loadByPeriod",
        },
    ),
    ({"type": "dropForever"}, {"type": "dropForever"}),
    (
        {"type": "dropByInterval", "interval": "2023-01-01/2023-02-01"},
        {"interval": "2023-01-01T00:00:00.000Z/2023-02-01T00:00:00.000Z", "type": "dropByInterval"},
    ),
    (
        {"type": "dropByPeriod", "period": "P1M"},
        {"period": "P1M", "includeFuture": True, "type": "dropByPeriod"},
    ),
    ({"type": "dropBeforeByPeriod", "period": "P1Y"}, {"period": "P1Y", "type": "dropBeforeByPeriod"}),
    ({"type": "broadcastForever"}, {"type": "broadcastForever"}),
    (
        {"type": "broadcastByInterval", "interval": "2020/2023"},
        {"interval": "2020-01-01T00:00:00.000Z/2023-01-01T00:00:00.000Z", "type": "broadcastByInterval"},
    ),
    (
        {"type": "broadcastByPeriod", "period": "PT24H", "includeFuture": False},
        {"period": "PT24H", "includeFuture": False, "type": "broadcastByPeriod"},
    ),
]


@pytest.mark.parametrize(("given", "expected"), ROUND_TRIPS, ids=[g["type"] for g, _ in ROUND_TRIPS])
def test_rule_to_json_minimal_input_gives_full_output(given: dict[str, Any], expected: dict[str, Any]) -> None:
    out = rule_to_json(rule_from_json(given))
    assert out == expected
    assert list(out) == list(expected)  # key order, type last
    assert rule_from_json(out) == rule_from_json(given)


def test_rule_from_json_interval_with_offset_written_in_utc() -> None:
    rule = rule_from_json({"type": "dropByInterval", "interval": "2015-09-12T00:00:00+05:00/P1D"})
    assert rule_to_json(rule)["interval"] == "2015-09-11T19:00:00.000Z/2015-09-12T19:00:00.000Z"


def test_rule_from_json_use_default_tier_false_gives_empty_tiers() -> None:
    rule = rule_from_json({"type": "loadForever", "useDefaultTierForNull": False})
    assert isinstance(rule, LoadForever)
    assert rule.tiered_replicants == {}
    assert rule.total_replicas == 0
    assert rule_to_json(rule) == {"tieredReplicants": {}, "useDefaultTierForNull": False, "type": "loadForever"}


def test_rule_from_json_null_tiers_with_default_gives_default_tier() -> None:
    rule = rule_from_json({"type": "loadByPeriod", "period": "P1D", "tieredReplicants": None})
    assert isinstance(rule, LoadByPeriod)
    assert rule.tiered_replicants == {"_default_tier": 2}


def test_rule_from_json_empty_tiers_accepted() -> None:
    rule = rule_from_json({"type": "loadForever", "tieredReplicants": {}})
    assert isinstance(rule, LoadForever)
    assert rule.tiered_replicants == {}
    assert rule.use_default_tier_for_null is True


def test_rule_from_json_zero_replicas_accepted() -> None:
    rule = rule_from_json({"type": "loadForever", "tieredReplicants": {"hot": 0}})
    assert isinstance(rule, LoadForever)
    assert rule.tiered_replicants == {"hot": 0}


def test_rule_from_json_colocated_datasources_and_unknown_fields_ignored() -> None:
    assert rule_from_json({"type": "broadcastForever", "colocatedDataSources": ["a", "b"]}) == BroadcastForever()
    rule = rule_from_json({"type": "dropByPeriod", "period": "P1D", "colocatedDataSources": None, "extra": 1})
    assert rule == DropByPeriod(parse_period("P1D"))


def test_rule_from_json_null_include_future_defaults_true() -> None:
    assert rule_from_json({"type": "dropByPeriod", "period": "P1D", "includeFuture": None}) == DropByPeriod(
        parse_period("P1D"), True
    )


def test_rule_to_json_default_rules_match_druid_payload() -> None:
    assert rules_payload(DEFAULT_RULES) == (
        '[{"tieredReplicants":{"_default_tier":2},"useDefaultTierForNull":true,"type":"loadForever"}]'
    )


# --- Validation ------------------------------------------------------------------------------------------


def test_rules_from_json_null_raises_rules_cannot_be_null() -> None:
    with pytest.raises(InvalidRule) as info:
        rules_from_json(None, datasource="wiki")
    assert str(info.value) == "Rules cannot be null."
    assert kind(info) == "null_list"


def test_rules_from_json_empty_default_raises() -> None:
    with pytest.raises(InvalidRule) as info:
        rules_from_json([], datasource="_default")
    assert str(info.value) == "Cluster-level rules cannot be empty."
    assert kind(info) == "empty_default"


def test_rules_from_json_empty_default_custom_key_raises() -> None:
    with pytest.raises(InvalidRule):
        rules_from_json([], datasource="_cluster", default_key="_cluster")
    assert rules_from_json([], datasource="_default", default_key="_cluster") == []


def test_rules_from_json_empty_for_datasource_accepted() -> None:
    assert rules_from_json([], datasource="wiki") == []


def test_rules_from_json_load_forever_then_drop_forever_accepted() -> None:
    rules = rules_from_json([{"type": "loadForever"}, {"type": "dropForever"}], datasource="_default")
    assert rules == [LoadForever(), DropForever()]


def test_rules_from_json_redundant_intervals_accepted() -> None:
    body = [
        {"type": "loadByInterval", "interval": "2020/2025"},
        {"type": "loadByInterval", "interval": "2021/2022"},
    ]
    assert len(rules_from_json(body, datasource="wiki")) == 2


def test_rules_from_json_not_a_list_raises_mapping() -> None:
    with pytest.raises(InvalidRule) as info:
        rules_from_json({"type": "loadForever"}, datasource="wiki")
    assert kind(info) == "mapping"


def test_rule_from_json_null_replica_raises() -> None:
    with pytest.raises(InvalidRule) as info:
        rule_from_json({"type": "loadForever", "tieredReplicants": {"tier": None}})
    # Jackson wraps the constructor's exception (measured on 28.0.0 and 37.0.0).
    assert str(info.value) == (
        "Cannot construct instance of `org.apache.druid.server.coordinator.rules.ForeverLoadRule`, problem: "
        "Invalid number of replicas for tier [tier]. Value must not be null."
    )
    assert kind(info) == "mapping"


def test_rule_from_json_negative_replica_raises() -> None:
    with pytest.raises(InvalidRule) as info:
        rule_from_json({"type": "loadByPeriod", "period": "P1D", "tieredReplicants": {"_default_tier": -1}})
    assert str(info.value) == (
        "Cannot construct instance of `org.apache.druid.server.coordinator.rules.PeriodLoadRule`, problem: "
        "Invalid number of replicas for tier [_default_tier]. Value [-1] must be positive."
    )
    assert kind(info) == "mapping"


@pytest.mark.parametrize(
    ("count", "expected"),
    [("3", 3), (" 3 ", 3), ("+4", 4), ("\u0663", 3), ("0000000003", 3), (1.7, 1), (-0.5, 0), (2, 2)],
)
def test_rule_from_json_coerces_replica_counts_as_jackson(count: object, expected: int) -> None:
    rule = rule_from_json({"type": "loadForever", "tieredReplicants": {"hot": count}})
    assert rule == LoadForever({"hot": expected})


@pytest.mark.parametrize(
    ("count", "jackson_220", "message"),
    [
        ("x", False, 'Cannot deserialize value of type `int` from String "x": not a valid `int` value'),
        (
            "x",
            True,
            'Cannot deserialize value of type `java.lang.Integer` from String "x": not a valid `java.lang.Integer` '
            "value",
        ),
        (
            "99999999999",
            False,
            'Cannot deserialize value of type `int` from String "99999999999": Overflow: numeric value (99999999999) '
            "out of range of int (-2147483648 -2147483647)",
        ),
        (
            "99999999999999999999",
            True,
            'Cannot deserialize value of type `java.lang.Integer` from String "99999999999999999999": not a valid '
            "`java.lang.Integer` value",
        ),
        (2147483648, False, "Numeric value (2147483648) out of range of int (-2147483648 - 2147483647)"),
        (
            True,
            False,
            "Cannot deserialize value of type `java.lang.Integer` from Boolean value (token `JsonToken.VALUE_TRUE`)",
        ),
        (
            "  ",
            False,
            "Cannot coerce blank String (all whitespace) to `java.lang.Integer` value (but could if coercion was "
            "enabled using `CoercionConfig`)",
        ),
    ],
)
def test_rule_from_json_replica_count_errors(count: object, jackson_220: bool, message: str) -> None:
    with pytest.raises(InvalidRule) as info:
        rule_from_json({"type": "loadForever", "tieredReplicants": {"hot": count}}, jackson_220=jackson_220)
    assert str(info.value) == message


@pytest.mark.parametrize("count", ["", "null"])
def test_rule_from_json_empty_replica_string_is_null(count: str) -> None:
    with pytest.raises(InvalidRule, match=r"Value must not be null\.$"):
        rule_from_json({"type": "loadForever", "tieredReplicants": {"hot": count}})


def test_rule_from_json_blank_replica_string_is_null_with_jackson_220() -> None:
    with pytest.raises(InvalidRule, match=r"Value must not be null\.$"):
        rule_from_json({"type": "loadForever", "tieredReplicants": {"hot": "  "}}, jackson_220=True)


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("TRUE", True), (0, False), (7, True), ("", True)])
def test_rule_from_json_coerces_booleans_as_jackson(value: object, expected: bool) -> None:
    rule = rule_from_json({"type": "loadForever", "useDefaultTierForNull": value})
    assert rule.use_default_tier_for_null is expected


def test_rule_from_json_reads_fields_in_document_order() -> None:
    body = {"type": "loadByPeriod", "tieredReplicants": {"hot": True}, "period": "P1X"}
    with pytest.raises(InvalidRule, match="from Boolean value"):
        rule_from_json(body)


def test_init_load_rule_negative_replica_raises() -> None:
    with pytest.raises(InvalidRule, match=r"Value \[-2\] must be positive"):
        LoadForever({"hot": -2})


def test_rules_from_json_bad_rule_raises_before_empty_check() -> None:
    with pytest.raises(InvalidRule, match="must be positive"):
        rules_from_json([{"type": "loadForever", "tieredReplicants": {"a": -1}}], datasource="_default")


def test_rule_from_json_unknown_type_raises_druid_message() -> None:
    with pytest.raises(InvalidRule) as info:
        rule_from_json({"type": "loadSometimes"})
    assert str(info.value) == (
        "Please make sure to load all the necessary extensions and jars with type 'loadSometimes' on "
        "'druid/coordinator' service. Could not resolve type id 'loadSometimes' as a subtype of "
        "`org.apache.druid.server.coordinator.rules.Rule` known type ids = [broadcastByInterval, "
        "broadcastByPeriod, broadcastForever, dropBeforeByPeriod, dropByInterval, dropByPeriod, dropForever, "
        "loadByInterval, loadByPeriod, loadForever]"
    )
    assert kind(info) == "mapping"


def test_unknown_type_message_without_service_omits_it() -> None:
    msg = unknown_type_message("x", service=None, known_type_ids=["b", "a"])
    assert msg.startswith("Please make sure to load all the necessary extensions and jars with type 'x'. Could")
    assert msg.endswith("known type ids = [a, b]")


@pytest.mark.parametrize("type_id", ["loadPartialForever", "loadPartialByInterval", "loadPartialByPeriod"])
def test_rule_from_json_partial_load_type_is_unknown(type_id: str) -> None:
    # Newer than every verified release: 37.0.0's known type ids end at loadForever (measured).
    with pytest.raises(InvalidRule, match=f"Could not resolve type id '{type_id}'"):
        rule_from_json({"type": type_id, "tieredReplicants": {"hot": 1}})


def test_rule_from_json_missing_type_raises_mapping() -> None:
    with pytest.raises(InvalidRule, match="missing type id property 'type'") as info:
        rule_from_json({"period": "P1D"})
    assert kind(info) == "mapping"


@pytest.mark.parametrize(
    ("type_id", "field"),
    [
        ("loadByInterval", "interval"),
        ("dropByInterval", "interval"),
        ("broadcastByInterval", "interval"),
        ("loadByPeriod", "period"),
        ("dropByPeriod", "period"),
        ("dropBeforeByPeriod", "period"),
        ("broadcastByPeriod", "period"),
    ],
)
def test_rule_from_json_missing_interval_or_period_is_stored_as_null(type_id: str, field: str) -> None:
    # Druid builds the rule with a null field and writes it back as null (measured on 28.0.0 and 37.0.0).
    for body in ({"type": type_id}, {"type": type_id, field: None}):
        rule = rule_from_json(body)
        assert getattr(rule, field) is None
        out = rule_to_json(rule)
        assert field in out and out[field] is None


def test_null_period_counts_as_zero() -> None:
    # Joda: new Interval(null period, now) is [now, now); DateTime.minus(null) is now.
    now = parse_interval("2020-01-02/2020-01-03").start
    past, future = parse_interval("2020-01-01/2020-01-02"), parse_interval("2020-01-02/2020-01-03")
    assert not LoadByPeriod(None).applies_to(past, now)
    assert LoadByPeriod(None).applies_to(future, now)
    assert DropBeforeByPeriod(None).applies_to(past, now)
    assert not DropBeforeByPeriod(None).applies_to(future, now)


@pytest.mark.parametrize(
    ("rule", "call", "variable"),
    [
        (LoadByInterval(None), "overlaps", "src"),
        (DropByInterval(None), "contains", "this.interval"),
        (BroadcastByInterval(None), "overlaps", "src"),
    ],
)
def test_interval_rule_without_interval_fails_when_applied(rule: Any, call: str, variable: str) -> None:
    interval = parse_interval("2020-01-01/2020-01-02")
    with pytest.raises(RuleNullPointer) as info:
        applies(rule, interval, interval.start)
    assert str(info.value) == (
        f'java.lang.NullPointerException: Cannot invoke "org.joda.time.Interval.{call}(org.joda.time.ReadableInterval)"'
        f' because "{variable}" is null'
    )
    # The first-match loop stops there, as it does at a null entry.
    assert reaches_null_rule([rule, DropForever()], interval, interval.start)
    assert first_matching_rule([rule, DropForever()], interval, interval.start) is None


def test_rule_from_json_bad_interval_raises_parser_message() -> None:
    with pytest.raises(InvalidRule) as info:
        rule_from_json({"type": "dropByInterval", "interval": "2024-01-01"})
    assert str(info.value).startswith("Invalid interval[2024-01-01]: [")
    assert kind(info) == "mapping"


def test_rule_from_json_bad_period_raises_parser_message() -> None:
    with pytest.raises(InvalidRule) as info:
        rule_from_json({"type": "dropByPeriod", "period": "P1X"})
    assert "P1X" in str(info.value)
    assert kind(info) == "mapping"


@pytest.mark.parametrize(
    "obj",
    [
        {"type": "loadForever", "tieredReplicants": [1]},
        {"type": "loadForever", "tieredReplicants": {"hot": "x"}},
        {"type": "loadForever", "useDefaultTierForNull": "maybe"},
        {"type": "dropByPeriod", "period": 5},
        {"type": "dropByInterval", "interval": ["2020/2021"]},
        "loadForever",
        None,
    ],
)
def test_rule_from_json_wrong_json_type_raises_mapping(obj: Any) -> None:
    with pytest.raises(InvalidRule) as info:
        rule_from_json(obj)
    assert kind(info) == "mapping"


# --- RuleStore -------------------------------------------------------------------------------------------


def test_init_rule_store_has_default_rules_only() -> None:
    store = RuleStore()
    assert store.all_rules() == {"_default": [LoadForever({"_default_tier": 2})]}
    assert store.get("wiki") == []
    assert store.get_with_default("wiki") == DEFAULT_RULES
    assert store.history(now=NOW) == []


def test_get_with_default_appends_default_rules() -> None:
    store = RuleStore()
    store.set_rules("wiki", [DropByInterval(iv("2020/2021"))], now=NOW)
    assert store.get_with_default("wiki") == [DropByInterval(iv("2020/2021")), *DEFAULT_RULES]


def test_all_rules_default_first_then_sorted() -> None:
    store = RuleStore()
    store.set_rules("zeta", [DropForever()], now=NOW)
    store.set_rules("alpha", [], now=NOW)
    store.set_rules("_default", [LoadForever({"hot": 1})], now=NOW)
    assert list(store.all_rules()) == ["_default", "alpha", "zeta"]
    assert store.all_rules()["alpha"] == []
    assert store.get("_default") == [LoadForever({"hot": 1})]


def test_set_rules_empty_default_raises_and_keeps_rules() -> None:
    store = RuleStore()
    with pytest.raises(InvalidRule) as info:
        store.set_rules("_default", [], now=NOW)
    assert kind(info) == "empty_default"
    assert store.get("_default") == DEFAULT_RULES
    assert store.history(now=NOW) == []


def test_set_rules_writes_audit_entry_in_druid_form() -> None:
    store = RuleStore()
    entry = store.set_rules(
        "wiki", [LoadByPeriod(P1M, tiered_replicants={"hot": 1}), DropForever()],
        author="alice", comment="retention", ip="127.0.0.1", now=NOW + 123,
    )
    assert entry.to_json() == {
        "key": "wiki",
        "type": "rules",
        "auditInfo": {"author": "alice", "identity": "allowAll", "comment": "retention", "ip": "127.0.0.1"},
        "request": None,
        "payload": '[{"period":"P1M","includeFuture":true,"tieredReplicants":{"hot":1},'
        '"useDefaultTierForNull":true,"type":"loadByPeriod"},{"type":"dropForever"}]',
        "auditTime": "2024-06-15T00:00:00.123Z",
    }
    assert list(entry.to_json()["auditInfo"]) == ["author", "identity", "comment", "ip"]
    assert json.loads(entry.payload)[1] == {"type": "dropForever"}


def test_set_rules_list_is_copied() -> None:
    store = RuleStore()
    rules: list[Rule] = [DropForever()]
    store.set_rules("wiki", rules, now=NOW)
    rules.append(LoadForever())
    store.get("wiki").append(LoadForever())
    assert store.get("wiki") == [DropForever()]


def _store_with_history() -> RuleStore:
    store = RuleStore()
    for i, ds in enumerate(["a", "b", "a", "c", "a"]):
        store.set_rules(ds, [DropForever()] * (i + 1), comment=str(i), now=NOW - (5 - i) * DAY)
    return store


def test_history_count_returns_newest_first() -> None:
    store = _store_with_history()
    assert [e.comment for e in store.history(count=2, now=NOW)] == ["4", "3"]
    assert [e.comment for e in store.history("a", count=2, now=NOW)] == ["4", "2"]
    assert [e.comment for e in store.history("a", count=10, now=NOW)] == ["4", "2", "0"]


@pytest.mark.parametrize("count", [0, -1])
def test_history_count_not_positive_raises_limit(count: int) -> None:
    with pytest.raises(InvalidRule) as info:
        _store_with_history().history(count=count, now=NOW)
    assert str(info.value) == "Limit must be greater than zero!"
    assert kind(info) == "limit"


def test_history_interval_includes_both_ends_oldest_first() -> None:
    store = _store_with_history()
    window = Interval(NOW - 4 * DAY, NOW - 2 * DAY)
    assert [e.comment for e in store.history(interval=window, now=NOW)] == ["1", "2", "3"]
    assert [e.comment for e in store.history("a", interval=window, now=NOW)] == ["2"]


def test_history_interval_wins_over_count() -> None:
    store = _store_with_history()
    window = Interval(NOW - 4 * DAY, NOW - 2 * DAY)
    assert [e.comment for e in store.history(interval=window, count=1, now=NOW)] == ["1", "2", "3"]
    # A bad count is not looked at when an interval is given.
    assert len(store.history(interval=window, count=0, now=NOW)) == 3


def test_history_default_window_is_last_week_inclusive() -> None:
    store = RuleStore()
    week = 7 * DAY
    for i, t in enumerate([NOW - week - 1, NOW - week, NOW - 1, NOW, NOW + 1]):
        store.set_rules("wiki", [DropForever()], comment=str(i), now=t)
    assert [e.comment for e in store.history(now=NOW)] == ["1", "2", "3"]
    assert [e.comment for e in store.history("wiki", now=NOW)] == ["1", "2", "3"]
    assert store.history("other", now=NOW) == []


def test_history_druid_resource_test_interval_form() -> None:
    store = RuleStore()
    for t in ["2012-12-30T12:00:00Z", "2013-01-01T12:00:00Z", "2013-01-02T00:00:00Z", "2013-01-03T00:00:00Z"]:
        store.set_rules("wiki", [DropForever()], now=parse_instant(t))
    entries = store.history("wiki", interval=iv("P2D/2013-01-02T00:00:00Z"), now=NOW)
    assert [e.to_json()["auditTime"] for e in entries] == ["2013-01-01T12:00:00.000Z", "2013-01-02T00:00:00.000Z"]


def test_reset_restores_defaults_and_clears_history() -> None:
    store = _store_with_history()
    store.set_rules("_default", [DropForever()], now=NOW)
    store.reset()
    assert store.all_rules() == {"_default": DEFAULT_RULES}
    assert store.history(count=10, now=NOW) == []


def test_to_state_round_trips_through_json() -> None:
    store = _store_with_history()
    store.set_rules("wiki", [LoadByInterval(iv("2020/2021"), {"hot": 3}, False), BroadcastByPeriod(P1M)], now=NOW)
    state = json.loads(json.dumps(store.to_state()))
    copy = RuleStore.from_state(state)
    assert copy.all_rules() == store.all_rules()
    assert copy.history(count=100, now=NOW) == store.history(count=100, now=NOW)
    assert copy.to_state() == store.to_state()


def test_from_state_empty_gives_defaults() -> None:
    store = RuleStore.from_state({})
    assert store.all_rules() == {"_default": DEFAULT_RULES}


def test_init_rule_store_custom_default_key() -> None:
    store = RuleStore(default_key="_cluster")
    assert list(store.all_rules()) == ["_cluster"]
    store.set_rules("_default", [], now=NOW)
    assert store.get_with_default("_default") == DEFAULT_RULES
