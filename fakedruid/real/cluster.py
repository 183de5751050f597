"""RealDruid: a real Apache Druid Coordinator (plus Overlord, ZooKeeper and Derby) on 127.0.0.1, started from
Maven Central's jars, seeded like the fake, reset between tests, and stopped without leaving a JVM behind.

Layer: stdlib plus ``fakedruid.real`` (and ``fakedruid.model`` through :mod:`fakedruid.real.metadata`).
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import dataclasses
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

from fakedruid.polling import PollTimeout, poll
from fakedruid.real.config import (
    HOST,
    PEON_PORTS,
    Layout,
    Ports,
    coordinator_command,
    historical_command,
    write_config,
    zookeeper_command,
)
from fakedruid.real.errors import RealDruidError, StartFailed
from fakedruid.real.jdk import Jdk, find_jdk, parse_druid_version
from fakedruid.real.maven import extension_pom_xml, recipe_for, resolve_classpath, resolve_extension
from fakedruid.real.metadata import (
    INSERT_SEGMENT,
    RESET_TABLES,
    SegmentRow,
    SqlShell,
    insert_params,
    segment_rows,
)

__all__ = ["RealDruid", "free_port", "load_seed_file"]

T = TypeVar("T")

#: Seconds a cluster may take from the JVM start to ready (cold JIT on 2 cores takes 10-30 s).
START_TIMEOUT = 240.0
#: Seconds to wait for the Coordinator's poll to show a change (the poll runs every second).
POLL_TIMEOUT = 60.0
#: Seconds a process gets to stop after SIGTERM before SIGKILL.
STOP_TIMEOUT = 20.0
#: Seconds ``reset`` waits for running tasks (kill tasks run in forked JVMs) to finish.
TASK_TIMEOUT = 120.0


def free_port(host: str = HOST) -> int:
    """A TCP port nobody listens on right now (the OS's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _port_in_use(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As Jetty and ZooKeeper bind (SO_REUSEADDR): connections in TIME_WAIT, left for a minute by a Druid that
        # just stopped, do not hold the port; a listening socket does.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _wait(
    what: str, check: Callable[[], T | None], timeout: float, *, alive: Callable[[], None] | None = None
) -> T:
    """Call ``check`` until it returns a value other than None (:func:`fakedruid.polling.poll`); raise on
    ``timeout``."""
    try:
        return poll(what, check, timeout, alive=alive)
    except PollTimeout as exc:
        raise RealDruidError(str(exc)) from exc


def _preexec() -> None:  # pragma: no cover - runs in the child
    """New process group (stopping the group also stops forked peons); on Linux, die with the parent."""
    os.setpgrp()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: no JVM outlives a killed parent
        except (OSError, AttributeError):
            pass


class _Process:
    """One supervised JVM: its own process group, its output in a log file."""

    def __init__(self, name: str, cmd: Sequence[str], *, cwd: Path, log: Path) -> None:
        self.name = name
        self.log = log
        self._log_file = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            list(cmd), cwd=cwd, stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT,
            preexec_fn=_preexec,  # only setpgrp and prctl: no locks taken in the child
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def check_alive(self) -> None:
        """:raises StartFailed: the process has exited (with its last log lines)."""
        code = self.popen.poll()
        if code is not None:
            raise StartFailed(f"{self.name} exited with code {code}; last lines of {self.log}:\n{_tail(self.log)}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM the process group, SIGKILL it after ``timeout`` seconds, and reap the process."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # Also SIGKILL what is left in the group (forked peons of a Coordinator that exited).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()
        self._log_file.close()


_LIVE: weakref.WeakSet[RealDruid] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for druid in list(_LIVE):
        druid.stop()


class RealDruid:
    """A real Druid ``version`` on 127.0.0.1: ZooKeeper and one Coordinator JVM that is also the Overlord (with
    a forking task runner for kill tasks), Derby as metadata store (started by the Coordinator), local deep
    storage. Use as a context manager, or call :meth:`start` and :meth:`stop`.

    :param version: a Druid release, e.g. ``"28.0.0"``; its ``druid-services`` must resolve from Maven.
    :param port: the Coordinator's port; 0 (default) picks a free one.
    :param workdir: where configuration, Derby, deep storage and logs go (default: a new temporary directory,
        removed by :meth:`stop`); a given directory is kept.
    :param zookeeper_port, derby_port, peon_port: the other ports (default: free ones); forked task JVMs use
        ``peon_port`` to ``peon_port + 19``.
    :param jdk: the JDK (default: :func:`~fakedruid.real.jdk.find_jdk` for ``version``).
    :param cache: the classpath cache root (default ``FAKEDRUID_CACHE`` or ``~/.cache/fakedruid``).
    :param log: a text stream for progress lines (default: none).
    :param extensions: Druid extensions to load (Maven artifact names under ``org.apache.druid.extensions``,
        e.g. ``"druid-basic-security"``), resolved once into the cache and put on the Coordinator's classpath.
    :param properties: extra runtime properties (added to, or replacing, ``common.runtime.properties``);
        :func:`~fakedruid.real.config.basic_security_properties` gives those of the basic-security extension.
    :param credentials: ``(user, password)`` the harness's own requests (readiness, seeding, reset) send as
        HTTP Basic credentials, for a cluster that requires them.
    :param historical: also start one Historical (``_default_tier``) and ingest a template segment, so that
        seeded segments, which have no files, get a copy of the template's files and can be loaded and served.
    :param historical_port: the Historical's port (default: a free one).
    """

    def __init__(
        self,
        version: str,
        *,
        port: int = 0,
        workdir: str | os.PathLike[str] | None = None,
        zookeeper_port: int = 0,
        derby_port: int = 0,
        peon_port: int = 0,
        jdk: Jdk | None = None,
        cache: str | os.PathLike[str] | None = None,
        log: IO[str] | None = None,
        extensions: Sequence[str] = (),
        properties: Mapping[str, object] | None = None,
        credentials: tuple[str, str] | None = None,
        historical: bool = False,
        historical_port: int = 0,
    ) -> None:
        parse_druid_version(version)
        for name in extensions:
            extension_pom_xml(version, name)  # refuses a name that is no artifact name, before anything starts
        self.version = version
        self.extensions: tuple[str, ...] = tuple(extensions)
        self.properties: dict[str, object] = dict(properties or {})
        self.credentials = credentials
        self.extension_dirs: list[Path] = []
        self.historical = historical
        #: False for a release whose Overlord does not run from the resolved jars (``Recipe.overlord``): the
        #: cluster is a Coordinator alone, without the task endpoints.
        self.overlord = recipe_for(version).overlord
        self._requested = {"druid": port, "zookeeper": zookeeper_port, "derby": derby_port, "peon": peon_port}
        if historical:
            self._requested["historical"] = historical_port
        for name, value in self._requested.items():
            if not 0 <= value <= 65535:
                raise RealDruidError(f"Invalid {name} port [{value}]: expected an integer from 0 to 65535")
        self._workdir_arg = None if workdir is None else Path(workdir)
        self._jdk = jdk
        self._cache = None if cache is None else Path(cache)
        self._log = log
        self._processes: list[_Process] = []
        self._shell: SqlShell | None = None
        self._tmpdir: Path | None = None
        self._initial_rules: Any = None
        self._initial_rule_ids: list[str] = []
        self.ports: Ports | None = None
        self.layout: Layout | None = None
        self.jdk: Jdk | None = None
        self.lib: Path | None = None
        #: Seconds the last :meth:`start` took from launching ZooKeeper to ready.
        self.start_seconds: float | None = None
        #: With a Historical: the directory of the template segment's files (a real ingestion's output).
        self.template: Path | None = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> RealDruid:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RealDruid({self.version!r}, url={self.url if self.ports else None!r})"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` of the Coordinator (and Overlord)."""
        if self.ports is None:
            raise RealDruidError("RealDruid is not started")
        return f"http://{HOST}:{self.ports.druid}"

    def _say(self, text: str) -> None:
        if self._log is not None:
            print(f"fakedruid: {text}", file=self._log, flush=True)

    def prepare(self) -> Path:
        """Find the JDK and resolve the classpath (downloading it once); returns ``lib/``.

        :raises ToolMissing, VersionUnavailable:
        """
        if self.jdk is None:
            self.jdk = self._jdk or find_jdk(self.version)
        if self.lib is None:
            self.lib = resolve_classpath(self.version, java_home=self.jdk.home, root=self._cache, log=self._log)
        if len(self.extension_dirs) != len(self.extensions):
            self.extension_dirs = [
                resolve_extension(self.version, name, java_home=self.jdk.home, root=self._cache, log=self._log)
                for name in self.extensions
            ]
        return self.lib

    def check_ports(self) -> None:
        """:raises StartFailed: a port given explicitly is in use on 127.0.0.1."""
        self._pick_ports()

    def _pick_ports(self) -> Ports:
        chosen: dict[str, int] = {}
        for name, value in self._requested.items():
            if value:
                if _port_in_use(value):
                    raise StartFailed(f"Port {value} ({name}) on {HOST} is in use")
                chosen[name] = value
            else:
                port = free_port()
                while port in chosen.values() or (name == "peon" and port + PEON_PORTS > 65535):
                    port = free_port()
                chosen[name] = port
        return Ports(**chosen)

    def start(self) -> RealDruid:
        """Start ZooKeeper and the Coordinator, and wait until they are ready: ``/status/health``, both
        ``isLeader`` endpoints and the metadata tables answer. A failed start stops what it started.

        :raises ToolMissing: no fitting JDK, or no Maven (on the first start of a version).
        :raises VersionUnavailable: the version is unknown or does not resolve.
        :raises StartFailed: a port is in use, or a process exited or did not get ready (with its last log lines).
        """
        if self._processes:
            raise RealDruidError("RealDruid is already started")
        self.ports = self._pick_ports()
        lib = self.prepare()
        assert self.jdk is not None
        if self._workdir_arg is None:
            self._tmpdir = Path(tempfile.mkdtemp(prefix=f"fakedruid-druid-{self.version}-"))
            workdir = self._tmpdir
        else:
            workdir = self._workdir_arg.resolve()
            workdir.mkdir(parents=True, exist_ok=True)
        self.layout = layout = Layout(workdir)
        write_config(layout, self.ports, self.jdk.java, properties=self.properties, overlord=self.overlord)
        _LIVE.add(self)
        started = time.monotonic()
        try:
            self._say(f"starting ZooKeeper on {HOST}:{self.ports.zookeeper} (Java {self.jdk.feature})")
            zk = self._spawn("ZooKeeper", zookeeper_command(self.jdk.java, lib, layout), "zookeeper.log")
            _wait("ZooKeeper", lambda: self._zk_ok(), START_TIMEOUT, alive=zk.check_alive)
            role = "Coordinator-Overlord" if self.overlord else "Coordinator (no Overlord: see Recipe.overlord)"
            self._say(f"starting the {role} on {self.url}")
            command = coordinator_command(self.jdk.java, lib, layout, extensions=self.extension_dirs)
            co = self._spawn("The Coordinator", command, "coordinator.log")
            _wait(f"Druid {self.version} to be ready at {self.url}", self._ready, START_TIMEOUT, alive=co.check_alive)
            derbyclient = next(iter(sorted(lib.glob("derbyclient-*.jar"))), None)
            if derbyclient is None:
                raise StartFailed(f"No derbyclient jar in {lib}")
            with open(layout.logs / "sqlshell.log", "ab") as shell_log:
                self._shell = SqlShell(self.jdk.java, derbyclient, layout.derby_url(self.ports), log=shell_log)
            _wait("the metadata tables", self._tables_ok, START_TIMEOUT, alive=co.check_alive)
            self._initial_rules = self._rules()
            self._initial_rule_ids = [str(r[0]) for r in self.shell.query("SELECT id FROM druid_rules")]
            if self.historical:
                self._say(f"starting a Historical on {HOST}:{self.ports.historical}")
                hist = self._spawn("The Historical", historical_command(self.jdk.java, lib, layout), "historical.log")
                _wait("the Historical to be ready", self._historical_ok, START_TIMEOUT, alive=hist.check_alive)
                self.template = self._make_template()
        except BaseException as exc:
            logs = "" if isinstance(exc, StartFailed) else self._last_logs()
            self.stop()
            if isinstance(exc, RealDruidError) and not isinstance(exc, StartFailed):
                raise StartFailed(f"Druid {self.version} did not start: {exc.message}\n{logs}") from exc
            raise
        self.start_seconds = time.monotonic() - started
        self._say(f"Druid {self.version} ready in {self.start_seconds:.1f} s")
        return self

    def _spawn(self, name: str, cmd: Sequence[str], log: str) -> _Process:
        assert self.layout is not None
        proc = _Process(name, cmd, cwd=self.layout.workdir, log=self.layout.logs / log)
        self._processes.append(proc)
        return proc

    def _last_logs(self) -> str:
        return "\n".join(f"last lines of {p.log}:\n{_tail(p.log)}" for p in self._processes)

    def pids(self) -> list[int]:
        """Process ids of the started JVMs (ZooKeeper, Coordinator, JDBC shell)."""
        out = [p.pid for p in self._processes]
        if self._shell is not None:
            out.append(self._shell.pid)
        return out

    def stop(self) -> None:
        """Stop every process this cluster started (Coordinator first, so it can leave ZooKeeper cleanly) and
        remove the temporary working directory. Safe to call twice."""
        _LIVE.discard(self)
        if self._shell is not None:
            with contextlib.suppress(Exception):
                self._shell.close()
            self._shell = None
        for proc in reversed(self._processes):
            proc.stop()
        self._processes = []
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    # ------------------------------------------------------------------ HTTP and readiness

    def _http(self, method: str, path: str, body: Any = None, timeout: float = 10.0) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if self.credentials is not None:
            token = base64.b64encode(":".join(self.credentials).encode("utf-8")).decode("ascii")
            req.add_header("Authorization", f"Basic {token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError):
            return 0, b""

    def _get_json(self, path: str) -> Any:
        status, body = self._http("GET", path)
        if status != 200:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def _zk_ok(self) -> bool | None:
        assert self.ports is not None
        try:
            with socket.create_connection((HOST, self.ports.zookeeper), timeout=2) as s:
                s.sendall(b"ruok")
                return True if s.recv(4) == b"imok" else None
        except OSError:
            return None

    def _ready(self) -> bool | None:
        if self._get_json("/status/health") is not True:
            return None
        if self._http("GET", "/druid/coordinator/v1/isLeader")[0] != 200:
            return None
        if self.overlord and self._http("GET", "/druid/indexer/v1/isLeader")[0] != 200:
            return None
        if self._http("GET", "/druid/coordinator/v1/metadata/datasources")[0] != 200:
            return None
        return True

    def _historical_ok(self) -> bool | None:
        """The Historical answers and the Coordinator lists it as a server."""
        assert self.ports is not None
        status, _ = self._http_to(self.ports.historical, "GET", "/status/health")
        if status != 200:
            return None
        servers = self._get_json("/druid/coordinator/v1/servers?simple")
        if not isinstance(servers, list) or not any(s.get("type") == "historical" for s in servers):
            return None
        return True

    def _http_to(self, port: int, method: str, path: str) -> tuple[int, bytes]:
        req = urllib.request.Request(f"http://{HOST}:{port}{path}", method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError):
            return 0, b""

    def _make_template(self) -> Path:
        """Ingest one row with a real ``index`` task and keep its segment's files as the template; its metadata
        rows are deleted (the files stay), so the cluster starts with no datasource."""
        datasource = "fakedruid_template"
        task = {
            "type": "index",
            "spec": {
                "dataSchema": {
                    "dataSource": datasource,
                    "timestampSpec": {"column": "ts", "format": "iso"},
                    "dimensionsSpec": {"dimensions": ["page"]},
                    "granularitySpec": {"segmentGranularity": "DAY", "queryGranularity": "NONE"},
                },
                "ioConfig": {"type": "index", "inputSource": {"type": "inline", "data":
                             '{"ts": "2000-01-01T00:00:00Z", "page": "template"}'}, "inputFormat": {"type": "json"}},
                "tuningConfig": {"type": "index"},
            },
        }
        status, body = self._http("POST", "/druid/indexer/v1/task", task)
        if status != 200:
            raise StartFailed(f"The template ingestion was refused with {status}: {body.decode(errors='replace')}")
        task_id = json.loads(body)["task"]

        def finished() -> str | None:
            got = self._get_json(f"/druid/indexer/v1/task/{urllib.parse.quote(task_id, safe='')}/status")
            state = got.get("status", {}).get("status") if isinstance(got, dict) else None
            return None if state in (None, "RUNNING") else str(state)

        if _wait("the template ingestion", finished, TASK_TIMEOUT) != "SUCCESS":
            raise StartFailed(f"The template ingestion task [{task_id}] failed; see {self.layout and self.layout.logs}")

        def published() -> Path | None:
            segs = self._get_json(f"/druid/coordinator/v1/metadata/datasources/{datasource}/segments?full")
            return Path(segs[0]["loadSpec"]["path"]) if isinstance(segs, list) and segs else None

        path = _wait("the template segment", published, POLL_TIMEOUT)
        self.shell.transaction([("DELETE FROM druid_segments WHERE dataSource = ?", (datasource,))])
        self.wait_for_poll([datasource])
        return path

    def _tables_ok(self) -> bool | None:
        tables = self.shell.tables()
        # The Overlord creates druid_tasks; a Coordinator alone does not.
        wanted = {"DRUID_SEGMENTS", "DRUID_RULES"} | ({"DRUID_TASKS"} if self.overlord else set())
        if wanted <= tables and self.shell.query(
            "SELECT id FROM druid_rules"
        ):
            return True
        return None

    @property
    def shell(self) -> SqlShell:
        """The JDBC shell on the metadata store."""
        if self._shell is None:
            raise RealDruidError("RealDruid is not started")
        return self._shell

    def _rules(self) -> Any:
        return self._get_json("/druid/coordinator/v1/rules")

    # ------------------------------------------------------------------ seeding

    def seed_segments(self, segments: Iterable[Any], *, used: bool | Sequence[bool] = True) -> list[str]:
        """Insert segments into ``druid_segments`` (all or nothing) and wait until the Coordinator's poll shows
        every used one.

        :param segments: DataSegment JSON objects (each may carry ``used``, ``createdDate``,
            ``usedStatusLastUpdatedDate``) or model DataSegments.
        :returns: their ids, in input order.
        :raises RealDruidError: a malformed segment, a duplicate id (also against existing rows).
        """
        assert self.layout is not None
        rows = segment_rows(list(segments), used=used, segments_dir=self.layout.segments, now=_now())
        if not rows:
            return []
        if self.template is not None:
            rows = [self._servable(row) for row in rows]
        self.shell.transaction((INSERT_SEGMENT, insert_params(row)) for row in rows)
        self.wait_for_poll({row.datasource for row in rows})
        if self.historical:
            self.wait_for_load({row.datasource for row in rows if row.used})
        return [row.id for row in rows]

    def wait_for_load(self, datasources: Iterable[str], timeout: float = POLL_TIMEOUT) -> None:
        """With a Historical: wait until it serves every used segment no other used segment overshadows (as the
        Coordinator's ``includeOvershadowedStatus`` view says) of each datasource."""
        for ds in sorted(set(datasources)):
            quoted = urllib.parse.quote(ds, safe="")

            def loaded(ds: str = ds, quoted: str = quoted) -> bool | None:
                statuses = self._get_json(
                    f"/druid/coordinator/v1/metadata/segments?datasources={quoted}&includeOvershadowedStatus"
                )
                served = self._get_json(f"/druid/coordinator/v1/datasources/{quoted}/segments")
                if not isinstance(statuses, list) or not isinstance(served, list):
                    return None
                visible = {s["identifier"] for s in statuses if not s.get("overshadowed")}
                return True if visible <= set(served) else None

            _wait(f"the Historical to load the segments of [{ds}]", loaded, timeout)

    def _servable(self, row: SegmentRow) -> SegmentRow:
        """The row with a loadSpec the Historical can load: a copy of the template's files in the segment's own
        deep-storage directory (a kill deletes that copy only), or a tombstone's loadSpec."""
        assert self.template is not None
        payload = json.loads(row.payload)
        if payload.get("shardSpec", {}).get("type") == "tombstone":
            payload["loadSpec"] = {"type": "tombstone", "path": None}
        else:
            target = Path(payload["loadSpec"]["path"]).parent / "index"
            if not target.exists():
                shutil.copytree(self.template, target)
            payload["loadSpec"] = {"type": "local", "path": f"{target}/"}
        return dataclasses.replace(row, payload=json.dumps(payload, separators=(",", ":")).encode("utf-8"))

    def wait_for_poll(self, datasources: Iterable[str], timeout: float = POLL_TIMEOUT) -> None:
        """Wait until the Coordinator's view of each datasource's used segments equals the metadata store's.

        The store is read again at every check: a Coordinator duty may change it while the view catches up.

        :raises RealDruidError: ``timeout`` passed; the message names the ids on one side only.
        """
        for ds in sorted(set(datasources)):
            path = f"/druid/coordinator/v1/metadata/datasources/{urllib.parse.quote(ds, safe='')}/segments"
            last: dict[str, Any] = {"store": set(), "coordinator": set(), "status": None}

            def seen(ds: str = ds, path: str = path, last: dict[str, Any] = last) -> bool | None:
                expected = {
                    str(r[0])
                    for r in self.shell.query("SELECT id FROM druid_segments WHERE dataSource = ? AND used = ?",
                                              ds, True)
                }
                status, body = self._http("GET", path)
                shown = set(json.loads(body)) if status == 200 else set()
                last.update(store=expected, coordinator=shown, status=status)
                if status == 404 and not expected:
                    return True
                return True if status == 200 and shown == expected else None

            try:
                _wait(f"the Coordinator's poll to show the used segments of [{ds}]", seen, timeout)
            except RealDruidError as exc:
                store, shown = last["store"], last["coordinator"]
                raise RealDruidError(
                    f"{exc}: the metadata store's used ids not shown {sorted(store - shown)}, shown but not used"
                    f" there {sorted(shown - store)} (last answer {last['status']})"
                ) from exc

    def set_rules(self, datasource: str, rules: Sequence[Any]) -> None:
        """Replace a datasource's rules through Druid's rules API and wait until the rules manager shows them.

        :raises RealDruidError: Druid refused them (with its answer).
        """
        path = f"/druid/coordinator/v1/rules/{urllib.parse.quote(datasource, safe='')}"
        status, body = self._http("POST", path, list(rules))
        if status != 200:
            text = body.decode(errors="replace")
            raise RealDruidError(f"Druid refused the rules of [{datasource}] with {status}: {text}")
        _wait(f"the rules of [{datasource}]", lambda: True if self._get_json(path) is not None else None, POLL_TIMEOUT)

    def seed(self, doc: Mapping[str, Any]) -> list[str]:
        """Load a state document (``fakedruid serve --seed``'s format): ``segments`` into the metadata store,
        ``rules.rules`` through the rules API. ``rules.audit`` (history) cannot be written through Druid's API
        and is ignored.

        :returns: the ids of the seeded segments.
        :raises RealDruidError: the document is malformed (nothing is written then), or Druid refused it.
        """
        segments, rules = check_seed(doc)
        ids = self.seed_segments(segments)
        for key, value in rules.items():
            self.set_rules(key, value)
        return ids

    def reset(self, *, datasources_gone: bool = True) -> None:
        """Back to the state just after start: wait for running tasks to end, delete every segment, pending
        segment, task, audit entry and rule change from the metadata store, and wait until the Coordinator's
        polls show that.

        :param datasources_gone: wait until the metadata view lists no datasource. False skips that wait: on
            Druid 37.0.0 (measured; its Coordinator reads the incremental segment metadata cache) a deleted used
            segment stays in the view until 10 s after its used flag last changed
            (``HeapMemorySegmentMetadataCache.SYNC_BUFFER_DURATION``), so a caller that names each test's
            datasource afresh and ignores older ones need not wait for that.
        """
        if self.overlord:
            _wait("the Overlord's tasks to finish", self._no_active_tasks, TASK_TIMEOUT)
        tables = self.shell.tables()
        statements: list[tuple[str, Sequence[Any]]] = [
            (f"DELETE FROM {t}", ()) for t in RESET_TABLES if t.upper() in tables
        ]
        if self._initial_rule_ids:
            marks = ", ".join("?" for _ in self._initial_rule_ids)
            statements.append((f"DELETE FROM druid_rules WHERE id NOT IN ({marks})", tuple(self._initial_rule_ids)))
        self.shell.transaction(statements)
        if datasources_gone:
            _wait("the Coordinator's poll to show no datasource",
                  lambda: True if self._get_json("/druid/coordinator/v1/metadata/datasources") == [] else None,
                  POLL_TIMEOUT)
        _wait("the rules manager's poll to show the startup rules",
              lambda: True if self._rules() == self._initial_rules else None, POLL_TIMEOUT)

    def _no_active_tasks(self) -> bool | None:
        for kind in ("pendingTasks", "runningTasks", "waitingTasks"):
            if self._get_json(f"/druid/indexer/v1/{kind}") != []:
                return None
        return True


def check_seed(doc: Any) -> tuple[list[Any], dict[str, list[Any]]]:
    """Check a state document's shape: ``(segments, {rules key: rule JSON list})``.

    :raises RealDruidError: naming what is wrong.
    """
    if not isinstance(doc, Mapping):
        raise RealDruidError(f"Bad seed: a state document must be a JSON object, got {type(doc).__name__}")
    unknown = sorted(set(doc) - {"segments", "rules"})
    if unknown:
        raise RealDruidError(f"Bad seed: unknown key(s) [{', '.join(unknown)}]; expected [segments, rules]")
    segments = doc.get("segments", [])
    if not isinstance(segments, list):
        raise RealDruidError("Bad seed: [segments] must be a JSON array of DataSegment objects")
    rules_part = doc.get("rules") or {}
    if not isinstance(rules_part, Mapping):
        raise RealDruidError("Bad seed: [rules] must be a JSON object")
    rules = rules_part.get("rules") or {}
    if not isinstance(rules, Mapping) or not all(isinstance(v, list) for v in rules.values()):
        raise RealDruidError("Bad seed: [rules.rules] must map datasource names to arrays of rules")
    from fakedruid.errors import FakeDruidError
    from fakedruid.model.rules import rule_from_json

    for key, value in rules.items():
        for index, rule in enumerate(value):
            if rule is None:
                continue  # Druid stores a null entry (and its Coordinator fails on it later)
            try:
                rule_from_json(rule)
            except FakeDruidError as exc:
                raise RealDruidError(f"Bad seed: rule [{index}] of [{key}]: {exc.message}") from exc
    # Validates every segment (the rows are thrown away): a bad one fails before anything is written.
    segment_rows(segments, used=True, segments_dir=Path("/"), now=_now())
    return segments, {str(k): list(v) for k, v in rules.items()}


def load_seed_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a state document file.

    :raises RealDruidError: unreadable, not JSON, or malformed (naming the file).
    """
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        raise RealDruidError(f"Cannot read seed file [{os.fspath(path)}]: {exc}") from exc
    except ValueError as exc:
        raise RealDruidError(f"Seed file [{os.fspath(path)}] is not valid JSON: {exc}") from exc
    try:
        check_seed(doc)
    except RealDruidError as exc:
        raise RealDruidError(f"Seed file [{os.fspath(path)}]: {exc.message}") from exc
    if not isinstance(doc, dict):  # check_seed accepted it, so it is a mapping
        raise RealDruidError(f"Seed file [{os.fspath(path)}] is not a JSON object")
    return doc
