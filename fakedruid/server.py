"""FakeCoordinator: a fake Druid Coordinator in process, with its HTTP app and an optional threaded server.

Layer: the public facade over the model's :class:`~fakedruid.model.cluster.Cluster`, the
:class:`~fakedruid.harness.Harness` and the :class:`~fakedruid.settings.Settings`, which it holds together as
one :class:`~fakedruid.settings.AppState`. Every method forwards to one of them; nothing here takes a lock.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fakedruid import settings as _settings
from fakedruid.errors import InvalidConfig
from fakedruid.harness import OVERLORD_MODES, Fault, Harness, HarnessMethods, RecordedRequest, ServerError
from fakedruid.ingesting import IngestMethods
from fakedruid.model import documents
from fakedruid.model.audit import AuditEntry
from fakedruid.model.clock import FrozenClock, SystemClock, parse_now
from fakedruid.model.cluster import REFUSE, Cluster
from fakedruid.model.duties import DutyReport, run_duties
from fakedruid.model.intervals import Interval, parse_interval
from fakedruid.model.servers import ServerLayout
from fakedruid.profiles import Profile, resolve_profile
from fakedruid.render.methods import TimelineMethods
from fakedruid.settings import CONFIGURE_ARGUMENTS, AppState, SavedSettings, Settings

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient
    from werkzeug.serving import BaseWSGIServer

__all__ = ["CONFIGURE_ARGUMENTS", "OVERLORD_MODES", "FakeCoordinator", "Fault", "RecordedRequest", "ServerError"]

#: The old name of :class:`~fakedruid.settings.SavedSettings`.
CoordinatorSettings = SavedSettings


class FakeCoordinator(TimelineMethods, HarnessMethods, IngestMethods):
    """An in-memory Druid Coordinator.

    :param druid_version: ``"29"`` (default), ``"latest"``, or a Druid release number from 28 to 39.
    :param now: freeze the clock at this instant (ISO-8601 string, UTC ms, or datetime); default: system time.
    :param host: where :meth:`start` binds; 127.0.0.1 by default.
    :param port: where :meth:`start` binds; 0 picks a free port.
    :param conflict_mode: ``"refuse"`` (default) rejects same-version overlapping segments when seeded;
        ``"druid"`` accepts them and fails later as Druid does (semantics 10.8).
    :param emulate_accept_quirk: emulate the profile "29" 500 for a JSON-less ``Accept`` header (http-api 1.5);
        ``accept_quirk`` is its old name.
    :param strict: :meth:`check` also fails for a request the fake answered with 501 (a Druid feature it does
        not implement), so that a test never passes on an answer Druid would not give.
    :param tiers: virtual historicals: tier name to a server count or a list of ``host:port`` names;
        default ``{"_default_tier": 2}``.
    :param seed: a state document (dict) or the path of a state file to load (:mod:`fakedruid.model.documents`).
    :param basic_security: run with Druid's druid-basic-security extension: requests need HTTP Basic
        credentials (401 without), permissions are checked (403), users are managed under
        ``/druid-ext/basic-security/...``.
    :param admin_password: Druid's ``initialAdminPassword``: the password of user ``admin``.
    :param internal_client_password: Druid's ``initialInternalClientPassword``: the password of ``druid_system``.
    :param authenticator_name: the basic authenticator's name (default ``basic``).
    :param authorizer_name: the basic authorizer's name (default ``basic``).
    :param max_body_bytes: refuse a request body larger than this with 413 before reading it (default 64 MiB;
        Druid has no such limit).
    """

    def __init__(
        self,
        druid_version: str | int = "29",
        *,
        now: Any = None,
        host: str = "127.0.0.1",
        port: int = 0,
        conflict_mode: str = REFUSE,
        emulate_accept_quirk: bool = True,
        strict: bool = True,
        tiers: Mapping[str, int | Sequence[str]] | None = None,
        seed: str | os.PathLike[str] | Mapping[str, Any] | None = None,
        accept_quirk: bool | None = None,
        basic_security: bool = False,
        admin_password: str | None = None,
        internal_client_password: str | None = None,
        authenticator_name: str | None = None,
        authorizer_name: str | None = None,
        max_body_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        clock = SystemClock() if now is None else FrozenClock(parse_now(now))
        cluster = Cluster(clock=clock, conflict_mode=conflict_mode, tiers=tiers)
        emulate = emulate_accept_quirk if accept_quirk is None else accept_quirk
        if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int) or max_body_bytes < 0:
            raise InvalidConfig(f"max_body_bytes: expected a non-negative integer, got [{max_body_bytes!r}]")
        settings = Settings(
            resolve_profile(druid_version), emulate_accept_quirk=emulate, strict=strict, max_body_bytes=max_body_bytes
        )
        #: Everything the HTTP app serves: ``cluster``, ``harness`` and ``settings``.
        self.state = AppState(cluster=cluster, harness=Harness(cluster.lock), settings=settings)
        self.cluster = cluster
        self.harness = self.state.harness
        self.host = host
        self.port = port
        self._app: Flask | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        security = {
            "admin_password": admin_password,
            "internal_client_password": internal_client_password,
            "authenticator_name": authenticator_name,
            "authorizer_name": authorizer_name,
        }
        if basic_security:
            cluster.enable_basic_security(**{k: v for k, v in security.items() if v is not None})
        elif any(v is not None for v in security.values()):
            raise InvalidConfig("admin_password and the other basic security arguments need basic_security=True")
        if isinstance(seed, Mapping):
            self.load_state(seed)
        elif seed is not None:
            self.load_state_file(seed)

    # ------------------------------------------------------------------ settings

    @property
    def profile(self) -> Profile:
        """The behaviour profile answered as."""
        return self.state.settings.profile

    @profile.setter
    def profile(self, profile: Profile) -> None:
        self.state.settings.profile = profile

    @property
    def emulate_accept_quirk(self) -> bool:
        """Whether the profile-"29" ``Accept`` 500 is emulated."""
        return self.state.settings.emulate_accept_quirk

    @emulate_accept_quirk.setter
    def emulate_accept_quirk(self, value: bool) -> None:
        self.state.settings.emulate_accept_quirk = bool(value)

    #: The old name of :attr:`emulate_accept_quirk`.
    accept_quirk = emulate_accept_quirk

    @property
    def strict(self) -> bool:
        """Whether :meth:`check` fails for requests answered with 501."""
        return self.state.settings.strict

    @strict.setter
    def strict(self, value: bool) -> None:
        self.state.settings.strict = bool(value)

    def configure(self, *, accept_quirk: bool | None = None, **kwargs: Any) -> None:
        """Change settings and seed state in one step, all or nothing (what the pytest marker does).

        Arguments left at None are not changed: ``druid_version``, ``now`` (as :meth:`set_now`), ``rules``
        (``{datasource: [rule JSON, ...]}``, each set as ``POST /rules/{datasource}`` would; ``_default`` for the
        cluster defaults), ``segments`` (DataSegment JSON, as :meth:`add_segments`), ``tiers``,
        ``emulate_accept_quirk`` (old name ``accept_quirk``) and ``strict``.

        :raises InvalidConfig: naming the argument at fault; nothing has changed then.
        """
        if accept_quirk is not None:
            kwargs.setdefault("emulate_accept_quirk", accept_quirk)
        _settings.configure(self.state, **kwargs)

    def set_now(self, now: Any) -> None:
        """Freeze the clock at ``now`` (ISO-8601 string, UTC ms or datetime)."""
        self.cluster.set_clock(FrozenClock(parse_now(now)))

    def set_tiers(self, tiers: Mapping[str, int | Sequence[str]] | None) -> None:
        """Replace the virtual historicals (None: the default ``{"_default_tier": 2}``).

        :raises InvalidConfig: for a bad layout.
        """
        self.cluster.set_layout(ServerLayout(tiers))

    def save_settings(self) -> SavedSettings:
        """The profile, Accept emulation, strict mode, clock, tiers and conflict mode."""
        return SavedSettings.save(self.state)

    def restore_settings(self, saved: SavedSettings) -> None:
        """Go back to settings saved by :meth:`save_settings` (segments, rules and the journal are untouched)."""
        saved.restore(self.state)

    # ------------------------------------------------------------------ HTTP

    @property
    def app(self) -> Flask:
        """The Flask app answering as Druid."""
        if self._app is None:
            from fakedruid.api import create_app

            self._app = create_app(self.state)
        return self._app

    @property
    def client(self) -> FlaskClient:
        """A Flask test client on the app (in process, no socket)."""
        return self.app.test_client()

    def start(self, *, log_requests: bool = False) -> FakeCoordinator:
        """Serve the app on a background thread (threaded Werkzeug server); returns self.

        :param log_requests: log each request as Werkzeug does (the dev server does; tests need not).
        """
        if self._server is not None:
            return self
        from fakedruid.api.serving import make_threaded_server

        server = make_threaded_server(self.host, self.port, self.app, log_requests=log_requests)
        self._server, self.port = server, server.server_port
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

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def check(self) -> None:
        """Raise :class:`ServerError` for the first unexpected exception raised in the server, or (in strict
        mode) for requests the fake answered with 501; then forget them."""
        self.harness.check(strict=self.strict)

    def assert_called(
        self, method: str, path: str, *, times: int | None = None, json: Any = None
    ) -> list[RecordedRequest]:
        """:meth:`HarnessMethods.assert_called`; the failure message adds the fake's text timelines."""
        try:
            return super().assert_called(method, path, times=times, json=json)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.timelines_text(path=path)}") from None

    def record_server_error(self, exc: BaseException, where: str) -> None:
        """Remember an unexpected exception raised while serving (re-raised by :meth:`check`)."""
        self.harness.record_server_error(exc, where)

    # ------------------------------------------------------------------ state

    def reset(self) -> None:
        """Return to the freshly built state: no segments, default rules, no tasks; an empty request journal,
        no faults, the leader again, a reachable Overlord. The profile, clock and tiers stay."""
        self.cluster.reset()
        self.harness.reset()

    def export_state(self) -> dict[str, Any]:
        """The whole state (segments with used flags and timestamps, rules) as a JSON-ready document."""
        return documents.export_state(self.cluster)

    def load_state(self, doc: Mapping[str, Any]) -> None:
        """Replace segments and rules with those of a state document, all or nothing."""
        documents.load_state(self.cluster, doc)

    def load_state_file(self, path: str | os.PathLike[str]) -> None:
        """Load a state document from a JSON file, all or nothing."""
        documents.load_state_file(self.cluster, path)

    def add_segment(self, datasource: str, interval: str | Interval, version: str, **fields: Any) -> str:
        """Seed one segment; returns its id. See :meth:`fakedruid.model.cluster.Cluster.add_segment`."""
        return self.cluster.add_segment(datasource, interval, version, **fields)

    def add_segments(self, segments: list[dict[str, Any]], *, used: bool = True) -> list[str]:
        """Seed DataSegment JSON objects; returns their ids in input order."""
        return self.cluster.add_segments(segments, used=used)

    def segment_ids(self, datasource: str, *, used: bool | None = None) -> set[str]:
        """Ids of a datasource's segments: all (None) or by used flag."""
        return self.cluster.segment_ids(datasource, used=used)

    def overshadowed_segment_ids(self, datasource: str) -> set[str]:
        """Used segments overshadowed by other used segments."""
        return self.cluster.overshadowed_segment_ids(datasource)

    def run_duties(self) -> DutyReport:
        """Run one Coordinator cycle now (RunRules, MarkOvershadowedSegmentsAsUnused,
        MarkEternityTombstonesAsUnused, and KillUnusedSegments when enabled and due); returns its report."""
        return run_duties(self.cluster, count_killable_only=self.profile.kill_counts_killable_only)

    def audit_entries(self, type: str | None = None, key: str | None = None) -> list[dict[str, Any]]:
        """The segment audit entries Druid writes (``segment.markUnused``, ``segment.kill``) as AuditEntry JSON,
        oldest first; optionally only one type or one key (datasource)."""
        entries: list[AuditEntry] = self.cluster.audit_entries(type=type, key=key)
        return [entry.to_json() for entry in entries]

    def submit_kill_task(self, datasource: str, interval: str | Interval, *, source: str = "api-issued") -> str:
        """Submit a kill task as the Coordinator's kill API does (no limit, no buffer); returns the task id."""
        iv = interval if isinstance(interval, Interval) else parse_interval(interval)
        count_killable_only = self.profile.kill_counts_killable_only
        task = self.cluster.submit_kill(
            datasource=datasource, interval=iv, id_prefix=source, count_killable_only=count_killable_only
        )
        return task.id

    def release_tasks(self, task_id: str | None = None) -> list[str]:
        """Run held tasks (all, or one) to completion; returns the ids released."""
        return [t.id for t in self.cluster.release_tasks(task_id)]

    @property
    def hold_tasks(self) -> bool:
        """Whether new tasks stay RUNNING until :meth:`release_tasks`."""
        return self.cluster.tasks.hold

    @hold_tasks.setter
    def hold_tasks(self, value: bool) -> None:
        self.cluster.tasks.hold = bool(value)
