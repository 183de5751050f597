"""druidpy 1.0.5 (PyPI), unmodified, against the fake: the fixture's server and ``fakedruid serve``, both profiles.

druidpy hands back raw response bodies (``r.content``) for most calls, so these tests also see the fake's bytes.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from druidpy import Druid

from fakedruid.profiles import resolve_profile
from tests.clients.conftest import Target

KILL_SPEC = {"type": "kill", "dataSource": "wiki", "interval": "2015-09-01/2015-10-01"}


def segment(interval: str, *, datasource: str = "wiki", used: bool = True) -> dict[str, Any]:
    return {"dataSource": datasource, "interval": interval, "version": "2015-09-20T00:00:00.000Z", "size": 100, "used": used}


def compact(raw: bytes) -> bytes:
    """The JSON in ``raw`` as Jackson writes it: no space after ``,`` or ``:``."""
    return json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False).encode()


@pytest.fixture
def druidpy() -> Druid:
    return Druid()


def test_status_reports_the_profile_version(druid: Target, druidpy: Druid) -> None:
    status = json.loads(druidpy.get_status(druid.url))
    assert status["version"] == resolve_profile(druid.profile).druid_version
    assert druidpy.get_health(druid.url) == b"true"


def test_coordinator_leader_is_the_fake(druid: Target, druidpy: Druid) -> None:
    assert druidpy.coordinator_leader(druid.url) == druid.url.encode()


def test_overlord_leader_is_the_fake(druid: Target, druidpy: Druid) -> None:
    assert druidpy.overlord_leader(druid.url) == druid.url.encode()


def test_list_datasources_names_served_datasources(druid: Target, druidpy: Druid) -> None:
    druid.seed(segment("2015-09-12/2015-09-13"), segment("2015-09-12/2015-09-13", datasource="edits"))
    druid.seed(segment("2015-09-12/2015-09-13", datasource="gone", used=False))
    assert sorted(json.loads(druidpy.list_datasources(druid.url))) == ["edits", "wiki"]


def test_list_datasources_bytes_are_jacksons(druid: Target, druidpy: Druid) -> None:
    druid.seed(segment("2015-09-12/2015-09-13"), segment("2015-09-12/2015-09-13", datasource="edits"))
    raw = druidpy.list_datasources(druid.url)
    assert raw == compact(raw)


def test_list_segments_lists_used_segments(druid: Target, druidpy: Druid) -> None:
    used = druid.seed(segment("2015-09-12/2015-09-13"), segment("2015-09-13/2015-09-14"))
    druid.seed(segment("2015-09-14/2015-09-15", used=False))
    # /metadata/datasources/{ds}/segments without ?full lists the ids.
    assert sorted(json.loads(druidpy.list_segments(druid.url, "wiki"))) == sorted(used)


def test_list_intervals_and_datasource_meta(druid: Target, druidpy: Druid) -> None:
    druid.seed(segment("2015-09-12/2015-09-13"), segment("2015-09-13/2015-09-14"))
    intervals = json.loads(druidpy.list_intervals(druid.url, "wiki"))
    assert set(intervals) == {
        "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z",
        "2015-09-13T00:00:00.000Z/2015-09-14T00:00:00.000Z",
    }
    meta = json.loads(druidpy.datasource_meta(druid.url, "wiki"))
    assert meta["segments"]["count"] == 2 and meta["segments"]["size"] == 200


def test_ingest_task_with_kill_spec_deletes_unused_segments(druid: Target, druidpy: Druid, tmp_path: Path) -> None:
    unused = druid.seed(segment("2015-09-12/2015-09-13", used=False), segment("2015-09-13/2015-09-14", used=False))
    used = druid.seed(segment("2015-09-14/2015-09-15"))
    spec = tmp_path / "kill.json"
    spec.write_text(json.dumps(KILL_SPEC))
    assert druidpy.ingest_task(druid.url, str(spec)) == "ingestion is successfull"
    assert druid.segment_ids("wiki") == set(used)
    assert not set(unused) & druid.segment_ids("wiki")


def test_ingest_task_failed_kill_returns_minus_one(druid: Target, druidpy: Druid, tmp_path: Path) -> None:
    unused = druid.seed(segment("2015-09-12/2015-09-13", used=False))
    druid.task_mode(fail_with="Simulated failure")
    spec = tmp_path / "kill.json"
    spec.write_text(json.dumps(KILL_SPEC))
    assert druidpy.ingest_task(druid.url, str(spec)) == -1
    assert druid.segment_ids("wiki") == set(unused)


def test_ingest_task_rejected_spec_returns_minus_one(druid: Target, druidpy: Druid, tmp_path: Path) -> None:
    unused = druid.seed(segment("2015-09-12/2015-09-13", used=False))
    spec = tmp_path / "kill.json"
    spec.write_text(json.dumps({"type": "kill", "dataSource": "wiki"}))  # no interval: Druid answers 400
    assert druidpy.ingest_task(druid.url, str(spec)) == -1
    assert druid.segment_ids("wiki") == set(unused)
    status, raw = druid.call("GET", "/druid/indexer/v1/tasks")
    assert (status, json.loads(raw)) == (200, [])


ROWS = [
    {"time": "2015-09-12T00:46:58.771Z", "channel": "#en.wikipedia", "page": "Main", "added": 36},
    {"time": "2015-09-12T01:12:03.012Z", "channel": "#fr.wikipedia", "page": "Talk", "added": 17},
    {"time": "2015-09-13T02:00:00.000Z", "channel": "#en.wikipedia", "page": "Help", "added": 5},
]


def wikipedia_spec(input_source: dict[str, Any], intervals: list[str] | None = None) -> dict[str, Any]:
    """The shape of Druid's quickstart/tutorial/wikipedia-index.json (docs/tutorials/tutorial-batch.md): an
    index_parallel task, iso timestamps in ``time``, DAY segments, no rollup."""
    return {
        "type": "index_parallel",
        "spec": {
            "dataSchema": {
                "dataSource": "wikipedia",
                "timestampSpec": {"column": "time", "format": "iso"},
                "dimensionsSpec": {"dimensions": ["channel", "page", {"name": "added", "type": "long"}]},
                "granularitySpec": {"segmentGranularity": "day", "queryGranularity": "none",
                                    "intervals": intervals, "rollup": False},
            },
            "ioConfig": {"type": "index_parallel", "inputSource": input_source, "inputFormat": {"type": "json"},
                         "appendToExisting": False},
            "tuningConfig": {"type": "index_parallel", "partitionsSpec": {"type": "dynamic"},
                             "maxRowsPerSegment": 5000000, "maxRowsInMemory": 25000},
        },
    }


def published(druid: Target, datasource: str = "wikipedia") -> dict[str, dict[str, Any]]:
    state = druid.admin("GET", "/state")
    return {s["interval"]: s for s in state["segments"] if s["dataSource"] == datasource and s["used"]}


def test_ingest_task_index_parallel_inline_publishes_a_segment_per_day(
    druid: Target, druidpy: Druid, tmp_path: Path
) -> None:
    spec = tmp_path / "wikipedia-index.json"
    data = "\n".join(json.dumps(r) for r in ROWS)
    spec.write_text(json.dumps(wikipedia_spec({"type": "inline", "data": data})))
    assert druidpy.ingest_task(druid.url, str(spec)) == "ingestion is successfull"
    segments = published(druid)
    assert sorted(segments) == ["2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z",
                                "2015-09-13T00:00:00.000Z/2015-09-14T00:00:00.000Z"]
    assert [s["shardSpec"]["type"] for s in segments.values()] == ["numbered", "numbered"]
    status, raw = druid.call("GET", "/druid/indexer/v1/tasks")
    (task,) = json.loads(raw)
    assert (status, task["type"], task["status"], task["dataSource"]) == (200, "index_parallel", "SUCCESS",
                                                                          "wikipedia")


def test_ingest_task_reads_the_tutorials_gzipped_local_file(druid: Target, druidpy: Druid, tmp_path: Path) -> None:
    # The tutorial's inputSource: {"type": "local", "baseDir": "quickstart/tutorial/",
    # "filter": "wikiticker-2015-09-12-sampled.json.gz"}; the fake reads the file on this machine, as Druid does.
    tutorial = tmp_path / "quickstart" / "tutorial"
    tutorial.mkdir(parents=True)
    (tutorial / "wikiticker-2015-09-12-sampled.json.gz").write_bytes(
        gzip.compress("".join(json.dumps(r) + "\n" for r in ROWS).encode()))
    source = {"type": "local", "baseDir": str(tutorial), "filter": "wikiticker-2015-09-12-sampled.json.gz"}
    spec = tmp_path / "wikipedia-index.json"
    spec.write_text(json.dumps(wikipedia_spec(source, intervals=["2015-09-12/2015-09-13"])))
    assert druidpy.ingest_task(druid.url, str(spec)) == "ingestion is successfull"
    # The third row is outside the spec's interval: thrown away, as in Druid.
    assert sorted(published(druid)) == ["2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"]
    (task,) = json.loads(druid.call("GET", "/druid/indexer/v1/tasks")[1])
    status, raw = druid.call("GET", f"/druid/indexer/v1/task/{task['id']}/reports")
    stats = json.loads(raw)["ingestionStatsAndErrors"]["payload"]["rowStats"]["buildSegments"]
    assert (status, stats["processed"], stats["thrownAway"]) == (200, 2, 1)


def test_ingest_task_with_a_missing_local_directory_returns_minus_one(
    druid: Target, druidpy: Druid, tmp_path: Path
) -> None:
    spec = tmp_path / "wikipedia-index.json"
    source = {"type": "local", "baseDir": str(tmp_path / "missing"), "filter": "*.json.gz"}
    spec.write_text(json.dumps(wikipedia_spec(source)))
    assert druidpy.ingest_task(druid.url, str(spec)) == -1
    (task,) = json.loads(druid.call("GET", "/druid/indexer/v1/tasks")[1])
    assert task["status"] == "FAILED" and "is not a directory" in task["errorMsg"]
    assert published(druid) == {}
