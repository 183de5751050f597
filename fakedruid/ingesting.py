"""Ingestion from Python: :class:`IngestMethods`, the part of
:class:`~fakedruid.server.FakeCoordinator` that ingests rows, and :func:`submit_native`, which the Overlord's
``POST /druid/indexer/v1/task`` uses too, so both run the same code path.

Layer: facade (no Flask): it reads a native ``index`` / ``index_parallel`` task with
:func:`fakedruid.model.ingestion.native_spec_from_json` and submits it with
:meth:`fakedruid.model.cluster.Cluster.submit_ingestion`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fakedruid.model.cluster import Cluster
from fakedruid.model.ingestion import INDEX, INDEX_PARALLEL, IngestionJob, native_spec_from_json
from fakedruid.model.intervals import Interval
from fakedruid.model.tasks import Task

_INDEX_CLASS = "org.apache.druid.indexing.common.task.IndexTask"
_PARALLEL_CLASS = "org.apache.druid.indexing.common.task.batch.parallel.ParallelIndexSupervisorTask"


def submit_native(cluster: Cluster, body: dict[str, Any]) -> Task:
    """Read an ``index`` / ``index_parallel`` task as Druid does and submit it (run at once unless held).

    :raises InvalidTask: Druid's 400 (the spec, or the id). :raises TaskAlreadyExists: a taken id.
    :raises NotImplementedByFake: an input source, format or granularity the fake does not read.
    """
    spec, fields = native_spec_from_json(body)
    task_id = fields.get("id")
    payload = dict(body)
    context = dict(fields.get("context") or {})
    # TaskQueue.add fills these in when absent (as for kill tasks).
    context.setdefault("forceTimeChunkLock", True)
    context.setdefault("useLineageBasedSegmentAllocation", True)
    payload["context"] = context
    payload["dataSource"] = spec.datasource
    # IndexTask's @JsonCreator takes its groupId from IndexTask.makeGroupId: "index_append_<dataSource>" for an
    # appending task (appending tasks share a lock group), else the id; ParallelIndexSupervisorTask keeps its id
    # (measured on Druid 28.0.0 and 33.0.0).
    group_id = f"index_append_{spec.datasource}" if spec.task_type == INDEX and spec.append else None
    return cluster.submit_ingestion(
        task_type=spec.task_type,
        datasource=spec.datasource,
        payload=payload,
        job=IngestionJob(spec),
        task_id=None if task_id is None else str(task_id),
        java_class=_INDEX_CLASS if spec.task_type == INDEX else _PARALLEL_CLASS,
        group_id=group_id,
    )


@dataclass(frozen=True, slots=True)
class Ingestion:
    """What :meth:`IngestMethods.ingest` did: the task, its status, and the ids it published."""

    task_id: str
    status: str
    segment_ids: tuple[str, ...]
    error_msg: str | None = None


def native_task(
    datasource: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    segment_granularity: str = "DAY",
    query_granularity: str = "NONE",
    timestamp_column: str = "timestamp",
    timestamp_format: str = "auto",
    dimensions: Sequence[str] | None = None,
    metrics: Sequence[Mapping[str, Any]] = (),
    rollup: bool = True,
    intervals: Sequence[str | Interval] = (),
    append: bool = False,
    drop_existing: bool = False,
    max_rows_per_segment: int | None = None,
    task_id: str | None = None,
) -> dict[str, Any]:
    """The ``index_parallel`` task JSON that ingests ``rows`` (inline JSON lines; values JSON cannot hold are
    written with ``str``)."""
    data = "\n".join(json.dumps(dict(row), default=str) for row in rows)
    tuning: dict[str, Any] = {"type": INDEX_PARALLEL}
    if max_rows_per_segment is not None:
        tuning["partitionsSpec"] = {"type": "dynamic", "maxRowsPerSegment": max_rows_per_segment}
    task: dict[str, Any] = {
        "type": INDEX_PARALLEL,
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": {"column": timestamp_column, "format": timestamp_format},
                "dimensionsSpec": {"dimensions": list(dimensions or [])},
                "metricsSpec": [dict(m) for m in metrics],
                "granularitySpec": {
                    "segmentGranularity": segment_granularity,
                    "queryGranularity": query_granularity,
                    "rollup": rollup,
                    "intervals": [str(i) for i in intervals] or None,
                },
            },
            "ioConfig": {
                "type": INDEX_PARALLEL,
                # An inline source needs data; an empty ingestion gets one blank line (no rows).
                "inputSource": {"type": "inline", "data": data or "\n"},
                "inputFormat": {"type": "json"},
                "appendToExisting": append,
                "dropExisting": drop_existing,
            },
            "tuningConfig": tuning,
        },
    }
    if task_id is not None:
        task["id"] = task_id
    return task


class IngestMethods:
    """Ingestion from Python, forwarding to the :attr:`cluster` (mixed into ``FakeCoordinator``)."""

    cluster: Cluster

    def ingest(self, datasource: str, rows: Iterable[Mapping[str, Any]], **options: Any) -> Ingestion:
        """Ingest ``rows`` as an ``index_parallel`` task with an inline input source would, through the same
        code as ``POST /druid/indexer/v1/task``: the segments it publishes, their versions (the clock's now),
        shard specs and tombstones are Druid's. Tasks held with ``hold_tasks`` stay RUNNING (ids empty).

        :param options: :func:`native_task`'s keywords: ``segment_granularity`` (``"DAY"``), ``query_granularity``,
            ``timestamp_column`` (``"timestamp"``), ``timestamp_format``, ``dimensions`` (None: discovered),
            ``metrics`` (aggregator JSON), ``rollup``, ``intervals``, ``append``, ``drop_existing``,
            ``max_rows_per_segment``, ``task_id``.
        :returns: the task id, its status, the published segment ids (tombstones included) and its errorMsg.
        :raises InvalidTask: for what Druid answers with 400 (``drop_existing`` without ``intervals``...).
        """
        task = submit_native(self.cluster, native_task(datasource, rows, **options))
        return Ingestion(task.id, task.status, task.published_ids, task.error_msg)
