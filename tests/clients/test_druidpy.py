"""druidpy 1.0.5 (PyPI), unmodified, against the fake: the fixture's server and ``fakedruid serve``, both profiles.

druidpy hands back raw response bodies (``r.content``) for most calls, so these tests also see the fake's bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from druidpy import Druid

from fakedruid.profiles import resolve_profile
from tests.clients.conftest import Target

KILL_SPEC = {"type": "kill", "dataSource": "wiki", "interval": "2015-09-01/2015-10-01"}


def segment(interval: str, *, datasource: str = "wiki", used: bool = True) -> dict[str, Any]:
    return {"dataSource": datasource, "interval": interval, "version": "v1", "size": 100, "used": used}


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
