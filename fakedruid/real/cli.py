"""``fakedruid real-druid start|fetch``: the command-line face of :class:`~fakedruid.real.RealDruid`.

Layer: entry point; stdlib only. Called by :func:`fakedruid.cli.main` with the parsed arguments.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType
from typing import Any

from fakedruid.real.errors import RealDruidError, StartFailed

__all__ = ["run_real_druid"]

EXIT_OK = 0
EXIT_START_FAILED = 1
EXIT_USAGE = 2

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Stop(BaseException):
    """A stop signal arrived (a BaseException, so no ``except Exception`` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signum)


def run_real_druid(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``real-druid ACTION``; returns the exit code (see :mod:`fakedruid.cli`)."""
    from fakedruid.real.cluster import RealDruid, load_seed_file
    from fakedruid.real.config import basic_security_properties
    from fakedruid.real.jdk import find_jdk, parse_druid_version
    from fakedruid.real.maven import resolve_classpath, resolve_extension

    if args.action not in ("start", "fetch"):
        parser.parse_args(["real-druid", "--help"])  # prints the help and exits 0; never returns
        return EXIT_USAGE  # pragma: no cover
    try:
        parse_druid_version(args.version)
        extensions = list(dict.fromkeys(args.extension + (["druid-basic-security"] if args.basic_security else [])))
        if args.action == "fetch":
            jdk = find_jdk(args.version)
            lib = resolve_classpath(args.version, java_home=jdk.home, log=sys.stderr)
            print(f"real druid {args.version} classpath in {lib} (runs on Java {jdk.feature} at {jdk.home})")
            for name in extensions:
                where = resolve_extension(args.version, name, java_home=jdk.home, log=sys.stderr)
                print(f"real druid {args.version} extension {name} in {where}")
            return EXIT_OK
        properties: dict[str, object] = {}
        credentials = None
        if args.basic_security:
            properties.update(basic_security_properties(args.admin_password, args.internal_client_password))
            credentials = ("admin", args.admin_password)
        properties.update(dict(args.property))
        doc = None if args.seed is None else load_seed_file(args.seed)
        druid = RealDruid(
            args.version,
            port=args.port,
            workdir=args.workdir,
            zookeeper_port=args.zookeeper_port,
            derby_port=args.derby_port,
            peon_port=args.peon_port,
            historical=args.historical,
            historical_port=args.historical_port,
            log=sys.stderr,
            extensions=extensions,
            properties=properties,
            credentials=credentials,
        )
        druid.check_ports()
        druid.prepare()
    except StartFailed as exc:
        print(f"fakedruid: error: {exc.message}", file=sys.stderr)
        return EXIT_START_FAILED
    except RealDruidError as exc:
        print(f"fakedruid: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    previous: dict[int, Any] = {s: signal.signal(s, _raise_stop) for s in _STOP_SIGNALS}
    try:
        try:
            druid.start()
            if doc is not None:
                ids = druid.seed(doc)
                print(f"fakedruid: seeded {len(ids)} segments from {args.seed}", file=sys.stderr, flush=True)
            print(f"real druid {druid.version} listening on {druid.url}", flush=True)
            while True:
                signal.pause()
        except _Stop as stop:
            print(f"fakedruid: {signal.Signals(stop.signum).name} received, stopping", file=sys.stderr, flush=True)
            return EXIT_OK
        except StartFailed as exc:
            print(f"fakedruid: error: {exc.message}", file=sys.stderr)
            return EXIT_START_FAILED
        except RealDruidError as exc:
            print(f"fakedruid: error: {exc.message}", file=sys.stderr)
            return EXIT_START_FAILED
        finally:
            # A second Ctrl-C must not cut the shutdown short and leave a JVM behind.
            for s in _STOP_SIGNALS:
                signal.signal(s, signal.SIG_IGN)
            druid.stop()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
