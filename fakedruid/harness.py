"""The request harness: what the fake adds around Druid's answers for tests.

Layer: below the api, above nothing but the stdlib and :mod:`fakedruid.errors`. It never imports Flask,
pytest, hypothesis or :mod:`fakedruid.api`. The api's request hooks (:mod:`fakedruid.api.hooks`) call it on
every Druid request; :class:`~fakedruid.server.FakeCoordinator` exposes it to tests.

It keeps the request journal (:class:`RecordedRequest`), injected faults (:class:`Fault`), the leader and
Overlord modes (semantics.md 10.9), exceptions raised in the server thread and requests answered 501, and
re-raises the last two in the test thread through :meth:`Harness.check` (as pytest-httpserver does). Its
state is guarded by the cluster's lock (one lock for all state), passed in; no method calls back into the
cluster, so the lock is never taken twice by one thread.
"""

from __future__ import annotations

import collections
import fnmatch
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from fakedruid.errors import InvalidConfig


class ServerError(AssertionError):
    """An exception raised inside the fake's server thread, re-raised in the test thread by ``check()``."""


#: How many requests the journal keeps (the oldest are dropped first).
JOURNAL_LIMIT = 100_000

#: The values of :attr:`Harness.overlord_mode` (semantics.md 10.9).
OVERLORD_MODES = ("ok", "missing", "old", "unreachable")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the fake answered, as the request journal keeps it.

    :ivar method: the HTTP method, upper case.
    :ivar path: the URL path, percent-decoded, without the query string.
    :ivar query: every query parameter with all its values, in request order.
    :ivar body: the body decoded as JSON; the raw text when it is not JSON; None when the body is empty.
    :ivar status: the status code of the answer.
    :ivar text: the raw body as text (UTF-8, undecodable bytes replaced); ``""`` when empty.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        """The record as ``GET /fakedruid/v1/requests`` lists it."""
        return {
            "method": self.method,
            "path": self.path,
            "query": {k: list(v) for k, v in self.query.items()},
            "body": self.body,
            "status": self.status,
        }

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, values in self.query.items() for v in values)
        line = f"{self.method} {self.path}{'?' + query if query else ''} -> {self.status}"
        return line if self.body is None else f"{line} body={json.dumps(self.body)}"


@dataclass(eq=False, slots=True)
class Fault:
    """An injected failure, made by :meth:`FakeCoordinator.fail_next`.

    :ivar method: the HTTP method it applies to, upper case; ``"*"`` for any.
    :ivar path_pattern: a glob (:func:`fnmatch.fnmatchcase` on the path without the query: ``*`` also matches
        ``/``) or a compiled regular expression that must match the whole path.
    :ivar status: the status to answer with; None answers normally after the delay.
    :ivar body: the body: None for none, a ``str`` as is, anything else as JSON.
    :ivar content_type: the ``Content-Type``; by default ``application/json`` for a JSON body and
        ``text/plain`` for a string.
    :ivar times: how many more requests it applies to; None for every one until cleared.
    :ivar delay: seconds to wait before answering.
    """

    method: str
    path_pattern: str | re.Pattern[str]
    status: int | None
    body: Any
    content_type: str | None
    times: int | None
    delay: float
    _cancelled: threading.Event = field(default_factory=threading.Event, repr=False)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request with this method and path is one the fault applies to."""
        if self.method != "*" and self.method != method.upper():
            return False
        if isinstance(self.path_pattern, re.Pattern):
            return self.path_pattern.fullmatch(path) is not None
        return fnmatch.fnmatchcase(path, self.path_pattern)

    def wait(self) -> None:
        """Wait out the delay; returns early when the faults are cleared (reset, ``clear_faults``)."""
        if self.delay > 0:
            self._cancelled.wait(self.delay)

    def to_json(self) -> dict[str, Any]:
        """The fault as ``GET /fakedruid/v1/faults`` lists it."""
        pattern = self.path_pattern
        out: dict[str, Any] = {"method": self.method}
        if isinstance(pattern, re.Pattern):
            out["pathRegex"] = pattern.pattern
        else:
            out["path"] = pattern
        out.update(
            status=self.status, body=self.body, contentType=self.content_type, times=self.times, delay=self.delay
        )
        return out


class Harness:
    """Journal, faults, leader and Overlord modes, and the server-thread failures of one fake.

    The mode attributes are plain attributes, read without the lock on every request (a bool or a str is
    replaced atomically); they are changed only through the methods below.

    :param lock: the lock guarding all of the fake's state (the cluster's).
    """

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock
        #: Whether the journal records requests (the dev server may turn it off to save memory).
        self.record_requests = True
        #: The request journal. Bounded, so that a long-running dev server does not grow without limit. The request
        #: hooks append to it directly (``deque.append`` is atomic); reads and clears hold the lock.
        self.journal: collections.deque[RecordedRequest] = collections.deque(maxlen=JOURNAL_LIMIT)
        #: The faults still waiting for a request (replaced, never mutated in place, so hooks may test it).
        self.faults: tuple[Fault, ...] = ()
        #: Whether the fake answers as the leader.
        self.leader = True
        #: The leader's base URL reported while not leading; None when no leader is known.
        self.leader_url: str | None = None
        #: How the Overlord behind the Coordinator answers (semantics.md 10.9): ``"ok"``; ``"missing"``: no
        #: Overlord client is bound (profile "29": the kill endpoints answer 200 ``{"error": "no indexing service
        #: found"}``); ``"old"``: the Overlord predates the data-management API (profile "latest": 404 on the
        #: Coordinator write endpoints); ``"unreachable"``: calls to the Overlord fail (500 on the kill endpoints).
        self.overlord_mode = "ok"
        self._errors: list[tuple[str, BaseException]] = []
        self._unimplemented: list[str] = []
        # Shared by every fault made since the last clear_faults(), which sets it to wake delayed requests.
        self._faults_cleared = threading.Event()

    def reset(self) -> None:
        """Empty the journal, forget the faults, lead again, make the Overlord reachable."""
        self.clear_requests()
        self.clear_faults()

    # ------------------------------------------------------------------ journal

    def record(self, record: RecordedRequest) -> None:
        """Add a request to the journal (when :attr:`record_requests` is on)."""
        if self.record_requests:
            with self._lock:
                self.journal.append(record)

    def requests(self) -> list[RecordedRequest]:
        """The journal, oldest first."""
        with self._lock:
            return list(self.journal)

    def clear_requests(self) -> None:
        """Empty the journal."""
        with self._lock:
            self.journal.clear()

    def assert_called(
        self, method: str, path: str, *, times: int | None = None, json: Any = None
    ) -> list[RecordedRequest]:
        """See :meth:`fakedruid.FakeCoordinator.assert_called`."""
        method = method.upper()
        seen = self.requests()
        hits = [r for r in seen if r.method == method and r.path == path and (json is None or r.body == json)]
        if (times is None and hits) or (times is not None and len(hits) == times):
            return hits
        wanted = f"{method} {path}" + ("" if json is None else f" with JSON body {_dumps(json)}")
        expected = "at least once" if times is None else f"{times} time{'s' if times != 1 else ''}"
        arrived = "\n".join(f"  {r}" for r in seen) if seen else "  (none)"
        raise AssertionError(
            f"fakedruid: expected {wanted} {expected}, got {len(hits)}; the requests that arrived:\n{arrived}"
        )

    # ------------------------------------------------------------------ faults and modes

    def fail_next(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        *,
        status: int | None = 503,
        body: Any = None,
        times: int | None = 1,
        delay: float = 0.0,
        content_type: str | None = None,
    ) -> Fault:
        """Answer the next matching request(s) with ``status`` and ``body`` instead of the real answer.

        A faulted request changes no state and is recorded in the journal with the injected status. The fake's
        own ``/fakedruid/...`` API is never faulted. Faults are tried in the order they were added.

        :param method: ``"GET"``, ``"POST"``, ... (any case), or ``"*"`` for every method.
        :param path_pattern: a glob matched with :func:`fnmatch.fnmatchcase` against the path without the query
            (``*`` also matches ``/``: ``/druid/coordinator/v1/datasources/*``), or a compiled ``re.Pattern``
            that must match the whole path.
        :param status: the status to answer with; None answers normally, after ``delay`` (a slow answer).
        :param body: None for no body; a ``str`` is sent as is; anything else as JSON.
        :param times: how many requests it applies to (None: all until cleared).
        :param delay: seconds to wait before answering (``threading.Event.wait``, not exact); a reset or
            :meth:`clear_faults` ends the wait early.
        :param content_type: overrides the ``Content-Type`` (default: JSON, or ``text/plain`` for a string).
        :returns: the fault, for inspection.
        :raises InvalidConfig: for an argument of the wrong type or range, naming it.
        """
        if not isinstance(method, str) or not method.strip():
            raise InvalidConfig(f"method: expected an HTTP method such as 'POST' or '*', got [{method!r}]")
        if not isinstance(path_pattern, (str, re.Pattern)) or not getattr(path_pattern, "pattern", path_pattern):
            raise InvalidConfig(f"path_pattern: expected a glob string or a compiled regex, got [{path_pattern!r}]")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
            raise InvalidConfig(f"status: expected an HTTP status from 100 to 599 or None, got [{status!r}]")
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise InvalidConfig(f"times: expected an integer >= 1 or None, got [{times!r}]")
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay < float("inf"):
            raise InvalidConfig(f"delay: expected a number of seconds >= 0, got [{delay!r}]")
        if content_type is not None and not isinstance(content_type, str):
            raise InvalidConfig(f"content_type: expected a string, got [{content_type!r}]")
        if body is not None and not isinstance(body, str):
            try:
                _dumps(body)
            except (TypeError, ValueError) as exc:
                raise InvalidConfig(f"body: not serialisable as JSON: {exc}") from exc
        fault = Fault(
            method=method.strip().upper(),
            path_pattern=path_pattern,
            status=status,
            body=body,
            content_type=content_type,
            times=times,
            delay=float(delay),
        )
        with self._lock:
            fault._cancelled = self._faults_cleared
            self.faults = (*self.faults, fault)
        return fault

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first fault matching a request, counted as used."""
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults = tuple(f for f in self.faults if f is not fault)
                    return fault
        return None

    def clear_faults(self) -> None:
        """Forget every fault (waking delayed requests), lead again, and make the Overlord reachable."""
        with self._lock:
            self.faults = ()
            self.leader = True
            self.leader_url = None
            self.overlord_mode = "ok"
            # Wakes every request still waiting on a delay, including those whose fault is used up.
            cleared, self._faults_cleared = self._faults_cleared, threading.Event()
        cleared.set()

    def set_leader(self, leader: bool, leader_url: str | None = None) -> None:
        """Lead (the default), or answer as a Coordinator/Overlord that is not the leader.

        Not leading, the fake answers as Druid's ``RedirectFilter`` with ``CoordinatorOverlordRedirectInfo``
        does: ``isLeader`` 404 ``{"leader": false}``, ``leader`` the leader's URL; ``/status...`` as usual; the
        Overlord's data-management paths (profile "latest") 503 ``I am not leader``; any other path 307 to
        ``leader_url`` + path + query, or a 503 page when no leader is known (``leader_url`` None).

        :param leader_url: the current leader's base URL, e.g. ``http://coordinator-2:8081``.
        :raises InvalidConfig: for a ``leader_url`` that is not an http(s) URL.
        """
        if not isinstance(leader, bool):
            raise InvalidConfig(f"leader: expected True or False, got [{leader!r}]")
        if leader_url is not None and (
            not isinstance(leader_url, str) or not leader_url.startswith(("http://", "https://"))
        ):
            raise InvalidConfig(f"leader_url: expected an http(s) base URL or None, got [{leader_url!r}]")
        with self._lock:
            self.leader = leader
            self.leader_url = None if leader or leader_url is None else leader_url.rstrip("/")

    def set_overlord_mode(self, mode: str) -> None:
        """See :attr:`fakedruid.FakeCoordinator.overlord_mode`.

        :raises InvalidConfig: for a mode not in :data:`OVERLORD_MODES`.
        """
        if mode not in OVERLORD_MODES:
            raise InvalidConfig(f"overlord_mode: expected one of {list(OVERLORD_MODES)}, got [{mode!r}]")
        self.overlord_mode = mode

    def to_json(self) -> dict[str, Any]:
        """The faults and modes as ``GET /fakedruid/v1/faults`` answers them."""
        return {
            "faults": [f.to_json() for f in self.faults],
            "leader": self.leader,
            "leaderUrl": self.leader_url,
            "overlordMode": self.overlord_mode,
        }

    # ------------------------------------------------------------------ failures of the fake

    def record_server_error(self, exc: BaseException, where: str) -> None:
        """Remember an unexpected exception raised while serving a request."""
        with self._lock:
            self._errors.append((where, exc))

    def record_unimplemented(self, what: str) -> None:
        """Remember a request answered with 501 because the fake does not implement it."""
        with self._lock:
            self._unimplemented.append(what)

    def check(self, *, strict: bool) -> None:
        """Raise :class:`ServerError` for the first unexpected exception raised in the server, or (``strict``)
        for requests answered with 501; then forget them."""
        with self._lock:
            errors, self._errors = self._errors, []
            unimplemented, self._unimplemented = self._unimplemented, []
        if errors:
            where, exc = errors[0]
            raise ServerError(f"fakedruid failed while serving {where}: {exc!r}") from exc
        if unimplemented and strict:
            raise ServerError(
                f"fakedruid does not implement {'; '.join(unimplemented)} (it answered 501, which Druid would "
                "not; FakeCoordinator(strict=False) allows it)"
            )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


class HarnessMethods:
    """The harness's part of :class:`~fakedruid.server.FakeCoordinator`'s public API (journal, faults, leadership),
    forwarding to its :attr:`harness`."""

    harness: Harness


    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered since the last reset, in answer order (``/fakedruid/...`` is not recorded)."""
        return self.harness.requests()

    @property
    def record_requests(self) -> bool:
        """Whether the request journal records requests (the dev server may turn it off to save memory)."""
        return self.harness.record_requests

    @record_requests.setter
    def record_requests(self, value: bool) -> None:
        self.harness.record_requests = bool(value)

    def clear_requests(self) -> None:
        """Empty the request journal."""
        self.harness.clear_requests()

    def assert_called(
        self, method: str, path: str, *, times: int | None = None, json: Any = None
    ) -> list[RecordedRequest]:
        """Assert that requests with this method and exact path (no query string) arrived: ``times`` exactly
        (None: at least once), with JSON body ``json`` when given; returns them. :raises AssertionError:"""
        return self.harness.assert_called(method, path, times=times, json=json)

    def fail_next(self, method: str, path_pattern: str | re.Pattern[str], **fault: Any) -> Fault:
        """Answer the next matching request(s) with ``status`` and ``body`` instead of the real answer
        (:meth:`Harness.fail_next <fakedruid.harness.Harness.fail_next>` documents the arguments)."""
        return self.harness.fail_next(method, path_pattern, **fault)

    @property
    def faults(self) -> list[Fault]:
        """The faults still waiting for a request, oldest first."""
        return list(self.harness.faults)

    def clear_faults(self) -> None:
        """Forget every fault (waking delayed requests), become the leader again, and make the Overlord reachable."""
        self.harness.clear_faults()

    def set_leader(self, leader: bool, leader_url: str | None = None) -> None:
        """Lead (the default), or answer as a Coordinator/Overlord that is not the leader
        (:meth:`Harness.set_leader <fakedruid.harness.Harness.set_leader>`)."""
        self.harness.set_leader(leader, leader_url)

    @property
    def is_leader(self) -> bool:
        """Whether the fake answers as the leader (see :meth:`set_leader`)."""
        return self.harness.leader

    @property
    def leader_url(self) -> str | None:
        """The leader's base URL reported while not leading; None when no leader is known."""
        return self.harness.leader_url

    @property
    def overlord_mode(self) -> str:
        """How the Overlord behind the Coordinator answers (:attr:`Harness.overlord_mode
        <fakedruid.harness.Harness.overlord_mode>`): ``ok``, ``missing``, ``old`` or ``unreachable``."""
        return self.harness.overlord_mode

    @overlord_mode.setter
    def overlord_mode(self, mode: str) -> None:
        self.harness.set_overlord_mode(mode)
