"""Fidelity audit of the read, rules and task endpoints: rows of http-api.md sections 3 to 5 not pinned elsewhere.

Layer: api tests (Flask test client). Each test names the spec row it pins; where Druid's source decided the
row, the test cites it.
"""

from __future__ import annotations

from flask.testing import FlaskClient

from fakedruid import FakeCoordinator

C = "/druid/coordinator/v1"
INDEXER = "/druid/indexer/v1"


def _seed_zero_replica(fake: FakeCoordinator) -> None:
    """One segment under a zero-replica load rule, one under the default loadForever."""
    fake.add_segment("wiki", "2015-01-01/2015-01-02", "v1")
    fake.add_segment("wiki", "2016-01-01/2016-01-02", "v1")
    resp = fake.client.post(
        f"{C}/rules/wiki",
        json=[{"type": "loadByInterval", "interval": "2015/2016", "tieredReplicants": {}}],
    )
    assert resp.status_code == 200


def test_loadstatus_simple_profile_29_counts_zero_replica_segment_unavailable(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    # DruidCoordinator @ dbe3b922 (29): available only when replicaCount.totalLoaded() > 0.
    _seed_zero_replica(fake)
    assert client.get(f"{C}/loadstatus?simple").get_json() == {"wiki": 1}
    assert client.get(f"{C}/loadstatus").get_json() == {"wiki": 50.0}


def test_loadstatus_simple_profile_latest_counts_zero_replica_segment_available(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    # Newer DruidCoordinator.getDatasourceToUnavailableSegmentCount: totalLoaded() > 0 || required() == 0.
    _seed_zero_replica(fake_latest)
    assert client_latest.get(f"{C}/loadstatus?simple").get_json() == {"wiki": 0}
    # The percentage is unchanged: the zero-replica segment is used but not loaded.
    assert client_latest.get(f"{C}/loadstatus").get_json() == {"wiki": 50.0}


def test_loadstatus_simple_profile_latest_overshadowed_segment_still_unavailable(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    # RunRules skips overshadowed segments, so they have no replica count (null): unavailable in every version.
    fake_latest.add_segment("wiki", "2015-01-01/2015-01-02", "v1")
    fake_latest.add_segment("wiki", "2015-01-01/2015-01-02", "v2")
    resp = client_latest.post(f"{C}/rules/wiki", json=[{"type": "loadForever", "tieredReplicants": {}}])
    assert resp.status_code == 200
    assert client_latest.get(f"{C}/loadstatus?simple").get_json() == {"wiki": 1}


def test_datasource_loadstatus_empty_force_metadata_refresh_counts_as_given(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    fake.add_segment("wiki", "2024-04-25/2024-04-26", "v1")
    resp = client.get(f"{C}/datasources/wiki/loadstatus?forceMetadataRefresh=")
    assert resp.status_code == 200
    assert resp.get_json() == {"wiki": 100.0}


def test_datasource_loadstatus_default_window_excludes_old_segments_answers_200_text(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    fake.add_segment("old", "2015-01-01/2015-01-02", "v1")
    resp = client.get(f"{C}/datasources/old/loadstatus?forceMetadataRefresh=false")
    # Druid's 204 with an entity becomes Jersey's 200 with the text (measured on Druid 28.0.0 and 33.0.0).
    assert resp.status_code == 200
    assert resp.get_data(as_text=True) == "No used segment found for the given datasource and interval"


def test_metadata_datasources_full_with_include_disabled_answers_names(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    # MR: includeUnused (or legacy includeDisabled) wins over full.
    fake.add_segment("wiki", "2015-01-01/2015-01-02", "v1")
    fake.add_segment("gone", "2015-01-01/2015-01-02", "v1", used=False)
    assert client.get(f"{C}/metadata/datasources?full&includeDisabled").get_json() == ["gone", "wiki"]


def test_metadata_segments_realtime_flag_with_status_answers_status_entries(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    fake.add_segment("wiki", "2015-01-01/2015-01-02", "v1")
    body = client.get(f"{C}/metadata/segments?includeOvershadowedStatus&includeRealtimeSegments").get_json()
    assert len(body) == 1
    assert body[0]["overshadowed"] is False
    assert body[0]["replicationFactor"] == 2
    assert body[0]["numRows"] is None
    assert body[0]["realtime"] is False


def test_submit_kill_mark_as_unused_true_profile_29_payload_keeps_flag(client: FlaskClient) -> None:
    # KillUnusedSegmentsTask @ 94f17b01: isMarkAsUnused is @JsonInclude(NON_DEFAULT), so written only when true.
    body = {"type": "kill", "id": "k", "dataSource": "wiki", "interval": "2015/2016", "markAsUnused": True}
    assert client.post(f"{INDEXER}/task", json=body).status_code == 200
    payload = client.get(f"{INDEXER}/task/k").get_json()["payload"]
    assert payload["markAsUnused"] is True


def test_submit_kill_mark_as_unused_false_profile_29_payload_omits_flag(client: FlaskClient) -> None:
    body = {"type": "kill", "id": "k", "dataSource": "wiki", "interval": "2015/2016", "markAsUnused": False}
    assert client.post(f"{INDEXER}/task", json=body).status_code == 200
    assert "markAsUnused" not in client.get(f"{INDEXER}/task/k").get_json()["payload"]


def test_submit_kill_limit_with_mark_as_unused_profile_latest_is_ignored(client_latest: FlaskClient) -> None:
    # markAsUnused is an unknown field in "latest", so the limit check of profile "29" does not apply.
    body = {"type": "kill", "id": "k", "dataSource": "wiki", "interval": "2015/2016", "limit": 3, "markAsUnused": True}
    resp = client_latest.post(f"{INDEXER}/task", json=body)
    assert resp.status_code == 200
    assert resp.get_json() == {"task": "k"}


def test_rules_post_unknown_datasource_then_get_all_lists_empty_key(client: FlaskClient) -> None:
    # http-api 4.1: every datasource that ever had rules, including those set to [].
    assert client.post(f"{C}/rules/wiki", json=[]).status_code == 200
    body = client.get(f"{C}/rules").get_json()
    assert list(body) == ["_default", "wiki"]
    assert body["wiki"] == []
