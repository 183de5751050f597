"""Segment audit entries (http-api.md 1.9) and the fake's ``GET /fakedruid/v1/audit``.

Druid writes ``segment.markUnused`` for markUnused and mark-all-unused (the Coordinator in profile "29", DSR @
``dbe3b922``; the Overlord in profile "latest", ODSR) and ``segment.kill`` for API kills (the Coordinator in
both profiles), each only once the operation succeeded. Nothing else writes one.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakedruid import FakeCoordinator
from fakedruid.model.audit import AuditEntry, AuditLog, RequestInfo, java_hash_set_order
from tests.support import DOC_HEADERS, NOW, WIKI, seed_wiki, wiki_id

P = "/druid/coordinator/v1/datasources"
O = "/druid/indexer/v1/datasources"
AUDIT = "/fakedruid/v1/audit"
HEADERS = {"Content-Type": "application/json", "X-Druid-Author": "ops", "X-Druid-Comment": "cleanup"}
DAY = "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
KILL_PREFIX = f"api-issued_kill_{WIKI}_"
KILL_SUFFIX = f"_2015-09-12T00:00:00.000Z_2015-09-13T00:00:00.000Z_{NOW}"


def audit(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    resp = client.get(AUDIT + query)
    assert resp.status_code == 200
    body = resp.get_json()
    assert isinstance(body, list)
    return body


def post_json(client: FlaskClient, path: str, body: Any, headers: dict[str, str] | None = None) -> TestResponse:
    return client.post(path, data=json.dumps(body), headers=HEADERS if headers is None else headers)


def coordinator_entry(
    audit_type: str, payload: str, method: str, uri: str, query: str | None = None, key: str = WIKI
) -> dict[str, Any]:
    """An entry the Coordinator writes for a request sent with :data:`HEADERS` from the test client."""
    return {
        "key": key,
        "type": audit_type,
        "auditInfo": {"author": "ops", "identity": "allowAll", "comment": "cleanup", "ip": "127.0.0.1"},
        "request": {"service": "coordinator", "method": method, "uri": uri, "queryParams": query},
        "payload": payload,
        "auditTime": NOW,
    }


def forwarded_entry(payload: str, method: str, uri: str, key: str = WIKI) -> dict[str, Any]:
    """The Overlord's entry for a call the Coordinator forwarded: no author or comment headers are passed on."""
    return {
        "key": key,
        "type": "segment.markUnused",
        "auditInfo": {"author": "", "identity": "allowAll", "comment": "", "ip": "127.0.0.1"},
        "request": {"service": "overlord", "method": method, "uri": uri, "queryParams": None},
        "payload": payload,
        "auditTime": NOW,
    }


@pytest.fixture
def wiki(fake: FakeCoordinator) -> list[str]:
    """wikipedia_hour hours 00 to 03, all used."""
    return seed_wiki(fake, hours=range(4))


@pytest.fixture
def wiki_latest(fake_latest: FakeCoordinator) -> list[str]:
    return seed_wiki(fake_latest, hours=range(4))


def kill_task_id(entry: dict[str, Any]) -> str:
    task_id = json.loads(entry["payload"])["killTaskId"]
    assert isinstance(task_id, str)
    return task_id


# ====================================================================== profile "29": markUnused


def test_mark_unused_by_ids_writes_coordinator_entry(client: FlaskClient, wiki: list[str]) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki[0]], "versions": ["v9"]})
    assert resp.get_json() == {"numChangedSegments": 1}
    payload = '{"interval":null,"segmentIds":["' + wiki[0] + '"]}'
    assert audit(client) == [
        coordinator_entry("segment.markUnused", payload, "POST", f"{P}/{WIKI}/markUnused")
    ]


def test_mark_unused_by_interval_writes_null_segment_ids(client: FlaskClient, wiki: list[str]) -> None:
    post_json(client, f"{P}/{WIKI}/markUnused", {"interval": "2015-09-12/2015-09-13", "segmentIds": None})
    [entry] = audit(client)
    assert entry["payload"] == '{"interval":"' + DAY + '","segmentIds":null}'


def test_mark_unused_ids_payload_is_java_hash_set(client: FlaskClient, wiki: list[str]) -> None:
    post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": ["b", "a", "b", 7]})
    [entry] = audit(client)
    # Jackson reads a HashSet: duplicates dropped, the number read as "7", in hash order ("a" 97, "b" 98, "7" 55,
    # buckets 1, 2 and 7 of 16).
    assert entry["payload"] == '{"interval":null,"segmentIds":["a","b","7"]}'


def test_mark_unused_without_headers_has_empty_author_and_comment(client: FlaskClient, wiki: list[str]) -> None:
    post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki[1]]}, {"Content-Type": "application/json"})
    [entry] = audit(client)
    assert entry["auditInfo"] == {"author": "", "identity": "allowAll", "comment": "", "ip": "127.0.0.1"}


def test_mark_unused_no_change_still_writes_entry(client: FlaskClient, wiki: list[str]) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki_id(20)]})
    assert resp.get_json() == {"numChangedSegments": 0}
    assert [e["type"] for e in audit(client)] == ["segment.markUnused"]


@pytest.mark.parametrize(
    "body",
    [{}, {"segmentIds": []}, {"interval": "2015-09-12/2015-09-13", "segmentIds": ["x"]}],
    ids=["empty", "no_ids", "both"],
)
def test_mark_unused_invalid_payload_writes_no_entry(client: FlaskClient, wiki: list[str], body: Any) -> None:
    assert post_json(client, f"{P}/{WIKI}/markUnused", body).status_code == 400
    assert audit(client) == []


def test_mark_unused_unserved_datasource_writes_no_entry(client: FlaskClient, wiki: list[str]) -> None:
    assert post_json(client, f"{P}/nope/markUnused", {"segmentIds": ["x"]}).status_code == 204
    assert audit(client) == []


def test_mark_unused_failed_update_writes_no_entry(client: FlaskClient, wiki: list[str]) -> None:
    # A null id makes SegmentId.tryParse throw inside the update, before the audit call.
    assert post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": [None]}).status_code == 500
    assert audit(client) == []


# ====================================================================== profile "29": mark all unused


def test_mark_all_unused_writes_entry_with_answer_as_payload(client: FlaskClient, wiki: list[str]) -> None:
    resp = client.delete(f"{P}/{WIKI}", headers=HEADERS)
    assert resp.get_json() == {"numChangedSegments": 4}
    assert audit(client) == [
        coordinator_entry("segment.markUnused", '{"numChangedSegments":4}', "DELETE", f"{P}/{WIKI}")
    ]


def test_mark_all_unused_unknown_datasource_writes_zero_entry(client: FlaskClient) -> None:
    client.delete(f"{P}/nope?kill=false", headers=HEADERS)
    assert audit(client) == [
        coordinator_entry(
            "segment.markUnused", '{"numChangedSegments":0}', "DELETE", f"{P}/nope", "kill=false", key="nope"
        )
    ]


def test_mark_all_unused_without_overlord_client_writes_no_entry(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.overlord_mode = "missing"
    assert client.delete(f"{P}/{WIKI}").get_json() == {"error": "no indexing service found"}
    assert audit(client) == []


# ====================================================================== profile "29": kill


def test_kill_writes_entry_with_task_id_and_interval(client: FlaskClient, wiki: list[str]) -> None:
    resp = client.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13", headers=HEADERS)
    assert resp.status_code == 200
    [entry] = audit(client)
    task_id = kill_task_id(entry)
    assert task_id.startswith(KILL_PREFIX) and task_id.endswith(KILL_SUFFIX)
    assert entry == coordinator_entry(
        "segment.kill",
        '{"killTaskId":"' + task_id + '","interval":"' + DAY + '"}',
        "DELETE",
        f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13",
    )
    assert client.get(f"/druid/indexer/v1/task/{task_id}/status").status_code == 200


def test_kill_deprecated_delete_writes_entry_with_query(client: FlaskClient, wiki: list[str]) -> None:
    client.delete(f"{P}/{WIKI}?kill=true&interval=2015-09-12_2015-09-13", headers=HEADERS)
    [entry] = audit(client)
    assert entry["type"] == "segment.kill"
    assert entry["request"] == {
        "service": "coordinator",
        "method": "DELETE",
        "uri": f"{P}/{WIKI}",
        "queryParams": "kill=true&interval=2015-09-12_2015-09-13",
    }
    assert json.loads(entry["payload"])["interval"] == DAY


def test_kill_unknown_datasource_still_writes_entry(client: FlaskClient) -> None:
    client.delete(f"{P}/nope/intervals/2015-09-12_2015-09-13")
    assert [(e["key"], e["type"]) for e in audit(client)] == [("nope", "segment.kill")]


def test_kill_request_uri_keeps_percent_encoding(client: FlaskClient) -> None:
    client.delete(f"{P}/my%20ds/intervals/2015-09-12_2015-09-13")
    [entry] = audit(client)
    assert entry["key"] == "my ds"
    assert entry["request"]["uri"] == f"{P}/my%20ds/intervals/2015-09-12_2015-09-13"


@pytest.mark.parametrize(
    "path",
    [f"{P}/{WIKI}/intervals/nonsense", f"{P}/{WIKI}?kill=true&interval=???", f"{P}/{WIKI}?kill=true"],
    ids=["bad_path_interval", "bad_query_interval", "no_interval"],
)
def test_kill_uncaught_error_writes_no_entry(client: FlaskClient, path: str) -> None:
    assert client.delete(path).status_code == 500
    assert audit(client) == []


def test_kill_overlord_unreachable_writes_no_entry(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.overlord_mode = "unreachable"
    assert client.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13").status_code == 500
    assert audit(client) == []


def test_other_write_endpoints_write_no_entry(client: FlaskClient, wiki: list[str]) -> None:
    client.delete(f"{P}/{WIKI}/segments/{wiki[0]}", headers=DOC_HEADERS)
    client.post(f"{P}/{WIKI}/segments/{wiki[0]}", headers=DOC_HEADERS)
    client.post(f"{P}/{WIKI}", headers=DOC_HEADERS)
    post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki[0]]})
    client.post("/druid/coordinator/v1/rules/" + WIKI, data='[{"type": "loadForever"}]', headers=HEADERS)
    assert audit(client) == []


# ====================================================================== profile "latest"


def test_mark_unused_latest_entry_is_written_by_overlord(client_latest: FlaskClient, wiki_latest: list[str]) -> None:
    resp = post_json(client_latest, f"{P}/{WIKI}/markUnused", {"interval": "2015-09-12/2015-09-13", "versions": []})
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}
    payload = '{"interval":"' + DAY + '","segmentIds":null,"versions":[]}'
    assert audit(client_latest) == [forwarded_entry(payload, "POST", f"{O}/{WIKI}/markUnused")]


def test_mark_unused_latest_payload_keeps_empty_ids_and_null_versions(
    client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    post_json(client_latest, f"{P}/{WIKI}/markUnused", {"interval": "2015-09-12/2015-09-13", "segmentIds": []})
    [entry] = audit(client_latest)
    assert entry["payload"] == '{"interval":"' + DAY + '","segmentIds":[],"versions":null}'


def test_mark_unused_latest_unknown_datasource_writes_entry(client_latest: FlaskClient) -> None:
    # No served check in profile "latest".
    post_json(client_latest, f"{P}/nope/markUnused", {"segmentIds": ["x"]})
    assert [(e["key"], e["payload"]) for e in audit(client_latest)] == [
        ("nope", '{"interval":null,"segmentIds":["x"],"versions":null}')
    ]


def test_mark_unused_latest_invalid_payload_writes_no_entry(client_latest: FlaskClient) -> None:
    body = {"segmentIds": ["x"], "versions": ["v1"]}
    assert post_json(client_latest, f"{P}/{WIKI}/markUnused", body).status_code == 400
    assert audit(client_latest) == []


@pytest.mark.parametrize("mode", ["old", "unreachable"])
def test_mark_unused_latest_overlord_fault_writes_no_entry(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str], mode: str
) -> None:
    fake_latest.overlord_mode = mode
    assert post_json(client_latest, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki_latest[0]]}).status_code >= 400
    assert client_latest.delete(f"{P}/{WIKI}").status_code >= 400
    assert audit(client_latest) == []


def test_mark_all_unused_latest_entry_is_written_by_overlord(
    client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    client_latest.delete(f"{P}/{WIKI}", headers=HEADERS)
    assert audit(client_latest) == [
        forwarded_entry('{"numChangedSegments":4,"segmentStateChanged":true}', "DELETE", f"{O}/{WIKI}")
    ]


def test_mark_all_unused_latest_forwarded_uri_is_url_encoded(client_latest: FlaskClient) -> None:
    client_latest.delete(f"{P}/a~b%20c")
    [entry] = audit(client_latest)
    assert entry["key"] == "a~b c"
    assert entry["request"]["uri"] == f"{O}/a%7Eb%20c"
    assert entry["payload"] == '{"numChangedSegments":0,"segmentStateChanged":false}'


def test_kill_latest_entry_is_written_by_coordinator(client_latest: FlaskClient, wiki_latest: list[str]) -> None:
    client_latest.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13", headers=HEADERS)
    [entry] = audit(client_latest)
    task_id = kill_task_id(entry)
    assert entry == coordinator_entry(
        "segment.kill",
        '{"killTaskId":"' + task_id + '","interval":"' + DAY + '"}',
        "DELETE",
        f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13",
    )


def test_overlord_mark_unused_writes_entry_with_headers(client_latest: FlaskClient, wiki_latest: list[str]) -> None:
    resp = post_json(client_latest, f"{O}/{WIKI}/markUnused", {"segmentIds": [wiki_latest[0]]})
    assert resp.get_json() == {"numChangedSegments": 1, "segmentStateChanged": True}
    payload = '{"interval":null,"segmentIds":["' + wiki_latest[0] + '"],"versions":null}'
    entry = coordinator_entry("segment.markUnused", payload, "POST", f"{O}/{WIKI}/markUnused")
    entry["request"]["service"] = "overlord"
    assert audit(client_latest) == [entry]


def test_overlord_mark_all_unused_writes_entry_with_headers(
    client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    client_latest.delete(f"{O}/{WIKI}", headers=HEADERS)
    entry = coordinator_entry(
        "segment.markUnused", '{"numChangedSegments":4,"segmentStateChanged":true}', "DELETE", f"{O}/{WIKI}"
    )
    entry["request"]["service"] = "overlord"
    assert audit(client_latest) == [entry]


def test_overlord_failed_or_invalid_mark_unused_writes_no_entry(
    client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    assert post_json(client_latest, f"{O}/{WIKI}/markUnused", {"segmentIds": [None]}).status_code == 500
    assert post_json(client_latest, f"{O}/{WIKI}/markUnused", {}).status_code == 400
    assert audit(client_latest) == []


def test_overlord_other_endpoints_write_no_entry(client_latest: FlaskClient, wiki_latest: list[str]) -> None:
    client_latest.delete(f"{O}/{WIKI}/segments/{wiki_latest[0]}")
    client_latest.post(f"{O}/{WIKI}/segments/{wiki_latest[0]}", headers=HEADERS)
    client_latest.post(f"{O}/{WIKI}", headers=HEADERS)
    post_json(client_latest, f"{O}/{WIKI}/markUsed", {"segmentIds": [wiki_latest[0]]})
    client_latest.delete(f"{P}/{WIKI}/segments/{wiki_latest[1]}")
    assert audit(client_latest) == []


# ====================================================================== the admin API


def test_get_audit_filters_by_type_and_key(client: FlaskClient, wiki: list[str]) -> None:
    client.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13")
    client.delete(f"{P}/other")
    client.delete(f"{P}/{WIKI}")
    assert [(e["key"], e["type"]) for e in audit(client)] == [
        (WIKI, "segment.kill"),
        ("other", "segment.markUnused"),
        (WIKI, "segment.markUnused"),
    ]
    assert [e["key"] for e in audit(client, "?type=segment.markUnused")] == ["other", WIKI]
    assert [e["type"] for e in audit(client, f"?key={WIKI}")] == ["segment.kill", "segment.markUnused"]
    assert [e["key"] for e in audit(client, "?type=segment.kill&key=other")] == []
    assert audit(client, "?type=rules") == []


def test_get_audit_fresh_answers_empty_list(client: FlaskClient) -> None:
    assert audit(client) == []


def test_reset_clears_audit(fake: FakeCoordinator, client: FlaskClient) -> None:
    client.delete(f"{P}/{WIKI}")
    assert len(audit(client)) == 1
    assert client.post("/fakedruid/v1/reset").status_code == 200
    assert audit(client) == []
    client.delete(f"{P}/{WIKI}")
    fake.reset()
    assert audit(client) == []


# ====================================================================== model helpers


def test_java_hash_set_order_matches_java_hash_map() -> None:
    # One-character strings hash to their code: buckets 1, 2, 7 of a 16-slot table; null goes to bucket 0.
    assert java_hash_set_order(["b", "a", "b", "g", None]) == [None, "a", "b", "g"]
    # "Aa" and "BB" share String.hashCode 2112, so they keep insertion order within the bucket.
    assert java_hash_set_order(["BB", "Aa"]) == ["BB", "Aa"]
    assert java_hash_set_order(["Aa", "BB"]) == ["Aa", "BB"]
    # "a" (97) and "q" (113) share bucket 1 of 16; past 12 elements the table has 32 slots ("q" moves to 17).
    assert java_hash_set_order(["q", "a"]) == ["q", "a"]
    thirteen = java_hash_set_order(["q", "a"] + [chr(c) for c in range(ord("A"), ord("A") + 11)])
    assert thirteen.index("a") < thirteen.index("q") == 12


def test_audit_log_add_entries_reset() -> None:
    log = AuditLog()
    first = log.add(AuditEntry("a", "segment.kill", "", "", "", "{}", 0))
    log.add(AuditEntry("b", "segment.markUnused", "", "", "", "{}", 1))
    assert log.entries() == [first, log.entries()[1]]
    assert [e.key for e in log.entries(type="segment.kill")] == ["a"]
    assert [e.type for e in log.entries(key="b")] == ["segment.markUnused"]
    log.reset()
    assert log.entries() == [] and len(log) == 0


def test_audit_entry_state_round_trip_keeps_request() -> None:
    request = RequestInfo("coordinator", "DELETE", f"{P}/{WIKI}", "kill=false")
    entry = AuditEntry(WIKI, "segment.markUnused", "ops", "c", "1.2.3.4", "{}", 5, request=request)
    assert AuditEntry.from_state(entry.to_state(), default_type="x") == entry
    bare = AuditEntry("a", "rules", "", "", "", "[]", 5)
    assert "request" not in bare.to_state()
    assert AuditEntry.from_state(bare.to_state(), default_type="x") == bare


def test_audit_entries_python_accessor_matches_admin_api(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment("wiki", "2015-09-12/P1D", "v1")
    client.delete("/druid/coordinator/v1/datasources/wiki", headers={"X-Druid-Author": "me"})
    entries = fake.audit_entries(type="segment.markUnused", key="wiki")
    assert [e["auditInfo"]["author"] for e in entries] == ["me"]
    assert entries == client.get("/fakedruid/v1/audit?type=segment.markUnused&key=wiki").get_json()
    assert fake.audit_entries(type="segment.kill") == []
