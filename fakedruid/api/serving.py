"""The threaded Werkzeug server that serves the app on a socket (``FakeCoordinator.start``).

Layer: api (Werkzeug). Imported only when a fake starts serving, so ``import fakedruid`` stays light.
"""

from __future__ import annotations

import sys
import time

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the per-request log line (tests send thousands of requests)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _TimedRequestHandler(WSGIRequestHandler):
    """One stderr line per request: ``fakedruid: METHOD PATH STATUS MS ms``.

    The path only: no query string, body or header is logged (they may carry credentials).
    """

    _started = 0.0

    def run_wsgi(self) -> None:
        self._started = time.perf_counter()
        super().run_wsgi()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        millis = (time.perf_counter() - self._started) * 1000
        status = getattr(code, "value", code)
        path = self.path.split("?", 1)[0]
        print(f"fakedruid: {self.command} {path} {status} {millis:.1f} ms", file=sys.stderr, flush=True)


def make_threaded_server(host: str, port: int, app: Flask, *, log_requests: bool) -> BaseWSGIServer:
    """A threaded server for ``app`` bound to ``host:port`` (0: a free port), not yet serving.

    :raises OSError: the address cannot be bound.
    """
    handler = _TimedRequestHandler if log_requests else _QuietRequestHandler
    try:
        return make_server(host, port, app, threaded=True, request_handler=handler)
    except SystemExit as exc:  # Werkzeug exits the process when the port is taken
        raise OSError(f"fakedruid cannot listen on {host}:{port} (port in use?)") from exc
