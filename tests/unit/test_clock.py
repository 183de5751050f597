"""Unit tests of fakedruid.model.clock (semantics 10.7)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from fakedruid.errors import InvalidConfig
from fakedruid.model.clock import Clock, FrozenClock, SystemClock, parse_now

# 2024-06-15T00:00:00Z
JUNE_15 = 1718409600000


def test_now_system_clock_close_to_wall_time() -> None:
    before = time.time_ns() // 1_000_000
    now = SystemClock().now()
    after = time.time_ns() // 1_000_000
    assert before <= now <= after


def test_isinstance_clock_protocol_accepts_both_clocks() -> None:
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FrozenClock(0), Clock)


def test_now_frozen_clock_does_not_move() -> None:
    clock = FrozenClock(JUNE_15)
    time.sleep(0.002)
    assert clock.now() == JUNE_15


def test_init_frozen_clock_with_iso_string_parses_it() -> None:
    assert FrozenClock("2024-06-15T00:00:00Z").now() == JUNE_15


def test_set_frozen_clock_moves_backwards_and_forwards() -> None:
    clock = FrozenClock(JUNE_15)
    clock.set(0)
    assert clock.now() == 0
    clock.set("2024-06-15")
    assert clock.now() == JUNE_15
    clock.set(datetime(2024, 6, 15, 0, 0, 1))
    assert clock.now() == JUNE_15 + 1000


def test_advance_frozen_clock_by_ms_returns_new_now() -> None:
    clock = FrozenClock(JUNE_15)
    assert clock.advance(1500) == JUNE_15 + 1500
    assert clock.now() == JUNE_15 + 1500


def test_advance_frozen_clock_negative_moves_back() -> None:
    clock = FrozenClock(JUNE_15)
    clock.advance(-86_400_000)
    assert clock.now() == JUNE_15 - 86_400_000


def test_advance_frozen_clock_by_timedelta_floors_to_ms() -> None:
    clock = FrozenClock(JUNE_15)
    clock.advance(timedelta(days=1, microseconds=1999))
    assert clock.now() == JUNE_15 + 86_400_000 + 1


@pytest.mark.parametrize("bad", [1.5, "10", None, True])
def test_advance_frozen_clock_non_int_raises(bad: object) -> None:
    with pytest.raises(InvalidConfig):
        FrozenClock(0).advance(bad)  # type: ignore[arg-type]


def test_advance_frozen_clock_from_threads_adds_up() -> None:
    clock = FrozenClock(0)

    def work() -> None:
        for _ in range(1000):
            clock.advance(1)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clock.now() == 4000


def test_set_frozen_clock_bad_value_raises_and_keeps_time() -> None:
    clock = FrozenClock(JUNE_15)
    with pytest.raises(InvalidConfig):
        clock.set("yesterday")
    assert clock.now() == JUNE_15


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (JUNE_15, JUNE_15),
        (-1, -1),
        ("2024-06-15T00:00:00Z", JUNE_15),
        ("2024-06-15T00:00:00.000Z", JUNE_15),
        ("2024-06-15", JUNE_15),
        ("2024-06-15T02:00:00+02:00", JUNE_15),
        ("2024-06-15T00:00:00.123Z", JUNE_15 + 123),
        ("1970-01-01T00:00:00Z", 0),
    ],
)
def test_parse_now_int_and_iso_forms_give_utc_ms(value: int | str, expected: int) -> None:
    assert parse_now(value) == expected


def test_parse_now_naive_datetime_is_utc() -> None:
    assert parse_now(datetime(2024, 6, 15)) == JUNE_15


def test_parse_now_aware_datetime_uses_offset() -> None:
    tz = timezone(timedelta(hours=-5))
    assert parse_now(datetime(2024, 6, 14, 19, 0, tzinfo=tz)) == JUNE_15


def test_parse_now_datetime_keeps_milliseconds_floored() -> None:
    assert parse_now(datetime(2024, 6, 15, 0, 0, 0, 123999, tzinfo=timezone.utc)) == JUNE_15 + 123


def test_parse_now_datetime_before_epoch_floors() -> None:
    # 1969-12-31T23:59:59.9995 is -0.5 ms: floored to -1.
    assert parse_now(datetime(1969, 12, 31, 23, 59, 59, 999500)) == -1


@pytest.mark.parametrize("bad", ["not a date", "2024-13-01", ""])
def test_parse_now_bad_string_raises_naming_value(bad: str) -> None:
    with pytest.raises(InvalidConfig) as info:
        parse_now(bad)
    assert f"[{bad}]" in str(info.value)


@pytest.mark.parametrize("bad", [True, 1.5, None, [1]])
def test_parse_now_other_types_raise(bad: object) -> None:
    with pytest.raises(InvalidConfig) as info:
        parse_now(bad)  # type: ignore[arg-type]
    assert repr(bad) in str(info.value)
