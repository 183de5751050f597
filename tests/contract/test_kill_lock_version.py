"""Contract: a kill task whose lock cannot cover an unused segment (http-api 5.1, semantics 8).

``KillUnusedSegmentsTask`` takes a time-chunk lock whose version is its start time, and before nuking each batch of
``batchSize`` unused segments checks ``TaskLocks.isLockCoversSegments``: the lock's version must sort at or after
every segment's (``String.compareTo``). A version such as ``v1`` sorts after any ISO instant, so the task throws
``ISE: Locks[...] for task[...] can't cover segments[...]``: it ends ``FAILED`` with that ``errorMsg`` (cut to 100
characters by Druid 28), writes no report, and keeps the failing batch and every later one, the batches before it
being killed (measured on 28.0.0, 33.0.0 and 37.0.0).
"""

from __future__ import annotations

import re
from typing import Any

from fakedruid.profiles import resolve_profile
from fakedruid.testing import DruidTarget
from tests.contract.helpers import OVERLORD, P, segment_id, segment_json, unused_ids

PAST = "2015-01-01T00:00:00.000Z"
DAY = "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
#: A kill task forks a peon JVM on a real Druid (about 20 s on a loaded machine).
KILL_TIMEOUT = 180.0


def _status(coordinator: DruidTarget, task_id: str) -> dict[str, Any]:
    """The task's status once it is complete."""

    def done() -> dict[str, Any]:
        status = coordinator.get(f"{OVERLORD}/task/{task_id}/status").json()["status"]
        assert status["statusCode"] != "RUNNING", status
        return status  # type: ignore[no-any-return]

    return coordinator.eventually(done, timeout=KILL_TIMEOUT)


def _segment_string(coordinator: DruidTarget, datasource: str, hour: int, version: str) -> str:
    """``DataSegment.toString()`` of :func:`segment_json`'s segment, its loadSpec path written ``P`` (a real Druid
    fakedruid started rewrites seeded paths to its own deep storage)."""
    extra = resolve_profile(coordinator.profile).segment_string_37_fields
    return (
        f"DataSegment{{binaryVersion=9, id={segment_id(datasource, hour, version=version)}, "
        "loadSpec={type=>local, path=>P}, dimensions=[page, user], metrics=[count, added], "
        + ("projections=null, " if extra else "")
        + "shardSpec=NumberedShardSpec{partitionNum=0, partitions=1}, lastCompactionState=null, size=0"
        + (", totalRows=null, indexingStateFingerprint=null}" if extra else "}")
    )


def _assert_lock_failure(coordinator: DruidTarget, datasource: str, status: dict[str, Any], segments: str) -> None:
    """The status is Druid's FAILED with the lock failure naming ``segments`` (a ``DataSegment{...}`` list)."""
    task_id = status["id"]
    assert (status["statusCode"], status["status"], status["type"]) == ("FAILED", "FAILED", "kill")
    message = status["errorMsg"]
    lock_version = re.search(r"version='([^']*)'", message)
    version = lock_version.group(1) if lock_version else "V"
    expected = (
        f"org.apache.druid.java.util.common.ISE: Locks[[TimeChunkLock{{type=EXCLUSIVE, groupId='{task_id}', "
        f"dataSource='{datasource}', interval={DAY}, version='{version}', priority=0, revoked=false}}]] "
        f"for task[{task_id}] can't cover segments[[{segments}]]"
    )
    limit = resolve_profile(coordinator.profile).task_error_msg_limit
    if limit is not None:
        assert message == expected[:limit] + "...", message
        return
    if len(message) > 1024:
        # Druid 33 and later keep the first and last 512 characters of a longer message (TaskStatus, cut again by
        # each constructor: the count converges to the marker's own length); the real paths are longer than P.
        head, tail = message.split("...27 characters omitted...")
        assert (len(head), len(tail)) == (512, 512), message
        # The tail may open inside a loadSpec path: compare from the end of the first field it shows.
        normal = re.sub(r"path=>[^,}]*", "path=>P", tail.split(", ", 1)[1])
        assert expected.startswith(head) and expected.endswith(normal), message
    else:
        assert re.sub(r"path=>[^,}]*", "path=>P", message) == expected, message
    # The lock is taken when the task starts, after it was created (as Druid prints both instants).
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", version)
    assert version >= status["createdTime"]


def test_kill_task_stops_at_a_batch_its_lock_cannot_cover(coordinator: DruidTarget, datasource: str) -> None:
    coordinator.seed([
        segment_json(datasource, 0, version=PAST, used=False),
        segment_json(datasource, 1, version="v1", used=False),
        segment_json(datasource, 2, version=PAST, used=False),
    ])
    body = {"type": "kill", "dataSource": datasource, "interval": DAY, "batchSize": 1}
    resp = coordinator.post(f"{OVERLORD}/task", json=body)
    assert resp.status_code == 200, resp.text
    task_id = resp.json()["task"]
    status = _status(coordinator, task_id)
    _assert_lock_failure(coordinator, datasource, status, _segment_string(coordinator, datasource, 1, "v1"))
    (listed,) = coordinator.get(f"{OVERLORD}/tasks", params={"datasource": datasource}).json()
    assert (listed["statusCode"], listed["errorMsg"]) == ("FAILED", status["errorMsg"])
    # No report: the task threw before writing one.
    assert coordinator.get(f"{OVERLORD}/task/{task_id}/reports").status_code == 404
    # The first batch (hour 0) was killed; the failing batch and the one after it remain.
    remaining = {segment_id(datasource, 1, version="v1"), segment_id(datasource, 2, version=PAST)}
    assert coordinator.eventually(lambda: unused_ids(coordinator, datasource)) == remaining


def test_kill_interval_with_a_version_after_the_lock_kills_nothing(
    coordinator: DruidTarget, datasource: str
) -> None:
    # The Coordinator's kill route submits a task with the default batchSize (100): one batch, which fails whole.
    coordinator.seed([
        segment_json(datasource, 0, version=PAST, used=False),
        segment_json(datasource, 1, version="v1", used=False),
        segment_json(datasource, 2, version="v2", used=True),
    ])
    resp = coordinator.delete(f"{P}/{datasource}/intervals/2015-09-12_2015-09-13")
    assert (resp.status_code, resp.content) == (200, b"")

    def kill_task() -> str:
        (task,) = coordinator.get(f"{OVERLORD}/tasks", params={"datasource": datasource}).json()
        return str(task["id"])

    status = _status(coordinator, coordinator.eventually(kill_task))
    segments = ", ".join(_segment_string(coordinator, datasource, h, v) for h, v in ((0, PAST), (1, "v1")))
    _assert_lock_failure(coordinator, datasource, status, segments)
    remaining = {segment_id(datasource, 0, version=PAST), segment_id(datasource, 1, version="v1")}
    assert coordinator.eventually(lambda: unused_ids(coordinator, datasource)) == remaining
