"""The README's "Testing Airflow DAGs" example, verbatim below the marker (tests/examples checks the copy)."""

# --- README snippet starts here ---
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from airflow.models import DagBag

DAGS = Path(__file__).parent / "dags"


@pytest.fixture
def druid(fake_coordinator, monkeypatch):
    """fakedruid, with the Airflow connections the DAG uses pointing at it."""
    url = urlparse(fake_coordinator.url)
    conn = {"conn_type": "http", "host": url.hostname, "port": url.port}
    overlord = {**conn, "extra": {"endpoint": "druid/indexer/v1/task"}}
    monkeypatch.setenv("AIRFLOW_CONN_DRUID_INGEST_DEFAULT", json.dumps(overlord))
    monkeypatch.setenv("AIRFLOW_CONN_DRUID_COORDINATOR", json.dumps(conn))
    return fake_coordinator


@pytest.mark.usefixtures("airflow_db")
def test_retention_dag_deletes_segments_before_the_cutoff(druid):
    druid.add_segment("wiki", "2015-09-12/2015-09-13", "2015-09-20T00:00:00.000Z")  # before the DAG's cutoff
    kept = druid.add_segment("wiki", "2015-09-13/2015-09-14", "2015-09-20T00:00:00.000Z")

    dag = DagBag(dag_folder=DAGS).get_dag("druid_retention")
    run = dag.test()

    assert run.state == "success"
    assert druid.segment_ids("wiki") == {kept}  # `old` was marked unused, then killed
