"""The README's ingestion example (ingest, replace a day, mark the old version unused, kill it), verbatim below
the marker line (keep the two in sync)."""

# --- README snippet starts here ---
import requests

ROWS = '{"ts": "2024-05-01T10:00:00Z", "page": "Main"}\n{"ts": "2024-05-02T10:00:00Z", "page": "Talk"}'
NATIVE_TASK = {
    "type": "index_parallel",
    "spec": {
        "dataSchema": {
            "dataSource": "pages",
            "timestampSpec": {"column": "ts"},
            "dimensionsSpec": {"dimensions": ["page"]},
            "granularitySpec": {"segmentGranularity": "DAY"},
        },
        "ioConfig": {
            "type": "index_parallel",
            "inputSource": {"type": "inline", "data": ROWS},
            "inputFormat": {"type": "json"},
        },
    },
}
REPLACE_DAY = """
REPLACE INTO pages OVERWRITE WHERE __time >= TIMESTAMP '2024-05-02' AND __time < TIMESTAMP '2024-05-03'
SELECT TIME_PARSE(ts) AS __time, page
FROM TABLE(inline(data => '{"ts": "2024-05-02T12:00:00Z", "page": "Help"}', format => 'json'))
EXTEND (ts VARCHAR, page VARCHAR)
PARTITIONED BY DAY
"""


def wait_for_success(druid, task_id):
    for _ in range(50):  # tasks run at once in the fake; a real Druid needs the wait
        status = requests.get(f"{druid}/druid/indexer/v1/task/{task_id}/status").json()["status"]["status"]
        if status != "RUNNING":
            return status
    raise AssertionError(f"task {task_id} still running")


def test_ingest_replace_mark_unused_kill(fake_coordinator):
    druid = fake_coordinator.url
    # 1. A native batch task ingests two days: one segment per day.
    task_id = requests.post(f"{druid}/druid/indexer/v1/task", json=NATIVE_TASK).json()["task"]
    assert wait_for_success(druid, task_id) == "SUCCESS"
    ingested = fake_coordinator.segment_ids("pages")
    assert len(ingested) == 2

    # 2. SQL-based ingestion replaces 2024-05-02 with a newer version, which overshadows the old one.
    response = requests.post(f"{druid}/druid/v2/sql/task", json={"query": REPLACE_DAY})
    assert response.status_code == 202
    assert wait_for_success(druid, response.json()["taskId"]) == "SUCCESS"
    old = fake_coordinator.overshadowed_segment_ids("pages")
    assert len(old) == 1 and "2024-05-02" in next(iter(old))

    # 3. Mark the overshadowed version unused, then kill it.
    marked = requests.post(
        f"{druid}/druid/coordinator/v1/datasources/pages/markUnused", json={"segmentIds": sorted(old)}
    )
    assert marked.json() == {"numChangedSegments": 1}
    kill = {"type": "kill", "dataSource": "pages", "interval": "2024-05-02/2024-05-03"}
    kill_id = requests.post(f"{druid}/druid/indexer/v1/task", json=kill).json()["task"]
    assert wait_for_success(druid, kill_id) == "SUCCESS"

    # One segment per day is left: the first day's original and the second day's replacement.
    remaining = fake_coordinator.segment_ids("pages")
    assert remaining == fake_coordinator.segment_ids("pages", used=True)
    assert len(remaining) == 2 and ingested - remaining == old
