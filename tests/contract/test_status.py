"""Contract: status and leadership endpoints (http-api 3.9)."""

from __future__ import annotations

from fakedruid.testing import DruidTarget


def test_health_answers_true(coordinator: DruidTarget) -> None:
    resp = coordinator.get("/status/health")
    assert resp.status_code == 200
    assert resp.json() is True


def test_status_reports_version_modules_and_memory(coordinator: DruidTarget) -> None:
    resp = coordinator.get("/status")
    assert resp.status_code == 200
    body = resp.json()
    assert isinstance(body["version"], str) and body["version"]
    assert isinstance(body["modules"], list)
    assert {"maxMemory", "totalMemory", "freeMemory", "usedMemory", "directMemory"} <= set(body["memory"])


def test_status_version_matches_profile(coordinator: DruidTarget) -> None:
    # A real cluster reports its own release; the fake reports one per profile.
    version = coordinator.get("/status").json()["version"]
    major = int(version.split(".", 1)[0])
    if coordinator.profile == "29":
        assert 28 <= major <= 29
    elif coordinator.profile == "31":
        assert 30 <= major <= 31
    elif coordinator.profile == "33":
        assert 32 <= major <= 33
    else:
        assert major >= 34


def test_leader_answers_raw_url(coordinator: DruidTarget) -> None:
    resp = coordinator.get("/druid/coordinator/v1/leader")
    assert resp.status_code == 200
    # RAW: the URL unquoted, not a JSON string.
    assert resp.text.startswith("http")
    assert not resp.text.startswith('"')
    if coordinator.is_fake:
        assert resp.text == coordinator.url


def test_is_leader_answers_true(coordinator: DruidTarget) -> None:
    resp = coordinator.get("/druid/coordinator/v1/isLeader")
    assert resp.status_code == 200
    assert resp.json() == {"leader": True}
