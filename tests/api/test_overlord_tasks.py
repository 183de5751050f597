"""The Overlord's task endpoints for kill tasks (http-api.md 5.1 to 5.3; semantics 8 and 10.5)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakedruid import FakeCoordinator, ServerError
from fakedruid.model.intervals import MS_PER_HOUR
from tests.support import NOW, WIKI, seed_wiki, wiki_id

INDEXER = "/druid/indexer/v1"
DAY = "2015-09-12/2015-09-13"
KILL = {"type": "kill", "dataSource": WIKI, "interval": DAY}
USER_ID_RE = re.compile(
    rf"^kill_{WIKI}_[a-p]{{8}}_2015-09-12T00:00:00\.000Z_2015-09-13T00:00:00\.000Z_2024-05-01T10:00:00\.123Z$"
)
TASK_CLASS = "org.apache.druid.indexing.common.task.KillUnusedSegmentsTask"


def submit(client: FlaskClient, body: Any = None, **fields: Any) -> Any:
    return client.post(f"{INDEXER}/task", json={**KILL, **fields} if body is None else body)


def status_of(client: FlaskClient, task_id: str) -> dict[str, Any]:
    resp = client.get(f"{INDEXER}/task/{task_id}/status")
    assert resp.status_code == 200
    return resp.get_json()["status"]  # type: ignore[no-any-return]


def listed(client: FlaskClient, query: str = "", path: str = "tasks") -> list[str]:
    resp = client.get(f"{INDEXER}/{path}{query}")
    assert resp.status_code == 200
    return [entry["id"] for entry in resp.get_json()]


# ---------------------------------------------------------------------- POST /task


def test_submit_kill_accepted_answers_task_id_after_run(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 4), unused=(1, 2))
    resp = submit(client)
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    task_id = resp.get_json()["task"]
    assert list(resp.get_json()) == ["task"]
    assert USER_ID_RE.match(task_id)
    assert fake.segment_ids(WIKI) == {wiki_id(0), wiki_id(3)}
    assert status_of(client, task_id)["status"] == "SUCCESS"


def test_submit_kill_with_id_uses_it(client: FlaskClient) -> None:
    assert submit(client, id="my-kill").get_json() == {"task": "my-kill"}


def test_submit_kill_partial_overlap_and_used_untouched(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 4), unused=(1, 2, 3))
    submit(client, interval="2015-09-12T00:30/2015-09-12T03:30")
    assert fake.segment_ids(WIKI) == {wiki_id(0), wiki_id(3)}


def test_submit_kill_limit_and_batch_size(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 6), unused=tuple(range(0, 6)))
    submit(client, limit=3, batchSize=2)
    assert fake.segment_ids(WIKI) == {wiki_id(3), wiki_id(4), wiki_id(5)}


def test_submit_kill_max_used_status_last_updated_time(fake: FakeCoordinator, client: FlaskClient) -> None:
    v = "2015-01-01T00:00:00.000Z"
    old = fake.add_segment(WIKI, "2015-09-12T00/PT1H", v, used=False, used_status_last_updated="2024-01-01")
    new = fake.add_segment(WIKI, "2015-09-12T01/PT1H", v, used=False)
    null = fake.add_segment(WIKI, "2015-09-12T02/PT1H", v, used=False, used_status_last_updated=None)
    submit(client, maxUsedStatusLastUpdatedTime="2024-02-01T00:00:00.000Z")
    assert fake.segment_ids(WIKI) == {new, null}
    assert old not in fake.segment_ids(WIKI)


def test_submit_kill_mark_as_unused_kills_used_29(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 3))
    assert submit(client, markAsUnused=True).status_code == 200
    assert fake.segment_ids(WIKI) == set()


def test_submit_kill_mark_as_unused_ignored_latest(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    ids = seed_wiki(fake_latest, hours=range(0, 3))
    assert submit(client_latest, markAsUnused=True, limit=5).status_code == 200
    assert fake_latest.segment_ids(WIKI, used=True) == set(ids)


def test_submit_kill_versions_honoured_latest(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    keep = fake_latest.add_segment(WIKI, "2015-09-12T00/PT1H", "2015-01-01T00:00:00.000Z", used=False)
    fake_latest.add_segment(WIKI, "2015-09-12T01/PT1H", "2015-01-02T00:00:00.000Z", used=False)
    submit(client_latest, versions=["2015-01-02T00:00:00.000Z"])
    assert fake_latest.segment_ids(WIKI) == {keep}


def test_submit_kill_versions_ignored_29(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment(WIKI, "2015-09-12T00/PT1H", "2015-01-01T00:00:00.000Z", used=False)
    fake.add_segment(WIKI, "2015-09-12T01/PT1H", "2015-01-02T00:00:00.000Z", used=False)
    submit(client, versions=["2015-01-02T00:00:00.000Z"])
    assert fake.segment_ids(WIKI) == set()


def test_submit_kill_duplicate_id_29_legacy_map(client: FlaskClient) -> None:
    submit(client, id="dup")
    resp = submit(client, id="dup")
    assert resp.status_code == 400
    assert resp.get_json() == {"error": "Task[dup] already exists!"}


def test_submit_kill_duplicate_id_latest_druid_exception(client_latest: FlaskClient) -> None:
    submit(client_latest, id="dup")
    resp = submit(client_latest, id="dup")
    assert resp.status_code == 400
    assert resp.get_json() == {
        "error": "druidException",
        "errorCode": "entryAlreadyExists",
        "persona": "USER",
        "category": "INVALID_INPUT",
        "errorMessage": "Task[dup] already exists",
        "context": {},
    }


@pytest.mark.parametrize(
    ("fields", "phrase"),
    [
        ({"batchSize": 0}, "batchSize[0] must be a positive integer."),
        ({"batchSize": -5}, "batchSize[-5] must be a positive integer."),
        ({"limit": 0}, "limit[0] must be a positive integer."),
        ({"limit": -2}, "limit[-2] must be a positive integer."),
        ({"limit": 10, "markAsUnused": True}, "limit[10] cannot be provided when markAsUnused is enabled."),
        ({"dataSource": None}, "dataSource"),
        ({"interval": None}, "interval"),
        ({"interval": "2015-09-12"}, "Bad Interval[2015-09-12]"),
        ({"maxUsedStatusLastUpdatedTime": "not-a-date"}, 'Invalid format: "not-a-date"'),
        ({"id": "a/b"}, "cannot contain '/'"),
    ],
)
def test_submit_kill_invalid_400_with_druid_text(client: FlaskClient, fields: dict[str, Any], phrase: str) -> None:
    body = {k: v for k, v in {**KILL, **fields}.items() if v is not None}
    resp = submit(client, body)
    assert resp.status_code == 400
    assert list(resp.get_json()) == ["error"]
    assert phrase in resp.get_json()["error"]


def test_submit_kill_invalid_batch_size_exact_body(client: FlaskClient) -> None:
    body = json.dumps({**KILL, "batchSize": 0})
    resp = client.post(f"{INDEXER}/task", data=body, content_type="application/json")
    # Profile "29": Jackson's location of the constructor's failure, the object's closing "}" (measured on 28.0.0).
    location = f"[Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: {len(body)}]"
    assert resp.get_json() == {
        "error": f"Cannot construct instance of `{TASK_CLASS}`, problem: batchSize[0] must be a positive integer."
        f"\n at {location}"
    }


def test_submit_kill_constructor_failure_after_last_creator_property(client: FlaskClient) -> None:
    # Every creator property of 29.0.1's KillUnusedSegmentsTask present: Jackson runs the constructor once the last
    # is read, standing on the next token (measured on 28.0.0, whose creator has all but the last of these).
    task = {**KILL, "interval": "2015-09-12/2015-09-12", "id": "abc", "context": {}, "markAsUnused": False,
            "batchSize": 10, "maxUsedStatusLastUpdatedTime": None, "limit": None, "x": 1}
    body = json.dumps(task)
    resp = client.post(f"{INDEXER}/task", data=body, content_type="application/json")
    column = body.index('"x"') + 1
    assert resp.get_json() == {
        "error": f"Cannot construct instance of `{TASK_CLASS}`, problem: interval empty\n at "
        f"[Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: {column}]"
    }


def test_submit_kill_invalid_creates_no_task(client: FlaskClient) -> None:
    submit(client, limit=0)
    assert listed(client) == []


def test_submit_unknown_type_400(client: FlaskClient) -> None:
    resp = submit(client, type="nuke")
    assert resp.status_code == 400
    assert resp.get_json()["error"].startswith(
        "Please make sure to load all the necessary extensions and jars with type 'nuke' on 'druid/overlord' service."
    )


def test_submit_missing_type_400(client: FlaskClient) -> None:
    resp = submit(client, {"dataSource": WIKI, "interval": DAY})
    assert resp.status_code == 400
    assert "missing type id property 'type'" in resp.get_json()["error"]


@pytest.mark.parametrize("task_type", ["compact", "index_kafka", "index_hadoop"])
def test_submit_other_druid_task_type_501(fake: FakeCoordinator, client: FlaskClient, task_type: str) -> None:
    resp = submit(client, type=task_type)
    assert resp.status_code == 501
    assert "fakedruid does not implement" in resp.get_data(as_text=True)
    with pytest.raises(ServerError, match="does not implement POST /druid/indexer/v1/task"):
        fake.check()  # strict mode: the 501 fails the test that caused it


@pytest.mark.parametrize("task_type", ["index_parallel", "index"])
def test_submit_ingestion_task_without_spec_is_druids_400(client: FlaskClient, task_type: str) -> None:
    # A kill task's fields do not make an ingestion spec: Jackson cannot build the task (tests/api/test_ingestion.py
    # covers ingestion tasks).
    resp = submit(client, type=task_type)
    assert resp.status_code == 400
    assert resp.get_json()["error"].startswith("Cannot construct instance of `org.apache.druid.indexing.common.task.")


def test_submit_text_plain_415(client: FlaskClient) -> None:
    resp = client.post(f"{INDEXER}/task", data="{}", headers={"Content-Type": "text/plain"})
    assert resp.status_code == 415


def test_submit_empty_body_500(client: FlaskClient) -> None:
    resp = client.post(f"{INDEXER}/task", data="", headers={"Content-Type": "application/json"})
    assert resp.status_code == 500
    assert "NullPointerException" in resp.get_data(as_text=True)


def test_submit_malformed_json_500(client: FlaskClient) -> None:
    resp = client.post(f"{INDEXER}/task", data="{", headers={"Content-Type": "application/json"})
    assert resp.status == "500 Server Error"
    assert "javax.servlet.ServletException: com.fasterxml.jackson.core.io.JsonEOFException" in resp.get_data(as_text=True)


# ---------------------------------------------------------------------- GET /task/{id}/status and /task/{id}


def test_status_known_task_exact_body(client: FlaskClient) -> None:
    task_id = submit(client, id="k1").get_json()["task"]
    resp = client.get(f"{INDEXER}/task/{task_id}/status")
    assert resp.status_code == 200
    body = resp.get_json()
    assert list(body) == ["task", "status"]
    assert body["task"] == "k1"
    status = body["status"]
    assert list(status) == [
        "id", "groupId", "type", "createdTime", "queueInsertionTime", "statusCode", "status",
        "runnerStatusCode", "duration", "location", "dataSource", "errorMsg",
    ]  # fmt: skip
    assert status == {
        "id": "k1",
        "groupId": "k1",
        "type": "kill",
        "createdTime": NOW,
        "queueInsertionTime": "1970-01-01T00:00:00.000Z",
        "statusCode": "SUCCESS",
        "status": "SUCCESS",
        # The runner no longer knows a complete task: WAITING on this endpoint, NONE in the lists (measured on
        # Druid 28.0.0 and 33.0.0).
        "runnerStatusCode": "WAITING",
        "duration": 0,
        "location": {"host": None, "port": -1, "tlsPort": -1},
        "dataSource": WIKI,
        "errorMsg": None,
    }


def assert_task_resource_filter_404(resp: TestResponse) -> None:
    """``TaskResourceFilter``: 404 with a plain-text entity (Druid 28.0.0 observed, 37.0.0 bytecode)."""
    assert (resp.status, resp.headers["Content-Type"]) == ("404 Not Found", "text/plain")
    assert resp.get_data(as_text=True) == "Cannot find any task with id: [nope]"


def test_status_unknown_task_404_task_resource_filter(client: FlaskClient) -> None:
    resp = client.get(f"{INDEXER}/task/nope/status")
    assert_task_resource_filter_404(resp)


def test_payload_known_task_echoes_task_json(client: FlaskClient) -> None:
    submit(client, id="k1", batchSize=5, context={"priority": 25})
    resp = client.get(f"{INDEXER}/task/k1")
    assert resp.status_code == 200
    body = resp.get_json()
    assert list(body) == ["task", "payload"]
    payload = body["payload"]
    assert payload["type"] == "kill"
    assert (payload["id"], payload["groupId"], payload["dataSource"]) == ("k1", "k1", WIKI)
    assert payload["interval"] == "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
    assert (payload["batchSize"], payload["limit"], payload["maxUsedStatusLastUpdatedTime"]) == (5, None, None)
    assert payload["context"]["priority"] == 25
    assert payload["resource"] == {"availabilityGroup": "k1", "requiredCapacity": 1}
    assert "markAsUnused" not in payload and "versions" not in payload


def test_payload_latest_has_versions(client_latest: FlaskClient) -> None:
    submit(client_latest, id="k1", versions=["v1"])
    assert client_latest.get(f"{INDEXER}/task/k1").get_json()["payload"]["versions"] == ["v1"]


def test_payload_unknown_task_404(client: FlaskClient) -> None:
    resp = client.get(f"{INDEXER}/task/nope")
    assert_task_resource_filter_404(resp)


def test_status_coordinator_kill_task_visible(fake: FakeCoordinator, client: FlaskClient) -> None:
    task_id = fake.submit_kill_task(WIKI, DAY)
    assert task_id.startswith(f"api-issued_kill_{WIKI}_")
    assert status_of(client, task_id)["statusCode"] == "SUCCESS"
    assert client.get(f"{INDEXER}/task/{task_id}").get_json()["payload"]["batchSize"] == 100


# ---------------------------------------------------------------------- held, failed and shut-down tasks


def test_held_task_polled_running_then_released_success(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2), unused=(0, 1))
    fake.hold_tasks = True
    task_id = submit(client).get_json()["task"]
    status = status_of(client, task_id)
    assert (status["statusCode"], status["status"], status["runnerStatusCode"], status["duration"]) == (
        "RUNNING", "RUNNING", "RUNNING", -1,
    )  # fmt: skip
    assert len(fake.segment_ids(WIKI)) == 2
    fake.cluster.clock.advance(250)
    assert fake.release_tasks() == [task_id]
    status = status_of(client, task_id)
    assert (status["statusCode"], status["runnerStatusCode"], status["duration"]) == ("SUCCESS", "WAITING", 250)
    assert fake.segment_ids(WIKI) == set()


def test_fail_with_task_failed_with_error_msg(fake: FakeCoordinator, client: FlaskClient) -> None:
    ids = seed_wiki(fake, hours=range(0, 1), unused=(0,))
    fake.cluster.tasks.fail_with = "simulated failure"
    task_id = submit(client).get_json()["task"]
    status = status_of(client, task_id)
    assert (status["statusCode"], status["errorMsg"]) == ("FAILED", "simulated failure")
    assert fake.segment_ids(WIKI) == set(ids)


def test_shutdown_running_task_failed_by_user(fake: FakeCoordinator, client: FlaskClient) -> None:
    ids = seed_wiki(fake, hours=range(0, 1), unused=(0,))
    fake.hold_tasks = True
    task_id = submit(client).get_json()["task"]
    resp = client.post(f"{INDEXER}/task/{task_id}/shutdown")
    assert resp.status_code == 200
    assert resp.get_json() == {"task": task_id}
    status = status_of(client, task_id)
    assert (status["statusCode"], status["errorMsg"], status["duration"]) == (
        "FAILED", "Shutdown request from user", -1,
    )  # fmt: skip
    assert fake.release_tasks() == []
    assert fake.segment_ids(WIKI) == set(ids)


def test_shutdown_complete_task_200_unchanged(client: FlaskClient) -> None:
    submit(client, id="k1")
    resp = client.post(f"{INDEXER}/task/k1/shutdown")
    assert resp.status_code == 200
    assert resp.get_json() == {"task": "k1"}
    assert status_of(client, "k1")["statusCode"] == "SUCCESS"


def test_shutdown_unknown_task_404(client: FlaskClient) -> None:
    resp = client.post(f"{INDEXER}/task/nope/shutdown")
    assert_task_resource_filter_404(resp)


# ---------------------------------------------------------------------- GET /tasks and aliases


@pytest.fixture
def three_tasks(fake: FakeCoordinator, client: FlaskClient) -> FakeCoordinator:
    """``old`` and ``new`` complete (new one second later), ``held`` running, ``other`` on another datasource."""
    submit(client, id="old")
    fake.cluster.clock.advance(1000)
    submit(client, id="new")
    submit(client, id="other", dataSource="other")
    fake.hold_tasks = True
    submit(client, id="held")
    return fake


def test_list_tasks_active_first_then_complete_newest_first(three_tasks: FakeCoordinator, client: FlaskClient) -> None:
    assert listed(client) == ["held", "other", "new", "old"]


def test_list_tasks_entries_are_task_status_plus(three_tasks: FakeCoordinator, client: FlaskClient) -> None:
    entries = {e["id"]: e for e in client.get(f"{INDEXER}/tasks").get_json()}
    assert entries["old"]["queueInsertionTime"] == "1970-01-01T00:00:00.000Z"
    assert entries["old"]["runnerStatusCode"] == "NONE"
    assert entries["held"]["runnerStatusCode"] == "RUNNING"
    assert entries["held"]["queueInsertionTime"] == entries["held"]["createdTime"] == "2024-05-01T10:00:01.123Z"
    assert entries["held"]["duration"] == -1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?state=running", ["held"]),
        ("?state=RUNNING", ["held"]),
        ("?state=complete", ["other", "new", "old"]),
        ("?state=pending", []),
        ("?state=waiting", []),
        ("?datasource=other", ["other"]),
        ("?state=complete&datasource=wikipedia_hour", ["new", "old"]),
        ("?type=kill&state=running", ["held"]),
        ("?type=index_parallel", []),
        ("?max=1", ["held", "other"]),
        ("?state=complete&max=2", ["other", "new"]),
        ("?max=0", ["held"]),
    ],
)
def test_list_tasks_filters(three_tasks: FakeCoordinator, client: FlaskClient, query: str, expected: list[str]) -> None:
    assert listed(client, query) == expected


def test_list_tasks_unknown_state_400_text(client: FlaskClient) -> None:
    resp = client.get(f"{INDEXER}/tasks?state=done")
    assert resp.status_code == 400
    assert resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True) == (
        "Invalid task state[done]. Must be one of [pending, waiting, running, complete]."
    )


def test_list_tasks_max_not_integer_404(client: FlaskClient) -> None:
    assert client.get(f"{INDEXER}/tasks?max=ten").status_code == 404


def test_list_tasks_bad_created_time_interval_500(client: FlaskClient) -> None:
    resp = client.get(f"{INDEXER}/tasks?createdTimeInterval=yesterday")
    assert resp.status_code == 500
    assert "Bad Interval[yesterday]" in resp.get_data(as_text=True)


def test_list_tasks_created_time_interval_is_a_duration_before_now(
    three_tasks: FakeCoordinator, client: FlaskClient
) -> None:
    three_tasks.cluster.clock.advance(2 * 24 * MS_PER_HOUR)
    # only the interval's length counts: three days back from now covers every task
    assert listed(client, "?createdTimeInterval=2000-01-01_2000-01-04") == ["held", "other", "new", "old"]
    assert listed(client, "?createdTimeInterval=2000-01-01_2000-01-02") == ["held"]


def test_list_tasks_complete_older_than_a_day_hidden(three_tasks: FakeCoordinator, client: FlaskClient) -> None:
    # "old" was created one second before the others; move to one millisecond past its 24 hours
    three_tasks.cluster.clock.advance(24 * MS_PER_HOUR - 999)
    assert listed(client) == ["held", "other", "new"]
    assert status_of(client, "old")["statusCode"] == "SUCCESS"


def test_complete_tasks_alias_with_n(three_tasks: FakeCoordinator, client: FlaskClient) -> None:
    assert listed(client, path="completeTasks") == ["other", "new", "old"]
    assert listed(client, "?n=1", path="completeTasks") == ["other"]


def test_complete_tasks_n_not_integer_404(client: FlaskClient) -> None:
    assert client.get(f"{INDEXER}/completeTasks?n=x").status_code == 404


def test_running_tasks_alias(three_tasks: FakeCoordinator, client: FlaskClient) -> None:
    assert listed(client, path="runningTasks") == ["held"]
    assert listed(client, "?type=index", path="runningTasks") == []


@pytest.mark.parametrize("path", ["waitingTasks", "pendingTasks"])
def test_waiting_and_pending_aliases_empty(three_tasks: FakeCoordinator, client: FlaskClient, path: str) -> None:
    assert listed(client, path=path) == []


def test_list_tasks_empty_store(client_latest: FlaskClient) -> None:
    assert client_latest.get(f"{INDEXER}/tasks").get_json() == []
