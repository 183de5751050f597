"""The contract suite's own tools: :class:`fakedruid.testing.DruidTarget` and :func:`fakedruid.testing.eventually`.

The tests that use ``coordinator`` run against every target; the others need no server at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from fakedruid import strategies as fds
from fakedruid.testing import DruidTarget, FakeOnlyError, eventually, profile_for_version
from tests.contract.helpers import M, P, assert_update, bulk, segment_json, used_ids

#: A URL nothing listens on; the tests that use it never send a request.
NOWHERE = "http://druid.invalid:8081"


class _Flaky:
    """A callable that fails ``failures`` times, then returns how often it was called."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        assert self.calls > self.failures, "not yet"
        return self.calls


# ---------------------------------------------------------------------- eventually


def test_eventually_first_success_returns_at_once() -> None:
    flaky = _Flaky(0)
    # A long interval would be noticed: nothing sleeps after a success.
    assert eventually(flaky, timeout=60, interval=60) == 1


def test_eventually_retries_until_success() -> None:
    flaky = _Flaky(2)
    assert eventually(flaky, timeout=60, interval=0) == 3


def test_eventually_deadline_passed_reraises_last_failure() -> None:
    flaky = _Flaky(5)
    with pytest.raises(AssertionError, match="not yet"):
        eventually(flaky, timeout=0, interval=0)
    assert flaky.calls == 1


def test_eventually_other_exception_propagates_at_once() -> None:
    calls = []

    def broken() -> None:
        calls.append(1)
        raise KeyError("boom")

    with pytest.raises(KeyError):
        eventually(broken, timeout=60, interval=0)
    assert len(calls) == 1


def test_eventually_negative_timeout_is_value_error() -> None:
    with pytest.raises(ValueError, match="timeout"):
        eventually(lambda: None, timeout=-1)


def test_target_eventually_fake_calls_once() -> None:
    # The fake sees every write at once, so a wrong read fails without waiting for the timeout.
    flaky = _Flaky(1)
    with pytest.raises(AssertionError):
        DruidTarget(NOWHERE, is_fake=True).eventually(flaky, timeout=60, interval=60)
    assert flaky.calls == 1


def test_target_eventually_real_retries() -> None:
    flaky = _Flaky(1)
    assert DruidTarget(NOWHERE, is_fake=False).eventually(flaky, timeout=60, interval=0) == 2


# ---------------------------------------------------------------------- fake-only operations


@pytest.mark.parametrize(
    "operation",
    [
        lambda t: t.seed([segment_json("fd_x", 0)]),
        lambda t: t.reset(),
        lambda t: t.set_rules("fd_x", [{"type": "dropForever"}]),
    ],
    ids=["seed", "reset", "set_rules"],
)
def test_fake_only_operation_on_real_target_raises(operation: object) -> None:
    target = DruidTarget(NOWHERE, profile="latest")
    with pytest.raises(FakeOnlyError, match="fake_only"):
        operation(target)  # type: ignore[operator]


def test_seed_flags_of_wrong_length_is_value_error() -> None:
    with pytest.raises(ValueError, match="2 flags for 1 segments"):
        DruidTarget(NOWHERE, is_fake=True).seed([segment_json("fd_x", 0)], used=[True, False])


@pytest.mark.fake_only
def test_seed_returns_ids_in_input_order(coordinator: DruidTarget, datasource: str) -> None:
    segments = [segment_json(datasource, 5, used=None), segment_json(datasource, 1, used=None)]
    ids = coordinator.seed(segments, used=[True, False])
    assert ids[0].startswith(f"{datasource}_2015-09-12T05:00:00.000Z_")
    assert ids[1].startswith(f"{datasource}_2015-09-12T01:00:00.000Z_")
    assert used_ids(coordinator, datasource) == {ids[0]}


@pytest.mark.fake_only
def test_reset_forgets_segments(coordinator: DruidTarget, datasource: str) -> None:
    coordinator.seed([segment_json(datasource, 0)])
    coordinator.reset()
    assert coordinator.get(f"{M}/datasources/{datasource}").status_code == 404


# ---------------------------------------------------------------------- HTTP


def test_requests_send_doc_headers(coordinator: DruidTarget) -> None:
    resp = coordinator.get("/status/health")
    assert resp.request.headers["Accept"] == "application/json, text/plain"
    assert resp.request.headers["Content-Type"] == "application/json"


def test_request_empty_header_value_removes_default(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}", headers={"Content-Type": ""})
    assert "Content-Type" not in resp.request.headers
    # A missing Content-Type is accepted (http-api 1.5).
    assert_update(resp, coordinator, bulk(coordinator, 0))


@pytest.mark.parametrize(
    ("version", "profile"),
    [
        ("28.0.1", "29"),
        ("29.0.1", "29"),
        ("30.0.0", "31"),
        ("31.0.0", "31"),
        ("32.0.1", "33"),
        ("33.0.0", "33"),
        ("35.0.0-SNAPSHOT", "latest"),
        ("37.0.0", "latest"),
    ],
)
def test_profile_for_version_maps_releases(version: str, profile: str) -> None:
    assert profile_for_version(version) == profile


def test_profile_for_version_unknown_release_is_value_error() -> None:
    with pytest.raises(ValueError, match="27"):
        profile_for_version("27.0.0")


@pytest.mark.historical
@pytest.mark.fake_only
def test_set_rules_drop_forever_unloads_datasource(coordinator: DruidTarget, datasource: str) -> None:
    coordinator.seed([segment_json(datasource, 0)])
    assert coordinator.get(f"{P}/{datasource}").status_code == 200
    coordinator.set_rules(datasource, [{"type": "dropForever"}])
    assert coordinator.get(f"/druid/coordinator/v1/rules/{datasource}").json() == [{"type": "dropForever"}]

    def unloaded() -> None:  # a real Historical drops the segment at the Coordinator's next run
        assert coordinator.get(f"{P}/{datasource}").status_code == 204

    coordinator.eventually(unloaded)


@pytest.mark.fake_only
@settings(
    max_examples=min(20, settings.default.max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rules=fds.rule_lists(rules=fds.rules(tiers=("_default_tier", "hot"))))
def test_set_rules_accepts_generated_rule_lists(coordinator: DruidTarget, datasource: str, rules: list[Any]) -> None:
    coordinator.set_rules(datasource, rules)
    body = coordinator.get(f"/druid/coordinator/v1/rules/{datasource}").json()
    assert [r["type"] for r in body] == [r.type for r in rules]


def test_close_connections_empties_the_pool_and_the_next_request_reconnects() -> None:
    target = DruidTarget.start_fake()
    try:
        assert target.get("/status").status_code == 200
        adapter = target._session.get_adapter(target.url)
        assert adapter.poolmanager.pools  # the keep-alive connection's pool
        target.close_connections()
        assert not adapter.poolmanager.pools
        assert target.get("/status").status_code == 200
    finally:
        target.close()
