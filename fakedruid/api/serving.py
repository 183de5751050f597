"""The threaded Werkzeug server that serves the app on a socket (``FakeCoordinator.start``).

Layer: api (Werkzeug). Imported only when a fake starts serving, so ``import fakedruid`` stays light.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the per-request log line (tests send thousands of requests)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def make_threaded_server(host: str, port: int, app: Flask, *, log_requests: bool) -> BaseWSGIServer:
    """A threaded server for ``app`` bound to ``host:port`` (0: a free port), not yet serving.

    :raises OSError: the address cannot be bound.
    """
    handler = WSGIRequestHandler if log_requests else _QuietRequestHandler
    try:
        return make_server(host, port, app, threaded=True, request_handler=handler)
    except SystemExit as exc:  # Werkzeug exits the process when the port is taken
        raise OSError(f"fakedruid cannot listen on {host}:{port} (port in use?)") from exc
