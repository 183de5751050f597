"""The README's "Testing an ingestion DAG" example, verbatim below the marker (tests/examples checks the copy)."""

# --- README snippet starts here ---
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from airflow.models import DagBag

DAGS = Path(__file__).parent / "dags"


@pytest.fixture
def druid(fake_coordinator, monkeypatch):
    """fakedruid, with the connections of the pipeline (native and SQL-based ingestion, the Coordinator)."""
    url = urlparse(fake_coordinator.url)
    conn = {"conn_type": "http", "host": url.hostname, "port": url.port}
    endpoints = {"endpoint": "druid/indexer/v1/task", "msq_endpoint": "druid/v2/sql/task"}
    monkeypatch.setenv("AIRFLOW_CONN_DRUID_INGEST_DEFAULT", json.dumps({**conn, "extra": endpoints}))
    monkeypatch.setenv("AIRFLOW_CONN_DRUID_COORDINATOR", json.dumps(conn))
    return fake_coordinator


@pytest.mark.usefixtures("airflow_db")
def test_pipeline_replaces_a_day_and_kills_the_old_version(druid):
    dag = DagBag(dag_folder=DAGS).get_dag("druid_ingest_pipeline")
    run = dag.test()
    assert run.state == "success"

    # Left: one used segment a day; the replaced version of 2024-05-02 was marked unused, then killed.
    stored = [s for s in druid.export_state()["segments"] if s["dataSource"] == "pages"]
    segments = {s["interval"][:10]: s for s in stored}
    assert len(stored) == 2 and sorted(segments) == ["2024-05-01", "2024-05-02"]
    assert all(s["used"] for s in stored)
    assert druid.overshadowed_segment_ids("pages") == set()
    # The second day's segment is the REPLACE's: a newer version than the first day's native ingestion.
    assert segments["2024-05-02"]["version"] > segments["2024-05-01"]["version"]
    assert segments["2024-05-02"]["numRows"] == 1

    tasks = druid.client.get("/druid/indexer/v1/tasks").get_json()
    assert sorted((t["type"], t["status"]) for t in tasks) == [
        ("index_parallel", "SUCCESS"),
        ("kill", "SUCCESS"),
        ("query_controller", "SUCCESS"),
    ]
