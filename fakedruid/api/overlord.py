"""The Overlord's task endpoints (``OverlordResource``; http-api.md sections 5.1 to 5.3): kill tasks and the
``index`` / ``index_parallel`` ingestion tasks (read in :mod:`fakedruid.api.ingestion`), their status, payload,
lists, reports and shutdown.

Layer: api. Thin views over :class:`fakedruid.model.tasks.TaskStore`; tasks run synchronously (semantics 10.5).
Four routes sit behind Druid's ``TaskResourceFilter`` (``GET /task/{id}``, ``GET /task/{id}/status``,
``GET /task/{id}/reports``, ``POST /task/{id}/shutdown``): for an id the Overlord has never stored, the filter
answers 404 before the resource method runs (``indexing-service/.../overlord/http/security/TaskResourceFilter.java``,
404 since PR #11724, Druid 0.23), with the plain-text entity ``Cannot find any task with id: [<id>]``.

Also the Overlord's leadership (``GET /leader``, ``GET /isLeader``; the not-leader answers are the request hooks')
and ``POST /datasources/{ds}/shutdownAllTasks``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from fakedruid.api import messages, security_gate, wire
from fakedruid.api.ingestion import running_report, submit_native
from fakedruid.errors import InvalidInterval, InvalidTask, JacksonMappingProblem, UnknownTask
from fakedruid.model.ingestion import INDEX, INDEX_PARALLEL
from fakedruid.model.intervals import format_instant, parse_path_interval
from fakedruid.model.tasks import (
    KILL,
    RUNNING,
    SUCCESS,
    TASK_STATES,
    Task,
    kill_task_from_json,
    lock_failure_message,
    unwrap_task,
)
from fakedruid.model.type_ids import Wrapped, within
from fakedruid.profiles import Profile

bp = Blueprint("overlord", __name__, url_prefix="/druid/indexer/v1")


_UNKNOWN_LOCATION = {"host": None, "port": -1, "tlsPort": -1}


def _task_or_404(task_id: str) -> Task:
    """The task, or stop with the ``TaskResourceFilter`` 404: a ``WebApplicationException`` carrying a
    ``text/plain`` entity (Druid 28.0.0 and 37.0.0 bytecode; observed on 28.0.0)."""
    task = wire.state().cluster.task(task_id)
    if task is None:
        wire.stop(wire.Response(messages.TASK_NOT_FOUND.format(id=task_id), status=404, content_type="text/plain"))
    return task


def task_error_msg(task: Task, profile: Profile) -> str | None:
    """The ``errorMsg`` of a task's ``TaskStatus`` in the profile's release.

    A task whose ``isReady`` threw gets ``TaskQueue``'s message (Druid 28 names no cause, 33 does), and Druid 28's
    ``TaskStatus`` cuts messages to 100 characters plus ``...`` (both measured on Druid 28.0.0 and 33.0.0); later
    releases cut the middle of messages over 1024 characters (measured on 33.0.0 and 37.0.0).
    """
    message = task.error_msg
    if message is None:
        return None
    if task.uncovered:
        # A kill task's lock failure names the segments as the release's DataSegment.toString writes them.
        message = lock_failure_message(task, fields_37=profile.segment_string_37_fields)
    if task.ready_failure:
        message = (
            f"Encountered error[{message}] while waiting for task to be ready. See Overlord logs for more details."
            if profile.ready_failure_names_cause
            else "Failed while waiting for the task to be ready to run. See overlord logs for more details."
        )
    limit = profile.task_error_msg_limit
    if limit is not None:
        if len(message) > limit:
            message = message[:limit] + "..."
    elif len(message) > TASK_ERROR_MSG_TRUNCATION_LIMIT:
        # Newer TaskStatus keeps the first and last 512 characters around "...<n> characters omitted...", and cuts
        # again in every constructor (failure, withDuration, the Overlord reading the peon's status...). Three cuts
        # or more reach the fixed point n = 27, the marker's own length, whatever the first length: measured on
        # 33.0.0 and 37.0.0 ("...27 characters omitted..." where 442 characters were cut).
        half = TASK_ERROR_MSG_TRUNCATION_LIMIT // 2
        message = message[:half] + "...27 characters omitted..." + message[-half:]
    return message


#: ``TaskStatus.MAX_ERROR_MSG_TRUNCATION_LIMIT`` (Druid 33 and later; Druid 28's ``MAX_ERROR_MSG_LENGTH`` is the
#: profile's ``task_error_msg_limit``).
TASK_ERROR_MSG_TRUNCATION_LIMIT = 1024


def task_status_plus(task: Task, *, listed: bool) -> dict[str, Any]:
    """TaskStatusPlus, keys in Druid's order (http-api.md 5.2).

    :param listed: as ``GET /tasks`` shows it (a running task's queue insertion time is its creation time, a
        complete task's runner status ``NONE``); otherwise as ``GET /task/{id}/status`` does (the epoch, and
        ``WAITING`` for a complete task: the runner no longer knows it; measured on Druid 28.0.0 and 33.0.0 for
        kill and ingestion tasks).
    """
    running = task.status == RUNNING
    return {
        "id": task.id,
        "groupId": task.group_id,
        "type": task.type,
        "createdTime": format_instant(task.created_time),
        "queueInsertionTime": format_instant(task.created_time if listed and running else 0),
        "statusCode": task.status,
        "status": task.status,
        "runnerStatusCode": "RUNNING" if running else "NONE" if listed else "WAITING",
        "duration": task.duration,
        "location": dict(_UNKNOWN_LOCATION),
        "dataSource": task.datasource,
        "errorMsg": task_error_msg(task, wire.context()[1]),
    }


# ---------------------------------------------------------------------- submission


@bp.post("/task")
def submit_task() -> Response:
    """Submit a kill, ``index`` or ``index_parallel`` task and run it before answering ``{"task": id}``
    (http-api.md 5.1)."""
    state, profile = wire.context()
    body = wire.json_body()
    wrapped: Wrapped | None = None
    if isinstance(body, list):
        # Jackson's wrapper-array form, ["kill", {...}] (fakedruid.model.type_ids; measured on 28.0.0 and 37.0.0).
        body, wrapped = unwrap_task(body, jackson_220=profile.jackson_220_wording, known_type_ids=profile.task_type_ids)
    if body is None:
        # Jersey hands the resource a null Task; OverlordResource.getNeededResourceActionsForTask dereferences it
        # (measured on 28.0.0 and 33.0.0 under Java 17, whose NPE messages name the call; 28.0.0 and 37.0.0 for
        # ["kill"]).
        return wire.jetty(
            500,
            f'java.lang.NullPointerException: Cannot invoke "org.apache.druid.indexing.common.task.Task.'
            f'{profile.null_task_dereference}()" because "task" is null',
        )
    if isinstance(body, dict) and body.get("type") in (INDEX, INDEX_PARALLEL):
        if wrapped is not None:
            _check_wrapper_end(wrapped, profile.jackson_220_wording)
        spec = body.get("spec")
        schema = spec.get("dataSchema") if isinstance(spec, dict) else None
        target = schema.get("dataSource") if isinstance(schema, dict) else None
        if isinstance(target, str) and not security_gate.may_write(target):
            return security_gate.forbidden()  # OverlordResource.taskPost: WRITE on the task's datasource
        task = submit_native(state.cluster, body)
        return wire.json_response({"task": task.id})
    # InvalidTask is thrown while Jackson reads the body (400 {"error": ...}); TaskAlreadyExists is the
    # profile's answer to a taken id: both are answered by the error table.
    try:
        kwargs = kill_task_from_json(
            body,
            mark_as_unused_allowed=profile.kill_mark_as_unused,
            versions_allowed=profile.honours_versions,
            known_type_ids=profile.task_type_ids,
            jackson_220=profile.jackson_220_wording,
        )
    except InvalidTask as exc:
        if wrapped is None:
            raise
        raise InvalidTask(exc.head, chain=exc.chain, at=within(exc, 1)) from exc
    if wrapped is not None:
        _check_wrapper_end(wrapped, profile.jackson_220_wording)
    if not security_gate.may_write(kwargs["datasource"]):
        # OverlordResource.taskPost: WRITE on the task's datasource, checked once Jackson has read the task.
        # The 403 body is the resource filters' (UNCONFIRMED for taskPost against a running Druid).
        return security_gate.forbidden()
    task = state.cluster.submit_kill(count_killable_only=profile.kill_counts_killable_only, **kwargs)
    return wire.json_response({"task": task.id})


def _check_wrapper_end(wrapped: Wrapped, jackson_220: bool) -> None:
    try:
        wrapped.check_end(jackson_220)
    except JacksonMappingProblem as exc:
        raise InvalidTask(exc.head, at=exc.at) from exc


# ---------------------------------------------------------------------- one task


@bp.get("/task/<task_id>")
def task_payload(task_id: str) -> Response:
    """The task JSON as Druid echoes it: ``{"task": id, "payload": {...}}`` (http-api.md 5.3)."""
    task = _task_or_404(task_id)
    return wire.json_response({"task": task.id, "payload": task.payload})


@bp.get("/task/<task_id>/status")
def task_status(task_id: str) -> Response:
    """``{"task": id, "status": <TaskStatusPlus>}`` (http-api.md 5.2)."""
    task = _task_or_404(task_id)
    return wire.json_response({"task": task_id, "status": task_status_plus(task, listed=False)})


@bp.post("/task/<task_id>/shutdown")
def shutdown_task(task_id: str) -> Response:
    """Shut a running task down (FAILED, ``Shutdown request from user``); a complete task is left as it is.

    Druid answers ``{"task": id}`` either way (``TaskQueue.shutdown`` ignores a task that is no longer active).
    """
    try:
        wire.state().cluster.shutdown_task(task_id)
    except UnknownTask:
        _task_or_404(task_id)
    return wire.json_response({"task": task_id})


@bp.get("/task/<task_id>/reports")
def task_reports(task_id: str) -> Response:
    """``doGetReports``: the report a task wrote, as Jackson wrote it.

    An ingestion task's is ``ingestionStatsAndErrors`` (native) or ``multiStageQuery`` (MSQ); while it runs Druid
    serves its live report (the fake's has the task's state and no rows yet). A kill task that succeeded wrote a
    ``KillTaskReport`` (:func:`_kill_report`).
    """
    task = _task_or_404(task_id)
    profile = wire.context()[1]
    if task.type == KILL:
        return _kill_report(task, profile.kill_mark_as_unused)
    if task.no_report:
        # The task failed before it wrote a report (a range spec IndexTask.isReady refused; measured on Druid
        # 28.0.0 and 33.0.0).
        return wire.raw(messages.NO_TASK_REPORTS, 404)
    if task.report is not None:
        return wire.json_response(native_report(task, task.report, profile))
    return wire.json_response(native_report(task, running_report(task), profile))


def native_report(task: Task, report: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """A native ingestion task's reports as the profile's release writes them (an MSQ report as it is).

    The model writes Druid 33's ``IngestionStatsAndErrors`` (``recordsProcessed``, ``segmentsPublished``); Druid
    28's class has neither, nor the ``taskContext`` report 33 adds (``TaskContextReport``, the task's context).
    """
    entry = report.get("ingestionStatsAndErrors")
    if entry is None:
        return report
    payload = dict(entry["payload"])
    if not profile.row_stats_thrown_away_by_reason and isinstance(payload.get("rowStats"), dict):
        payload["rowStats"] = {
            phase: {k: v for k, v in stats.items() if k != "thrownAwayByReason"} if isinstance(stats, dict) else stats
            for phase, stats in payload["rowStats"].items()
        }
    if not profile.ingestion_report_extras:
        for key in ("recordsProcessed", "segmentsRead", "segmentsPublished"):
            payload.pop(key, None)
        return {"ingestionStatsAndErrors": {**entry, "payload": payload}}
    out: dict[str, Any] = {"ingestionStatsAndErrors": {**entry, "payload": payload}}
    context = task.payload.get("context")
    out["taskContext"] = {
        "type": "taskContext",
        "taskId": task.id,
        "payload": dict(context) if isinstance(context, dict) else {},
    }
    return out


def _kill_report(task: Task, marked_count: bool) -> Response:
    """``KillUnusedSegmentsTask``'s report; with no report file (running, failed or shut down) Druid answers 404
    with a raw message.

    The stats are ``numSegmentsKilled`` and ``numBatchesProcessed``, plus ``numSegmentsMarkedAsUnused`` in Druid
    28/29 (``indexing-service/.../common/KillTaskReport.java``); Druid 37 dropped it with ``markAsUnused``
    (``processing/.../indexer/report/KillTaskReport.java``), so the same switch decides both (``marked_count``).
    """
    if task.status != SUCCESS:
        return wire.raw(messages.NO_TASK_REPORTS, 404)
    stats = {"numSegmentsKilled": task.num_segments_killed, "numBatchesProcessed": task.num_batches_processed}
    if marked_count:
        stats["numSegmentsMarkedAsUnused"] = task.num_segments_marked_unused
    report = {"type": KILL_REPORT_KEY, "taskId": task.id, "payload": stats}
    return wire.json_response({KILL_REPORT_KEY: report})


#: ``KillTaskReport.REPORT_KEY``: the report's key in the report map and its JSON ``type``.
KILL_REPORT_KEY = "killUnusedSegments"


@bp.post("/datasources/<datasource>/shutdownAllTasks")
def shutdown_all_tasks(datasource: str) -> Response:
    """``shutdownTasksForDataSource``: shut down the datasource's active tasks; ``{"dataSource": ds}``, or 404
    with no body (under ``Content-Type: application/json``, observed on Druid 28.0.0) when none is active."""
    if not wire.state().cluster.shutdown_datasource_tasks(datasource):
        response = wire.empty(404)
        response.headers["Content-Type"] = wire.JSON_TYPE
        return response
    return wire.json_response({"dataSource": datasource})


# ---------------------------------------------------------------------- leadership


@bp.get("/leader")
def get_leader() -> Response:
    """``OverlordResource.getLeader``: the leader's base URL as a raw string (the fake, Coordinator and Overlord
    in one process, is its own leader; a non-leader's answer comes from the request hooks)."""
    return wire.raw(request.host_url.rstrip("/"), 200)


@bp.get("/worker")
def get_worker_config() -> Response:
    """``OverlordResource.getWorkerConfig``: the dynamic worker configuration, none until one is set: ``Response.ok
    (null)``, a 200 with no body under ``Content-Type: application/json`` (measured on 28.0.0 and 33.0.0). The fake
    keeps no worker configuration (``POST /worker`` answers 501)."""
    wire.context()
    return wire.empty(200)


@bp.get("/isLeader")
def is_leader() -> Response:
    """``OverlordResource.isLeader``: ``{"leader":true}``; it reads no parameter, so the web console's
    ``?capabilities`` changes nothing."""
    return wire.json_response({"leader": True})


# ---------------------------------------------------------------------- task lists


def _list_tasks(
    state: str | None,
    datasource: str | None,
    created_time_interval: str | None,
    max_complete: int | None,
    task_type: str | None,
) -> Response:
    """``OverlordResource.getTasks``: state check, then ``TaskQueryTool.getTaskStatusPlusList``."""
    if state is not None and state.lower() not in TASK_STATES:
        return wire.text(messages.INVALID_TASK_STATE.format(state=state), 400)
    created_within = None
    if created_time_interval is not None:
        try:
            # Druid keeps only the interval's duration: "created within that long before now".
            created_within = parse_path_interval(created_time_interval).duration
        except InvalidInterval as exc:
            return wire.jetty_for(exc)
    tasks = wire.state().cluster.list_tasks(
        state=state,
        datasource=datasource,
        task_type=task_type,
        created_within=created_within,
        max_complete=max_complete,
    )
    # OverlordResource.securedTaskStatusPlus: only tasks of datasources the user may read.
    tasks = security_gate.readable(tasks, lambda t: t.datasource)
    return wire.json_response([task_status_plus(t, listed=True) for t in tasks])


@bp.get("/tasks")
def list_tasks() -> Response:
    """Tasks filtered by ``state``, ``datasource``, ``createdTimeInterval``, ``max`` and ``type`` (http-api 5.3)."""
    max_complete = wire.int_param("max")  # Jersey converts query parameters before the method runs
    args = request.args
    return _list_tasks(
        args.get("state"), args.get("datasource"), args.get("createdTimeInterval"), max_complete, args.get("type")
    )


@bp.get("/completeTasks")
def complete_tasks() -> Response:
    """``tasks?state=complete``, with ``n`` for ``max`` (no other filter)."""
    return _list_tasks("complete", None, None, wire.int_param("n"), None)


@bp.get("/runningTasks")
def running_tasks() -> Response:
    """``tasks?state=running``, with ``type``."""
    return _list_tasks("running", None, None, None, request.args.get("type"))


@bp.get("/waitingTasks")
def waiting_tasks() -> Response:
    """``tasks?state=waiting`` (always empty: the fake's runner knows every active task)."""
    return _list_tasks("waiting", None, None, None, None)


@bp.get("/pendingTasks")
def pending_tasks() -> Response:
    """``tasks?state=pending`` (always empty: held tasks count as running)."""
    return _list_tasks("pending", None, None, None, None)
