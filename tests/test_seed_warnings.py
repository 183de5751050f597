"""The warnings of the seed documents (Druid's "Data management API" pages), end to end over HTTP.

* "the Coordinator may again disable segments if they match any configured drop rules": a segment marked used
  by the API is marked unused again by the next Coordinator cycle when a drop rule matches it;
* "you must configure a load rule to load them onto Historical processes": with a drop rule, or with no rule
  at all, a used segment is not served until a load rule matches it;
* kill tasks "permanently delete all metadata for unused segments": used segments are never killed.

The Coordinator cycle runs on request (``POST /fakedruid/v1/duties``, semantics.md 10.2).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from tests.support import DOC_HEADERS, NOW, WIKI, seed_wiki, wiki_id

C = "/druid/coordinator/v1"
P = f"{C}/datasources"
DUTIES = "/fakedruid/v1/duties"
HOUR_16 = wiki_id(16)
DROP_HOUR_16 = [{"type": "dropByInterval", "interval": "2015-09-12T16:00:00.000Z/2015-09-12T17:00:00.000Z"}]
LOADSTATUS = f"{P}/{WIKI}/loadstatus?forceMetadataRefresh=true&interval=2015-09-12_2015-09-13"


@pytest.fixture(params=["29", "latest"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeCoordinator]:
    """A coordinator of each profile with a frozen clock."""
    coordinator = FakeCoordinator(request.param, now=NOW)
    yield coordinator
    coordinator.check()


@pytest.fixture
def client(fake: FakeCoordinator) -> FlaskClient:
    return fake.client


def set_rules(client: FlaskClient, key: str, rules: list[dict[str, Any]]) -> None:
    resp = client.post(f"{C}/rules/{key}", json=rules)
    assert resp.status_code == 200, resp.get_data(as_text=True)


def run_cycle(client: FlaskClient) -> dict[str, Any]:
    resp = client.post(DUTIES)
    assert resp.status_code == 200
    body: dict[str, Any] = resp.get_json()
    return body


def is_used(client: FlaskClient, segment_id: str) -> bool:
    """Whether the metadata store has the segment as used (the metadata single-segment lookup)."""
    used = client.get(f"{C}/metadata/datasources/{WIKI}/segments/{segment_id}")
    if used.status_code == 200:
        return True
    unused = client.get(f"{C}/metadata/datasources/{WIKI}/segments/{segment_id}?includeUnused=true")
    assert unused.status_code == 200, f"{segment_id} is not in the metadata store"
    return False


# ------------------------------------------------------------------ drop rules win over the mark APIs


def test_mark_segment_used_matching_drop_rule_is_marked_unused_by_next_cycle(client: FlaskClient, fake: FakeCoordinator) -> None:
    seed_wiki(fake, unused=(16,))
    set_rules(client, WIKI, DROP_HOUR_16)

    resp = client.post(f"{P}/{WIKI}/segments/{HOUR_16}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json()["segmentStateChanged"] is True
    assert is_used(client, HOUR_16)

    report = run_cycle(client)

    assert report["runRules"]["markedUnused"] == {WIKI: [HOUR_16]}
    assert not is_used(client, HOUR_16)
    assert fake.segment_ids(WIKI, used=False) == {HOUR_16}


def test_mark_all_used_then_cycle_disables_only_drop_rule_segments(client: FlaskClient, fake: FakeCoordinator) -> None:
    seed_wiki(fake, unused=(15, 16, 17))
    set_rules(client, WIKI, DROP_HOUR_16)

    assert client.post(f"{P}/{WIKI}", headers=DOC_HEADERS).get_json()["numChangedSegments"] == 3
    run_cycle(client)

    assert fake.segment_ids(WIKI, used=False) == {HOUR_16}
    assert is_used(client, wiki_id(15)) and is_used(client, wiki_id(17))


def test_mark_used_by_interval_without_drop_rule_stays_used_after_cycle(client: FlaskClient, fake: FakeCoordinator) -> None:
    seed_wiki(fake, unused=(16,))
    body = {"interval": "2015-09-12T16:00:00.000Z/2015-09-12T17:00:00.000Z"}

    resp = client.post(f"{P}/{WIKI}/markUsed", json=body, headers=DOC_HEADERS)
    assert resp.get_json()["numChangedSegments"] == 1
    report = run_cycle(client)

    assert report["runRules"]["markedUnused"] == {}
    assert is_used(client, HOUR_16)


def test_cycle_without_data_servers_leaves_drop_rule_segments_used() -> None:
    # RunRules does nothing when the cluster has no data servers (semantics 7.1).
    fake = FakeCoordinator(now=NOW, tiers={})
    client = fake.client
    seed_wiki(fake, hours=range(16, 17))
    set_rules(client, WIKI, DROP_HOUR_16)

    report = run_cycle(client)

    assert report["runRules"] == {"ran": False, "reason": "no data servers", "markedUnused": {}, "noMatchingRule": {}}
    assert is_used(client, HOUR_16)
    fake.check()


# ------------------------------------------------------------------ a load rule is needed to serve


def test_mark_used_with_drop_rule_is_used_but_not_served_until_load_rule(client: FlaskClient, fake: FakeCoordinator) -> None:
    seed_wiki(fake, unused=(16,))
    set_rules(client, WIKI, DROP_HOUR_16)
    client.post(f"{P}/{WIKI}/segments/{HOUR_16}", headers=DOC_HEADERS)

    assert is_used(client, HOUR_16)
    resp = client.get(f"{P}/{WIKI}/segments/{HOUR_16}")
    assert (resp.status_code, resp.get_data()) == (204, b"")
    assert client.get(f"{LOADSTATUS}&simple").get_json() == {WIKI: 1}
    assert client.get(LOADSTATUS).get_json() == {WIKI: 100.0 * 22 / 23}

    set_rules(client, WIKI, [{"type": "loadForever", "tieredReplicants": {"_default_tier": 1}}])

    resp = client.get(f"{P}/{WIKI}/segments/{HOUR_16}")
    assert resp.status_code == 200
    assert resp.get_json()["servers"] == ["fakedruid-historical-1:8083"]
    assert client.get(LOADSTATUS).get_json() == {WIKI: 100.0}
    assert run_cycle(client)["runRules"]["markedUnused"] == {}
    assert is_used(client, HOUR_16)


def test_used_segments_without_any_matching_rule_are_not_served(client: FlaskClient, fake: FakeCoordinator) -> None:
    seed_wiki(fake, hours=range(0, 3))
    set_rules(client, "_default", [{"type": "loadByInterval", "interval": "2020-01-01/2021-01-01"}])

    assert client.get(P).get_json() == []
    assert client.get(f"{P}/{WIKI}/segments/{wiki_id(0)}").status_code == 204
    assert client.get(f"{C}/loadstatus").get_json() == {WIKI: 0.0}
    assert client.get(f"{C}/loadstatus?simple").get_json() == {WIKI: 3}

    report = run_cycle(client)
    # No rule matches: Druid only raises an alert; the segments stay used and unloaded.
    assert report["runRules"]["noMatchingRule"] == {WIKI: [wiki_id(0), wiki_id(1), wiki_id(2)]}
    assert report["runRules"]["markedUnused"] == {}
    assert fake.segment_ids(WIKI, used=True) == {wiki_id(0), wiki_id(1), wiki_id(2)}

    set_rules(client, WIKI, [{"type": "loadForever"}])

    assert client.get(P).get_json() == [WIKI]
    resp = client.get(f"{P}/{WIKI}/segments/{wiki_id(0)}")
    assert resp.get_json()["servers"] == ["fakedruid-historical-1:8083", "fakedruid-historical-2:8083"]
    assert client.get(f"{C}/loadstatus").get_json() == {WIKI: 100.0}
    assert run_cycle(client)["runRules"]["noMatchingRule"] == {}


# ------------------------------------------------------------------ kill deletes unused segments only


def test_kill_deletes_unused_segments_and_never_used_ones(client: FlaskClient, fake: FakeCoordinator) -> None:
    seed_wiki(fake, hours=range(0, 4), unused=(1, 3))

    resp = client.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13", headers=DOC_HEADERS)

    assert (resp.status_code, resp.get_data()) == (200, b"")
    assert fake.segment_ids(WIKI) == {wiki_id(0), wiki_id(2)}
    assert client.get(f"{C}/metadata/datasources/{WIKI}/unusedSegments").get_json() == []
    # A killed segment is gone for good: marking it used again changes nothing.
    resp = client.post(f"{P}/{WIKI}/segments/{wiki_id(1)}", headers=DOC_HEADERS)
    assert resp.get_json()["segmentStateChanged"] is False


def test_auto_kill_after_drop_rule_deletes_only_dropped_segments(client: FlaskClient, fake: FakeCoordinator) -> None:
    seed_wiki(fake, hours=range(15, 18))
    set_rules(client, WIKI, DROP_HOUR_16)
    client.post("/fakedruid/v1/config/kill", json={"on": True, "bufferPeriod": "PT0S"})

    report = run_cycle(client)

    assert report["runRules"]["markedUnused"] == {WIKI: [HOUR_16]}
    [task_id] = report["killUnusedSegments"]["taskIds"]
    status = client.get(f"/druid/indexer/v1/task/{task_id}/status").get_json()["status"]
    assert status["statusCode"] == "SUCCESS"
    assert fake.segment_ids(WIKI) == {wiki_id(15), wiki_id(17)}
    assert fake.segment_ids(WIKI, used=True) == {wiki_id(15), wiki_id(17)}


def test_auto_kill_respects_buffer_after_drop(client: FlaskClient, fake: FakeCoordinator) -> None:
    seed_wiki(fake, hours=range(16, 17))
    set_rules(client, WIKI, DROP_HOUR_16)
    client.post("/fakedruid/v1/config/kill", json={"on": True})

    report = run_cycle(client)

    # Marked unused just now: the default 30-day buffer keeps it.
    assert report["killUnusedSegments"]["taskIds"] == []
    assert fake.segment_ids(WIKI, used=False) == {HOUR_16}

    client.post("/fakedruid/v1/clock", json={"now": "2024-05-31T10:00:00.123Z"})
    report = run_cycle(client)

    assert len(report["killUnusedSegments"]["taskIds"]) == 1
    assert fake.segment_ids(WIKI) == set()
