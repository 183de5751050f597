"""The request journal: ``fake_coordinator.requests``, ``assert_called`` and ``/fakedruid/v1/requests``."""

from __future__ import annotations

import json
import urllib.request

import pytest

from fakedruid import FakeCoordinator
from fakedruid.server import RecordedRequest
from tests.support import DOC_HEADERS, WIKI, seed_wiki

P = "/druid/coordinator/v1/datasources"
MARK_UNUSED = f"{P}/{WIKI}/markUnused"
INTERVAL = "2015-09-12T00:00:00.000Z/2015-09-12T01:00:00.000Z"


def test_requests_record_method_path_query_body_status(fake_coordinator: FakeCoordinator) -> None:
    seed_wiki(fake_coordinator, hours=range(0, 2))

    fake_coordinator.client.post(f"{MARK_UNUSED}?a=1&a=2&b=", json={"interval": INTERVAL})

    assert fake_coordinator.requests == [
        RecordedRequest(
            method="POST",
            path=MARK_UNUSED,
            query={"a": ["1", "2"], "b": [""]},
            body={"interval": INTERVAL},
            status=200,
            text=json.dumps({"interval": INTERVAL}),
        )
    ]


def test_requests_over_real_http_recorded(fake_coordinator: FakeCoordinator) -> None:
    request = urllib.request.Request(
        f"{fake_coordinator.url}{P}/{WIKI}", method="POST", headers=DOC_HEADERS, data=b""
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    [record] = fake_coordinator.requests
    assert (record.method, record.path, record.body, record.status) == ("POST", f"{P}/{WIKI}", None, 200)


def test_requests_body_not_json_recorded_as_text(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.post(MARK_UNUSED, data="{not json", content_type="application/json")

    [record] = fake_coordinator.requests
    assert record.body == "{not json"
    assert record.status == 500  # Jackson's parse error escapes: Druid's uncaught 500 (http-api 1.4)


def test_requests_error_answers_recorded_with_status(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.get("/druid/coordinator/v1/nothing-here")
    fake_coordinator.client.get(f"{P}/{WIKI}")

    assert [(r.path, r.status) for r in fake_coordinator.requests] == [
        ("/druid/coordinator/v1/nothing-here", 404),
        (f"{P}/{WIKI}", 204),
    ]


def test_requests_admin_api_not_recorded(fake_coordinator: FakeCoordinator) -> None:
    client = fake_coordinator.client
    client.get("/fakedruid/v1/state")
    client.post("/fakedruid/v1/clock", json={"now": "2024-01-01T00:00:00Z"})
    client.get("/fakedruid/v1/requests")

    assert fake_coordinator.requests == []


def test_requests_reset_clears_journal(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.get("/status")

    fake_coordinator.client.post("/fakedruid/v1/reset")

    assert fake_coordinator.requests == []


def test_get_requests_lists_records(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.get(f"{P}?full")
    fake_coordinator.client.post(MARK_UNUSED, json={"segmentIds": ["x"]})

    response = fake_coordinator.client.get("/fakedruid/v1/requests")

    assert response.status_code == 200
    assert response.json == [
        {"method": "GET", "path": P, "query": {"full": [""]}, "body": None, "status": 200},
        {"method": "POST", "path": MARK_UNUSED, "query": {}, "body": {"segmentIds": ["x"]}, "status": 204},
    ]


def test_delete_requests_clears_journal(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.get("/status")

    response = fake_coordinator.client.delete("/fakedruid/v1/requests")

    assert (response.status_code, response.json) == (200, {})
    assert fake_coordinator.requests == []
    assert fake_coordinator.client.get("/fakedruid/v1/requests").json == []


# ---------------------------------------------------------------------- assert_called


def test_assert_called_matching_request_returns_records(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.post(MARK_UNUSED, json={"interval": INTERVAL})
    fake_coordinator.client.get("/status")

    hits = fake_coordinator.assert_called("post", MARK_UNUSED)

    assert [r.body for r in hits] == [{"interval": INTERVAL}]


def test_assert_called_times_counts_exactly(fake_coordinator: FakeCoordinator) -> None:
    for _ in range(2):
        fake_coordinator.client.get("/status")

    fake_coordinator.assert_called("GET", "/status", times=2)
    fake_coordinator.assert_called("GET", "/status/health", times=0)
    with pytest.raises(AssertionError, match=r"expected GET /status 1 time, got 2"):
        fake_coordinator.assert_called("GET", "/status", times=1)


def test_assert_called_json_filters_on_body(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.post(MARK_UNUSED, json={"interval": INTERVAL})

    fake_coordinator.assert_called("POST", MARK_UNUSED, json={"interval": INTERVAL}, times=1)
    with pytest.raises(AssertionError, match=r'with JSON body \{"segmentIds": \["x"\]\} at least once, got 0'):
        fake_coordinator.assert_called("POST", MARK_UNUSED, json={"segmentIds": ["x"]})


def test_assert_called_missing_lists_requests_that_arrived(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.get(f"{P}?simple")
    fake_coordinator.client.post(MARK_UNUSED, json={"interval": INTERVAL})

    with pytest.raises(AssertionError) as info:
        fake_coordinator.assert_called("DELETE", f"{P}/{WIKI}")

    assert str(info.value) == (
        f"fakedruid: expected DELETE {P}/{WIKI} at least once, got 0; the requests that arrived:\n"
        f"  GET {P}?simple= -> 200\n"
        f'  POST {MARK_UNUSED} -> 204 body={{"interval": "{INTERVAL}"}}\n'
        "the fake holds no segments"
    )


def test_assert_called_nothing_arrived_says_none(fake_coordinator: FakeCoordinator) -> None:
    with pytest.raises(AssertionError, match=r"the requests that arrived:\n  \(none\)\nthe fake holds no segments$"):
        fake_coordinator.assert_called("GET", "/status")


def test_assert_called_query_string_not_part_of_path(fake_coordinator: FakeCoordinator) -> None:
    fake_coordinator.client.get(f"{P}?full")

    fake_coordinator.assert_called("GET", P, times=1)
    fake_coordinator.assert_called("GET", f"{P}?full", times=0)
