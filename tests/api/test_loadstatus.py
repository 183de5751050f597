"""Load status: ``GET /datasources/{ds}/loadstatus`` (http-api.md 3.6) and ``GET /loadstatus`` (3.7)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from fakedruid.api import messages
from fakedruid.model.rules import rules_from_json
from fakedruid.model.servers import ServerLayout
from tests.support import WIKI, seed_wiki

C = "/druid/coordinator/v1"
DAY = "2015-09-12_2015-09-13"


def loadstatus(ds: str = WIKI, **params: str) -> str:
    query = "&".join(f"{k}={v}" if v is not None else k for k, v in params.items())
    return f"{C}/datasources/{ds}/loadstatus?{query}"


def set_rules(fake: FakeCoordinator, ds: str, rules: list[dict[str, Any]]) -> None:
    cluster = fake.cluster
    with cluster.lock:
        cluster.rules.set_rules(ds, rules_from_json(rules, datasource=ds), now=cluster.now())


def load_first_hour_only(fake: FakeCoordinator) -> None:
    """Hour 0 of 2015-09-12 is loaded (one replica); everything else of WIKI is dropped."""
    set_rules(
        fake,
        WIKI,
        [
            {"type": "loadByInterval", "interval": "2015-09-12T00:00/2015-09-12T01:00", "tieredReplicants": {"_default_tier": 1}},
            {"type": "dropForever"},
        ],
    )


def two_tier_layout(fake: FakeCoordinator) -> None:
    """tier1 with 2 servers and tier2 with 1; WIKI wants 1 replica on tier1 and 2 on tier2."""
    fake.cluster.layout = ServerLayout({"tier1": 2, "tier2": 1})
    set_rules(fake, WIKI, [{"type": "loadForever", "tieredReplicants": {"tier1": 1, "tier2": 2}}])


# ------------------------------------------------------------------ 3.6: per datasource


def test_datasource_loadstatus_without_force_metadata_refresh_answers_400_raw(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    resp = client.get(loadstatus(interval=DAY))
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    assert resp.data.decode() == "Invalid request. forceMetadataRefresh must be specified"
    assert resp.data.decode() == messages.FORCE_METADATA_REFRESH_REQUIRED


def test_datasource_loadstatus_without_force_metadata_refresh_unknown_datasource_answers_400(client: FlaskClient) -> None:
    # The parameter check comes before the existence check.
    assert client.get(loadstatus("nothing")).status_code == 400


def test_datasource_loadstatus_bad_interval_answers_jetty_500(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval="2015-09-13_2015-09-12"))
    assert resp.status_code == 500
    assert resp.mimetype == "text/html"
    assert "Bad Interval[2015-09-13/2015-09-12]" in resp.data.decode()


def test_datasource_loadstatus_unknown_datasource_answers_204(client: FlaskClient) -> None:
    resp = client.get(loadstatus("nothing", forceMetadataRefresh="true", interval=DAY))
    assert resp.status_code == 204
    assert resp.data == b""


def test_datasource_loadstatus_only_unused_segments_answers_204(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2), unused=(0, 1))
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY))
    assert resp.status_code == 204
    assert resp.data == b""


def test_datasource_loadstatus_no_segment_in_interval_answers_200_text(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval="2016-01-01_2016-01-02"))
    # Druid's 204 with an entity becomes Jersey's 200 with the text (measured on Druid 28.0.0 and 33.0.0).
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == "No used segment found for the given datasource and interval"


def test_datasource_loadstatus_all_loaded_answers_100_as_double(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY))
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.data == b'{"' + WIKI.encode() + b'":100.0}'


def test_datasource_loadstatus_force_metadata_refresh_false_answers_same(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    resp = client.get(loadstatus(forceMetadataRefresh="false", interval=DAY))
    assert resp.status_code == 200
    assert resp.get_json() == {WIKI: 100.0}


def test_datasource_loadstatus_half_loaded_answers_50(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    load_first_hour_only(fake)
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY))
    assert resp.status_code == 200
    assert resp.data == b'{"' + WIKI.encode() + b'":50.0}'


def test_datasource_loadstatus_slash_interval_accepted(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval="2015-09-12%2F2015-09-13"))
    assert resp.get_json() == {WIKI: 100.0}


def test_datasource_loadstatus_counts_partly_visible_segments(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    load_first_hour_only(fake)
    # Only hour 1 (not loaded) overlaps 01:30/02:00; hour 0 abuts nothing in it.
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval="2015-09-12T01:30_2015-09-12T02:00"))
    assert resp.get_json() == {WIKI: 0.0}
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval="2015-09-12T00:30_2015-09-12T01:00"))
    assert resp.get_json() == {WIKI: 100.0}


def test_datasource_loadstatus_ignores_overshadowed_segments(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment(WIKI, "2015-09-12/2015-09-13", "v1")
    fake.add_segment(WIKI, "2015-09-12/2015-09-13", "v2")
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY))
    # The overshadowed v1 is never served; counting it would give 50.0.
    assert resp.get_json() == {WIKI: 100.0}
    assert client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, simple=None)).get_json() == {WIKI: 0}


def test_datasource_loadstatus_default_interval_is_14_days_ending_now(fake: FakeCoordinator, client: FlaskClient) -> None:
    # NOW is 2024-05-01T10:00:00.123Z: the window is 2024-04-17T10:00:00.123Z/2024-05-01T10:00:00.123Z.
    fake.add_segment(WIKI, "2024-04-30/2024-05-01", "v1")
    fake.add_segment(WIKI, "2024-04-16/2024-04-17", "v1")
    set_rules(
        fake,
        WIKI,
        [{"type": "loadByInterval", "interval": "2024-04-30/2024-05-01", "tieredReplicants": {"_default_tier": 1}}, {"type": "dropForever"}],
    )
    resp = client.get(loadstatus(forceMetadataRefresh="true"))
    assert resp.status_code == 200
    assert resp.get_json() == {WIKI: 100.0}


def test_datasource_loadstatus_default_interval_without_recent_segments_answers_200_text(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    resp = client.get(loadstatus(forceMetadataRefresh="true"))
    # Druid's 204 with an entity becomes Jersey's 200 with the text (measured on Druid 28.0.0 and 33.0.0).
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == "No used segment found for the given datasource and interval"


def test_datasource_loadstatus_simple_all_loaded_answers_0(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, simple=None))
    assert resp.status_code == 200
    assert resp.get_json() == {WIKI: 0}


def test_datasource_loadstatus_simple_half_loaded_answers_1(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    load_first_hour_only(fake)
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, simple=""))
    assert resp.get_json() == {WIKI: 1}


def test_datasource_loadstatus_simple_wins_over_full(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, full=None, simple=None))
    assert resp.get_json() == {WIKI: 0}


def test_datasource_loadstatus_full_answers_under_replication_per_tier(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    two_tier_layout(fake)
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, full=None))
    assert resp.status_code == 200
    # tier1: 1 wanted, 1 serving; tier2: 2 wanted, 1 server, so 1 missing for each of 3 segments.
    assert resp.get_json() == {"tier1": {WIKI: 0}, "tier2": {WIKI: 3}}


def test_datasource_loadstatus_full_default_rules_fully_replicated_answers_0(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, full="false"))
    assert resp.get_json() == {"_default_tier": {WIKI: 0}}


def test_datasource_loadstatus_full_cluster_view_caps_replicas_at_tier_size(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    two_tier_layout(fake)
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, full=None, computeUsingClusterView=None))
    assert resp.get_json() == {"tier1": {WIKI: 0}, "tier2": {WIKI: 0}}


def test_datasource_loadstatus_full_tier_without_servers_counts_all_replicas(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    set_rules(fake, WIKI, [{"type": "loadForever", "tieredReplicants": {"_default_tier": 1, "cold": 2}}])
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, full=None))
    assert resp.get_json() == {"_default_tier": {WIKI: 0}, "cold": {WIKI: 4}}
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, full=None, computeUsingClusterView=None))
    assert resp.get_json() == {"_default_tier": {WIKI: 0}, "cold": {WIKI: 0}}


def test_datasource_loadstatus_full_empty_map_answers_500_raw(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    set_rules(fake, WIKI, [{"type": "dropForever"}])
    resp = client.get(loadstatus(forceMetadataRefresh="true", interval=DAY, full=None))
    assert resp.status_code == 500
    assert resp.mimetype == "application/json"
    assert resp.data.decode() == "Coordinator segment replicant lookup is not initialized yet. Try again later."


def test_datasource_loadstatus_profile_latest_answers_as_29(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    seed_wiki(fake_latest, hours=range(0, 2))
    assert client_latest.get(loadstatus(interval=DAY)).status_code == 400
    assert client_latest.get(loadstatus(forceMetadataRefresh="true", interval=DAY)).get_json() == {WIKI: 100.0}


# ------------------------------------------------------------------ 3.7: all datasources


def test_loadstatus_no_datasources_answers_empty_maps(client: FlaskClient) -> None:
    for query in ("", "?simple", "?full"):
        resp = client.get(f"{C}/loadstatus{query}")
        assert resp.status_code == 200
        assert resp.get_json() == {}


def test_loadstatus_answers_percent_per_datasource_with_used_segments(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    fake.add_segment("other", "2015-01-01/2015-01-02", "v1")
    fake.add_segment("gone", "2015-01-01/2015-01-02", "v1", used=False)
    resp = client.get(f"{C}/loadstatus")
    assert resp.status_code == 200
    assert resp.get_json() == {"other": 100.0, WIKI: 100.0}
    assert b"100.0" in resp.data


def test_loadstatus_counts_overshadowed_used_segments(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment(WIKI, "2015-09-12/2015-09-13", "v1")
    fake.add_segment(WIKI, "2015-09-12/2015-09-13", "v2")
    # The overshadowed v1 is used but never served.
    assert client.get(f"{C}/loadstatus").get_json() == {WIKI: 50.0}
    assert client.get(f"{C}/loadstatus?simple").get_json() == {WIKI: 1}


def test_loadstatus_partly_loaded_answers_percent(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 4))
    load_first_hour_only(fake)
    assert client.get(f"{C}/loadstatus").get_json() == {WIKI: 25.0}


def test_loadstatus_simple_answers_unloaded_counts(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 4))
    load_first_hour_only(fake)
    fake.add_segment("other", "2015-01-01/2015-01-02", "v1")
    assert client.get(f"{C}/loadstatus?simple").get_json() == {"other": 0, WIKI: 3}


def test_loadstatus_simple_wins_over_full(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    assert client.get(f"{C}/loadstatus?full&simple").get_json() == {WIKI: 0}


def test_loadstatus_full_answers_under_replication_per_tier(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    two_tier_layout(fake)
    fake.add_segment("other", "2015-01-01/2015-01-02", "v1")
    resp = client.get(f"{C}/loadstatus?full")
    assert resp.status_code == 200
    # "other" uses the default rule: 2 replicas on _default_tier, which has no servers in this layout.
    assert resp.get_json() == {"_default_tier": {"other": 2}, "tier1": {WIKI: 0}, "tier2": {WIKI: 3}}


def test_loadstatus_full_cluster_view_caps_replicas_at_tier_size(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    two_tier_layout(fake)
    fake.add_segment("other", "2015-01-01/2015-01-02", "v1")
    resp = client.get(f"{C}/loadstatus?full&computeUsingClusterView")
    assert resp.get_json() == {"_default_tier": {"other": 0}, "tier1": {WIKI: 0}, "tier2": {WIKI: 0}}


def test_loadstatus_full_skips_overshadowed_segments(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.cluster.layout = ServerLayout({"_default_tier": 1})
    fake.add_segment(WIKI, "2015-09-12/2015-09-13", "v1")
    fake.add_segment(WIKI, "2015-09-12/2015-09-13", "v2")
    # Default rule: 2 replicas, 1 server. Only v2 counts; v1 would add 2 more.
    assert client.get(f"{C}/loadstatus?full").get_json() == {"_default_tier": {WIKI: 1}}


def test_loadstatus_full_drop_rules_only_answers_empty_map(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2))
    set_rules(fake, WIKI, [{"type": "dropForever"}])
    resp = client.get(f"{C}/loadstatus?full")
    assert resp.status_code == 200
    assert resp.get_json() == {}


@pytest.mark.parametrize("query", ["", "?simple", "?full"])
def test_loadstatus_profile_latest_answers_as_29(fake_latest: FakeCoordinator, client_latest: FlaskClient, query: str) -> None:
    seed_wiki(fake_latest, hours=range(0, 2))
    expected = {"": {WIKI: 100.0}, "?simple": {WIKI: 0}, "?full": {"_default_tier": {WIKI: 0}}}[query]
    assert client_latest.get(f"{C}/loadstatus{query}").get_json() == expected
