"""An ingestion pipeline for Druid: ingest a batch, replace one day with SQL-based ingestion, then mark the
replaced version unused and kill it.

1. ``ingest`` (``DruidOperator``, a native ``index_parallel`` task): inline rows for two days, one segment a day.
2. ``replace_day`` (``DruidOperator`` with ``IngestionType.MSQ``): ``REPLACE ... OVERWRITE WHERE`` the second day;
   the new version overshadows the old one, which stays used until someone marks it.
3. ``mark_replaced_unused`` (the Coordinator's ``markUnused`` with segment ids): every used segment of the day
   older than the day's newest version.
4. ``kill_replaced`` (``DruidOperator``, a ``kill`` task): deletes the day's unused segments for good.

Connections: ``druid_ingest_default`` (the Overlord and the Broker's SQL task endpoint; ``extra``
``{"endpoint": "druid/indexer/v1/task", "msq_endpoint": "druid/v2/sql/task"}``) and ``druid_coordinator``.
``tests/clients/test_readme_ingest_dag.py`` runs it with ``dag.test()`` against fakedruid; the README's "Testing an
ingestion DAG" section shows this file from the marker below, and that test (tests/examples checks both copies).
"""

# --- README snippet starts here ---
import json

import pendulum
import requests
from airflow.providers.apache.druid.hooks.druid import IngestionType
from airflow.providers.apache.druid.operators.druid import DruidOperator
from airflow.sdk import DAG, BaseHook, task

DATASOURCE = "pages"
DAY, NEXT_DAY = "2024-05-02", "2024-05-03"
ROWS = "\n".join(
    json.dumps(row)
    for row in (
        {"ts": "2024-05-01T10:00:00Z", "page": "Main"},
        {"ts": "2024-05-02T10:00:00Z", "page": "Talk"},
        {"ts": "2024-05-02T11:00:00Z", "page": "Main"},
    )
)
INGEST = {
    "type": "index_parallel",
    "spec": {
        "dataSchema": {
            "dataSource": DATASOURCE,
            "timestampSpec": {"column": "ts", "format": "iso"},
            "dimensionsSpec": {"dimensions": ["page"]},
            "granularitySpec": {"segmentGranularity": "DAY", "queryGranularity": "NONE"},
        },
        "ioConfig": {
            "type": "index_parallel",
            "inputSource": {"type": "inline", "data": ROWS},
            "inputFormat": {"type": "json"},
        },
        "tuningConfig": {"type": "index_parallel", "partitionsSpec": {"type": "dynamic"}},
    },
}
REPLACE = {
    "query": f"""
REPLACE INTO {DATASOURCE} OVERWRITE WHERE __time >= TIMESTAMP '{DAY}' AND __time < TIMESTAMP '{NEXT_DAY}'
SELECT TIME_PARSE(ts) AS __time, page
FROM TABLE(inline(data => '{{"ts": "{DAY}T12:00:00Z", "page": "Help"}}', format => 'json'))
EXTEND (ts VARCHAR, page VARCHAR)
PARTITIONED BY DAY
"""
}
KILL = {"type": "kill", "dataSource": DATASOURCE, "interval": f"{DAY}/{NEXT_DAY}"}

with DAG(
    dag_id="druid_ingest_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    ingest = DruidOperator(task_id="ingest", json_index_file=json.dumps(INGEST), timeout=1, max_ingestion_time=600)
    replace_day = DruidOperator(
        task_id="replace_day",
        json_index_file=json.dumps(REPLACE),
        ingestion_type=IngestionType.MSQ,
        timeout=1,
        max_ingestion_time=600,
    )

    @task
    def mark_replaced_unused() -> list[str]:
        """Mark the day's segments older than its newest version unused; their ids."""
        conn = BaseHook.get_connection("druid_coordinator")
        base = f"http://{conn.host}:{conn.port}/druid/coordinator/v1"
        listed = requests.get(f"{base}/metadata/datasources/{DATASOURCE}/segments?full", timeout=60)
        listed.raise_for_status()
        day = [s for s in listed.json() if s["interval"].startswith(f"{DAY}T")]
        newest = max(s["version"] for s in day)
        old = sorted(s["identifier"] for s in day if s["version"] < newest)
        marked = requests.post(
            f"{base}/datasources/{DATASOURCE}/markUnused", json={"segmentIds": old}, timeout=60
        )
        marked.raise_for_status()
        assert marked.json() == {"numChangedSegments": len(old)}, marked.text
        return old

    kill_replaced = DruidOperator(
        task_id="kill_replaced", json_index_file=json.dumps(KILL), timeout=1, max_ingestion_time=600
    )

    ingest >> replace_day >> mark_replaced_unused() >> kill_replaced
