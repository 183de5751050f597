"""The fake's admin API for the Coordinator cycle and tasks: ``/fakedruid/v1/duties``, ``/config/kill``,
``/tasks/release`` and ``/tasks/mode`` (semantics.md 10.2 and 10.5; http-api.md 0.3)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from tests.support import NOW, WIKI, seed_wiki, wiki_id

V1 = "/fakedruid/v1"
RULES = "/druid/coordinator/v1/rules"
INDEXER = "/druid/indexer/v1"
LONG_AGO = "2015-10-01T00:00:00.000Z"

DEFAULT_CONFIG = {
    "on": False,
    "period": "P1D",
    "durationToRetain": "P90D",
    "ignoreDurationToRetain": False,
    "bufferPeriod": "P30D",
    "maxSegments": 100,
    "killDataSourceWhitelist": [],
    "killTaskSlotRatio": 1.0,
    "maxKillTaskSlots": None,
    "workerCapacity": 10,
    "millisToWaitBeforeDeleting": 0,
}


def assert_bad_request(response: Any, phrase: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    assert phrase in response.get_data(as_text=True)


def seed_old_unused(fake: FakeCoordinator, hours: range) -> list[str]:
    """Unused wikipedia_hour segments that became unused long before the kill buffer."""
    return [
        fake.add_segment(
            WIKI,
            f"2015-09-12T{h:02d}/2015-09-12T{h + 1:02d}",
            "2023-08-10T04:12:03.860Z",
            used=False,
            used_status_last_updated=LONG_AGO,
        )
        for h in hours
    ]


def kill_task(client: FlaskClient) -> str:
    """Submit an API kill for 2015-09-12 and return its task id."""
    assert client.delete(f"/druid/coordinator/v1/datasources/{WIKI}/intervals/2015-09-12_2015-09-13").status_code == 200
    [task] = client.get(f"{INDEXER}/tasks").get_json()
    return str(task["id"])


# ------------------------------------------------------------------ POST /fakedruid/v1/duties


def test_run_duties_fresh_answers_empty_report(client: FlaskClient) -> None:
    resp = client.post(f"{V1}/duties")
    assert resp.status_code == 200
    assert resp.get_json() == {
        "now": NOW,
        "runRules": {"ran": True, "reason": None, "markedUnused": {}, "noMatchingRule": {}},
        "markOvershadowedSegmentsAsUnused": {"ran": True, "reason": None, "markedUnused": {}},
        "markEternityTombstonesAsUnused": {"ran": True, "reason": None, "markedUnused": {}},
        "killUnusedSegments": {
            "ran": False,
            "reason": "druid.coordinator.kill.on is false",
            "taskIds": [],
            "errors": [],
        },
    }


def test_run_duties_drop_rule_marks_segments_unused(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    client.post(
        f"{RULES}/{WIKI}",
        json=[{"type": "dropByInterval", "interval": "2015-09-12T01:00:00Z/2015-09-12T03:00:00Z"}],
    )

    resp = client.post(f"{V1}/duties")

    assert resp.get_json()["runRules"]["markedUnused"] == {WIKI: [wiki_id(1), wiki_id(2)]}
    assert fake.segment_ids(WIKI, used=True) == {wiki_id(0)}


def test_run_duties_overshadowed_segments_marked_unused(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    newer = fake.add_segment(WIKI, "2015-09-12T00/2015-09-12T01", "2024-01-01T00:00:00.000Z")

    body = client.post(f"{V1}/duties").get_json()

    assert body["markOvershadowedSegmentsAsUnused"]["markedUnused"] == {WIKI: [wiki_id(0)]}
    assert fake.segment_ids(WIKI, used=True) == {newer}


def test_run_duties_uses_the_clock_set_through_admin_api(client: FlaskClient) -> None:
    client.post(f"{V1}/clock", json={"now": "2030-01-01T00:00:00Z"})
    assert client.post(f"{V1}/duties").get_json()["now"] == "2030-01-01T00:00:00.000Z"


def test_run_duties_with_kill_on_issues_kill_task(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_old_unused(fake, range(0, 2))
    client.post(f"{V1}/config/kill", json={"on": True})

    body = client.post(f"{V1}/duties").get_json()

    [task_id] = body["killUnusedSegments"]["taskIds"]
    assert task_id.startswith(f"coordinator-issued_kill_{WIKI}_")
    status = client.get(f"{INDEXER}/task/{task_id}/status").get_json()
    assert status["status"]["statusCode"] == "SUCCESS"
    assert fake.segment_ids(WIKI) == set()


def test_run_duties_kill_gated_by_period(fake: FakeCoordinator, client: FlaskClient) -> None:
    client.post(f"{V1}/config/kill", json={"on": True})
    client.post(f"{V1}/duties")
    seed_old_unused(fake, range(0, 1))

    body = client.post(f"{V1}/duties").get_json()
    assert body["killUnusedSegments"]["ran"] is False
    assert body["killUnusedSegments"]["reason"] == "not due until 2024-05-02T10:00:00.123Z (kill.period)"

    client.post(f"{V1}/clock", json={"now": "2024-05-02T10:00:00.123Z"})
    body = client.post(f"{V1}/duties").get_json()
    assert len(body["killUnusedSegments"]["taskIds"]) == 1


def test_run_duties_profile_latest_kill_task_has_versions(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    seed_old_unused(fake_latest, range(0, 1))
    client_latest.post(f"{V1}/config/kill", json={"on": True})

    [task_id] = client_latest.post(f"{V1}/duties").get_json()["killUnusedSegments"]["taskIds"]

    payload = client_latest.get(f"{INDEXER}/task/{task_id}").get_json()["payload"]
    assert payload["versions"] is None
    assert payload["limit"] == 100
    assert payload["maxUsedStatusLastUpdatedTime"] == "2024-04-01T10:00:00.123Z"


def test_run_duties_get_method_answers_405(client: FlaskClient) -> None:
    assert client.get(f"{V1}/duties").status_code == 405


# ------------------------------------------------------------------ /fakedruid/v1/config/kill


def test_get_kill_config_answers_defaults(client: FlaskClient) -> None:
    resp = client.get(f"{V1}/config/kill")
    assert resp.status_code == 200
    assert resp.get_json() == DEFAULT_CONFIG


def test_set_kill_config_changes_named_fields_only(client: FlaskClient) -> None:
    body = {
        "on": True,
        "period": "PT6H",
        "durationToRetain": "P-1D",
        "killDataSourceWhitelist": [WIKI],
        "maxKillTaskSlots": 2,
        "millisToWaitBeforeDeleting": 900000,
    }
    resp = client.post(f"{V1}/config/kill", json=body)
    expected = {**DEFAULT_CONFIG, **body}
    assert (resp.status_code, resp.get_json()) == (200, expected)
    assert client.get(f"{V1}/config/kill").get_json() == expected


def test_set_kill_config_any_content_type_is_read_as_json(client: FlaskClient) -> None:
    resp = client.post(f"{V1}/config/kill", data='{"maxSegments": 5}', headers={"Content-Type": "text/plain"})
    assert resp.get_json()["maxSegments"] == 5


def test_set_kill_config_millis_to_wait_delays_overshadow_duty(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    fake.add_segment(WIKI, "2015-09-12T00/2015-09-12T01", "2024-01-01T00:00:00.000Z")
    client.post(f"{V1}/config/kill", json={"millisToWaitBeforeDeleting": 60000})

    body = client.post(f"{V1}/duties").get_json()

    assert body["markOvershadowedSegmentsAsUnused"] == {
        "ran": False,
        "reason": "waiting for millisToWaitBeforeDeleting until 2024-05-01T10:01:00.123Z",
        "markedUnused": {},
    }
    assert wiki_id(0) in fake.segment_ids(WIKI, used=True)


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        ("", "The request body is empty"),
        ('{"on": ', "Malformed JSON"),
        ("[]", "must be a JSON object"),
        ('{"on": "true"}', "[on] must be true or false"),
        ('{"period": "P1M"}', "[period] must be a fixed duration (no years or months)"),
        ('{"bufferPeriod": "30 days"}', "[bufferPeriod] is not an ISO-8601 period"),
        ('{"maxSegments": 0}', "[maxSegments] must be an integer from 1"),
        ('{"killDataSourceWhitelist": {"wiki": true}}', "[killDataSourceWhitelist] must be an array"),
        ('{"killTaskSlotRatio": 2}', "[killTaskSlotRatio] must be a number from 0 to 1"),
        ('{"druid.coordinator.kill.on": true}', "Unknown field(s) [druid.coordinator.kill.on]"),
    ],
)
def test_set_kill_config_bad_body_answers_400_and_changes_nothing(client: FlaskClient, data: str, phrase: str) -> None:
    # The good field before the bad one must not be applied either.
    if data.startswith('{"') and not data.endswith(": "):
        data = '{"maxSegments": 7, ' + data[1:]
    resp = client.post(f"{V1}/config/kill", data=data)
    assert_bad_request(resp, phrase)
    assert client.get(f"{V1}/config/kill").get_json() == DEFAULT_CONFIG


# ------------------------------------------------------------------ /fakedruid/v1/tasks/mode


def test_get_task_mode_answers_defaults(client: FlaskClient) -> None:
    resp = client.get(f"{V1}/tasks/mode")
    assert (resp.status_code, resp.get_json()) == (200, {"hold": False, "failWith": None})


def test_set_task_mode_hold_keeps_kill_tasks_running(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_old_unused(fake, range(0, 1))
    resp = client.post(f"{V1}/tasks/mode", json={"hold": True})
    assert resp.get_json() == {"hold": True, "failWith": None}

    task_id = kill_task(client)

    assert client.get(f"{INDEXER}/task/{task_id}/status").get_json()["status"]["statusCode"] == "RUNNING"
    assert fake.segment_ids(WIKI) == {wiki_id(0)}


def test_set_task_mode_fail_with_fails_new_tasks(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_old_unused(fake, range(0, 1))
    assert client.post(f"{V1}/tasks/mode", json={"failWith": "disk full"}).get_json() == {
        "hold": False,
        "failWith": "disk full",
    }

    status = client.get(f"{INDEXER}/task/{kill_task(client)}/status").get_json()["status"]

    assert (status["statusCode"], status["errorMsg"]) == ("FAILED", "disk full")
    assert fake.segment_ids(WIKI) == {wiki_id(0)}


def test_set_task_mode_fail_with_null_restores_success(client: FlaskClient) -> None:
    client.post(f"{V1}/tasks/mode", json={"hold": True, "failWith": "x"})
    resp = client.post(f"{V1}/tasks/mode", json={"failWith": None})
    assert resp.get_json() == {"hold": True, "failWith": None}


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        ("", "The request body is empty"),
        ("{", "Malformed JSON"),
        ('"hold"', "must be a JSON object"),
        ('{"hold": 1}', "[hold] must be true or false"),
        ('{"hold": true, "failWith": 5}', "[failWith] must be a string or null"),
        ('{"hold": true, "fail": "x"}', "Unknown field(s) [fail]"),
    ],
)
def test_set_task_mode_bad_body_answers_400_and_changes_nothing(client: FlaskClient, data: str, phrase: str) -> None:
    assert_bad_request(client.post(f"{V1}/tasks/mode", data=data), phrase)
    assert client.get(f"{V1}/tasks/mode").get_json() == {"hold": False, "failWith": None}


# ------------------------------------------------------------------ POST /fakedruid/v1/tasks/release


def test_release_tasks_runs_every_held_task(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_old_unused(fake, range(0, 1))
    client.post(f"{V1}/tasks/mode", json={"hold": True})
    task_id = kill_task(client)

    resp = client.post(f"{V1}/tasks/release")

    assert (resp.status_code, resp.get_json()) == (200, {"released": [task_id]})
    assert client.get(f"{INDEXER}/task/{task_id}/status").get_json()["status"]["statusCode"] == "SUCCESS"
    assert fake.segment_ids(WIKI) == set()


def test_release_tasks_by_id_runs_that_task_only(fake: FakeCoordinator, client: FlaskClient) -> None:
    client.post(f"{V1}/tasks/mode", json={"hold": True})
    first = kill_task(client)
    client.delete("/druid/coordinator/v1/datasources/other/intervals/2015-09-12_2015-09-13")
    [second] = [t["id"] for t in client.get(f"{INDEXER}/tasks").get_json() if t["id"] != first]

    resp = client.post(f"{V1}/tasks/release", data=json.dumps({"taskId": first}))

    assert resp.get_json() == {"released": [first]}
    assert client.get(f"{INDEXER}/task/{second}/status").get_json()["status"]["statusCode"] == "RUNNING"
    assert client.post(f"{V1}/tasks/release").get_json() == {"released": [second]}


def test_release_tasks_nothing_held_answers_empty_list(client: FlaskClient) -> None:
    assert client.post(f"{V1}/tasks/release", data="{}").get_json() == {"released": []}


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        ('{"taskId": "nope"}', "No task with id [nope]"),
        ('{"taskId": 3}', "[taskId] must be a string"),
        ('{"task": "x"}', "Unknown field(s) [task]"),
        ("[1]", "must be nothing, or a JSON object"),
        ("{", "Malformed JSON"),
    ],
)
def test_release_tasks_bad_body_answers_400_and_releases_nothing(
    fake: FakeCoordinator, client: FlaskClient, data: str, phrase: str
) -> None:
    client.post(f"{V1}/tasks/mode", json={"hold": True})
    task_id = kill_task(client)

    assert_bad_request(client.post(f"{V1}/tasks/release", data=data), phrase)
    assert client.get(f"{INDEXER}/task/{task_id}/status").get_json()["status"]["statusCode"] == "RUNNING"
