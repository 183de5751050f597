"""Contract: native batch ingestion through ``POST /druid/indexer/v1/task`` publishes the segments Druid does.

Runs against the fake (both profiles) and, with ``--druid-url``, a real Druid whose URL also answers the
Overlord's task API (a router, or a Coordinator running as the Overlord). Only what both can be asked over HTTP
is compared: intervals, shard specs, versions (one per task, the same for all its segments), dimensions.
"""

from __future__ import annotations

import json
from typing import Any

from fakedruid.testing import DruidTarget
from tests.contract.helpers import M, OVERLORD

ROWS = [
    {"ts": "2015-09-12T01:00:00Z", "page": "Main"},
    {"ts": "2015-09-12T02:00:00Z", "page": "Talk"},
    {"ts": "2015-09-13T01:00:00Z", "page": "Main"},
]


def task(datasource: str, rows: list[dict[str, Any]], **io: Any) -> dict[str, Any]:
    return {
        "type": "index_parallel",
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": {"column": "ts", "format": "iso"},
                "dimensionsSpec": {"dimensions": ["page"]},
                "granularitySpec": {"segmentGranularity": "DAY", "queryGranularity": "NONE", **io.pop("gran", {})},
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "inline", "data": "\n".join(json.dumps(r) for r in rows)},
                "inputFormat": {"type": "json"},
                **io,
            },
            "tuningConfig": {"type": "index_parallel", "partitionsSpec": {"type": "dynamic"}},
        },
    }


def run(coordinator: DruidTarget, body: dict[str, Any]) -> str:
    resp = coordinator.post(f"{OVERLORD}/task", json=body)
    assert resp.status_code == 200, resp.text
    task_id: str = resp.json()["task"]

    def finished() -> str:
        status: str = coordinator.get(f"{OVERLORD}/task/{task_id}/status").json()["status"]["status"]
        assert status != "RUNNING"
        return status

    assert coordinator.eventually(finished, timeout=300) == "SUCCESS"
    return task_id


def used_segments(coordinator: DruidTarget, datasource: str) -> list[dict[str, Any]]:
    resp = coordinator.get(f"{M}/datasources/{datasource}/segments", params={"full": ""})
    return resp.json() if resp.status_code == 200 else []  # type: ignore[no-any-return]


def test_native_ingestion_publishes_one_numbered_segment_per_day(coordinator: DruidTarget, datasource: str) -> None:
    run(coordinator, task(datasource, ROWS))
    segs = coordinator.eventually(lambda: _nonempty(used_segments(coordinator, datasource)))
    assert sorted(s["interval"] for s in segs) == [
        "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z",
        "2015-09-13T00:00:00.000Z/2015-09-14T00:00:00.000Z",
    ]
    assert all(s["shardSpec"] == {"type": "numbered", "partitionNum": 0, "partitions": 1} for s in segs)
    assert len({s["version"] for s in segs}) == 1
    assert all(s["dimensions"] == "page" and s["metrics"] == "" for s in segs)


def test_drop_existing_tombstones_a_day_that_had_data(coordinator: DruidTarget, datasource: str) -> None:
    run(coordinator, task(datasource, ROWS))
    first = coordinator.eventually(lambda: _nonempty(used_segments(coordinator, datasource)))
    run(coordinator, task(datasource, ROWS[:2], gran={"intervals": ["2015-09-12/2015-09-14"]}, dropExisting=True))

    def replaced() -> list[dict[str, Any]]:
        segs = used_segments(coordinator, datasource)
        assert len(segs) == 4
        return segs

    segs = coordinator.eventually(replaced)
    new = [s for s in segs if s["identifier"] not in {f["identifier"] for f in first}]
    kinds = sorted((s["interval"][:10], s["shardSpec"]["type"]) for s in new)
    assert kinds == [("2015-09-12", "numbered"), ("2015-09-13", "tombstone")]
    assert len({s["version"] for s in new}) == 1
    assert new[0]["version"] > first[0]["version"]


def _nonempty(segs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert segs
    return segs
