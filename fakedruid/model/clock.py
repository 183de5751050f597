"""Clocks: where the fake's "now" comes from (semantics.md section 10.7).

Layer: model; imports only the stdlib (and ``fakedruid.errors``). Instants are integer UTC milliseconds since
the epoch, as everywhere in the model. The ``Cluster`` takes a clock; tests freeze or advance a
:class:`FrozenClock` to make period rules, kill buffers, audit times and task ids deterministic.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

from fakedruid.errors import InvalidConfig, InvalidInstant
from fakedruid.model.intervals import parse_instant

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@runtime_checkable
class Clock(Protocol):
    """Anything with ``now() -> int`` (UTC milliseconds since the epoch)."""

    def now(self) -> int:
        """The current instant in UTC milliseconds."""
        ...


class SystemClock:
    """The machine's wall clock."""

    __slots__ = ()

    def now(self) -> int:
        """:returns: ``time.time_ns()`` in whole milliseconds (floored)."""
        return time.time_ns() // 1_000_000

    def __repr__(self) -> str:
        return "SystemClock()"


class FrozenClock:
    """A clock that only moves when told to.

    Reads and :meth:`set` are single attribute accesses (atomic under the GIL); :meth:`advance` takes a small
    lock so that concurrent advances add up.

    :param ms: the initial instant, in any form :func:`parse_now` accepts.
    """

    __slots__ = ("_lock", "_now")

    def __init__(self, ms: int | str | datetime) -> None:
        self._now = parse_now(ms)
        self._lock = threading.Lock()

    def now(self) -> int:
        """:returns: the frozen instant."""
        return self._now

    def set(self, ms: int | str | datetime) -> None:
        """Move the clock to an instant (forwards or backwards).

        :param ms: the new instant, in any form :func:`parse_now` accepts.
        :raises InvalidConfig: if ``ms`` is not a valid instant.
        """
        self._now = parse_now(ms)

    def advance(self, ms: int | timedelta) -> int:
        """Move the clock forwards (or backwards, with a negative amount).

        :param ms: milliseconds, or a ``timedelta`` (sub-millisecond parts are floored away).
        :returns: the new instant.
        :raises InvalidConfig: if ``ms`` is neither an int nor a ``timedelta``.
        """
        if isinstance(ms, timedelta):
            step = ms // timedelta(milliseconds=1)
        elif isinstance(ms, int) and not isinstance(ms, bool):
            step = ms
        else:
            raise InvalidConfig(f"Cannot advance the clock by [{ms!r}]: expected milliseconds (int) or a timedelta")
        with self._lock:
            self._now += step
            return self._now

    def __repr__(self) -> str:
        return f"FrozenClock({self._now})"


def _datetime_to_ms(value: datetime) -> int:
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=timezone.utc)
    return (value - _EPOCH) // timedelta(milliseconds=1)


def parse_now(value: str | int | datetime) -> int:
    """Read an instant given as configuration (a clock value, a marker argument, an option).

    :param value: UTC milliseconds (``int``), an ISO-8601 date-time string as Druid parses it (``2024-06-15``,
        ``2024-06-15T00:00:00Z``, offsets allowed; UTC when none is given), or a ``datetime`` (naive means UTC).
    :returns: UTC milliseconds since the epoch.
    :raises InvalidConfig: naming the value, if it is of another type or does not parse.
    """
    if isinstance(value, bool):
        raise InvalidConfig(f"Invalid instant [{value!r}]: expected UTC milliseconds, an ISO-8601 string or a datetime")
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return _datetime_to_ms(value)
    if isinstance(value, str):
        try:
            return parse_instant(value.strip())
        except InvalidInstant as exc:
            raise InvalidConfig(f"Invalid instant [{value}]: {exc.message}") from exc
    raise InvalidConfig(f"Invalid instant [{value!r}]: expected UTC milliseconds, an ISO-8601 string or a datetime")
