"""The fake's admin API for the Coordinator cycle and its tasks, under ``/fakedruid/v1``.

Layer: api (Flask). This API is fakedruid's, not Druid's, so none of Druid's quirks apply (http-api.md 0.3): a
body that is not JSON, an unknown field or a value of the wrong type answers **400** with a plain-text message
naming the problem, and changes nothing. Successful answers are JSON. The cycle itself is
:func:`fakedruid.model.duties.run_duties` (semantics.md 10.2); the clock is set through ``/fakedruid/v1/clock``
(:mod:`fakedruid.api.admin`).

=======  ============================  ========================================================================
method   path                          what
=======  ============================  ========================================================================
POST     /fakedruid/v1/duties          run one Coordinator cycle now; the DutyReport as JSON
GET      /fakedruid/v1/config/kill     the duty settings under Druid's property names
POST     /fakedruid/v1/config/kill     change some of them (all or nothing); answers the new settings
POST     /fakedruid/v1/tasks/release   run held tasks (all, or ``{"taskId": ...}``); ``{"released": [...]}``
GET      /fakedruid/v1/tasks/mode      ``{"hold": bool, "failWith": str | null}``
POST     /fakedruid/v1/tasks/mode      change ``hold`` and/or ``failWith``; answers the new mode
GET      /fakedruid/v1/audit           segment audit entries (``?type=``, ``?key=``), oldest first
=======  ============================  ========================================================================
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import Blueprint, Response, request

from fakedruid.api import wire
from fakedruid.errors import InvalidConfig, UnknownTask
from fakedruid.model.json_text import describe

bp = Blueprint("cycle", __name__)

PREFIX = "/fakedruid/v1"


def _bad_request(message: str) -> NoReturn:
    """Answer 400 with a plain-text message at once."""
    wire.stop(wire.text(message, 400))


def _json_object(expected: str, *, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object (any Content-Type is accepted).

    :param expected: what the body should be, for messages.
    :param optional: an empty body means ``{}``.
    """
    data = request.get_data(cache=True)
    if not data.strip():
        if optional:
            return {}
        _bad_request(f"The request body is empty; expected {expected}")
    try:
        body = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        _bad_request(f"The request body is not UTF-8 ({exc}); expected {expected}")
    except ValueError as exc:
        _bad_request(f"Malformed JSON in the request body: {exc}")
    if not isinstance(body, dict):
        _bad_request(f"The request body must be {expected}, got {describe(body)}")
    return body


def _check_fields(body: dict[str, Any], known: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(known))
    if unknown:
        _bad_request(f"Unknown field(s) [{', '.join(unknown)}]; known fields are [{', '.join(known)}]")


# ------------------------------------------------------------------ the cycle


@bp.post(f"{PREFIX}/duties")
def run_duties() -> Response:
    """Run one Coordinator cycle now (RunRules, MarkOvershadowedSegmentsAsUnused, MarkEternityTombstonesAsUnused,
    and KillUnusedSegments when enabled and due) and answer its report."""
    report = wire.coordinator().run_duties()
    return wire.json_response(report.to_json())


@bp.get(f"{PREFIX}/config/kill")
def get_kill_config() -> Response:
    """The duty settings: ``on``, ``period``, ``durationToRetain``, ``ignoreDurationToRetain``,
    ``bufferPeriod``, ``maxSegments``, ``killDataSourceWhitelist``, ``killTaskSlotRatio``, ``maxKillTaskSlots``,
    ``workerCapacity`` and ``millisToWaitBeforeDeleting``."""
    cluster = wire.coordinator().cluster
    with cluster.lock:
        return wire.json_response(cluster.duty_config.to_json())


@bp.post(f"{PREFIX}/config/kill")
def set_kill_config() -> Response:
    """Change the settings named in the body (the others keep their values); all or nothing."""
    body = _json_object('a JSON object such as {"on": true, "period": "P1D"}')
    cluster = wire.coordinator().cluster
    with cluster.lock:
        try:
            cluster.duty_config.update_from_json(body)
        except InvalidConfig as exc:
            _bad_request(exc.message)
        return wire.json_response(cluster.duty_config.to_json())


# ------------------------------------------------------------------ tasks


@bp.post(f"{PREFIX}/tasks/release")
def release_tasks() -> Response:
    """Run held tasks now, oldest first: all of them, or only ``{"taskId": "<id>"}``."""
    body = _json_object('nothing, or a JSON object {"taskId": "<task id>"}', optional=True)
    _check_fields(body, ("taskId",))
    task_id = body.get("taskId")
    if task_id is not None and not isinstance(task_id, str):
        _bad_request(f"[taskId] must be a string, got {describe(task_id)}")
    try:
        released = wire.coordinator().release_tasks(task_id)
    except UnknownTask as exc:
        _bad_request(exc.message)
    return wire.json_response({"released": released})


def _task_mode() -> dict[str, Any]:
    tasks = wire.coordinator().cluster.tasks
    return {"hold": tasks.hold, "failWith": tasks.fail_with}


@bp.get(f"{PREFIX}/tasks/mode")
def get_task_mode() -> Response:
    """Whether new tasks are held (stay RUNNING until released) and the error they fail with, if any."""
    cluster = wire.coordinator().cluster
    with cluster.lock:
        return wire.json_response(_task_mode())


@bp.post(f"{PREFIX}/tasks/mode")
def set_task_mode() -> Response:
    """Change ``hold`` (bool) and/or ``failWith`` (a string, or null for success); answers the new mode."""
    body = _json_object('a JSON object {"hold": <bool>, "failWith": <string or null>}')
    _check_fields(body, ("hold", "failWith"))
    if "hold" in body and not isinstance(body["hold"], bool):
        _bad_request(f"[hold] must be true or false, got {describe(body['hold'])}")
    if "failWith" in body and body["failWith"] is not None and not isinstance(body["failWith"], str):
        _bad_request(f"[failWith] must be a string or null, got {describe(body['failWith'])}")
    cluster = wire.coordinator().cluster
    with cluster.lock:
        if "hold" in body:
            cluster.tasks.hold = body["hold"]
        if "failWith" in body:
            cluster.tasks.fail_with = body["failWith"]
        return wire.json_response(_task_mode())


# ------------------------------------------------------------------ audit


@bp.get(f"{PREFIX}/audit")
def get_audit() -> Response:
    """The segment audit entries Druid writes but does not serve (http-api 1.9): ``segment.markUnused`` and
    ``segment.kill``, oldest first, each in Druid's ``AuditEntry`` JSON. ``?type=`` and ``?key=`` (the
    datasource) keep only the entries that match exactly. Rule changes (type ``rules``) are served by Druid's
    own ``GET /druid/coordinator/v1/rules/history``."""
    cluster = wire.coordinator().cluster
    with cluster.lock:
        entries = cluster.audit.entries(type=request.args.get("type"), key=request.args.get("key"))
    return wire.json_response([entry.to_json() for entry in entries])
