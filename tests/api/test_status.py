"""StatusResource and CoordinatorResource leader endpoints (http-api.md section 3.9)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from tests.support import NOW

C = "/druid/coordinator/v1"


def test_status_profile_29_reports_version_29(client: FlaskClient) -> None:
    resp = client.get("/status")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert list(body) == ["version", "modules", "memory"]
    assert body["version"] == "29.0.1"
    assert body["modules"] == []


def test_status_profile_latest_reports_version_37(client_latest: FlaskClient) -> None:
    assert client_latest.get("/status").get_json()["version"] == "37.0.0"


def test_status_memory_has_fixed_numbers(client: FlaskClient) -> None:
    first = client.get("/status").get_json()["memory"]
    assert list(first) == ["maxMemory", "totalMemory", "freeMemory", "usedMemory", "directMemory"]
    assert all(isinstance(v, int) and v > 0 for v in first.values())
    assert client.get("/status").get_json()["memory"] == first


def test_health_always_answers_true(client: FlaskClient) -> None:
    resp = client.get("/status/health")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.data == b"true"


def test_leader_answers_raw_base_url_of_request(client: FlaskClient) -> None:
    resp = client.get(f"{C}/leader", base_url="http://coordinator.example:8081")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    # A raw Java string: no JSON quotes, no trailing slash.
    assert resp.data == b"http://coordinator.example:8081"


def test_leader_over_http_answers_fake_url() -> None:
    with FakeCoordinator(now=NOW) as fake:
        with urllib.request.urlopen(f"{fake.url}{C}/leader") as resp:
            assert resp.status == 200
            assert resp.read().decode() == fake.url
        fake.check()


def test_is_leader_answers_true(client: FlaskClient) -> None:
    resp = client.get(f"{C}/isLeader")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.get_json() == {"leader": True}


@pytest.mark.parametrize("path", ["/status", "/status/health", f"{C}/leader", f"{C}/isLeader"])
def test_status_endpoints_post_answers_405(client: FlaskClient, path: str) -> None:
    assert client.post(path).status_code == 405


def test_is_leader_profile_latest_answers_true(client_latest: FlaskClient) -> None:
    assert json.loads(client_latest.get(f"{C}/isLeader").data) == {"leader": True}
