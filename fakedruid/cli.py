"""The ``fakedruid`` command: ``fakedruid serve`` runs the fake as a stand-alone dev server;
``fakedruid real-druid start`` runs a real Apache Druid (:mod:`fakedruid.real`) the same way.
``fakedruid timeline URL DS`` prints a running server's text timeline of one datasource.

Layer: entry point over :class:`fakedruid.server.FakeCoordinator` and :mod:`fakedruid.model.documents`; uses
``argparse`` and the stdlib only. ``main(argv)`` returns the exit code instead of exiting, so tests can call it:

* 0: the server stopped on SIGINT or SIGTERM (or ``--help``);
* 1: the server could not start (for example the port is taken);
* 2: bad arguments, an unknown ``--druid-version``, a bad ``--duty-period``, ``--tiers`` or ``--seed`` file;
  for ``real-druid``: an unknown or unresolvable ``--version``, no fitting JDK, no Maven, a bad seed.

Once the server accepts connections it prints exactly one line to stdout, ``fakedruid listening on
http://HOST:PORT`` (``real druid VERSION listening on http://HOST:PORT`` for ``real-druid start``); callers
(and the tests) wait for that line; ``real-druid`` logs progress on stderr. ``serve`` binds 127.0.0.1 unless
``--host`` says otherwise, and warns on stderr when it listens elsewhere without ``--basic-security``. Each request
is logged on stderr in one line: method, path, status and milliseconds (never a query string, body or header).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from fakedruid.errors import FakeDruidError, InvalidConfig

#: Exit codes.
EXIT_OK = 0
EXIT_START_FAILED = 1
EXIT_USAGE = 2

DEFAULT_HOST = "127.0.0.1"
#: The Coordinator's default port.
DEFAULT_PORT = 8081
#: ``druid.coordinator.period``.
DEFAULT_DUTY_PERIOD = "PT60S"

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``fakedruid`` command."""
    from fakedruid import __version__

    parser = argparse.ArgumentParser(
        prog="fakedruid", description="An in-memory fake of the Apache Druid Coordinator's data-management API."
    )
    parser.add_argument("--version", action="version", version=f"fakedruid {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve the fake Coordinator over HTTP until SIGINT or SIGTERM",
        description="Serve the fake Coordinator over HTTP until SIGINT (Ctrl-C) or SIGTERM.",
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help="port to bind; 0 picks a free one (default: %(default)s)"
    )
    serve.add_argument(
        "--druid-version",
        default="29",
        metavar="VERSION",
        help="behaviour profile: '29', '31', '33', 'latest' or a Druid release from 28 to 39 (default: %(default)s)",
    )
    serve.add_argument("--seed", metavar="FILE", help="load this state document (JSON) before serving")
    serve.add_argument(
        "--state-file",
        metavar="FILE",
        help="keep the whole state in FILE (and FILE.journal): loaded at start if it exists, every acknowledged "
        "change written (fsync) before the answer; --seed applies only when FILE holds no state yet",
    )
    serve.add_argument(
        "--no-accept-quirk",
        dest="accept_quirk",
        action="store_false",
        help="do not emulate Druid 28-29's HTTP 500 for an Accept header that names no JSON type",
    )
    security = serve.add_argument_group("basic security (Druid's druid-basic-security extension)")
    security.add_argument(
        "--basic-security",
        action="store_true",
        help="require HTTP Basic credentials (401 without) and check permissions (403), as Druid does with the "
        "druid-basic-security extension; users are managed under /druid-ext/basic-security/...",
    )
    security.add_argument(
        "--admin-password", metavar="PASSWORD", help="initialAdminPassword: the password of user 'admin'"
    )
    security.add_argument(
        "--internal-client-password",
        metavar="PASSWORD",
        help="initialInternalClientPassword: the password of user 'druid_system'",
    )
    security.add_argument(
        "--authenticator-name", metavar="NAME", help="the basic authenticator's name in URLs (default: basic)"
    )
    security.add_argument("--authorizer-name", metavar="NAME", help="the basic authorizer's name (default: basic)")
    serve.add_argument(
        "--max-body-size",
        type=_size,
        default=64 * 1024 * 1024,
        metavar="BYTES",
        help="answer 413 to a request body larger than this (default: 64 MiB; Druid has no such limit)",
    )
    serve.add_argument(
        "--tiers",
        type=_tiers,
        metavar="JSON",
        help="the virtual historicals as JSON: tier name to a server count or a list of host:port names; "
        "'{}' for none, the layout of a cluster without Historicals (default: one server in _default_tier)",
    )
    serve.add_argument(
        "--duty-period",
        default=DEFAULT_DUTY_PERIOD,
        metavar="PERIOD",
        help="ISO-8601 period of the Coordinator cycle (druid.coordinator.period; default: %(default)s)",
    )
    _add_timeline_parser(commands)
    _add_real_druid(commands)
    return parser


def _add_real_druid(commands: Any) -> None:
    real = commands.add_parser(
        "real-druid",
        help="run a real Apache Druid from Maven Central's jars (needs Java and Maven)",
        description="Run a real Apache Druid Coordinator-Overlord (with ZooKeeper and Derby) on 127.0.0.1.",
    )
    actions = real.add_subparsers(dest="action", metavar="ACTION")
    for name, text in (
        ("start", "start, seed and serve until SIGINT or SIGTERM, then stop every process"),
        ("fetch", "only resolve the version's classpath into the cache (downloads it once)"),
    ):
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        action.add_argument("--version", required=True, metavar="V", help="Druid release, e.g. 28.0.0")
        action.add_argument(
            "--extension", action="append", default=[], metavar="NAME",
            help="also load this Druid extension (org.apache.druid.extensions:NAME, e.g. druid-basic-security); "
            "repeatable",
        )
        action.add_argument(
            "--basic-security", action="store_true",
            help="load druid-basic-security with an authenticator and authorizer named 'basic', users 'admin' "
            "and 'druid_system' (start: requests then need HTTP Basic credentials)",
        )
        if name == "fetch":
            continue
        action.add_argument(
            "--property", action="append", default=[], type=_property, metavar="K=V",
            help="an extra runtime property (common.runtime.properties); repeatable",
        )
        action.add_argument(
            "--admin-password", default="password1", metavar="PASSWORD",
            help="with --basic-security: initialAdminPassword, user 'admin' (default: %(default)s)",
        )
        action.add_argument(
            "--internal-client-password", default="password2", metavar="PASSWORD",
            help="with --basic-security: initialInternalClientPassword, user 'druid_system' (default: %(default)s)",
        )
        action.add_argument(
            "--port",
            type=_port,
            default=DEFAULT_PORT,
            help="Coordinator port; 0 picks a free one (default: %(default)s)",
        )
        action.add_argument("--seed", metavar="FILE", help="load this state document (as serve --seed) once ready")
        action.add_argument(
            "--workdir", metavar="DIR", help="keep configuration, Derby, deep storage and logs here (default: a "
            "temporary directory, removed on stop)"
        )
        for option, what in (("zookeeper", "ZooKeeper"), ("derby", "Derby"), ("peon", "the first forked task JVM"),
                             ("historical", "the Historical (with --historical)")):
            action.add_argument(
                f"--{option}-port", type=_port, default=0, metavar="PORT",
                help=f"port of {what}; 0 picks a free one (default)",
            )
        action.add_argument(
            "--historical", action="store_true",
            help="also start one Historical, so that the cluster serves its segments (seeded ones get a copy of "
            "a template segment's files, made by one small ingestion at start)",
        )


def _property(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got [{text}]")
    return key.strip(), value


def _tiers(text: str) -> Any:
    import json

    try:
        value = json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid --tiers [{text}]: not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"invalid --tiers [{text}]: expected a JSON object")
    return value


def _add_timeline_parser(commands: Any) -> None:
    """``fakedruid timeline URL DS``: print a running server's timeline of one datasource (issue 15)."""
    timeline = commands.add_parser(
        "timeline",
        help="print the segment timeline of a datasource on a running fakedruid server",
        description="Print the text timeline of datasource DS on the fakedruid server at URL: one lane per "
        "version, newest on top, with used, overshadowed, unused, served and tombstone segments marked.",
    )
    timeline.add_argument("url", metavar="URL", help="the server's base URL, e.g. http://127.0.0.1:8081")
    timeline.add_argument("datasource", metavar="DS", help="the datasource")
    timeline.add_argument("--width", type=int, default=100, help="characters per line (default: %(default)s)")


def timeline_command(args: argparse.Namespace) -> int:
    """Fetch ``GET URL/fakedruid/v1/datasources/DS/timeline`` and print it as text; 1 when that fails."""
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    from fakedruid.render.snapshot import TimelineSnapshot
    from fakedruid.render.timeline_text import render_text

    url = f"{args.url.rstrip('/')}/fakedruid/v1/datasources/{urllib.parse.quote(args.datasource, safe='')}/timeline"
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            doc = json.loads(answer.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()
        print(f"fakedruid: error: {url} answered {exc.code}: {detail}", file=sys.stderr)
        return EXIT_START_FAILED
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"fakedruid: error: cannot read {url}: {exc}", file=sys.stderr)
        return EXIT_START_FAILED
    try:
        snap = TimelineSnapshot.from_json(doc)
    except (KeyError, TypeError, ValueError, FakeDruidError) as exc:
        print(f"fakedruid: error: {url} did not answer a fakedruid timeline document: {exc!r}", file=sys.stderr)
        return EXIT_START_FAILED
    print(render_text(snap, width=max(40, args.width)))
    return EXIT_OK


def _size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid size [{text}]: expected a number of bytes") from None
    if size < 0:
        raise argparse.ArgumentTypeError(f"invalid size [{text}]: expected a number of bytes")
    return size


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port [{text}]: expected an integer from 0 to 65535") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port [{text}]: expected an integer from 0 to 65535")
    return port


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fakedruid`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command == "real-druid":
        from fakedruid.real.cli import run_real_druid

        return run_real_druid(args, parser)
    if args.command == "timeline":
        return timeline_command(args)
    if args.command != "serve":
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        server = DevServer.from_args(args)
    except FakeDruidError as exc:
        print(f"fakedruid: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    return server.run()


class DevServer:
    """A FakeCoordinator served in the foreground until SIGINT or SIGTERM.

    :param coordinator: the fake to serve (seeded already, if wanted).
    :param duty_period: the period of the Coordinator cycle, kept for the duty runner (:meth:`_start_duties`).
    """

    def __init__(self, coordinator: Any, *, duty_period: Any, persister: Any = None) -> None:
        self.coordinator = coordinator
        self.duty_period = duty_period
        #: The state file's writer (``--state-file``), or None.
        self.persister = persister
        self._duties: tuple[threading.Event, threading.Thread] | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> DevServer:
        """Build the coordinator from parsed ``serve`` arguments and load ``--seed``.

        :raises InvalidConfig: for an unknown ``--druid-version``, a bad ``--duty-period`` or ``--seed`` file.
        """
        from fakedruid.model.intervals import parse_period
        from fakedruid.server import FakeCoordinator
        options: dict[str, Any] = {} if getattr(args, "tiers", None) is None else {"tiers": args.tiers}
        security = {
            "admin_password": args.admin_password,
            "internal_client_password": args.internal_client_password,
            "authenticator_name": args.authenticator_name,
            "authorizer_name": args.authorizer_name,
        }
        if not args.basic_security and any(v is not None for v in security.values()):
            raise InvalidConfig(
                "--admin-password, --internal-client-password, --authenticator-name and --authorizer-name need "
                "--basic-security"
            )
        coordinator = FakeCoordinator(
            args.druid_version,
            host=args.host,
            port=args.port,
            emulate_accept_quirk=args.accept_quirk,
            basic_security=args.basic_security,
            max_body_bytes=args.max_body_size,
            **security,
            **options,
        )
        from fakedruid.api.pages import enable_landing_page

        enable_landing_page(coordinator.app)  # only the dev server answers "/" (see fakedruid/api/pages.py)
        try:
            period = parse_period(args.duty_period)
        except FakeDruidError as exc:
            raise InvalidConfig(f"Invalid --duty-period [{args.duty_period}]: {exc.message}") from exc
        duty_period_seconds(period)
        persister = None
        if args.state_file is not None:
            persister = _open_state_file(coordinator, args.state_file)
        loaded = persister is not None and persister.loaded
        if args.seed is not None and not loaded:
            coordinator.load_state_file(args.seed)
            if persister is not None:
                persister.commit()
        return cls(coordinator, duty_period=period, persister=persister)

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM; print the listening line once the socket accepts connections."""
        waiter = _SignalWaiter()
        try:
            try:
                # The server threads inherit the blocked signal mask, so only the main thread sees the signal.
                self.coordinator.start(log_requests=True)
            except (OSError, SystemExit) as exc:
                # Werkzeug prints the bind error to stderr itself and calls sys.exit(1) (serving.py).
                detail = f": {exc}" if isinstance(exc, OSError) else ""
                print(
                    f"fakedruid: error: cannot listen on {self.coordinator.host}:{self.coordinator.port}{detail}",
                    file=sys.stderr,
                )
                return EXIT_START_FAILED
            try:
                self._start_duties()
                warning = bind_warning(self.coordinator.host, secured=self.coordinator.cluster.security is not None)
                if warning is not None:
                    print(warning, file=sys.stderr, flush=True)
                print(f"fakedruid listening on {self.coordinator.url}", flush=True)
                signum = waiter.wait()
                print(f"fakedruid: {signal.Signals(signum).name} received, stopping", file=sys.stderr, flush=True)
            finally:
                self._stop_duties()
                self.coordinator.stop()
        finally:
            waiter.close()
        return EXIT_OK

    def _start_duties(self) -> None:
        """Run the Coordinator cycle (semantics 10.2) every :attr:`duty_period` on a daemon thread.

        The first cycle runs one period after the start, as Druid's duty groups are scheduled with an initial
        delay. A cycle that fails is recorded on the coordinator (see ``FakeCoordinator.check``), reported on
        stderr, and the next one runs as planned. :meth:`_stop_duties` ends the thread.
        """
        seconds = duty_period_seconds(self.duty_period)
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(seconds):
                try:
                    self.coordinator.run_duties()
                    if self.persister is not None:
                        self.persister.commit()
                except Exception as exc:  # keep the dev server's cycle going, but say what failed
                    self.coordinator.record_server_error(exc, "the periodic Coordinator cycle")
                    print(f"fakedruid: the Coordinator cycle failed: {exc!r}", file=sys.stderr, flush=True)

        thread = threading.Thread(target=loop, name="fakedruid-duties", daemon=True)
        self._duties = (stop, thread)
        thread.start()

    def _stop_duties(self) -> None:
        """Stop the periodic cycle, waiting for a cycle in progress to finish."""
        duties, self._duties = self._duties, None
        if duties is not None:
            stop, thread = duties
            stop.set()
            thread.join(timeout=10)


def _open_state_file(coordinator: Any, path: str) -> Any:
    """Load ``--state-file`` into the coordinator and install its writer on the app.

    :raises InvalidConfig: the file or its journal is unusable (corrupt, unreadable); it is left untouched.
    """
    from fakedruid.api.hooks import PERSISTER_KEY
    from fakedruid.persistence import ClusterSource, Persister
    from fakedruid.statefile import StateFile, StateFileError

    persister = Persister(ClusterSource(coordinator.cluster), StateFile(path))
    try:
        persister.loaded = persister.open()
    except (StateFileError, OSError) as exc:
        raise InvalidConfig(f"Cannot use --state-file [{path}]: {exc}") from exc
    coordinator.app.extensions[PERSISTER_KEY] = persister
    return persister


def bind_warning(host: str, *, secured: bool) -> str | None:
    """The start-up warning for listening beyond this machine without authentication, if it applies."""
    if secured or _is_loopback(host):
        return None
    return (
        f"fakedruid: warning: listening on {host}, reachable from other machines, with no authentication: anyone "
        "who can connect can change or delete the state (use --basic-security, or bind 127.0.0.1)"
    )


def _is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or name (the fake is then reachable from this machine only)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def duty_period_seconds(period: Any) -> float:
    """The length of ``--duty-period`` in seconds (``druid.coordinator.period`` is a fixed duration).

    :raises InvalidConfig: for a period with years or months, or one that is not positive.
    """
    from fakedruid.model.intervals import add_period

    if period.years or period.months:
        raise InvalidConfig(f"Invalid --duty-period [{period}]: must be a fixed duration (no years or months)")
    millis = add_period(0, period)
    if millis <= 0:
        raise InvalidConfig(f"Invalid --duty-period [{period}]: must be longer than zero")
    return millis / 1000


class _SignalWaiter:
    """Waits in the main thread for SIGINT or SIGTERM.

    On POSIX the signals are blocked before any server thread starts and collected with ``sigwait``, so no
    Python signal handler runs in the middle of a lock operation. Elsewhere a handler sets an event and the
    main thread polls it.
    """

    def __init__(self) -> None:
        self._posix = hasattr(signal, "pthread_sigmask") and hasattr(signal, "sigwait")
        self._event = threading.Event()
        self._received = signal.SIGTERM
        self._previous: Any
        if self._posix:
            self._previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        else:  # pragma: no cover - Windows
            self._previous = {s: signal.signal(s, self._handle) for s in _STOP_SIGNALS}

    def _handle(self, signum: int, frame: Any) -> None:  # pragma: no cover - Windows
        self._received = signal.Signals(signum)
        self._event.set()

    def wait(self) -> int:
        """Block until a stop signal arrives; returns its number."""
        if self._posix:
            return signal.sigwait(_STOP_SIGNALS)
        while not self._event.wait(0.5):  # pragma: no cover - Windows
            pass
        return self._received  # pragma: no cover - Windows

    def close(self) -> None:
        """Restore the signal mask or handlers (matters only when ``main`` runs inside another program)."""
        if self._posix:
            signal.pthread_sigmask(signal.SIG_SETMASK, self._previous)
        else:  # pragma: no cover - Windows
            for s, handler in self._previous.items():
                signal.signal(s, handler)
