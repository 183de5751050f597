"""FakeCoordinator: a fake Druid Coordinator in process, with its HTTP app and an optional threaded server.

Layer: glue between the model and the api. The public Python surface users and the pytest plugin build on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import BaseWSGIServer, make_server

from fakedruid.errors import InvalidConfig
from fakedruid.model.clock import FrozenClock, SystemClock, parse_now
from fakedruid.model.cluster import REFUSE, Cluster
from fakedruid.model.intervals import Interval, parse_interval
from fakedruid.profiles import Profile, resolve_profile


class ServerError(AssertionError):
    """An exception raised inside the fake's server thread, re-raised in the test thread by ``check()``."""


class FakeCoordinator:
    """An in-memory Druid Coordinator.

    :param druid_version: ``"29"`` (default), ``"latest"``, or a Druid release number from 28 to 38.
    :param now: freeze the clock at this instant (ISO-8601 string, UTC ms, or datetime); default: system time.
    :param host: where :meth:`start` binds; 127.0.0.1 by default.
    :param port: where :meth:`start` binds; 0 picks a free port.
    :param conflict_mode: ``"refuse"`` (default) rejects same-version overlapping segments when seeded;
        ``"druid"`` accepts them and fails later as Druid does (semantics 10.8).
    :param accept_quirk: emulate the profile "29" 500 for a JSON-less ``Accept`` header (http-api 1.5).
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
        tiers: Mapping[str, int | Sequence[str]] | None = None,
        seed: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    ) -> None:
        self.profile: Profile = resolve_profile(druid_version)
        clock = SystemClock() if now is None else FrozenClock(parse_now(now))
        self.cluster = Cluster(clock=clock, conflict_mode=conflict_mode, tiers=tiers)
        self.accept_quirk = accept_quirk
        self.host = host
        self.port = port
        self._app: Flask | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._errors: list[tuple[str, BaseException]] = []
        self._errors_lock = threading.Lock()
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

    def start(self) -> FakeCoordinator:
        """Serve the app on a background thread (threaded server); returns self."""
        if self._server is not None:
            return self
        try:
            server = make_server(self.host, self.port, self.app, threaded=True)
        except SystemExit as exc:  # Werkzeug exits the process when the port is taken
            raise OSError(f"fakedruid cannot listen on {self.host}:{self.port} (port in use?)") from exc
        self._server = server
        self.port = server.server_port
        self._thread = threading.Thread(target=server.serve_forever, name="fakedruid-server", daemon=True)
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
        with self._errors_lock:
            self._errors.append((where, exc))

    def check(self) -> None:
        """Raise :class:`ServerError` for the first unexpected exception raised in the server, and forget them."""
        with self._errors_lock:
            errors, self._errors = self._errors, []
        if errors:
            where, exc = errors[0]
            raise ServerError(f"fakedruid failed while serving {where}: {exc!r}") from exc

    # ------------------------------------------------------------------ state

    def reset(self) -> None:
        """Return to the freshly built state: no segments, default rules, no tasks."""
        self.cluster.reset()

    def set_now(self, now: Any) -> None:
        """Freeze the clock at ``now`` (ISO-8601 string, UTC ms or datetime)."""
        self.cluster.clock = FrozenClock(parse_now(now))

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
