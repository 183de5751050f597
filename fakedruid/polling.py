"""Bounded polls: call a check until it answers, with a deadline and a growing pause between calls.

Layer: stdlib only (used by the real-Druid harness, :mod:`fakedruid.real`, and by the tests).

A remote server's state (a real Coordinator's poll of its metadata store, an Overlord's task list) changes on
its own schedule, so waiting for it needs some pause; the pause starts short, so a quick answer is seen at once,
and doubles up to a cap, so a slow one is not hammered with requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["PollTimeout", "poll"]

T = TypeVar("T")


class PollTimeout(TimeoutError):
    """A bounded poll's deadline passed before its check answered."""


def poll(
    what: str,
    check: Callable[[], T | None],
    timeout: float,
    *,
    alive: Callable[[], None] | None = None,
    first: float = 0.05,
    most: float = 0.5,
) -> T:
    """Call ``check`` until it returns a value other than None, and return that value.

    :param what: what is waited for, for the timeout's message ("waiting for <what>").
    :param timeout: seconds after the first call before giving up (the check runs once more at the deadline).
    :param alive: called before every check; raises when what is waited on has died (a stopped process).
    :param first: the first pause, in seconds; each later pause doubles, up to ``most``.
    :raises PollTimeout: ``timeout`` passed and ``check`` still returned None.
    """
    if timeout < 0 or first <= 0 or most < first:
        raise ValueError(f"need timeout >= 0 and 0 < first <= most, got {timeout}, {first}, {most}")
    deadline = time.monotonic() + timeout
    pause = first
    while True:
        if alive is not None:
            alive()
        value = check()
        if value is not None:
            return value
        left = deadline - time.monotonic()
        if left <= 0:
            raise PollTimeout(f"Timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(min(pause, left))
        pause = min(pause * 2, most)
