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
from airflow.providers.apache.druid.hooks.druid import DruidHook
from airflow.providers.common.compat.sdk import AirflowException

from tests.clients.conftest import TIMEOUT, Target

DAGS = Path(__file__).parent / "dags"
KILL_SPEC = json.dumps({"type": "kill", "dataSource": "wiki", "interval": "2015-09-01/2015-10-01"})
STATUS_PATH_PREFIX = "/druid/indexer/v1/task/"


def segment(interval: str, *, used: bool = True) -> dict[str, Any]:
    return {"dataSource": "wiki", "interval": interval, "version": "v1", "size": 100, "used": used}


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
