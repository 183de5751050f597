"""The Overlord's leadership, the status endpoints every process serves, kill-task reports and shutdownAllTasks
(issue 11, items 1 and 2), in both profiles, byte for byte where Druid 28.0.0 was observed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from fakedruid.api.status import java_hash_map_order
from tests.support import NOW, WIKI, seed_wiki

INDEXER = "/druid/indexer/v1"
DAY = "2015-09-12/2015-09-13"
KILL = {"type": "kill", "dataSource": WIKI, "interval": DAY}
NO_REPORTS = "No task reports were found for this task. The task may not exist, or it may not have completed yet."


@pytest.fixture(params=["29", "latest"])
def any_fake(request: pytest.FixtureRequest) -> FakeCoordinator:
    return FakeCoordinator(request.param, now=NOW)


# ---------------------------------------------------------------------- the Overlord's leadership


@pytest.mark.parametrize("query", ["", "?capabilities"])
def test_overlord_is_leader_answers_compact_true(any_fake: FakeCoordinator, query: str) -> None:
    response = any_fake.client.get(f"{INDEXER}/isLeader{query}")
    assert (response.status, response.mimetype, response.data) == ("200 OK", "application/json", b'{"leader":true}')


def test_overlord_leader_is_the_fakes_url_as_raw_text(any_fake: FakeCoordinator) -> None:
    with any_fake:
        import requests

        response = requests.get(f"{any_fake.url}{INDEXER}/leader", timeout=30)
        assert (response.status_code, response.headers["Content-Type"]) == (200, "application/json")
        assert response.text == any_fake.url


def test_overlord_not_leader_answers_as_druid(any_fake: FakeCoordinator) -> None:
    any_fake.set_leader(False, "http://leader.example:8081")
    is_leader = any_fake.client.get(f"{INDEXER}/isLeader")
    assert (is_leader.status_code, is_leader.data) == (404, b'{"leader":false}')
    leader = any_fake.client.get(f"{INDEXER}/leader")
    assert (leader.status_code, leader.get_data(as_text=True)) == (200, "http://leader.example:8081")


# ---------------------------------------------------------------------- /status/*


def test_status_properties_follow_the_fakes_settings(any_fake: FakeCoordinator) -> None:
    with any_fake:
        import requests

        response = requests.get(f"{any_fake.url}/status/properties", timeout=30)
    assert response.status_code == 200
    properties: dict[str, str] = response.json()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in properties.items())
    assert properties["druid.plaintextPort"] == str(any_fake.port)
    assert properties["druid.host"] == "127.0.0.1"
    assert properties["fakedruid.druidVersion"] == any_fake.profile.druid_version
    assert properties["druid.coordinator.asOverlord.enabled"] == "true"
    assert response.content == json.dumps(properties, separators=(",", ":")).encode()
    keys = list(properties)
    # Druid 37 writes a TreeMap, Druid 28/29 the HashMap StatusResource filtered.
    assert keys == (sorted(keys) if any_fake.profile.properties_sorted else java_hash_map_order(keys))


def test_java_hash_map_order_matches_javas() -> None:
    # new HashMap<>(map of 5) has 8 buckets (tableSizeFor(5 / 0.75 + 1)); the spread String.hashCode of each key
    # lands in HEAD 1, DELETE 2, OPTIONS 4, POST 5, GET 7.
    assert java_hash_map_order(["GET", "POST", "OPTIONS", "DELETE", "HEAD"]) == [
        "HEAD",
        "DELETE",
        "OPTIONS",
        "POST",
        "GET",
    ]


def test_self_discovered_answers_empty_200_under_json(any_fake: FakeCoordinator) -> None:
    response = any_fake.client.get("/status/selfDiscovered")
    assert (response.status, response.headers["Content-Type"], response.data) == ("200 OK", "application/json", b"")


def test_self_discovered_status_answers_true(any_fake: FakeCoordinator) -> None:
    response = any_fake.client.get("/status/selfDiscovered/status")
    assert (response.status_code, response.data) == (200, b'{"selfDiscovered":true}')


def test_status_paths_answer_while_not_leader(any_fake: FakeCoordinator) -> None:
    # RedirectFilter leaves /status/* alone.
    any_fake.set_leader(False, "http://leader.example:8081")
    assert any_fake.client.get("/status/selfDiscovered/status").status_code == 200
    assert any_fake.client.get("/status/properties").status_code == 200


def test_status_ready_exists_in_druid_37_only() -> None:
    latest = FakeCoordinator("latest").client.get("/status/ready")
    assert (latest.status_code, latest.data) == (200, b"true")
    old = FakeCoordinator("29").client.get("/status/ready")
    assert (old.status_code, old.data) == (404, b"")


# ---------------------------------------------------------------------- task reports


def _kill(client: FlaskClient, **fields: Any) -> str:
    response = client.post(f"{INDEXER}/task", json={**KILL, **fields})
    assert response.status_code == 200, response.data
    return str(response.get_json()["task"])


def test_kill_report_counts_what_the_task_deleted(any_fake: FakeCoordinator) -> None:
    seed_wiki(any_fake, hours=range(0, 4), unused=(1, 2))
    task_id = _kill(any_fake.client, batchSize=1)
    response = any_fake.client.get(f"{INDEXER}/task/{task_id}/reports")
    assert (response.status_code, response.mimetype) == (200, "application/json")
    # semantics 8.2: Druid 28/29 count the final empty batch and report a third number; 8.3: Druid 37 does not.
    if any_fake.profile.kill_mark_as_unused:
        stats = {"numSegmentsKilled": 2, "numBatchesProcessed": 3, "numSegmentsMarkedAsUnused": 0}
    else:
        stats = {"numSegmentsKilled": 2, "numBatchesProcessed": 2}
    expected = {"killUnusedSegments": {"type": "killUnusedSegments", "taskId": task_id, "payload": stats}}
    assert response.data == json.dumps(expected, separators=(",", ":")).encode()


def test_kill_report_counts_segments_marked_unused_in_profile_29(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 4), unused=(1,))
    task_id = _kill(client, markAsUnused=True)
    payload = client.get(f"{INDEXER}/task/{task_id}/reports").get_json()["killUnusedSegments"]["payload"]
    # Three used segments marked unused first, then all four killed in one batch, then the empty batch (8.2).
    assert payload == {"numSegmentsKilled": 4, "numBatchesProcessed": 2, "numSegmentsMarkedAsUnused": 3}


def test_report_of_an_unknown_task_is_the_task_filters_404(any_fake: FakeCoordinator) -> None:
    response = any_fake.client.get(f"{INDEXER}/task/nope/reports")
    assert (response.status_code, response.headers["Content-Type"]) == (404, "text/plain")
    assert response.get_data(as_text=True) == "Cannot find any task with id: [nope]"


@pytest.mark.parametrize("mode", ["held", "failed"])
def test_task_without_a_report_file_answers_404_raw(any_fake: FakeCoordinator, mode: str) -> None:
    if mode == "held":
        any_fake.hold_tasks = True
    else:
        any_fake.state.cluster.set_task_mode(fail_with="Simulated failure", set_fail_with=True)
    task_id = _kill(any_fake.client)
    response = any_fake.client.get(f"{INDEXER}/task/{task_id}/reports")
    assert (response.status_code, response.mimetype) == (404, "application/json")
    assert response.get_data(as_text=True) == NO_REPORTS


# ---------------------------------------------------------------------- shutdownAllTasks


def test_shutdown_all_tasks_shuts_down_the_datasources_running_tasks(any_fake: FakeCoordinator) -> None:
    seed_wiki(any_fake, hours=range(0, 2), unused=(0, 1))
    any_fake.hold_tasks = True
    mine = [_kill(any_fake.client), _kill(any_fake.client)]
    other = _kill(any_fake.client, dataSource="other")
    response = any_fake.client.post(f"{INDEXER}/datasources/{WIKI}/shutdownAllTasks")
    assert (response.status_code, response.data) == (200, b'{"dataSource":"' + WIKI.encode() + b'"}')
    for task_id in mine:
        status = any_fake.client.get(f"{INDEXER}/task/{task_id}/status").get_json()["status"]
        assert (status["status"], status["errorMsg"]) == ("FAILED", "Shutdown request from user")
    assert any_fake.client.get(f"{INDEXER}/task/{other}/status").get_json()["status"]["status"] == "RUNNING"
    assert len(any_fake.segment_ids(WIKI, used=False)) == 2  # nothing was killed


def test_shutdown_all_tasks_without_running_tasks_is_an_empty_404(any_fake: FakeCoordinator) -> None:
    seed_wiki(any_fake, hours=range(0, 2), unused=(0,))
    done = _kill(any_fake.client)
    response = any_fake.client.post(f"{INDEXER}/datasources/{WIKI}/shutdownAllTasks")
    assert (response.status_code, response.headers["Content-Type"], response.data) == (404, "application/json", b"")
    assert any_fake.client.get(f"{INDEXER}/task/{done}/status").get_json()["status"]["status"] == "SUCCESS"
