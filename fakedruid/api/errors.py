"""The one translation point from fakedruid's exceptions to Druid's error answers.

Layer: api. Views catch an error themselves only where Druid's answer depends on where it happens (a bad
interval is a 400 in a JSON body and an uncaught 500 in a path). Everything else lands here:

* a :class:`FakeDruidError` that escapes a view is what Druid calls an uncaught exception: Jetty's 500 page
  naming the Java exception (http-api.md 1.2 (d) and 1.3);
* any other exception is a bug in the fake: it is recorded on the coordinator (re-raised in the test thread by
  ``FakeCoordinator.check()``) and answered with a 500 that says so.
"""

from __future__ import annotations

import traceback

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.sansio.response import Response as WerkzeugResponse

from fakedruid.api import wire
from fakedruid.errors import FakeDruidError, NotImplementedByFake


def _druid_error(exc: FakeDruidError) -> Response:
    if isinstance(exc, NotImplementedByFake):
        return wire.not_implemented(exc.message)
    return wire.jetty_for(exc)


def _http_error(exc: HTTPException) -> WerkzeugResponse:
    if exc.response is not None:
        return exc.response
    return exc.get_response()


def _unexpected(exc: Exception) -> Response:
    coordinator = current_app.extensions["fakedruid"]
    coordinator.record_server_error(exc, f"{request.method} {request.full_path}")
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return wire.text(f"fakedruid internal error (a bug in the fake, not Druid behaviour): {detail}", 500)


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(FakeDruidError, _druid_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
