"""A retention DAG for Druid: mark the segments older than a cutoff unused on the Coordinator, then delete them
for good with a kill task on the Overlord (``DruidOperator``).

Connections: ``druid_coordinator`` (HTTP, the Coordinator) and ``druid_ingest_default`` (the Overlord; ``extra``
``{"endpoint": "druid/indexer/v1/task"}``). ``tests/clients/test_airflow.py`` runs it with ``dag.test()``
against fakedruid; the README's "Testing Airflow DAGs" section is built from that test.
"""

from __future__ import annotations

import pendulum
import requests
from airflow.providers.apache.druid.operators.druid import DruidOperator
from airflow.sdk import DAG, BaseHook, task

with DAG(
    dag_id="druid_retention",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    params={"datasource": "wiki", "cutoff": "2015-09-13"},
) as dag:

    @task
    def mark_unused(params: dict[str, str] | None = None) -> int:
        """Mark every used segment that ends before the cutoff unused; the number changed."""
        assert params is not None  # Airflow passes the DAG's params by this argument's name
        conn = BaseHook.get_connection("druid_coordinator")
        response = requests.post(
            f"http://{conn.host}:{conn.port}/druid/coordinator/v1/datasources/{params['datasource']}/markUnused",
            json={"interval": f"1000-01-01/{params['cutoff']}"},
            headers={"Accept": "application/json"},
            timeout=60,
        )
        response.raise_for_status()
        # Druid answers 204 (no body) when no data server serves the datasource: nothing to mark.
        return 0 if response.status_code == 204 else int(response.json()["numChangedSegments"])

    kill = DruidOperator(
        task_id="kill_unused",
        json_index_file="kill_unused.json",
        timeout=1,
        max_ingestion_time=600,
    )

    mark_unused() >> kill
