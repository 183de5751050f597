"""The fake's own admin API under ``/fakedruid/v1``: one blueprint for seeding, state, the clock, the Coordinator
cycle and tasks, audit entries, the request journal and fault injection.

Layer: api (Flask). This API is fakedruid's, not Druid's, so none of Druid's quirks apply (http-api.md 0.3):
a body that is not JSON, an unknown field, a value of the wrong type or an invalid segment answers **400** with
a plain-text message naming the problem, and changes nothing. Successful answers are JSON. Every view reaches
the state through :func:`fakedruid.api.wire.state`: the cluster for Druid's state, the harness for the journal,
faults and modes.

Seeding and state:

=======  ======================  ============================================================================
method   path                    what
=======  ======================  ============================================================================
POST     /fakedruid/v1/segments  seed DataSegment JSON objects (all or nothing); ``{"segmentIds": [...]}``
POST     /fakedruid/v1/reset     forget segments, rules, rule history and tasks; ``{}``
GET      /fakedruid/v1/state     the whole state as one document (:mod:`fakedruid.model.documents`)
PUT      /fakedruid/v1/state     replace the state with a document (all or nothing); ``{"numSegments": N}``
GET      /fakedruid/v1/clock     ``{"now": "<ISO-8601>"}``
POST     /fakedruid/v1/clock     body ``{"now": <ISO-8601 string or UTC ms>}`` freezes the clock there
=======  ======================  ============================================================================

The Coordinator cycle (:func:`fakedruid.model.duties.run_duties`, semantics.md 10.2) and its tasks:

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

Behind the pages (:mod:`fakedruid.api.pages`, issue 15):

=======  ==========================================  ==========================================================
method   path                                        what
=======  ==========================================  ==========================================================
GET      /fakedruid/v1/version                       ``{"version": token}``; the token changes with the state
GET      /fakedruid/v1/datasources/{ds}/timeline     what the timeline draws, as JSON (``fakedruid timeline``);
                                                     404 with a plain-text message when ``ds`` has no segments
=======  ==========================================  ==========================================================

The request journal and fault injection (:class:`fakedruid.harness.Harness`):

=======  =======================  ==========================================================================
method   path                     what
=======  =======================  ==========================================================================
GET      /fakedruid/v1/requests   the journal: ``[{"method", "path", "query", "body", "status"}, ...]``
DELETE   /fakedruid/v1/requests   empty the journal; ``{}``
GET      /fakedruid/v1/faults     ``{"faults": [...], "leader": bool, "leaderUrl": str|null, "overlordMode": str}``
POST     /fakedruid/v1/faults     add a fault and/or set the modes (fields below); answers as GET
DELETE   /fakedruid/v1/faults     forget the faults, lead again, Overlord ``ok``; ``{}``
=======  =======================  ==========================================================================

``POST /fakedruid/v1/faults`` takes a JSON object. A fault: ``"path"`` (glob) or ``"pathRegex"`` (full-match
regular expression), ``"method"`` (default ``"*"``), ``"status"`` (default 503; null answers normally after the
delay), ``"body"``, ``"contentType"``, ``"times"`` (default 1; null for every request), ``"delay"`` (seconds).
Modes: ``"notLeader"`` (bool), ``"leaderUrl"``, ``"overlordMode"`` (``ok``, ``missing``, ``old``,
``unreachable``). The object is checked as a whole first: a bad one answers 400 with a plain-text message
naming the field and changes nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, request

from fakedruid.api import limits, openapi, pages, wire
from fakedruid.errors import FakeDruidError, InvalidConfig, UnknownTask
from fakedruid.harness import OVERLORD_MODES
from fakedruid.model import documents, duties
from fakedruid.model.clock import FrozenClock, parse_now
from fakedruid.model.intervals import format_instant
from fakedruid.model.json_text import describe
from fakedruid.render.snapshot import snapshot_of

bp = Blueprint("admin", __name__, url_prefix="/fakedruid/v1")

_FAULT_FIELDS = ("method", "path", "pathRegex", "status", "body", "contentType", "times", "delay")
_MODE_FIELDS = ("notLeader", "leaderUrl", "overlordMode")


# ---------------------------------------------------------------------- reading the body


def _bad_request(message: str) -> NoReturn:
    """Answer 400 with a plain-text message at once."""
    wire.stop(wire.text(message, 400))


def _json_body(expected: str, *, optional: bool = False) -> Any:
    """The request body as JSON (any Content-Type is accepted); 400 when it is empty or malformed.

    :param expected: what the body should be, for the message (``"a JSON array of DataSegment objects"``).
    :param optional: an empty body means ``{}``.
    """
    data = request.get_data(cache=True)
    if not data.strip():
        if optional:
            return {}
        _bad_request(f"The request body is empty; expected {expected}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _bad_request(f"The request body is not UTF-8 ({exc}); expected {expected}")
    depth = limits.json_depth_exceeded(data)
    if depth is not None:
        _bad_request(f"The request body nests JSON deeper than {limits.MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except ValueError as exc:
        _bad_request(f"Malformed JSON in the request body: {exc}")


def _json_object(expected: str, *, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object; 400 for anything else."""
    body = _json_body(expected, optional=optional)
    if not isinstance(body, dict):
        _bad_request(f"The request body must be {expected}, got {describe(body)}")
    return body


def _check_fields(body: dict[str, Any], known: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(known))
    if unknown:
        _bad_request(f"Unknown field(s) [{', '.join(unknown)}]; known fields are [{', '.join(known)}]")


def _invalid(exc: FakeDruidError) -> NoReturn:
    """400 for a validation error; anything else is not the caller's fault and propagates."""
    if not isinstance(exc, ValueError):
        raise exc
    _bad_request(exc.message)


# ---------------------------------------------------------------------- seeding and state


@bp.post("/segments")
def add_segments() -> Response:
    """Seed DataSegment objects as Druid serialises them, plus optional ``used`` (default true),
    ``createdDate`` and ``usedStatusLastUpdatedDate``. All or nothing; the ids come back in input order."""
    body = _json_body("a JSON array of DataSegment objects")
    if not isinstance(body, list):
        _bad_request(f"The request body must be a JSON array of DataSegment objects, got {describe(body)}")
    try:
        ids = wire.state().cluster.add_segments(body)
    except FakeDruidError as exc:
        _invalid(exc)
    return wire.json_response({"segmentIds": ids})


@bp.post("/reset")
def reset() -> Response:
    """Return to the freshly built state: no segments, Druid's default rules, no history, no tasks. The clock stays."""
    state = wire.state()
    state.cluster.reset()
    state.harness.reset()
    return wire.json_response({})


@bp.get("/openapi.json")
def get_openapi() -> Response:
    """The OpenAPI 3.1 description of every endpoint this fake serves, for its profile and security setting."""
    state, profile = wire.context()
    doc = openapi.build(current_app.url_map.iter_rules(), profile=profile, security=state.cluster.security is not None)
    return wire.json_response(doc)


@bp.get("/state")
def get_state() -> Response:
    """The whole state as one document (:func:`fakedruid.model.documents.export_state`)."""
    return wire.json_response(documents.export_state(wire.state().cluster))


@bp.put("/state")
def put_state() -> Response:
    """Replace the whole state with a document, all or nothing (:func:`fakedruid.model.documents.load_state`)."""
    body = _json_body("a state document (a JSON object)")
    try:
        documents.load_state(wire.state().cluster, body)
    except FakeDruidError as exc:
        _invalid(exc)
    return wire.json_response({"numSegments": len(body.get("segments", []))})


@bp.get("/clock")
def get_clock() -> Response:
    """The fake's current time."""
    return wire.json_response({"now": format_instant(wire.state().cluster.now())})


@bp.post("/clock")
def set_clock() -> Response:
    """Freeze the clock at ``now`` (an ISO-8601 date-time or UTC milliseconds); answers the new time."""
    body = _json_body('a JSON object {"now": "<ISO-8601 date-time>"}')
    if not isinstance(body, dict):
        _bad_request(
            f'The request body must be a JSON object {{"now": "<ISO-8601 date-time>"}}, got {describe(body)}'
        )
    unknown = sorted(set(body) - {"now"})
    if unknown:
        _bad_request(f"Unknown field(s) [{', '.join(unknown)}]; the only field is [now]")
    if "now" not in body:
        _bad_request('Missing field [now]: send {"now": "<ISO-8601 date-time>"}')
    value = body["now"]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        _bad_request(f"[now] must be an ISO-8601 date-time string or UTC milliseconds, got {describe(value)}")
    cluster = wire.state().cluster
    try:
        cluster.set_clock(FrozenClock(parse_now(value)))
    except FakeDruidError as exc:
        _invalid(exc)
    return wire.json_response({"now": format_instant(cluster.now())})


# ------------------------------------------------------------------ the cycle


@bp.post("/duties")
def run_duties() -> Response:
    """Run one Coordinator cycle now (RunRules, MarkOvershadowedSegmentsAsUnused, MarkEternityTombstonesAsUnused,
    and KillUnusedSegments when enabled and due) and answer its report."""
    state, profile = wire.context()
    report = duties.run_duties(state.cluster, count_killable_only=profile.kill_counts_killable_only)
    return wire.json_response(report.to_json())


@bp.get("/config/kill")
def get_kill_config() -> Response:
    """The duty settings: ``on``, ``period``, ``durationToRetain``, ``ignoreDurationToRetain``,
    ``bufferPeriod``, ``maxSegments``, ``killDataSourceWhitelist``, ``killTaskSlotRatio``, ``maxKillTaskSlots``,
    ``workerCapacity`` and ``millisToWaitBeforeDeleting``."""
    return wire.json_response(wire.state().cluster.kill_config())


@bp.post("/config/kill")
def set_kill_config() -> Response:
    """Change the settings named in the body (the others keep their values); all or nothing."""
    body = _json_object('a JSON object such as {"on": true, "period": "P1D"}')
    try:
        config = wire.state().cluster.set_kill_config(body)
    except InvalidConfig as exc:
        _bad_request(exc.message)
    return wire.json_response(config)


# ------------------------------------------------------------------ tasks


@bp.post("/tasks/release")
def release_tasks() -> Response:
    """Run held tasks now, oldest first: all of them, or only ``{"taskId": "<id>"}``."""
    body = _json_object('nothing, or a JSON object {"taskId": "<task id>"}', optional=True)
    _check_fields(body, ("taskId",))
    task_id = body.get("taskId")
    if task_id is not None and not isinstance(task_id, str):
        _bad_request(f"[taskId] must be a string, got {describe(task_id)}")
    try:
        released = [task.id for task in wire.state().cluster.release_tasks(task_id)]
    except UnknownTask as exc:
        _bad_request(exc.message)
    return wire.json_response({"released": released})




@bp.get("/tasks/mode")
def get_task_mode() -> Response:
    """Whether new tasks are held (stay RUNNING until released) and the error they fail with, if any."""
    hold, fail_with = wire.state().cluster.task_mode()
    return wire.json_response({"hold": hold, "failWith": fail_with})


@bp.post("/tasks/mode")
def set_task_mode() -> Response:
    """Change ``hold`` (bool) and/or ``failWith`` (a string, or null for success); answers the new mode."""
    body = _json_object('a JSON object {"hold": <bool>, "failWith": <string or null>}')
    _check_fields(body, ("hold", "failWith"))
    if "hold" in body and not isinstance(body["hold"], bool):
        _bad_request(f"[hold] must be true or false, got {describe(body['hold'])}")
    if "failWith" in body and body["failWith"] is not None and not isinstance(body["failWith"], str):
        _bad_request(f"[failWith] must be a string or null, got {describe(body['failWith'])}")
    cluster = wire.state().cluster
    hold, fail_with = cluster.set_task_mode(
        hold=body.get("hold"), fail_with=body.get("failWith"), set_fail_with="failWith" in body
    )
    return wire.json_response({"hold": hold, "failWith": fail_with})


# ------------------------------------------------------------------ audit


@bp.get("/audit")
def get_audit() -> Response:
    """The segment audit entries Druid writes but does not serve (http-api 1.9): ``segment.markUnused`` and
    ``segment.kill``, oldest first, each in Druid's ``AuditEntry`` JSON. ``?type=`` and ``?key=`` (the
    datasource) keep only the entries that match exactly. Rule changes (type ``rules``) are served by Druid's
    own ``GET /druid/coordinator/v1/rules/history``."""
    entries = wire.state().cluster.audit_entries(type=request.args.get("type"), key=request.args.get("key"))
    return wire.json_response([entry.to_json() for entry in entries])


# ---------------------------------------------------------------------- behind the pages


@bp.get("/version")
def get_version() -> Response:
    """``{"version": token}``: polled by the pages, which reload when it changes."""
    state, _ = wire.context()
    return wire.json_response({"version": pages.refresh_token(state)})


@bp.get("/datasources/<ds>/timeline")
def get_timeline(ds: str) -> Response:
    """The datasource's segments with their states (:class:`fakedruid.render.snapshot.TimelineSnapshot`)."""
    state, _ = wire.context()
    snap = state.cluster.read(lambda reader: snapshot_of(reader, ds))
    if not snap.segments:
        return wire.text(pages.unknown_datasource(state, ds), 404)
    return wire.json_response(snap.to_json())


# ---------------------------------------------------------------------- journal and faults


@bp.get("/requests")
def get_requests() -> Response:
    """The request journal, oldest first."""
    return wire.json_response([r.to_json() for r in wire.state().harness.requests()])


@bp.delete("/requests")
def clear_requests() -> Response:
    """Empty the request journal."""
    wire.state().harness.clear_requests()
    return wire.json_response({})




@bp.get("/faults")
def get_faults() -> Response:
    """Pending faults and the current modes."""
    return wire.json_response(wire.state().harness.to_json())


@bp.post("/faults")
def add_fault() -> Response:
    """Add a fault and/or set the leader and Overlord modes; all or nothing."""
    body = _json_object("a JSON object")
    unknown = sorted(set(body) - set(_FAULT_FIELDS) - set(_MODE_FIELDS))
    if unknown:
        _bad_request(
            f"Unknown field(s) [{', '.join(unknown)}]; expected some of [{', '.join(_FAULT_FIELDS + _MODE_FIELDS)}]"
        )
    harness = wire.state().harness
    not_leader = body.get("notLeader")
    if "notLeader" in body and not isinstance(not_leader, bool):
        _bad_request(f"[notLeader] must be true or false, got {json.dumps(not_leader)}")
    leader_url = body.get("leaderUrl")
    if leader_url is not None and not (isinstance(leader_url, str) and leader_url.startswith(("http://", "https://"))):
        _bad_request(f"[leaderUrl] must be an http(s) base URL, got {json.dumps(leader_url)}")
    mode = body.get("overlordMode")
    if "overlordMode" in body and mode not in OVERLORD_MODES:
        _bad_request(f"[overlordMode] must be one of {json.dumps(list(OVERLORD_MODES))}, got {json.dumps(mode)}")
    fault_args = _fault_arguments(body)
    if fault_args is None and not any(k in body for k in _MODE_FIELDS):
        _bad_request('Nothing to do: send a fault ("path" or "pathRegex") and/or "notLeader" or "overlordMode"')
    if fault_args is not None:
        try:
            harness.fail_next(**fault_args)
        except FakeDruidError as exc:
            _bad_request(f"Invalid fault: {exc.message}")
    if "notLeader" in body or "leaderUrl" in body:
        leading = not not_leader if "notLeader" in body else harness.leader
        harness.set_leader(leading, leader_url if leader_url is not None else harness.leader_url)
    if "overlordMode" in body:
        harness.set_overlord_mode(str(mode))
    return wire.json_response(wire.state().harness.to_json())


def _fault_arguments(body: dict[str, Any]) -> dict[str, Any] | None:
    """``fail_next`` keyword arguments from the body, or None when it describes no fault."""
    has_glob, has_regex = "path" in body, "pathRegex" in body
    if not has_glob and not has_regex:
        stray = [k for k in _FAULT_FIELDS if k in body]
        if stray:
            _bad_request(f"Field(s) [{', '.join(stray)}] need a [path] (glob) or [pathRegex]")
        return None
    if has_glob and has_regex:
        _bad_request("Send either [path] (a glob) or [pathRegex], not both")
    if has_glob:
        pattern: Any = body["path"]
        if not isinstance(pattern, str) or not pattern:
            _bad_request(f"[path] must be a non-empty glob string, got {json.dumps(pattern)}")
    else:
        source = body["pathRegex"]
        if not isinstance(source, str) or not source:
            _bad_request(f"[pathRegex] must be a non-empty regular expression, got {json.dumps(source)}")
        try:
            pattern = re.compile(source)
        except re.error as exc:
            _bad_request(f"[pathRegex] is not a valid regular expression: {exc}")
    args: dict[str, Any] = {"method": body.get("method", "*"), "path_pattern": pattern}
    for field, name in (("status", "status"), ("body", "body"), ("contentType", "content_type"), ("times", "times")):
        if field in body:
            args[name] = body[field]
    if "delay" in body:
        args["delay"] = body["delay"]
    return args


@bp.delete("/faults")
def clear_faults() -> Response:
    """Forget every fault, lead again, and make the Overlord reachable."""
    wire.state().harness.clear_faults()
    return wire.json_response({})
