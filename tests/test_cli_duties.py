"""The dev server's periodic Coordinator cycle (``fakedruid serve --duty-period``, semantics.md 10.2)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

import pytest

from fakedruid import FakeCoordinator
from fakedruid.cli import DevServer, main
from fakedruid.model.intervals import Period
from fakedruid.model.rules import DropForever
from fakedruid.polling import PollTimeout, poll
from tests.serve_support import EXAMPLE, TIMEOUT, serve
from tests.support import NOW, WIKI, seed_wiki


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds; fail after :data:`TIMEOUT` seconds."""
    try:
        poll(what, lambda: True if condition() else None, TIMEOUT)
    except PollTimeout as exc:
        pytest.fail(str(exc))


# ------------------------------------------------------------------ fakedruid serve (subprocess)


def test_serve_short_duty_period_drop_rule_marks_segments_unused() -> None:
    with serve("--seed", str(EXAMPLE), "--duty-period", "PT0.2S") as served:
        status, names = served.request_json("GET", "/druid/coordinator/v1/metadata/datasources")
        assert (status, names) == (200, [WIKI])

        status, _ = served.request_json("POST", f"/druid/coordinator/v1/rules/{WIKI}", [{"type": "dropForever"}])
        assert status == 200

        def all_unused() -> bool:
            _, state = served.request_json("GET", "/fakedruid/v1/state")
            return all(not s["used"] for s in state["segments"] if s["dataSource"] == WIKI)

        wait_until(all_unused, "the periodic cycle to drop every wikipedia_hour segment")
        assert served.request_json("GET", "/druid/coordinator/v1/metadata/datasources") == (200, [])

        assert served.proc.poll() is None
        served.proc.send_signal(signal.SIGTERM)
        assert served.proc.wait(timeout=TIMEOUT) == 0, served.stderr()


def test_serve_explicit_cycle_runs_on_request() -> None:
    # With the default period (PT60S) the test does not wait for the runner: POST /fakedruid/v1/duties runs a cycle.
    with serve("--seed", str(EXAMPLE)) as served:
        served.request_json("POST", f"/druid/coordinator/v1/rules/{WIKI}", [{"type": "dropForever"}])

        status, report = served.request_json("POST", "/fakedruid/v1/duties")

        # 24 used segments, one of them overshadowed: RunRules leaves that one to a later cycle.
        assert status == 200
        assert len(report["runRules"]["markedUnused"][WIKI]) == 23
        assert served.request_json("GET", "/druid/coordinator/v1/metadata/datasources") == (200, [WIKI])
        served.request_json("POST", "/fakedruid/v1/duties")
        assert served.request_json("GET", "/druid/coordinator/v1/metadata/datasources") == (200, [])
        served.proc.send_signal(signal.SIGINT)
        assert served.proc.wait(timeout=TIMEOUT) == 0, served.stderr()


@pytest.mark.parametrize(
    ("period", "phrase"), [("P1M", "no years or months"), ("PT0S", "longer than zero"), ("PT-5S", "longer than zero")]
)
def test_main_duty_period_not_a_positive_fixed_duration_returns_2(
    capsys: pytest.CaptureFixture[str], period: str, phrase: str
) -> None:
    assert main(["serve", "--duty-period", period]) == 2

    err = capsys.readouterr().err
    assert f"Invalid --duty-period [{period}]" in err
    assert phrase in err


# ------------------------------------------------------------------ the runner in process


def test_dev_server_duties_run_periodically_until_stopped() -> None:
    fake = FakeCoordinator(now=NOW)
    seed_wiki(fake, hours=range(0, 3))
    server = DevServer(fake, duty_period=Period(millis=20))
    server._start_duties()
    try:
        with fake.cluster.lock:
            fake.cluster.rules.set_rules(WIKI, [DropForever()], now=fake.cluster.now())
        wait_until(lambda: not fake.segment_ids(WIKI, used=True), "the runner to drop the segments")
    finally:
        server._stop_duties()

    assert server._duties is None
    assert not any(t.name == "fakedruid-duties" and t.is_alive() for t in threading.enumerate())
    fake.check()


def test_dev_server_failing_cycle_is_recorded_and_runner_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeCoordinator(now=NOW)
    calls: list[int] = []

    def failing() -> Any:
        calls.append(1)
        raise RuntimeError("boom")

    fake.run_duties = failing  # type: ignore[method-assign]
    server = DevServer(fake, duty_period=Period(millis=10))
    server._start_duties()
    try:
        wait_until(lambda: len(calls) >= 2, "two cycles")
    finally:
        server._stop_duties()

    with pytest.raises(AssertionError, match="boom"):
        fake.check()
    assert "the Coordinator cycle failed: RuntimeError('boom')" in capsys.readouterr().err
