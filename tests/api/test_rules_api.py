"""Retention rules and rule history over HTTP: ``/druid/coordinator/v1/rules`` (http-api.md section 4)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator, create_app
from fakedruid.api import messages
from fakedruid.model.clock import FrozenClock
from tests.support import NOW, WIKI, seed_wiki, wiki_id

R = "/druid/coordinator/v1/rules"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}

DEFAULT_RULES = [{"tieredReplicants": {"_default_tier": 2}, "useDefaultTierForNull": True, "type": "loadForever"}]
LOAD_HOT = {"type": "loadForever", "tieredReplicants": {"hot": 1}}
LOAD_HOT_OUT = {"tieredReplicants": {"hot": 1}, "useDefaultTierForNull": True, "type": "loadForever"}


def post_rules(client: FlaskClient, ds: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    return client.post(f"{R}/{ds}", data=json.dumps(body), headers={**JSON, **(headers or {})})


def advance(fake: FakeCoordinator, ms: int) -> None:
    clock = fake.cluster.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(ms)


def snapshot(client: FlaskClient) -> tuple[Any, Any]:
    """Every rule and every history entry, to check that a refused request changed nothing."""
    return client.get(R).get_json(), client.get(f"{R}/history?count=1000").get_json()


# ------------------------------------------------------------------ 4.1 GET R


def test_get_rules_fresh_answers_default_rules_only(client: FlaskClient) -> None:
    resp = client.get(R)
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.get_json() == {"_default": DEFAULT_RULES}


def test_get_rules_lists_keys_in_java_hash_map_order(client: FlaskClient) -> None:
    # SQLMetadataRuleManager.poll folds the rows into a HashMap (capacity 16): buckets by String.hashCode spread,
    # "zeta" 3735256 -> 0, "_default" 3903028482 -> 1, "alpha" 92909918 -> 7.
    post_rules(client, "zeta", [{"type": "dropForever"}])
    post_rules(client, "alpha", [])
    resp = client.get(R)
    assert list(json.loads(resp.get_data(as_text=True))) == ["zeta", "_default", "alpha"]
    assert resp.get_json()["alpha"] == []
    assert resp.get_json()["zeta"] == [{"type": "dropForever"}]


def test_get_rules_key_order_measured_on_37(client: FlaskClient) -> None:
    # Druid 37.0.0's answer, found by the differential machine: {"fd_9ceb4762":[],"_default":[...]}.
    post_rules(client, "fd_9ceb4762", [])
    assert list(json.loads(client.get(R).get_data(as_text=True))) == ["fd_9ceb4762", "_default"]


# ------------------------------------------------------------------ 4.2 GET R/{ds}


def test_get_datasource_rules_unknown_datasource_answers_empty_list(client: FlaskClient) -> None:
    resp = client.get(f"{R}/nope")
    assert (resp.status_code, resp.get_json()) == (200, [])


def test_get_datasource_rules_answers_own_rules_only(client: FlaskClient) -> None:
    post_rules(client, WIKI, [LOAD_HOT])
    assert client.get(f"{R}/{WIKI}").get_json() == [LOAD_HOT_OUT]


@pytest.mark.parametrize("query", ["full", "full=false", "full="])
def test_get_datasource_rules_full_appends_default_rules(client: FlaskClient, query: str) -> None:
    post_rules(client, WIKI, [LOAD_HOT])
    assert client.get(f"{R}/{WIKI}?{query}").get_json() == [LOAD_HOT_OUT] + DEFAULT_RULES


def test_get_datasource_rules_full_unknown_datasource_answers_default_rules(client: FlaskClient) -> None:
    assert client.get(f"{R}/nope?full").get_json() == DEFAULT_RULES


def test_get_datasource_rules_full_for_default_lists_defaults_twice(client: FlaskClient) -> None:
    # getRulesWithDefault("_default") is the default list followed by itself.
    assert client.get(f"{R}/_default?full").get_json() == DEFAULT_RULES + DEFAULT_RULES


def test_get_datasource_rules_writes_output_form(client: FlaskClient) -> None:
    body = [
        {"type": "loadByPeriod", "period": "P1M", "tieredReplicants": {"hot": 1, "_default_tier": 1}},
        {"type": "dropByInterval", "interval": "2023-01-01/2023-02-01"},
        {"type": "dropBeforeByPeriod", "period": "P1Y"},
        {"type": "broadcastForever", "colocatedDataSources": ["x"]},
        {"type": "loadForever", "useDefaultTierForNull": False},
        {"type": "dropForever"},
    ]
    assert post_rules(client, WIKI, body).status_code == 200
    assert client.get(f"{R}/{WIKI}").get_json() == [
        {
            "period": "P1M",
            "includeFuture": True,
            "tieredReplicants": {"hot": 1, "_default_tier": 1},
            "useDefaultTierForNull": True,
            "type": "loadByPeriod",
        },
        {"interval": "2023-01-01T00:00:00.000Z/2023-02-01T00:00:00.000Z", "type": "dropByInterval"},
        {"period": "P1Y", "type": "dropBeforeByPeriod"},
        {"type": "broadcastForever"},
        {"tieredReplicants": {}, "useDefaultTierForNull": False, "type": "loadForever"},
        {"type": "dropForever"},
    ]


def test_get_datasource_rules_profile_latest_answers_same(client_latest: FlaskClient) -> None:
    post_rules(client_latest, WIKI, [LOAD_HOT])
    assert client_latest.get(f"{R}/{WIKI}?full").get_json() == [LOAD_HOT_OUT] + DEFAULT_RULES


# ------------------------------------------------------------------ 4.3 POST R/{ds}: success


def test_set_rules_valid_answers_200_empty(client: FlaskClient) -> None:
    resp = post_rules(client, WIKI, [LOAD_HOT])
    assert resp.status_code == 200
    assert resp.get_data() == b""


def test_set_rules_replaces_whole_list(client: FlaskClient) -> None:
    post_rules(client, WIKI, [LOAD_HOT, {"type": "dropForever"}])
    post_rules(client, WIKI, [{"type": "dropBeforeByPeriod", "period": "P1D"}])
    assert client.get(f"{R}/{WIKI}").get_json() == [{"period": "P1D", "type": "dropBeforeByPeriod"}]


def test_set_rules_without_content_type_is_415(client: FlaskClient) -> None:
    # No reader for application/octet-stream (measured on 28.0.0 and 33.0.0): nothing changes.
    resp = client.post(f"{R}/{WIKI}", data=json.dumps([{"type": "dropForever"}]))
    assert (resp.status_code, resp.get_data()) == (415, b"")
    assert client.get(f"{R}/{WIKI}").get_json() == []


def test_set_rules_empty_list_for_datasource_means_defaults(client: FlaskClient) -> None:
    post_rules(client, WIKI, [LOAD_HOT])
    assert post_rules(client, WIKI, []).status_code == 200
    assert client.get(f"{R}/{WIKI}").get_json() == []
    assert client.get(f"{R}/{WIKI}?full").get_json() == DEFAULT_RULES


def test_set_rules_redundant_list_is_accepted(client: FlaskClient) -> None:
    # Neither order nor redundancy is validated (PR #15015 was closed unmerged).
    body = [{"type": "loadForever"}, {"type": "dropForever"}, {"type": "loadForever"}]
    assert post_rules(client, WIKI, body).status_code == 200
    assert len(client.get(f"{R}/{WIKI}").get_json()) == 3


def test_set_rules_zero_replicas_and_empty_tiers_are_accepted(client: FlaskClient) -> None:
    body = [{"type": "loadForever", "tieredReplicants": {"hot": 0}}, {"type": "loadForever", "tieredReplicants": {}}]
    assert post_rules(client, WIKI, body).status_code == 200


def test_set_rules_default_key_replaces_cluster_defaults(client: FlaskClient) -> None:
    assert post_rules(client, "_default", [{"type": "dropForever"}]).status_code == 200
    assert client.get(f"{R}/nope?full").get_json() == [{"type": "dropForever"}]


def test_set_rules_drop_rule_stops_serving_at_once(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    assert client.get(f"/druid/coordinator/v1/datasources/{WIKI}").status_code == 200
    post_rules(client, WIKI, [{"type": "dropForever"}])
    assert client.get(f"/druid/coordinator/v1/datasources/{WIKI}").status_code == 204
    # Only the served view changes: the segments stay used until a Coordinator cycle drops them.
    assert fake.segment_ids(WIKI, used=True) == {wiki_id(0), wiki_id(1)}


@pytest.mark.parametrize("key", [WIKI, "_default"])
def test_set_rules_null_entry_is_stored_and_listed(client: FlaskClient, key: str) -> None:
    # Measured on 28.0.0 and 37.0.0: Jackson reads the null element as null and nothing checks the elements.
    resp = post_rules(client, key, [None, LOAD_HOT])
    assert (resp.status_code, resp.get_data()) == (200, b"")
    assert client.get(f"{R}/{key}").get_json() == [None, LOAD_HOT_OUT]
    assert client.get(R).get_json()[key] == [None, LOAD_HOT_OUT]
    history = client.get(f"{R}/{key}/history").get_json()
    assert [e["payload"] for e in history] == [json.dumps([None, LOAD_HOT_OUT], separators=(",", ":"))]


def test_set_rules_null_entry_before_a_matching_rule_stops_serving(fake: FakeCoordinator, client: FlaskClient) -> None:
    # RunRules fails on the null entry (the fake's served view: the segments' rules never run, nothing is loaded);
    # a null entry after the rule that applies is never reached.
    seed_wiki(fake, hours=range(0, 2))
    post_rules(client, WIKI, [{"type": "loadForever"}, None])
    assert client.get(f"/druid/coordinator/v1/datasources/{WIKI}").status_code == 200
    post_rules(client, WIKI, [None, {"type": "loadForever"}])
    assert client.get(f"/druid/coordinator/v1/datasources/{WIKI}").status_code == 204
    assert fake.segment_ids(WIKI, used=True) == {wiki_id(0), wiki_id(1)}


def test_set_rules_profile_latest_answers_200_empty(client_latest: FlaskClient) -> None:
    resp = post_rules(client_latest, WIKI, [LOAD_HOT])
    assert (resp.status_code, resp.get_data()) == (200, b"")


# ------------------------------------------------------------------ 4.3 POST R/{ds}: refused


def test_set_rules_text_plain_answers_415_and_changes_nothing(client: FlaskClient) -> None:
    before = snapshot(client)
    resp = client.post(f"{R}/{WIKI}", data="[]", headers={"Content-Type": "text/plain"})
    # Jersey's 415: no body (Druid 28.0.0).
    assert (resp.status, resp.data) == ("415 Unsupported Media Type", b"")
    assert snapshot(client) == before


def test_set_rules_malformed_json_answers_empty_500_and_changes_nothing(client: FlaskClient) -> None:
    # Druid 28.0.0 answers this very body with "500 Internal Server Error" and no body.
    before = snapshot(client)
    resp = client.post(f"{R}/{WIKI}", data='[{"type": ', headers=JSON)
    assert (resp.status, resp.data) == ("500 Internal Server Error", b"")
    assert snapshot(client) == before


@pytest.mark.parametrize("data", ["", "null", "  "])
def test_set_rules_null_body_answers_400_rules_cannot_be_null(client: FlaskClient, data: str) -> None:
    before = snapshot(client)
    resp = client.post(f"{R}/{WIKI}", data=data, headers=JSON)
    assert resp.status_code == 400
    assert resp.get_json() == {"error": "Rules cannot be null."}
    assert messages.RULES_NULL == "Rules cannot be null."
    assert snapshot(client) == before


def test_set_rules_empty_list_for_default_answers_400(client: FlaskClient) -> None:
    before = snapshot(client)
    resp = post_rules(client, "_default", [])
    assert resp.status_code == 400
    assert resp.get_json() == {"error": "Cluster-level rules cannot be empty."}
    assert messages.CLUSTER_RULES_EMPTY == "Cluster-level rules cannot be empty."
    assert snapshot(client) == before


@pytest.mark.parametrize(
    ("rule", "phrase"),
    [
        (
            {"type": "loadForever", "tieredReplicants": {"hot": None}},
            "ForeverLoadRule`, problem: Invalid number of replicas for tier [hot]. Value must not be null.",
        ),
        (
            {"type": "loadByPeriod", "period": "P1D", "tieredReplicants": {"hot": -1}},
            "PeriodLoadRule`, problem: Invalid number of replicas for tier [hot]. Value [-1] must be positive.",
        ),
        ({"type": "loadForeverr"}, "Could not resolve type id 'loadForeverr'"),
        ({"type": "loadByInterval", "interval": "2015-09-13/2015-09-12"}, "Bad Interval"),
        ({"tieredReplicants": {"hot": 1}}, "missing type id property 'type'"),
        ({"type": "loadForever", "tieredReplicants": 5}, "Cannot deserialize"),
        ({"type": "loadForever", "tieredReplicants": "hot"}, "no String-argument constructor"),
        ({"type": "dropByPeriod", "period": "one day"}, "one day"),
    ],
)
def test_set_rules_invalid_rule_answers_400_mapping_error_and_changes_nothing(
    client: FlaskClient, rule: dict[str, Any], phrase: str
) -> None:
    before = snapshot(client)
    resp = post_rules(client, WIKI, [{"type": "dropForever"}, rule])
    assert resp.status_code == 400
    body = resp.get_json()
    assert list(body) == ["error"]
    assert phrase in body["error"]
    assert snapshot(client) == before


@pytest.mark.parametrize("body", [{"type": "dropForever"}, "dropForever", 5])
def test_set_rules_body_not_a_list_answers_400_mapping_error(client: FlaskClient, body: Any) -> None:
    before = snapshot(client)
    resp = post_rules(client, WIKI, body)
    assert resp.status_code == 400
    assert "Cannot deserialize" in resp.get_json()["error"]
    assert snapshot(client) == before


def test_set_rules_invalid_rule_for_default_answers_mapping_error_first(client: FlaskClient) -> None:
    # Jackson reads the body before the resource looks at the list, so a bad rule wins over any list check.
    resp = post_rules(client, "_default", [{"type": "nope"}])
    assert resp.status_code == 400
    assert "Could not resolve type id 'nope'" in resp.get_json()["error"]


def test_set_rules_unknown_type_names_coordinator_service(client: FlaskClient) -> None:
    resp = post_rules(client, WIKI, [{"type": "nope"}])
    assert resp.get_json()["error"].startswith(
        "Please make sure to load all the necessary extensions and jars with type 'nope' on 'druid/coordinator' service."
    )


@pytest.mark.parametrize("profile", ["29", "latest"])
def test_set_rules_partial_load_rule_is_an_unknown_type(profile: str) -> None:
    # The partial-load types (Druid PR #19374) are newer than every verified release: measured on 37.0.0.
    fake = FakeCoordinator(druid_version=profile)
    client = fake.app.test_client()
    before = snapshot(client)
    resp = post_rules(client, WIKI, [{"type": "loadPartialForever"}])
    assert resp.status_code == 400
    assert "Could not resolve type id 'loadPartialForever'" in resp.get_json()["error"]
    assert "loadByInterval, loadByPeriod, loadForever]" in resp.get_json()["error"]
    assert snapshot(client) == before


def test_set_rules_invalid_rule_profile_latest_answers_same_400(client_latest: FlaskClient) -> None:
    resp = post_rules(client_latest, WIKI, [{"type": "loadForever", "tieredReplicants": {"hot": -2}}])
    assert resp.status_code == 400
    assert "Invalid number of replicas for tier [hot]. Value [-2] must be positive." in resp.get_json()["error"]


def test_set_rules_on_history_path_answers_405(client: FlaskClient) -> None:
    # JAX-RS prefers the literal /history template, which has only GET.
    before = snapshot(client)
    resp = post_rules(client, "history", [{"type": "dropForever"}])
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"]
    assert snapshot(client) == before


# ------------------------------------------------------------------ 4.5 history


def test_set_rules_writes_audit_entry(client: FlaskClient) -> None:
    post_rules(client, WIKI, [{"type": "dropForever"}], {"X-Druid-Author": "ops", "X-Druid-Comment": "retire"})
    resp = client.get(f"{R}/{WIKI}/history")
    assert resp.status_code == 200
    assert resp.get_json() == [
        {
            "key": WIKI,
            "type": "rules",
            "auditInfo": {"author": "ops", "identity": "allowAll", "comment": "retire", "ip": "127.0.0.1"},
            "request": None,
            "payload": '[{"type":"dropForever"}]',
            "auditTime": NOW,
        }
    ]


def test_set_rules_audit_without_headers_has_empty_author_and_comment(client: FlaskClient) -> None:
    post_rules(client, WIKI, [{"type": "loadForever"}])
    entry = client.get(f"{R}/history").get_json()[0]
    assert entry["auditInfo"] == {"author": "", "identity": "allowAll", "comment": "", "ip": "127.0.0.1"}
    assert entry["payload"] == '[{"tieredReplicants":{"_default_tier":2},"useDefaultTierForNull":true,"type":"loadForever"}]'


def test_rule_history_fresh_answers_empty_list(client: FlaskClient) -> None:
    assert client.get(f"{R}/history").get_json() == []
    assert client.get(f"{R}/{WIKI}/history").get_json() == []


def test_rule_history_lists_every_key_oldest_first(fake: FakeCoordinator, client: FlaskClient) -> None:
    post_rules(client, WIKI, [{"type": "dropForever"}])
    advance(fake, 1000)
    post_rules(client, "other", [])
    keys = [e["key"] for e in client.get(f"{R}/history").get_json()]
    assert keys == [WIKI, "other"]


def test_datasource_rule_history_filters_by_key(fake: FakeCoordinator, client: FlaskClient) -> None:
    post_rules(client, WIKI, [{"type": "dropForever"}])
    post_rules(client, "other", [])
    post_rules(client, WIKI, [])
    entries = client.get(f"{R}/{WIKI}/history").get_json()
    assert [(e["key"], e["payload"]) for e in entries] == [(WIKI, '[{"type":"dropForever"}]'), (WIKI, "[]")]


def test_rule_history_count_answers_newest_first(fake: FakeCoordinator, client: FlaskClient) -> None:
    for n in range(3):
        post_rules(client, WIKI, [{"type": "dropBeforeByPeriod", "period": f"P{n + 1}D"}])
        advance(fake, 1000)
    entries = client.get(f"{R}/history?count=2").get_json()
    assert [e["payload"] for e in entries] == [
        '[{"period":"P3D","type":"dropBeforeByPeriod"}]',
        '[{"period":"P2D","type":"dropBeforeByPeriod"}]',
    ]
    assert len(client.get(f"{R}/{WIKI}/history?count=5").get_json()) == 3


def test_rule_history_default_window_is_last_week(fake: FakeCoordinator, client: FlaskClient) -> None:
    post_rules(client, "old", [])
    advance(fake, 8 * 86_400_000)
    post_rules(client, "new", [])
    assert [e["key"] for e in client.get(f"{R}/history").get_json()] == ["new"]
    # count reads the whole log.
    assert [e["key"] for e in client.get(f"{R}/history?count=10").get_json()] == ["new", "old"]


def test_rule_history_interval_includes_both_ends(fake: FakeCoordinator, client: FlaskClient) -> None:
    post_rules(client, WIKI, [])
    advance(fake, 1000)
    post_rules(client, WIKI, [{"type": "dropForever"}])
    resp = client.get(f"{R}/history?interval=2024-05-01T10:00:00.123Z/2024-05-01T10:00:01.123Z")
    assert len(resp.get_json()) == 2
    resp = client.get(f"{R}/{WIKI}/history?interval=2024-05-01T10:00:00.124Z/2024-05-02")
    assert [e["payload"] for e in resp.get_json()] == ['[{"type":"dropForever"}]']


def test_rule_history_interval_period_form_is_accepted(fake: FakeCoordinator, client: FlaskClient) -> None:
    # RulesResourceTest: interval=P2D/2013-01-02T00:00:00Z.
    post_rules(client, WIKI, [])
    resp = client.get(f"{R}/history?interval=P2D/2024-05-02T00:00:00Z")
    assert len(resp.get_json()) == 1


def test_rule_history_interval_wins_over_count(client: FlaskClient) -> None:
    post_rules(client, WIKI, [])
    resp = client.get(f"{R}/history?interval=2024-05-01/2024-05-02&count=0")
    assert (resp.status_code, len(resp.get_json())) == (200, 1)


@pytest.mark.parametrize("count", ["0", "-1"])
@pytest.mark.parametrize("path", [f"{R}/history", f"{R}/{WIKI}/history"])
def test_rule_history_count_not_positive_answers_400(client: FlaskClient, path: str, count: str) -> None:
    resp = client.get(f"{path}?count={count}")
    assert resp.status_code == 400
    assert resp.get_json() == {"error": "Limit must be greater than zero!"}
    assert messages.HISTORY_LIMIT == "Limit must be greater than zero!"


@pytest.mark.parametrize("count", ["two", "1.5", "", "99999999999"])
@pytest.mark.parametrize("path", [f"{R}/history", f"{R}/{WIKI}/history"])
def test_rule_history_count_not_an_integer_answers_404(client: FlaskClient, path: str, count: str) -> None:
    resp = client.get(f"{path}?count={count}")
    assert resp.status_code == 404


@pytest.mark.parametrize("interval", ["2024-05-01_2024-05-02", "2024-05-02/2024-05-01", "yesterday", ""])
@pytest.mark.parametrize("path", [f"{R}/history", f"{R}/{WIKI}/history"])
def test_rule_history_bad_interval_answers_jetty_500(client: FlaskClient, path: str, interval: str) -> None:
    resp = client.get(f"{path}?interval={interval}")
    assert resp.status_code == 500
    assert resp.mimetype == "text/html"
    assert "Bad Interval" in resp.get_data(as_text=True)


def test_rule_history_bad_count_wins_over_bad_interval(client: FlaskClient) -> None:
    # Jersey converts the Integer parameter before the method parses the interval.
    assert client.get(f"{R}/history?interval=nope&count=x").status_code == 404


def test_rule_history_profile_latest_answers_same(client_latest: FlaskClient) -> None:
    post_rules(client_latest, WIKI, [])
    assert len(client_latest.get(f"{R}/{WIKI}/history?count=1").get_json()) == 1
    assert client_latest.get(f"{R}/history?count=0").get_json() == {"error": "Limit must be greater than zero!"}


@pytest.mark.parametrize("accept", [None, "*/*", "application/*", "text/plain"])
@pytest.mark.parametrize("data", ["null", "7", "[{}]"], ids=["null-list", "mapping-error", "no-type"])
def test_set_rules_error_without_json_accept_is_empty_500_in_profile_29(
    client: FlaskClient, accept: str | None, data: str
) -> None:
    # RulesResource has no @Produces: a Map answered without a media type finds no writer for a JSON-less Accept
    # (measured on Druid 28.0.0, whose exception mapper names no type either).
    before = snapshot(client)
    headers = {"Content-Type": "application/json", **({} if accept is None else {"Accept": accept})}
    resp = client.post(f"{R}/{WIKI}", data=data, headers=headers)
    assert (resp.status, resp.data) == ("500 Internal Server Error", b"")
    assert snapshot(client) == before


@pytest.mark.parametrize("accept", [None, "*/*", "text/plain"])
def test_set_rules_latest_mapping_error_is_json_but_null_list_is_empty_500(accept: str | None) -> None:
    # Druid 37.0.0: the exception mapper answers application/json; RulesResource's own Map still has no type.
    client = create_app(FakeCoordinator("latest")).test_client()
    headers = {"Content-Type": "application/json", **({} if accept is None else {"Accept": accept})}
    mapped = client.post(f"{R}/{WIKI}", data="7", headers=headers)
    assert (mapped.status_code, mapped.mimetype) == (400, "application/json")
    assert mapped.get_json()["error"].startswith("Cannot deserialize value of type `java.util.ArrayList<")
    # Jetty 12 (37.0.0) writes its own reason phrase.
    resp = client.post(f"{R}/{WIKI}", data="null", headers=headers)
    assert (resp.status, resp.data) == ("500 Server Error", b"")


def test_set_rules_error_keeps_its_400_when_the_quirk_is_off() -> None:
    client = create_app(FakeCoordinator("29", emulate_accept_quirk=False)).test_client()
    resp = client.post(f"{R}/{WIKI}", data="null", headers={"Content-Type": "application/json"})
    assert (resp.status_code, resp.get_json()) == (400, {"error": "Rules cannot be null."})
