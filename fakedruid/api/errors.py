"""The one translation point from fakedruid's exceptions to Druid's error answers: the error table.

Layer: api. Views and parsers raise :class:`~fakedruid.errors.FakeDruidError` subclasses and never build error
answers themselves; :func:`answer` picks Druid's answer from the table of the view's *surface*:

* ``COORDINATOR`` (the Coordinator's segment updates, ``DataSourcesResource.performSegmentUpdate``): one table
  per profile. Profile "29" answers itself; profile "latest" forwards the update to the Overlord and re-wraps the
  Overlord's failure (``updateSegmentsViaOverlord``), so its table is the Overlord's plus the re-wrap.
* ``OVERLORD`` (``OverlordDataSourcesResource``, profile "latest").
* any other view, or a view without a surface: a :class:`FakeDruidError` that escapes it is what Druid calls an
  uncaught exception, Jetty's 500 page naming the Java exception (http-api.md 1.2 (d) and 1.3).

A view declares its surface with ``@surface(COORDINATOR)``; the first matching class in the table (in order,
so subclasses come before their bases) gives the answer. Where Druid does not catch a failure that happens
before the update (an unparseable path interval, ``SegmentId.tryParse`` failing), the parser raises
:class:`~fakedruid.errors.Uncaught`, which every surface answers with Jetty's page.

Any other exception is a bug in the fake: it is recorded on the harness (re-raised in the test thread by
``FakeCoordinator.check()``) and answered with a 500 that says so.
"""

from __future__ import annotations

import contextlib
import json
import traceback
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.sansio.response import Response as WerkzeugResponse

from fakedruid.api import messages, wire
from fakedruid.errors import (
    DatasourceNotServed,
    FakeDruidError,
    InvalidRequestPayload,
    InvalidRule,
    InvalidSegmentId,
    InvalidSqlInput,
    InvalidTask,
    JacksonMappingProblem,
    JsonMappingError,
    KillSubmissionFailed,
    NoIndexingService,
    NotImplementedByFake,
    OverlordUnavailable,
    TaskAlreadyExists,
    Uncaught,
    UnknownSegmentIds,
    UnparseableSegmentIds,
)
from fakedruid.profiles import Profile

#: The surfaces of the table.
COORDINATOR = "coordinator"
OVERLORD = "overlord"

_View = TypeVar("_View", bound=Callable[..., Any])
_Answer = Callable[[Any, Profile], Response]
_Table = tuple[tuple[type[FakeDruidError], _Answer], ...]


#: The surface of each view that declared one (:func:`surface`), by view function.
_SURFACES: dict[Callable[..., Any], str] = {}


def surface(name: str) -> Callable[[_View], _View]:
    """Declare which table answers the errors a view raises (no wrapper: it only records the function)."""

    def label(view: _View) -> _View:
        _SURFACES[view] = name
        return view

    return label


# ---------------------------------------------------------------------- answers shared by every surface


def _jetty(exc: FakeDruidError, profile: Profile) -> Response:
    return wire.jetty(500, wire.interval_wording(exc.java_string(), exc, profile))


def _mapping_error(exc: FakeDruidError, profile: Profile) -> Response:
    """A Jackson mapping error through ``CustomExceptionMapper``: 400 ``{"error": msg}``."""
    message = wire.mapping_text(exc, profile) if isinstance(exc, JacksonMappingProblem) else exc.message
    message = wire.interval_wording(message, exc, profile)
    body = {"error": message or "unknown json mapping exception"}
    if profile.mapping_errors_name_path:
        # Druid 28-31's CustomExceptionMapper names no media type (measured on 28.0.0: a bad rule list with a
        # JSON-less Accept is the empty 500); from 32 the mapper answers application/json (measured on 37.0.0).
        return wire.untyped_map(body, 400)
    return wire.json_response(body, 400)


def _raw_400(exc: FakeDruidError, profile: Profile) -> Response:
    return wire.raw(exc.message, 400)


def _rule_error(exc: InvalidRule, profile: Profile) -> Response:
    """The 400 for a rejected rule list (``RulesResource``): its own ``{"error"}`` or Jackson's mapping error."""
    # RulesResource builds these Maps itself, with no media type, on a route without @Produces (every release).
    if exc.kind == "null_list":
        return wire.untyped_map({"error": messages.RULES_NULL}, 400)
    if exc.kind == "empty_default":
        return wire.untyped_map({"error": messages.CLUSTER_RULES_EMPTY}, 400)
    return _mapping_error(exc, profile)


def _task_exists(exc: TaskAlreadyExists, profile: Profile) -> Response:
    """``POST /druid/indexer/v1/task`` with a taken id: a legacy map ("29") or a DruidException ("latest")."""
    if profile.task_exists_druid_exception:
        message = messages.TASK_EXISTS_LATEST.format(id=exc.task_id)
        return wire.druid_error(400, "entryAlreadyExists", "USER", "INVALID_INPUT", message)
    return wire.json_response({"error": messages.TASK_EXISTS_29.format(id=exc.task_id)}, 400)


def _sql_task_failure(exc: InvalidSqlInput, profile: Profile) -> Response:
    """``SqlTaskResource.buildNonOkResponse``: a ``SqlTaskStatus`` naming the query id, state FAILED, and the
    DruidException of ``InvalidSqlInput`` (its context ``sourceType: sql``)."""
    error = {
        "error": "druidException",
        "errorCode": "invalidInput",
        "persona": "USER",
        "category": "INVALID_INPUT",
        "errorMessage": exc.message,
        "context": {"sourceType": "sql"},
    }
    return wire.json_response({"taskId": exc.query_id, "state": "FAILED", "error": error}, 400)


def sql_task_forbidden() -> Response:
    """``SqlTaskResource.doPost``'s answer to a ``ForbiddenException``: 403 and a ``SqlTaskStatus`` with task id
    ``forbidden``, state FAILED and a USER/FORBIDDEN DruidException carrying ``Access.DEFAULT_ERROR_MESSAGE``.

    Read from Druid's source (SqlTaskResource.java, the ``catch (ForbiddenException e)`` branch), not measured
    against a running Druid with basic security.
    """
    error = {
        "error": "druidException",
        "errorCode": "forbidden",
        "persona": "USER",
        "category": "FORBIDDEN",
        "errorMessage": "Unauthorized",
        "context": {},
    }
    return wire.json_response({"taskId": "forbidden", "state": "FAILED", "error": error}, 403)


_REQUEST_ERRORS: _Table = (
    (InvalidSqlInput, _sql_task_failure),
    (InvalidRule, _rule_error),
    # A kill task's JSON is checked while Jackson reads it: CustomExceptionMapper's 400 {"error": ...}.
    (InvalidTask, _mapping_error),
    (TaskAlreadyExists, _task_exists),
    (Uncaught, _jetty),
    (JsonMappingError, _mapping_error),
    (InvalidRequestPayload, _raw_400),
    (NoIndexingService, lambda e, p: wire.json_response({"error": messages.NO_INDEXING_SERVICE})),
    (KillSubmissionFailed, lambda e, p: wire.json_response({"error": messages.KILL_FAILED, "message": e.message}, 500)),
)

#: Answers only views with a surface give (a read view's unparseable id is Jetty's page).
_SURFACE_REQUEST_ERRORS: _Table = ((InvalidSegmentId, _raw_400),)

# ---------------------------------------------------------------------- the Overlord (ODSR @ 32747cd5)


def _overlord_failure(exc: FakeDruidError, profile: Profile) -> Response:
    return wire.json_response({"error": messages.OVERLORD_SERVER_ERROR, "message": exc.java_string()}, 500)


_OVERLORD_UPDATE: _Table = (
    (
        UnparseableSegmentIds,
        lambda e, p: wire.invalid_input(
            messages.COULD_NOT_PARSE_SEGMENT_IDS.format(ids=", ".join(e.ids), ds=e.datasource)
        ),
    ),
    (
        UnknownSegmentIds,
        lambda e, p: wire.invalid_input(
            messages.COULD_NOT_FIND_SEGMENT_IDS.format(ids=", ".join(e.ids), ds=e.datasource)
        ),
    ),
    (FakeDruidError, _overlord_failure),
)

# ---------------------------------------------------------------------- the Coordinator, profile "29" (DSR ~29)


def _update_failure(exc: FakeDruidError, profile: Profile) -> Response:
    return wire.json_response({"error": profile.update_failure_error, "message": exc.java_string()}, 500)


_COORDINATOR_29: _Table = (
    # The served-inventory check of markUsed/markUnused: 204 with no body.
    (DatasourceNotServed, lambda e, p: wire.empty(204)),
    (
        UnknownSegmentIds,
        lambda e, p: wire.json_response(
            {"message": messages.CANNOT_FIND_SEGMENT_IDS.format(ids=", ".join(e.ids))}, 404
        ),
    ),
    (FakeDruidError, _update_failure),
)

# ---------------------------------------------------------------------- the Coordinator, profile "31"

#: Druid 30-31's Coordinator still writes the metadata store itself, but its markUsed by ids answers unknown
#: and unparseable ids with InvalidInput (``SqlSegmentsMetadataManager.markAsUsedNonOvershadowedSegments`` and
#: ``SqlSegmentsMetadataQuery.retrieveSegmentsById``, druid-server 31.0.1; measured).
_COORDINATOR_31: _Table = (
    (
        UnparseableSegmentIds,
        lambda e, p: wire.invalid_input(messages.COULD_NOT_PARSE_INVALID_SEGMENT_IDS.format(ids=", ".join(e.ids))),
    ),
    (
        UnknownSegmentIds,
        lambda e, p: wire.invalid_input(
            messages.COULD_NOT_FIND_SEGMENT_IDS.format(ids=", ".join(e.ids), ds=e.datasource)
        ),
    ),
    (FakeDruidError, _update_failure),
)

# ---------------------------------------------------------------------- the Coordinator, profile "latest"


def _rewrap_overlord_failure(answer: Response, profile: Profile) -> Response:
    """The Coordinator's answer to an Overlord error (DSR ``updateSegmentsViaOverlord`` @ ``32747cd5``).

    A 404 means an Overlord too old for the API; anything else surfaces as the root cause of the RPC,
    ``HttpResponseException`` (``server/.../rpc/HttpResponseException.java``), inside a 500.
    """
    if answer.status_code == 404:
        return wire.druid_error(404, "general", "OPERATOR", "NOT_FOUND", messages.OVERLORD_TOO_OLD)
    text = answer.get_data(as_text=True)
    with contextlib.suppress(ValueError):  # as the Overlord's Jackson wrote it: compact JSON; a RAW string as is
        text = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    if not text:
        detail = "no body"
    elif len(text) > 1000:
        detail = f"first 1KB of body: {text[:1000]}"
    else:
        detail = f"body: {text}"
    status = f"{answer.status_code} {HTTPStatus(answer.status_code).phrase}"
    message = f"org.apache.druid.rpc.HttpResponseException: Server error [{status}]; {detail}"
    return wire.json_response({"error": profile.update_failure_error, "message": message}, 500)


def _overlord_unavailable(exc: OverlordUnavailable, profile: Profile) -> Response:
    """Fault injection (semantics 10.9) on a forwarded update: an Overlord too old answers 404, which becomes
    the Coordinator's 404 DruidException; an unreachable one fails the RPC with ``ServiceNotAvailableException``
    as the root cause."""
    if exc.mode == "old":
        return _rewrap_overlord_failure(Response(status=404), profile)
    cause = messages.OVERLORD_UNREACHABLE.removeprefix("java.lang.RuntimeException: ")
    return wire.json_response({"error": profile.update_failure_error, "message": cause}, 500)


def _forwarded(exc: FakeDruidError, profile: Profile) -> Response:
    return _rewrap_overlord_failure(_lookup(_OVERLORD_UPDATE, exc)(exc, profile), profile)


_COORDINATOR_LATEST: _Table = (
    (OverlordUnavailable, _overlord_unavailable),
    (FakeDruidError, _forwarded),
)


# ---------------------------------------------------------------------- the handler


def _lookup(table: _Table, exc: FakeDruidError) -> _Answer:
    for cls, answer in table:
        if isinstance(exc, cls):
            return answer
    return _jetty


def table_for(name: str | None, profile: Profile) -> _Table:
    """The rows that answer for a surface (request errors first)."""
    if name == OVERLORD:
        return _REQUEST_ERRORS + _SURFACE_REQUEST_ERRORS + _OVERLORD_UPDATE
    if name == COORDINATOR:
        if profile.segment_updates_via_overlord:
            updates = _COORDINATOR_LATEST
        else:
            updates = _COORDINATOR_31 if profile.unknown_ids_are_invalid_input else _COORDINATOR_29
        return _REQUEST_ERRORS + _SURFACE_REQUEST_ERRORS + updates
    return _REQUEST_ERRORS


def answer(exc: FakeDruidError, name: str | None, profile: Profile) -> Response:
    """Druid's answer to ``exc`` raised by a view of surface ``name`` (None: no surface)."""
    return _lookup(table_for(name, profile), exc)(exc, profile)


def _druid_error(exc: FakeDruidError) -> Response:
    if isinstance(exc, NotImplementedByFake):
        return wire.not_implemented(exc.message)
    view = current_app.view_functions.get(request.endpoint or "")
    return answer(exc, None if view is None else _SURFACES.get(view), wire.profile())


def _http_error(exc: HTTPException) -> WerkzeugResponse:
    if exc.response is not None:
        return exc.response
    return exc.get_response()


def _unexpected(exc: Exception) -> Response:
    wire.state().harness.record_server_error(exc, f"{request.method} {request.full_path}")
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return wire.text(f"fakedruid internal error (a bug in the fake, not Druid behaviour): {detail}", 500)


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(FakeDruidError, _druid_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
