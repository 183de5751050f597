"""FakeCoordinator: a fake Druid Coordinator in process, with its HTTP app and an optional threaded server.

Layer: glue between the model and the api. The public Python surface users and the pytest plugin build on.
"""

from __future__ import annotations

import collections
import fnmatch
import json
import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from fakedruid.errors import FakeDruidError, InvalidConfig
from fakedruid.model.clock import Clock, FrozenClock, SystemClock, parse_now
from fakedruid.model.cluster import REFUSE, Cluster
from fakedruid.model.intervals import Interval, parse_interval
from fakedruid.model.rules import rules_from_json
from fakedruid.model.servers import ServerLayout
from fakedruid.profiles import Profile, resolve_profile


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the per-request log line (tests send thousands of requests)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class ServerError(AssertionError):
    """An exception raised inside the fake's server thread, re-raised in the test thread by ``check()``."""


#: How many requests the journal keeps (the oldest are dropped first).
JOURNAL_LIMIT = 100_000

#: The values of :attr:`FakeCoordinator.overlord_mode` (semantics.md 10.9).
OVERLORD_MODES = ("ok", "missing", "old", "unreachable")

#: The keyword arguments :meth:`FakeCoordinator.configure` (and the pytest marker) accept.
CONFIGURE_ARGUMENTS = ("druid_version", "now", "rules", "segments", "tiers", "accept_quirk", "strict")


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


@dataclass(frozen=True, slots=True)
class CoordinatorSettings:
    """The per-test settings of a FakeCoordinator, saved and restored by the pytest plugin.

    The clock is kept as a value: a frozen clock as its instant, so that moving it later does not move the copy.
    """

    profile: Profile
    accept_quirk: bool
    clock: Clock | int
    layout: ServerLayout
    conflict_mode: str
    strict: bool = True


class FakeCoordinator:
    """An in-memory Druid Coordinator.

    :param druid_version: ``"29"`` (default), ``"latest"``, or a Druid release number from 28 to 38.
    :param now: freeze the clock at this instant (ISO-8601 string, UTC ms, or datetime); default: system time.
    :param host: where :meth:`start` binds; 127.0.0.1 by default.
    :param port: where :meth:`start` binds; 0 picks a free port.
    :param conflict_mode: ``"refuse"`` (default) rejects same-version overlapping segments when seeded;
        ``"druid"`` accepts them and fails later as Druid does (semantics 10.8).
    :param accept_quirk: emulate the profile "29" 500 for a JSON-less ``Accept`` header (http-api 1.5).
    :param strict: :meth:`check` also fails for a request the fake answered with 501 (a Druid feature it does
        not implement), so that a test never passes on an answer Druid would not give.
    :param tiers: virtual historicals: tier name to a server count or a list of ``host:port`` names;
        default ``{"_default_tier": 2}``.
    :param seed: a state document (dict) or the path of a state file to load (see :mod:`fakedruid.state`).
    """

    def __init__(
        self,
        druid_version: str | int = "29",
        *,
        now: Any = None,
        host: str = "127.0.0.1",
        port: int = 0,
        conflict_mode: str = REFUSE,
        accept_quirk: bool = True,
        strict: bool = True,
        tiers: Mapping[str, int | Sequence[str]] | None = None,
        seed: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    ) -> None:
        self.profile: Profile = resolve_profile(druid_version)
        clock = SystemClock() if now is None else FrozenClock(parse_now(now))
        self.cluster = Cluster(clock=clock, conflict_mode=conflict_mode, tiers=tiers)
        self.accept_quirk = accept_quirk
        self.strict = strict
        self._unimplemented: list[str] = []
        self.host = host
        self.port = port
        self._app: Flask | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._errors: list[tuple[str, BaseException]] = []
        #: Whether the request journal records requests (the dev server may turn it off to save memory).
        self.record_requests = True
        # Bounded, so that a long-running dev server does not grow without limit.
        self._journal: collections.deque[RecordedRequest] = collections.deque(maxlen=JOURNAL_LIMIT)
        self._faults: list[Fault] = []
        self._leader = True
        self._leader_url: str | None = None
        self._overlord_mode = "ok"
        # Shared by every fault made since the last clear_faults(), which sets it to wake delayed requests.
        self._faults_cleared = threading.Event()
        if seed is not None:
            if isinstance(seed, Mapping):
                self.load_state(seed)
            else:
                self.load_state_file(seed)

    # ------------------------------------------------------------------ HTTP

    @property
    def app(self) -> Flask:
        """The Flask app answering as Druid."""
        if self._app is None:
            from fakedruid.api import create_app

            self._app = create_app(self)
        return self._app

    @property
    def client(self) -> FlaskClient:
        """A Flask test client on the app (in process, no socket)."""
        return self.app.test_client()

    def start(self, *, log_requests: bool = False) -> FakeCoordinator:
        """Serve the app on a background thread (threaded server); returns self.

        :param log_requests: log each request as Werkzeug does (the dev server does; tests need not).
        """
        if self._server is not None:
            return self
        handler = WSGIRequestHandler if log_requests else _QuietRequestHandler
        try:
            server = make_server(self.host, self.port, self.app, threaded=True, request_handler=handler)
        except SystemExit as exc:  # Werkzeug exits the process when the port is taken
            raise OSError(f"fakedruid cannot listen on {self.host}:{self.port} (port in use?)") from exc
        self._server = server
        self.port = server.server_port
        # A short poll interval keeps stop() fast (the default 0.5 s is paid by every pytest session).
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakedruid-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server thread, if any."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=10)

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. ``http://127.0.0.1:54321``."""
        if self._server is None:
            raise InvalidConfig("The FakeCoordinator is not serving: call start() or use it as a context manager")
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> FakeCoordinator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def record_server_error(self, exc: BaseException, where: str) -> None:
        """Remember an unexpected exception raised while serving a request."""
        with self.cluster.lock:
            self._errors.append((where, exc))

    def record_unimplemented(self, what: str) -> None:
        """Remember a request answered with 501 because the fake does not implement it."""
        with self.cluster.lock:
            self._unimplemented.append(what)

    def check(self) -> None:
        """Raise :class:`ServerError` for the first unexpected exception raised in the server, or (in strict
        mode) for requests the fake answered with 501; then forget them."""
        with self.cluster.lock:
            errors, self._errors = self._errors, []
            unimplemented, self._unimplemented = self._unimplemented, []
        if errors:
            where, exc = errors[0]
            raise ServerError(f"fakedruid failed while serving {where}: {exc!r}") from exc
        if unimplemented and self.strict:
            raise ServerError(
                f"fakedruid does not implement {'; '.join(unimplemented)} (it answered 501, which Druid would "
                "not; FakeCoordinator(strict=False) allows it)"
            )

    # ------------------------------------------------------------------ state

    def reset(self) -> None:
        """Return to the freshly built state: no segments, default rules, no tasks; an empty request journal,
        no faults, the leader again, a reachable Overlord. The profile, clock and tiers stay."""
        self.cluster.reset()
        self.clear_requests()
        self.clear_faults()

    def set_now(self, now: Any) -> None:
        """Freeze the clock at ``now`` (ISO-8601 string, UTC ms or datetime)."""
        self.cluster.set_clock(FrozenClock(parse_now(now)))

    def export_state(self) -> dict[str, Any]:
        """The whole state (segments with used flags and timestamps, rules) as a JSON-ready document."""
        from fakedruid.state import export_state

        return export_state(self)

    def load_state(self, doc: Mapping[str, Any]) -> None:
        """Replace segments and rules with those of a state document, all or nothing."""
        from fakedruid.state import load_state

        load_state(self, doc)

    def load_state_file(self, path: str | os.PathLike[str]) -> None:
        """Load a state document from a JSON file, all or nothing."""
        from fakedruid.state import load_state_file

        load_state_file(self, path)

    def add_segment(
        self,
        data_source: str,
        interval: str | Interval,
        version: str,
        *,
        partition_num: int = 0,
        partitions: int = 1,
        shard_spec: dict[str, Any] | None = None,
        used: bool = True,
        size: int = 0,
        **extra: Any,
    ) -> str:
        """Seed one segment; returns its id. See :meth:`fakedruid.model.cluster.Cluster.add_segment`."""
        return self.cluster.add_segment(
            data_source,
            interval,
            version,
            partition_num=partition_num,
            partitions=partitions,
            shard_spec=shard_spec,
            used=used,
            size=size,
            **extra,
        )

    def add_segments(self, segments: list[dict[str, Any]], *, used: bool = True) -> list[str]:
        """Seed DataSegment JSON objects; returns their ids in input order."""
        return self.cluster.add_segments(segments, used=used)

    def segment_ids(self, data_source: str, *, used: bool | None = None) -> set[str]:
        """Ids of a datasource's segments: all (None) or by used flag."""
        return self.cluster.segment_ids(data_source, used=used)

    def overshadowed_segment_ids(self, data_source: str) -> set[str]:
        """Used segments overshadowed by other used segments."""
        return self.cluster.overshadowed_segment_ids(data_source)

    # ------------------------------------------------------------------ the coordinator cycle

    def run_duties(self) -> Any:
        """Run one Coordinator cycle now (RunRules, MarkOvershadowedSegmentsAsUnused,
        MarkEternityTombstonesAsUnused, and KillUnusedSegments when enabled and due); returns its report."""
        from fakedruid.model.duties import run_duties

        with self.cluster.lock:
            return run_duties(self.cluster, count_killable_only=self.profile.kill_counts_killable_only)

    def audit_entries(self, type: str | None = None, key: str | None = None) -> list[dict[str, Any]]:
        """The segment audit entries Druid writes (``segment.markUnused``, ``segment.kill``) as AuditEntry JSON,
        oldest first; optionally only one type or one key (datasource)."""
        with self.cluster.lock:
            return [entry.to_json() for entry in self.cluster.audit.entries(type=type, key=key)]

    # ------------------------------------------------------------------ tasks

    def submit_kill_task(self, data_source: str, interval: str | Interval, *, source: str = "api-issued") -> str:
        """Submit a kill task as the Coordinator's kill API does (no limit, no buffer); returns the task id."""
        iv = interval if isinstance(interval, Interval) else parse_interval(interval)
        with self.cluster.lock:
            task = self.cluster.tasks.submit_kill(
                self.cluster,
                datasource=data_source,
                interval=iv,
                id_prefix=source,
                count_killable_only=self.profile.kill_counts_killable_only,
            )
            return task.id

    def release_tasks(self, task_id: str | None = None) -> list[str]:
        """Run held tasks (all, or one) to completion; returns the ids released."""
        with self.cluster.lock:
            return [t.id for t in self.cluster.tasks.release(self.cluster, task_id)]

    @property
    def hold_tasks(self) -> bool:
        """Whether new tasks stay RUNNING until :meth:`release_tasks`."""
        return self.cluster.tasks.hold

    @hold_tasks.setter
    def hold_tasks(self, value: bool) -> None:
        self.cluster.tasks.hold = bool(value)

    # ------------------------------------------------------------------ per-test configuration

    def configure(
        self,
        *,
        druid_version: str | int | None = None,
        now: Any = None,
        rules: Mapping[str, Any] | None = None,
        segments: Sequence[Mapping[str, Any]] | None = None,
        tiers: Mapping[str, int | Sequence[str]] | None = None,
        accept_quirk: bool | None = None,
        strict: bool | None = None,
    ) -> None:
        """Change settings and seed state in one step, all or nothing (what the pytest marker does).

        Arguments left at None are not changed.

        :param druid_version: switch the profile (as the constructor's ``druid_version``).
        :param now: freeze the clock there (as :meth:`set_now`).
        :param rules: ``{datasource: [rule JSON, ...]}``, each list set as ``POST /rules/{datasource}`` would
            (with an audit entry); the key ``_default`` sets the cluster defaults.
        :param segments: DataSegment JSON objects to seed (as :meth:`add_segments`; ``"used"`` allowed).
        :param tiers: replace the virtual historicals (as the constructor's ``tiers``).
        :param accept_quirk: turn the profile-"29" ``Accept`` emulation on or off.
        :param strict: whether :meth:`check` fails for requests answered with 501.
        :raises InvalidConfig: naming the argument at fault; nothing has changed then.
        """
        profile = self.profile
        if druid_version is not None:
            profile = _checked("druid_version", lambda: resolve_profile(druid_version))
        now_ms = None if now is None else _checked("now", lambda: parse_now(now))
        layout = None if tiers is None else _checked("tiers", lambda: ServerLayout(_mapping("tiers", tiers)))
        if accept_quirk is not None and not isinstance(accept_quirk, bool):
            raise InvalidConfig(f"accept_quirk: expected True or False, got [{accept_quirk!r}]")
        if strict is not None and not isinstance(strict, bool):
            raise InvalidConfig(f"strict: expected True or False, got [{strict!r}]")
        default_key = self.cluster.rules.default_key
        parsed_rules: dict[str, list[Any]] = {}
        for datasource, value in _mapping("rules", {} if rules is None else rules).items():
            if not isinstance(datasource, str) or not datasource:
                raise InvalidConfig(f"rules: keys must be datasource names, got [{datasource!r}]")
            parsed_rules[datasource] = _checked(
                f"rules[{datasource!r}]",
                lambda v=value, ds=datasource: rules_from_json(v, datasource=ds, default_key=default_key),
            )
        if segments is not None and (isinstance(segments, (str, bytes, Mapping)) or not isinstance(segments, Sequence)):
            raise InvalidConfig(f"segments: expected a list of DataSegment JSON objects, got [{segments!r}]")

        saved = self.save_settings()
        with self.cluster.lock:
            self.profile = profile
            if accept_quirk is not None:
                self.accept_quirk = accept_quirk
            if strict is not None:
                self.strict = strict
            if now_ms is not None:
                self.cluster.set_clock(FrozenClock(now_ms))
            if layout is not None:
                self.cluster.layout = layout
            if segments:
                try:
                    self.add_segments([dict(s) if isinstance(s, Mapping) else s for s in segments])
                except FakeDruidError as exc:
                    self.restore_settings(saved)
                    raise InvalidConfig(f"segments: {exc.message}") from exc
            for datasource, parsed in parsed_rules.items():
                self.cluster.rules.set_rules(datasource, parsed, now=self.cluster.now())

    def set_tiers(self, tiers: Mapping[str, int | Sequence[str]] | None) -> None:
        """Replace the virtual historicals (None: the default ``{"_default_tier": 2}``).

        :raises InvalidConfig: for a bad layout.
        """
        layout = ServerLayout(tiers)
        with self.cluster.lock:
            self.cluster.layout = layout

    def save_settings(self) -> CoordinatorSettings:
        """The profile, ``accept_quirk``, clock, tiers and conflict mode, for :meth:`restore_settings`."""
        clock = self.cluster.clock
        return CoordinatorSettings(
            profile=self.profile,
            accept_quirk=self.accept_quirk,
            clock=clock.now() if isinstance(clock, FrozenClock) else clock,
            layout=self.cluster.layout,
            conflict_mode=self.cluster.conflict_mode,
            strict=self.strict,
        )

    def restore_settings(self, settings: CoordinatorSettings) -> None:
        """Go back to settings saved by :meth:`save_settings` (segments, rules and the journal are untouched)."""
        with self.cluster.lock:
            self.profile = settings.profile
            self.accept_quirk = settings.accept_quirk
            clock = settings.clock
            self.cluster.set_clock(FrozenClock(clock) if isinstance(clock, int) else clock)
            self.cluster.layout = settings.layout
            self.cluster.conflict_mode = settings.conflict_mode
            self.strict = settings.strict

    # ------------------------------------------------------------------ request journal

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered since the last reset, in the order the answers were made.

        The fake's own admin API (``/fakedruid/...``) is not recorded.
        """
        with self.cluster.lock:
            return list(self._journal)

    def record_request(self, record: RecordedRequest) -> None:
        """Add a request to the journal (called by the app for every answered request)."""
        if self.record_requests:
            with self.cluster.lock:
                self._journal.append(record)

    def clear_requests(self) -> None:
        """Empty the request journal."""
        with self.cluster.lock:
            self._journal.clear()

    def assert_called(
        self, method: str, path: str, *, times: int | None = None, json: Any = None
    ) -> list[RecordedRequest]:
        """Assert that requests with this method and exact path (no query string) arrived.

        :param times: how many exactly; None means at least one (``times=0``: never).
        :param json: when not None, only requests whose decoded body equals it count.
        :returns: the matching records, oldest first.
        :raises AssertionError: listing every request that did arrive.
        """
        method = method.upper()
        seen = self.requests
        hits = [
            r for r in seen if r.method == method and r.path == path and (json is None or r.body == json)
        ]
        if (times is None and hits) or (times is not None and len(hits) == times):
            return hits
        wanted = f"{method} {path}" + ("" if json is None else f" with JSON body {_dumps(json)}")
        expected = "at least once" if times is None else f"{times} time{'s' if times != 1 else ''}"
        arrived = "\n".join(f"  {r}" for r in seen) if seen else "  (none)"
        from fakedruid.render.assertions import state_text

        raise AssertionError(
            f"fakedruid: expected {wanted} {expected}, got {len(hits)}; the requests that arrived:\n{arrived}\n"
            f"{state_text(self.cluster, path=path)}"
        )

    # ------------------------------------------------------------------ pictures (fakedruid.render, issue 15)

    def timeline(self, data_source: str, *, width: int = 100) -> str:
        """The datasource's segments as a text timeline: one lane per version, newest on top (used, visible,
        served, overshadowed, unused and tombstone segments each drawn with their own character)."""
        from fakedruid.render.assertions import timeline_text

        return timeline_text(self.cluster, data_source, width=width)

    def assert_used(self, data_source: str, ids: Iterable[str]) -> None:
        """Assert that the datasource's used segment ids are exactly ``ids``.

        :raises AssertionError: naming the differences, with the datasource's text timeline.
        """
        from fakedruid.render.assertions import assert_segment_ids

        assert_segment_ids(self.cluster, data_source, ids, used=True)

    def assert_unused(self, data_source: str, ids: Iterable[str]) -> None:
        """Assert that the datasource's unused segment ids are exactly ``ids``.

        :raises AssertionError: naming the differences, with the datasource's text timeline.
        """
        from fakedruid.render.assertions import assert_segment_ids

        assert_segment_ids(self.cluster, data_source, ids, used=False)

    # ------------------------------------------------------------------ fault injection

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
        with self.cluster.lock:
            fault._cancelled = self._faults_cleared
            self._faults.append(fault)
        return fault

    @property
    def faults(self) -> list[Fault]:
        """The faults still waiting for a request, oldest first."""
        with self.cluster.lock:
            return list(self._faults)

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first fault matching a request, counted as used (called by the app for every request)."""
        with self.cluster.lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def clear_faults(self) -> None:
        """Forget every fault (waking delayed requests), become the leader again, and make the Overlord reachable."""
        with self.cluster.lock:
            self._faults = []
            self._leader = True
            self._leader_url = None
            self._overlord_mode = "ok"
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
        with self.cluster.lock:
            self._leader = leader
            self._leader_url = None if leader or leader_url is None else leader_url.rstrip("/")

    @property
    def is_leader(self) -> bool:
        """Whether the fake answers as the leader (see :meth:`set_leader`)."""
        return self._leader

    @property
    def leader_url(self) -> str | None:
        """The leader's base URL reported while not leading; None when no leader is known."""
        return self._leader_url

    @property
    def overlord_mode(self) -> str:
        """How the Overlord behind the Coordinator answers (semantics.md 10.9).

        ``"ok"``; ``"missing"``: no Overlord client is bound (profile "29": the kill endpoints answer 200
        ``{"error": "no indexing service found"}``); ``"old"``: the Overlord predates the data-management API
        (profile "latest": 404 on the Coordinator write endpoints); ``"unreachable"``: calls to the Overlord
        fail (500 on the kill endpoints).
        """
        return self._overlord_mode

    @overlord_mode.setter
    def overlord_mode(self, mode: str) -> None:
        if mode not in OVERLORD_MODES:
            raise InvalidConfig(f"overlord_mode: expected one of {list(OVERLORD_MODES)}, got [{mode!r}]")
        self._overlord_mode = mode


def _checked(argument: str, build: Any) -> Any:
    """``build()``, with a FakeDruidError turned into InvalidConfig naming ``argument`` (once)."""
    try:
        return build()
    except FakeDruidError as exc:
        message = exc.message if exc.message.startswith(f"{argument}: ") else f"{argument}: {exc.message}"
        raise InvalidConfig(message) from exc


def _mapping(argument: str, value: Any) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise InvalidConfig(f"{argument}: expected a dict, got [{value!r}]")
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)
