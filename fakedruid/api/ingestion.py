"""Ingestion tasks: native batch submissions (for the Overlord's ``POST /task``) and SQL-based ingestion
(``POST /druid/v2/sql/task``, ``SqlTaskResource``).

Layer: api. A native spec is read by :func:`fakedruid.ingesting.submit_native`, a SQL statement by
:func:`fakedruid.msq.translate` (imported when a statement arrives: sqlglot is the ``sql`` extra); both become an
:class:`~fakedruid.model.ingestion.IngestionJob` that :meth:`fakedruid.model.cluster.Cluster.submit_ingestion`
runs (at once, or when released). ``SqlTaskResource`` answers ``202 {"taskId": ..., "state": "RUNNING"}``, and a
rejected statement with the ``SqlTaskStatus`` of a failure (the error table's ``InvalidSqlInput`` row).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from fakedruid.api import security_gate, wire
from fakedruid.api.errors import sql_task_forbidden
from fakedruid.errors import InvalidSqlInput, NotImplementedByFake
from fakedruid.ingesting import submit_native
from fakedruid.model.ingestion import QUERY_CONTROLLER, IngestionJob, RowStats
from fakedruid.model.tasks import Task

bp = Blueprint("sql_task", __name__, url_prefix="/druid/v2/sql/task")

def running_report(task: Task) -> dict[str, Any]:
    """The live report of an ingestion task that has not run yet (held, or shut down before it ran)."""
    if task.type == QUERY_CONTROLLER:
        return {"multiStageQuery": {"type": "multiStageQuery", "taskId": task.id, "payload": {
            "status": {"status": task.status, "pendingTasks": 0, "runningTasks": 1 if task.status == "RUNNING"
                       else 0},
            "stages": [], "counters": {}}}}
    empty = RowStats().to_json()
    return {"ingestionStatsAndErrors": {"type": "ingestionStatsAndErrors", "taskId": task.id, "payload": {
        "ingestionState": "NOT_STARTED",
        "unparseableEvents": {},
        "rowStats": {"determinePartitions": empty, "buildSegments": dict(empty)},
        "errorMsg": task.error_msg,
        "segmentAvailabilityConfirmed": False,
        "segmentAvailabilityWaitTimeMs": 0,
        "recordsProcessed": None,
        "segmentsRead": None,
        "segmentsPublished": 0,
    }}}


@bp.post("")
def submit_sql_task() -> Response:
    """Run an INSERT or REPLACE as an MSQ controller task: ``202 {"taskId": "query-<id>", "state": "RUNNING"}``."""
    state, _profile, raw = wire.json_request()
    body: dict[str, Any] = raw if isinstance(raw, dict) else {}
    context = body.get("context")
    context = dict(context) if isinstance(context, dict) else {}
    query_id = str(context.get("sqlQueryId") or state.cluster.tasks.random_uuid())
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        exc = InvalidSqlInput("query cannot be null or empty")
        exc.query_id = query_id
        raise exc
    if body.get("parameters"):
        raise NotImplementedByFake("SQL dynamic parameters in SQL-based ingestion are not implemented")
    try:
        from fakedruid import msq
    except ImportError as exc:  # sqlglot is the "sql" extra
        raise NotImplementedByFake("SQL-based ingestion needs the 'sql' extra (pip install 'fakedruid[sql]')") from exc
    statement = msq.translate(query, context, query_id=query_id)
    # The planner validates, then authorizes (DruidPlanner: validate, then authorize): WRITE on the target
    # datasource, and READ on EXTERNAL (name and type EXTERNAL) for EXTERN and the inline/localfiles table
    # functions, the only inputs the fake reads. Read from Druid's source, not measured.
    if not (security_gate.may_write(statement.spec.datasource) and security_gate.may("EXTERNAL", "READ", "EXTERNAL")):
        return sql_task_forbidden()
    task_id = f"query-{query_id}"
    task = state.cluster.submit_ingestion(
        task_type=QUERY_CONTROLLER,
        datasource=statement.spec.datasource,
        payload=statement.payload(task_id),
        job=IngestionJob(statement.spec, statement),
        task_id=task_id,
        java_class="org.apache.druid.msq.indexing.MSQControllerTask",
    )
    return wire.json_response({"taskId": task.id, "state": "RUNNING"}, 202)


@bp.get("/enabled")
def sql_task_enabled() -> Response:
    """``GET /druid/v2/sql/task/enabled``: 200 ``{"enabled": true}`` (the MSQ extension is loaded)."""
    return wire.json_response({"enabled": True})


__all__ = ["bp", "running_report", "submit_native"]
