"""Airflow 3 with apache-airflow-providers-apache-druid, unmodified, against the pytest fixture in both profiles:
``DruidHook`` (kill task, status polling, ``max_ingestion_time`` with a held task, a failed task), and the
retention DAG in ``dags/`` (``DruidOperator``) under ``dag.test()``.

The hook sleeps ``timeout`` (at least 1 s) between polls, so each hook test takes a second or two.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from airflow.providers.apache.druid.hooks.druid import DruidHook, IngestionType
from airflow.providers.apache.druid.operators.druid import DruidOperator
from airflow.providers.common.compat.sdk import AirflowException

from tests.clients.conftest import TIMEOUT, Target

DAGS = Path(__file__).parent / "dags"
KILL_SPEC = json.dumps({"type": "kill", "dataSource": "wiki", "interval": "2015-09-01/2015-10-01"})
STATUS_PATH_PREFIX = "/druid/indexer/v1/task/"


def segment(interval: str, *, used: bool = True) -> dict[str, Any]:
    return {"dataSource": "wiki", "interval": interval, "version": "2015-09-20T00:00:00.000Z", "size": 100, "used": used}


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` (bounded): the hook runs in another thread and we wait for it to reach a point."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def druid(fixture_druid: Target, monkeypatch: pytest.MonkeyPatch) -> Target:
    """The fake, with the Airflow connections the hook and the retention DAG use pointing at it."""
    url = urlparse(fixture_druid.url)
    base = {"conn_type": "http", "host": url.hostname, "port": url.port}
    monkeypatch.setenv(
        "AIRFLOW_CONN_DRUID_INGEST_DEFAULT", json.dumps({**base, "extra": {"endpoint": "druid/indexer/v1/task"}})
    )
    monkeypatch.setenv("AIRFLOW_CONN_DRUID_COORDINATOR", json.dumps(base))
    return fixture_druid


def only_task(druid: Target) -> dict[str, Any]:
    status, raw = druid.call("GET", "/druid/indexer/v1/tasks")
    tasks = json.loads(raw)
    assert status == 200 and len(tasks) == 1, tasks
    return dict(tasks[0])


def status_polls(druid: Target) -> int:
    return sum(
        1
        for r in druid.requests()
        if r["method"] == "GET" and r["path"].startswith(STATUS_PATH_PREFIX) and r["path"].endswith("/status")
    )


def test_hook_kill_task_deletes_unused_segments(druid: Target) -> None:
    druid.seed(segment("2015-09-12/2015-09-13", used=False))
    used = druid.seed(segment("2015-09-13/2015-09-14"))
    DruidHook().submit_indexing_job(KILL_SPEC)
    assert druid.segment_ids("wiki") == set(used)
    assert only_task(druid)["status"] == "SUCCESS"


def test_hook_polls_a_running_task_until_it_succeeds(druid: Target) -> None:
    unused = druid.seed(segment("2015-09-12/2015-09-13", used=False))
    druid.task_mode(hold=True)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            DruidHook().submit_indexing_job(KILL_SPEC)
        except BaseException as exc:  # re-raised in the test thread below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        wait_until(lambda: status_polls(druid) >= 2, "the hook to poll the running task twice")
        assert druid.segment_ids("wiki") == set(unused)  # held: nothing deleted yet
        assert druid.release() == [only_task(druid)["id"]]
    finally:
        thread.join(TIMEOUT)
    assert not thread.is_alive() and errors == []
    assert druid.segment_ids("wiki") == set()


def test_hook_max_ingestion_time_shuts_the_task_down(druid: Target) -> None:
    unused = druid.seed(segment("2015-09-12/2015-09-13", used=False))
    druid.task_mode(hold=True)
    with pytest.raises(AirflowException, match=r"Druid ingestion took more than 1 seconds"):
        DruidHook(max_ingestion_time=1).submit_indexing_job(KILL_SPEC)
    task = only_task(druid)
    assert (task["status"], task["errorMsg"]) == ("FAILED", "Shutdown request from user")
    assert any(
        r["method"] == "POST" and r["path"] == f"{STATUS_PATH_PREFIX}{task['id']}/shutdown" and r["status"] == 200
        for r in druid.requests()
    )
    assert druid.segment_ids("wiki") == set(unused)


def test_hook_failed_task_raises(druid: Target) -> None:
    unused = druid.seed(segment("2015-09-12/2015-09-13", used=False))
    druid.task_mode(fail_with="Simulated failure")
    with pytest.raises(AirflowException, match="Druid indexing job failed"):
        DruidHook().submit_indexing_job(KILL_SPEC)
    assert druid.segment_ids("wiki") == set(unused)


def test_hook_rejected_spec_raises_and_changes_nothing(druid: Target) -> None:
    unused = druid.seed(segment("2015-09-12/2015-09-13", used=False))
    with pytest.raises(AirflowException, match="Did not get 200 or 202"):
        DruidHook().submit_indexing_job(json.dumps({"type": "kill", "dataSource": "wiki"}))
    assert druid.segment_ids("wiki") == set(unused)


def load_retention_dag() -> Any:
    spec = importlib.util.spec_from_file_location("druid_retention", DAGS / "druid_retention.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


@pytest.mark.usefixtures("airflow_db")
def test_retention_dag_kills_segments_before_the_cutoff(druid: Target) -> None:
    old = druid.seed(segment("2015-09-11/2015-09-12"), segment("2015-09-12/2015-09-13"))
    kept = druid.seed(segment("2015-09-13/2015-09-14"))
    run = load_retention_dag().test()
    assert run.state == "success"
    assert druid.segment_ids("wiki") == set(kept)
    assert not set(old) & druid.segment_ids("wiki")
    task = only_task(druid)
    assert (task["status"], task["dataSource"]) == ("SUCCESS", "wiki")


@pytest.mark.usefixtures("airflow_db")
def test_retention_dag_fails_when_the_kill_task_fails(druid: Target) -> None:
    old = druid.seed(segment("2015-09-12/2015-09-13"))
    druid.task_mode(fail_with="Simulated failure")
    run = load_retention_dag().test()
    assert run.state == "failed"
    # The mark-unused step ran; the kill deleted nothing.
    assert druid.segment_ids("wiki", used=False) == set(old)


# ---------------------------------------------------------------- ingestion: DruidOperator, native and MSQ

ROWS = '{"ts": "2024-05-01T10:00:00Z", "page": "Main"}\n{"ts": "2024-05-02T10:00:00Z", "page": "Talk"}'
NATIVE_SPEC = {
    "type": "index_parallel",
    "spec": {
        "dataSchema": {
            "dataSource": "pages",
            "timestampSpec": {"column": "ts", "format": "iso"},
            "dimensionsSpec": {"dimensions": ["page"]},
            "granularitySpec": {"segmentGranularity": "DAY", "queryGranularity": "NONE"},
        },
        "ioConfig": {"type": "index_parallel", "inputSource": {"type": "inline", "data": ROWS},
                     "inputFormat": {"type": "json"}},
        "tuningConfig": {"type": "index_parallel", "partitionsSpec": {"type": "dynamic"}},
    },
}
MSQ_REPLACE = {"query": """
REPLACE INTO pages OVERWRITE WHERE __time >= TIMESTAMP '2024-05-02' AND __time < TIMESTAMP '2024-05-03'
SELECT TIME_PARSE(ts) AS __time, page
FROM TABLE(EXTERN('{"type": "inline", "data": "{\\"ts\\": \\"2024-05-02T12:00:00Z\\", \\"page\\": \\"Help\\"}"}',
                  '{"type": "json"}'))
EXTEND (ts VARCHAR, page VARCHAR)
PARTITIONED BY DAY
"""}
DAY_1 = "2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z"
DAY_2 = "2024-05-02T00:00:00.000Z/2024-05-03T00:00:00.000Z"


def ingest_connection(monkeypatch: pytest.MonkeyPatch, fake: Any, *, login: str | None = None,
                      password: str | None = None) -> None:
    """``druid_ingest_default`` for both ingestion types: ``endpoint`` (native) and ``msq_endpoint`` (SQL)."""
    url = urlparse(fake.url)
    conn: dict[str, Any] = {"conn_type": "http", "host": url.hostname, "port": url.port, "extra": {
        "endpoint": "druid/indexer/v1/task", "msq_endpoint": "druid/v2/sql/task"}}
    if login is not None:
        conn.update(login=login, password=password)
    monkeypatch.setenv("AIRFLOW_CONN_DRUID_INGEST_DEFAULT", json.dumps(conn))


def used_by_interval(fake: Any, datasource: str = "pages") -> dict[str, set[str]]:
    """Interval -> versions of the datasource's used segments, from the fake's Python API."""
    out: dict[str, set[str]] = {}
    for segment in fake.export_state()["segments"]:
        if segment["dataSource"] == datasource and segment["used"]:
            out.setdefault(segment["interval"], set()).add(segment["version"])
    return out


def run_operator(spec: dict[str, Any], ingestion_type: IngestionType) -> None:
    """The operator as a task runs it: ``execute`` submits, then polls every second until the task ends."""
    DruidOperator(task_id="ingest", json_index_file=json.dumps(spec), ingestion_type=ingestion_type).execute({})


@pytest.mark.parametrize("profile", ["29", "latest"])
def test_operator_native_then_msq_replace(fake_coordinator: Any, monkeypatch: pytest.MonkeyPatch,
                                          profile: str) -> None:
    fake_coordinator.configure(druid_version=profile)
    ingest_connection(monkeypatch, fake_coordinator)
    run_operator(NATIVE_SPEC, IngestionType.BATCH)
    first = used_by_interval(fake_coordinator)
    assert sorted(first) == [DAY_1, DAY_2]
    run_operator(MSQ_REPLACE, IngestionType.MSQ)
    after = used_by_interval(fake_coordinator)
    assert after[DAY_1] == first[DAY_1]
    assert len(after[DAY_2]) == 2 and first[DAY_2] < after[DAY_2]  # a newer version on top of the first
    (old,) = fake_coordinator.overshadowed_segment_ids("pages")
    assert old.startswith("pages_2024-05-02T00:00:00.000Z_2024-05-03T00:00:00.000Z_" + next(iter(first[DAY_2])))
    types = sorted(t["type"] for t in json.loads(fake_coordinator.client.get("/druid/indexer/v1/tasks").data))
    assert types == ["index_parallel", "query_controller"]
    # The hook polled the MSQ task on the Overlord's status endpoint (its default status_endpoint).
    assert any(r.method == "GET" and r.path.startswith("/druid/indexer/v1/task/query-") and r.path.endswith(
        "/status") for r in fake_coordinator.requests)


def provision(fake: Any, user: str, password: str, *grants: tuple[str, str, str]) -> None:
    """A user with one role holding ``grants`` (type, name pattern, action), through Druid's own management API
    as the admin, the way provisioning code does it."""
    import requests

    base = f"{fake.url}/druid-ext/basic-security"
    admin = ("admin", "priest")
    for path in (f"authentication/db/basic/users/{user}", f"authorization/db/basic/users/{user}",
                 f"authorization/db/basic/roles/{user}_role", f"authorization/db/basic/users/{user}/roles/{user}_role"):
        assert requests.post(f"{base}/{path}", auth=admin, timeout=TIMEOUT).status_code == 200, path
    assert requests.post(f"{base}/authentication/db/basic/users/{user}/credentials", json={"password": password},
                         auth=admin, timeout=TIMEOUT).status_code == 200
    perms = [{"resource": {"type": t, "name": n}, "action": a} for t, n, a in grants]
    assert requests.post(f"{base}/authorization/db/basic/roles/{user}_role/permissions", json=perms, auth=admin,
                         timeout=TIMEOUT).status_code == 200


INGESTER = (("DATASOURCE", "pages", "READ"), ("DATASOURCE", "pages", "WRITE"), ("EXTERNAL", "EXTERNAL", "READ"))


def test_operator_with_basic_security_uses_the_connections_credentials(
    fake_coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_coordinator.configure(basic_security=True, admin_password="priest")
    provision(fake_coordinator, "airflow", "s3cret", *INGESTER)
    ingest_connection(monkeypatch, fake_coordinator, login="airflow", password="s3cret")
    run_operator(NATIVE_SPEC, IngestionType.BATCH)
    run_operator(MSQ_REPLACE, IngestionType.MSQ)
    assert len(fake_coordinator.overshadowed_segment_ids("pages")) == 1
    posts = [r for r in fake_coordinator.requests if r.method == "POST" and r.path.startswith("/druid/")
             and "basic-security" not in r.path]
    assert [(r.path, r.status) for r in posts] == [("/druid/indexer/v1/task", 200), ("/druid/v2/sql/task", 202)]


def test_operator_msq_without_external_read_is_refused_and_changes_nothing(
    fake_coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_coordinator.configure(basic_security=True, admin_password="priest")
    provision(fake_coordinator, "airflow", "s3cret", *INGESTER[:2])
    ingest_connection(monkeypatch, fake_coordinator, login="airflow", password="s3cret")
    run_operator(NATIVE_SPEC, IngestionType.BATCH)  # native ingestion needs WRITE on the datasource only
    before = used_by_interval(fake_coordinator)
    with pytest.raises(AirflowException, match="Did not get 200 or 202"):
        run_operator(MSQ_REPLACE, IngestionType.MSQ)
    refused = [r for r in fake_coordinator.requests if r.path == "/druid/v2/sql/task"]
    assert [r.status for r in refused] == [403]  # the SqlTaskStatus body is checked in tests/api
    assert used_by_interval(fake_coordinator) == before


def test_operator_with_a_wrong_password_gets_401(fake_coordinator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_coordinator.configure(basic_security=True, admin_password="priest")
    provision(fake_coordinator, "airflow", "s3cret", *INGESTER)
    ingest_connection(monkeypatch, fake_coordinator, login="airflow", password="wrong")
    with pytest.raises(AirflowException, match="Did not get 200 or 202"):
        run_operator(NATIVE_SPEC, IngestionType.BATCH)
    assert [r.status for r in fake_coordinator.requests if r.path == "/druid/indexer/v1/task"] == [401]
    assert used_by_interval(fake_coordinator) == {}
