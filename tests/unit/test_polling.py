"""fakedruid.polling.poll: a bounded poll with a deadline and a growing pause."""

from __future__ import annotations

import pytest

from fakedruid import polling
from fakedruid.polling import PollTimeout, poll


class FakeClock:
    """time.monotonic and time.sleep of a clock that moves only when slept on (the pauses are recorded)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(polling.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(polling.time, "sleep", fake.sleep)
    return fake


def test_poll_returns_the_first_answer_without_pausing(clock: FakeClock) -> None:
    assert poll("x", lambda: "ready", 10) == "ready"
    assert clock.pauses == []


def test_poll_pauses_double_up_to_the_cap(clock: FakeClock) -> None:
    answers = iter([None] * 6 + [0])
    assert poll("x", lambda: next(answers), 10, first=0.05, most=0.3) == 0  # 0 is an answer: only None waits
    assert clock.pauses == [0.05, 0.1, 0.2, 0.3, 0.3, 0.3]


def test_poll_times_out_at_the_deadline_after_a_last_check(clock: FakeClock) -> None:
    calls: list[float] = []

    def never() -> None:
        calls.append(clock.now)

    with pytest.raises(PollTimeout, match="Timed out after 1 s waiting for the thing"):
        poll("the thing", never, 1.0, first=0.4, most=0.4)
    assert clock.pauses == [0.4, 0.4, pytest.approx(0.2)]  # the last pause ends at the deadline
    assert calls[-1] == pytest.approx(1.0)


def test_poll_alive_runs_before_every_check(clock: FakeClock) -> None:
    def dead() -> None:
        raise RuntimeError("the process died")

    with pytest.raises(RuntimeError, match="died"):
        poll("x", lambda: None, 10, alive=dead)


def test_poll_refuses_a_bad_schedule() -> None:
    with pytest.raises(ValueError):
        poll("x", lambda: 1, 1, first=0)
