"""Fault injection: ``fail_next``, the not-the-leader mode, the Overlord modes and ``/fakedruid/v1/faults``."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from fakedruid import FakeCoordinator
from fakedruid.errors import InvalidConfig
from tests.support import DOC_HEADERS, WIKI, seed_wiki

P = "/druid/coordinator/v1/datasources"
MARK_UNUSED = f"{P}/{WIKI}/markUnused"
INTERVAL = "2015-09-12T00:00:00.000Z/2015-09-12T01:00:00.000Z"
KILL = f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13"
FAULTS = "/fakedruid/v1/faults"
OTHER_LEADER = "http://coordinator-2.example:8081"


# ---------------------------------------------------------------------- fail_next


def test_fail_next_glob_answers_once_instead_of_real_answer(fake_coordinator: FakeCoordinator) -> None:
    seed_wiki(fake_coordinator, hours=range(0, 2))
    fake_coordinator.fail_next("POST", f"{P}/*/markUnused", status=500, body={"error": "boom"})
    client = fake_coordinator.client

    first = client.post(MARK_UNUSED, json={"interval": INTERVAL})
    unchanged = fake_coordinator.segment_ids(WIKI, used=False)
    second = client.post(MARK_UNUSED, json={"interval": INTERVAL})

    assert (first.status_code, first.json, first.mimetype) == (500, {"error": "boom"}, "application/json")
    assert unchanged == set()
    assert (second.status_code, second.json) == (200, {"numChangedSegments": 1})
    assert [r.status for r in fake_coordinator.requests] == [500, 200]
    assert fake_coordinator.faults == []


def test_fail_next_default_is_503_without_body(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("GET", "/status")

    response = fake_coordinator.client.get("/status")

    assert (response.status_code, response.data) == (503, b"")


def test_fail_next_string_body_sent_as_text(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("GET", "/status", status=500, body="I am not leader")
    fake_coordinator.fail_next("GET", "/status", status=503, body="x", content_type="application/json")

    first = fake_coordinator.client.get("/status")
    second = fake_coordinator.client.get("/status")

    assert (first.status_code, first.mimetype, first.data) == (500, "text/plain", b"I am not leader")
    assert (second.status_code, second.mimetype, second.data) == (503, "application/json", b"x")


def test_fail_next_regex_matches_whole_path(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("GET", re.compile(r"/druid/coordinator/v1/datasources/\w+"), status=502, times=None)
    client = fake_coordinator.client

    assert client.get(f"{P}/{WIKI}").status_code == 502
    assert client.get(f"{P}/{WIKI}/segments").status_code == 204
    assert client.get(f"{P}/other").status_code == 502


def test_fail_next_method_must_match_unless_star(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("DELETE", f"{P}/*", status=500)
    fake_coordinator.fail_next("*", f"{P}/*", status=418)
    client = fake_coordinator.client

    assert client.get(f"{P}/{WIKI}").status_code == 418
    assert client.delete(f"{P}/{WIKI}").status_code == 500


def test_fail_next_times_counts_requests(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("GET", "/status*", status=500, times=2)
    client = fake_coordinator.client

    assert [client.get("/status").status_code for _ in range(3)] == [500, 500, 200]


def test_fail_next_admin_api_never_faulted(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("*", "*", status=500, times=None)

    assert fake_coordinator.client.get("/fakedruid/v1/state").status_code == 200
    assert fake_coordinator.client.get("/status").status_code == 500


def test_fail_next_delay_answers_late(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("GET", "/status", status=None, delay=0.2)

    started = time.monotonic()
    response = fake_coordinator.client.get("/status")

    assert time.monotonic() - started >= 0.15
    assert response.status_code == 200


def test_clear_faults_wakes_delayed_request(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("GET", "/status", status=504, delay=60)
    answers: list[int] = []
    caller = threading.Thread(target=lambda: answers.append(_http(fake_coordinator, "GET", "/status")[0]))
    caller.start()
    _wait_for(lambda: not fake_coordinator.faults)

    fake_coordinator.clear_faults()
    caller.join(timeout=10)

    assert answers == [504]


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"method": ""}, "method: expected an HTTP method"),
        ({"path_pattern": 5}, "path_pattern: expected a glob string or a compiled regex"),
        ({"status": 99}, "status: expected an HTTP status from 100 to 599 or None, got [99]"),
        ({"status": True}, "status: expected an HTTP status"),
        ({"times": 0}, "times: expected an integer >= 1 or None, got [0]"),
        ({"delay": -1}, "delay: expected a number of seconds >= 0, got [-1]"),
        ({"body": {1, 2}}, "body: not serialisable as JSON"),
        ({"content_type": 1}, "content_type: expected a string"),
    ],
)
def test_fail_next_bad_argument_raises_naming_it(
    fake_coordinator: FakeCoordinator, kwargs: dict[str, Any], phrase: str
) -> None:
    args: dict[str, Any] = {"method": "GET", "path_pattern": "/status", **kwargs}

    with pytest.raises(InvalidConfig, match=re.escape(phrase)):
        fake_coordinator.fail_next(args.pop("method"), args.pop("path_pattern"), **args)

    assert fake_coordinator.faults == []


# ---------------------------------------------------------------------- not the leader


def test_not_leader_is_leader_answers_404_false(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.set_leader(False, OTHER_LEADER)

    response = fake_coordinator.client.get("/druid/coordinator/v1/isLeader")

    assert (response.status_code, response.json) == (404, {"leader": False})


def test_not_leader_leader_answers_leader_url(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.set_leader(False, OTHER_LEADER + "/")

    response = fake_coordinator.client.get("/druid/coordinator/v1/leader")

    assert (response.status_code, response.data.decode()) == (200, OTHER_LEADER)


def test_not_leader_other_paths_redirect_307_with_query(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.set_leader(False, OTHER_LEADER)
    seed_wiki(fake_coordinator, hours=range(0, 1))

    status, headers, _ = _http(fake_coordinator, "POST", f"{MARK_UNUSED}?x=a%20b", {"interval": INTERVAL})

    assert status == 307
    assert headers["Location"] == f"{OTHER_LEADER}{MARK_UNUSED}?x=a%20b"
    assert fake_coordinator.segment_ids(WIKI, used=False) == set()


def test_not_leader_no_leader_known_answers_503_page(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.set_leader(False)
    client = fake_coordinator.client

    response = client.get(f"{P}/{WIKI}/segments")
    leader = client.get("/druid/coordinator/v1/leader")

    assert response.status_code == 503
    assert "<title>Error 503 Service Unavailable</title>" in response.get_data(as_text=True)
    assert (leader.status_code, leader.data) == (204, b"")


def test_not_leader_status_and_admin_api_answer_as_usual(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.set_leader(False, OTHER_LEADER)
    client = fake_coordinator.client

    assert (client.get("/status/health").status_code, client.get("/status/health").json) == (200, True)
    assert client.get("/fakedruid/v1/state").status_code == 200


@pytest.mark.fake_coordinator(druid_version="latest")
def test_not_leader_overlord_data_management_answers_503_raw(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.set_leader(False, OTHER_LEADER)
    client = fake_coordinator.client

    mark = client.post(f"/druid/indexer/v1/datasources/{WIKI}/markUnused", json={"interval": INTERVAL})
    tasks = client.get("/druid/indexer/v1/tasks")

    assert (mark.status_code, mark.data, mark.mimetype) == (503, b"I am not leader", "application/json")
    assert (tasks.status_code, tasks.headers["Location"]) == (307, f"{OTHER_LEADER}/druid/indexer/v1/tasks")


def test_not_leader_overlord_data_management_profile_29_redirects(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.set_leader(False, OTHER_LEADER)

    response = fake_coordinator.client.delete(f"/druid/indexer/v1/datasources/{WIKI}")

    assert response.status_code == 307


def test_set_leader_true_answers_as_leader_again(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.set_leader(False, OTHER_LEADER)

    fake_coordinator.set_leader(True)

    assert fake_coordinator.client.get("/druid/coordinator/v1/isLeader").json == {"leader": True}
    assert fake_coordinator.leader_url is None


def test_set_leader_bad_url_raises(fake_coordinator: FakeCoordinator) -> None:
    with pytest.raises(InvalidConfig, match=r"leader_url: expected an http\(s\) base URL"):
        fake_coordinator.set_leader(False, "coordinator-2:8081")


# ---------------------------------------------------------------------- Overlord modes (semantics 10.9)


def test_overlord_mode_missing_kill_answers_200_error(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.overlord_mode = "missing"
    client = fake_coordinator.client

    kill = client.delete(KILL)
    bad_interval = client.delete(f"{P}/{WIKI}/intervals/not-an-interval")
    tasks = client.get("/druid/indexer/v1/tasks").json

    assert (kill.status_code, kill.json) == (200, {"error": "no indexing service found"})
    assert (bad_interval.status_code, bad_interval.json) == (200, {"error": "no indexing service found"})
    assert tasks == []


def test_overlord_mode_missing_delete_datasource_both_branches_answer_200_error(
    fake_coordinator: FakeCoordinator,
) -> None:
    seed_wiki(fake_coordinator, hours=range(0, 2))
    fake_coordinator.overlord_mode = "missing"
    client = fake_coordinator.client

    mark_all = client.delete(f"{P}/{WIKI}")
    kill = client.delete(f"{P}/{WIKI}?kill=true&interval=2015-09-12_2015-09-13")

    assert (mark_all.status_code, mark_all.json) == (200, {"error": "no indexing service found"})
    assert (kill.status_code, kill.json) == (200, {"error": "no indexing service found"})
    assert fake_coordinator.segment_ids(WIKI, used=False) == set()


@pytest.mark.fake_coordinator(druid_version="latest")
def test_overlord_mode_missing_profile_latest_kill_unaffected(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.overlord_mode = "missing"

    response = fake_coordinator.client.delete(KILL)

    assert (response.status_code, response.data) == (200, b"")


@pytest.mark.parametrize("version", ["29", "latest"])
def test_overlord_mode_unreachable_kill_answers_500(fake_coordinator: FakeCoordinator, version: str) -> None:
    fake_coordinator.configure(druid_version=version)
    fake_coordinator.overlord_mode = "unreachable"
    client = fake_coordinator.client

    kill = client.delete(KILL)
    deprecated = client.delete(f"{P}/{WIKI}?kill=true&interval=2015-09-12_2015-09-13")

    expected = {
        "error": "Exception occurred. Are you sure you have an indexing service?",
        "message": "java.lang.RuntimeException: org.apache.druid.rpc.ServiceNotAvailableException: "
        "Service [overlord] is not available",
    }
    assert (kill.status_code, kill.json) == (500, expected)
    assert (deprecated.status_code, deprecated.json) == (500, expected)
    assert client.get("/druid/indexer/v1/tasks").json == []


def test_overlord_mode_unreachable_bad_interval_still_uncaught_500(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.overlord_mode = "unreachable"

    response = fake_coordinator.client.delete(f"{P}/{WIKI}/intervals/not-an-interval")

    # The interval fails before the Overlord is asked: the uncaught 500 (no page for DELETE), no task.
    assert response.status_code == 500
    assert response.get_data() == b""
    assert fake_coordinator.cluster.tasks.list(0) == []


def test_overlord_mode_bad_value_raises(fake_coordinator: FakeCoordinator) -> None:
    with pytest.raises(InvalidConfig, match=r"overlord_mode: expected one of \['ok', 'missing', 'old', 'unr"):
        fake_coordinator.overlord_mode = "gone"


# ---------------------------------------------------------------------- /fakedruid/v1/faults


def test_post_faults_adds_fault(fake_coordinator: FakeCoordinator) -> None:
    client = fake_coordinator.client

    added = client.post(
        FAULTS, json={"method": "get", "path": "/status", "status": 500, "body": {"e": 1}, "times": 2}
    )
    answers = [client.get("/status").status_code for _ in range(3)]

    assert added.status_code == 200
    assert added.json == {
        "faults": [
            {
                "method": "GET",
                "path": "/status",
                "status": 500,
                "body": {"e": 1},
                "contentType": None,
                "times": 2,
                "delay": 0.0,
            }
        ],
        "leader": True,
        "leaderUrl": None,
        "overlordMode": "ok",
    }
    assert answers == [500, 500, 200]


def test_post_faults_path_regex(fake_coordinator: FakeCoordinator) -> None:
    client = fake_coordinator.client

    client.post(FAULTS, json={"pathRegex": r"/status(/health)?", "status": 502})

    assert client.get(FAULTS).json["faults"][0]["pathRegex"] == r"/status(/health)?"
    assert client.get("/status/health").status_code == 502


def test_post_faults_not_leader_and_overlord_mode(fake_coordinator: FakeCoordinator) -> None:
    client = fake_coordinator.client

    response = client.post(FAULTS, json={"notLeader": True, "leaderUrl": OTHER_LEADER, "overlordMode": "old"})

    assert response.json == {"faults": [], "leader": False, "leaderUrl": OTHER_LEADER, "overlordMode": "old"}
    assert client.get("/druid/coordinator/v1/isLeader").status_code == 404
    assert fake_coordinator.overlord_mode == "old"


def test_delete_faults_clears_everything(fake_coordinator: FakeCoordinator) -> None:
    client = fake_coordinator.client
    client.post(FAULTS, json={"path": "/status", "notLeader": True, "overlordMode": "missing"})

    response = client.delete(FAULTS)

    assert (response.status_code, response.json) == (200, {})
    assert client.get(FAULTS).json == {"faults": [], "leader": True, "leaderUrl": None, "overlordMode": "ok"}
    assert client.get("/status").status_code == 200


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        (None, "The request body is empty"),
        ([1], "must be a JSON object"),
        ({"path": "/x", "bogus": 1}, "Unknown field(s) [bogus]"),
        ({"status": 500}, "Field(s) [status] need a [path] (glob) or [pathRegex]"),
        ({"path": "/x", "pathRegex": "/x"}, "either [path] (a glob) or [pathRegex], not both"),
        ({"pathRegex": "("}, "[pathRegex] is not a valid regular expression"),
        ({"path": "/x", "status": 700}, "Invalid fault: status: expected an HTTP status from 100 to 599"),
        ({"path": "/x", "times": 0}, "Invalid fault: times: expected an integer >= 1"),
        ({"notLeader": "yes"}, "[notLeader] must be true or false"),
        ({"leaderUrl": "nowhere"}, "[leaderUrl] must be an http(s) base URL"),
        ({"overlordMode": "gone"}, '[overlordMode] must be one of ["ok", "missing", "old", "unreachable"]'),
        ({}, "Nothing to do"),
    ],
)
def test_post_faults_bad_body_answers_400_and_changes_nothing(
    fake_coordinator: FakeCoordinator, body: Any, phrase: str
) -> None:
    client = fake_coordinator.client

    response = client.post(FAULTS, json=body) if body is not None else client.post(FAULTS)

    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert phrase in response.get_data(as_text=True)
    assert client.get(FAULTS).json == {"faults": [], "leader": True, "leaderUrl": None, "overlordMode": "ok"}


def test_reset_clears_faults_and_modes(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.fail_next("GET", "/status")
    fake_coordinator.set_leader(False, OTHER_LEADER)
    fake_coordinator.overlord_mode = "unreachable"

    fake_coordinator.client.post("/fakedruid/v1/reset")

    assert (fake_coordinator.faults, fake_coordinator.is_leader, fake_coordinator.overlord_mode) == ([], True, "ok")


# ---------------------------------------------------------------------- helpers


def _http(fake: FakeCoordinator, method: str, path: str, body: Any = None) -> tuple[int, Any, bytes]:
    """A real HTTP request that does not follow redirects: status, headers, body."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{fake.url}{path}", method=method, data=data, headers=DOC_HEADERS)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _wait_for(condition: Any, timeout: float = 10.0) -> None:
    """Poll ``condition`` until it holds (the server thread has taken the fault)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        threading.Event().wait(0.01)
