"""Ingestion tasks over HTTP: native batch (``POST /druid/indexer/v1/task``) and SQL-based ingestion
(``POST /druid/v2/sql/task``), their life cycle in the task store (hold, release, failWith, shutdown), reports,
and ``FakeCoordinator.ingest``. The planner itself is tested in tests/unit/test_ingestion.py and test_msq.py."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator, ServerError
from fakedruid.errors import InvalidTask
from tests.support import NOW

INDEXER = "/druid/indexer/v1"
SQL_TASK = "/druid/v2/sql/task"
V_NOW = "2024-05-01T10:00:00.123Z"
ROWS = [
    {"time": "2024-04-01T10:00:00Z", "page": "Main", "added": 1},
    {"time": "2024-04-01T11:00:00Z", "page": "Talk", "added": 2},
    {"time": "2024-04-02T10:00:00Z", "page": "Main", "added": 3},
]


def inline(rows: list[dict[str, Any]] = ROWS) -> str:
    return "\n".join(json.dumps(r) for r in rows)


def native(*, task_type: str = "index_parallel", rows: list[dict[str, Any]] = ROWS, intervals: list[str] | None = None,
           drop: bool = False, append: bool = False, **extra: Any) -> dict[str, Any]:
    return {
        "type": task_type,
        **extra,
        "spec": {
            "dataSchema": {
                "dataSource": "pages",
                "timestampSpec": {"column": "time", "format": "iso"},
                "dimensionsSpec": {"dimensions": ["page"]},
                "metricsSpec": [{"type": "longSum", "name": "added", "fieldName": "added"}],
                "granularitySpec": {"segmentGranularity": "DAY", "queryGranularity": "HOUR",
                                    "intervals": intervals},
            },
            "ioConfig": {"type": task_type, "inputSource": {"type": "inline", "data": inline(rows)},
                         "inputFormat": {"type": "json"}, "appendToExisting": append, "dropExisting": drop},
            "tuningConfig": {"type": task_type, "partitionsSpec": {"type": "dynamic"}},
        },
    }


def sql(statement: str, **context: Any) -> dict[str, Any]:
    return {"query": statement, "context": context}


def extern(rows: list[dict[str, Any]] = ROWS) -> str:
    source = json.dumps({"type": "inline", "data": inline(rows)}).replace("'", "''")
    return (f"""TABLE(EXTERN('{source}', '{{"type":"json"}}')) EXTEND ("time" VARCHAR, page VARCHAR, """
            "added BIGINT)")


def status_of(client: FlaskClient, task_id: str) -> dict[str, Any]:
    resp = client.get(f"{INDEXER}/task/{task_id}/status")
    assert resp.status_code == 200
    return resp.get_json()["status"]  # type: ignore[no-any-return]


def segments(client: FlaskClient, datasource: str = "pages") -> list[dict[str, Any]]:
    resp = client.get(f"/druid/coordinator/v1/metadata/datasources/{datasource}/segments?full")
    return resp.get_json() if resp.status_code == 200 else []  # type: ignore[no-any-return]


@pytest.fixture(params=["29", "latest"])
def fake_any(request: pytest.FixtureRequest) -> Iterator[FakeCoordinator]:
    """A coordinator of each profile with the frozen clock of tests.support."""
    coordinator = FakeCoordinator(request.param, now=NOW)
    yield coordinator
    coordinator.check()


# ---------------------------------------------------------------------- native batch


def test_native_task_publishes_a_new_version_per_day(fake_any: FakeCoordinator) -> None:
    client = fake_any.client
    resp = client.post(f"{INDEXER}/task", json=native())
    assert resp.status_code == 200
    task_id = resp.get_json()["task"]
    assert re.fullmatch(rf"index_parallel_pages_[a-p]{{8}}_{re.escape(V_NOW)}", task_id)
    status = status_of(client, task_id)
    assert (status["status"], status["type"], status["dataSource"], status["errorMsg"]) == (
        "SUCCESS", "index_parallel", "pages", None)
    published = {s["interval"]: s for s in segments(client)}
    assert sorted(published) == ["2024-04-01T00:00:00.000Z/2024-04-02T00:00:00.000Z",
                                 "2024-04-02T00:00:00.000Z/2024-04-03T00:00:00.000Z"]
    first = published["2024-04-01T00:00:00.000Z/2024-04-02T00:00:00.000Z"]
    assert first["version"] == V_NOW
    assert first["shardSpec"] == {"type": "numbered", "partitionNum": 0, "partitions": 1}
    assert (first["dimensions"], first["metrics"], first["binaryVersion"]) == ("page", "added", 9)
    assert fake_any.segment_ids("pages") == {s["identifier"] for s in published.values()}


def test_native_task_payload_and_report(fake: FakeCoordinator, client: FlaskClient) -> None:
    task_id = client.post(f"{INDEXER}/task", json=native(rows=[*ROWS, {"time": "nope", "page": "x"}])).get_json()["task"]
    payload = client.get(f"{INDEXER}/task/{task_id}").get_json()
    assert payload["task"] == task_id
    assert payload["payload"]["id"] == task_id and payload["payload"]["groupId"] == task_id
    assert payload["payload"]["spec"]["dataSchema"]["dataSource"] == "pages"
    assert payload["payload"]["context"]["forceTimeChunkLock"] is True
    report = client.get(f"{INDEXER}/task/{task_id}/reports").get_json()["ingestionStatsAndErrors"]
    assert report["taskId"] == task_id
    assert report["payload"]["ingestionState"] == "COMPLETED"
    stats = report["payload"]["rowStats"]["buildSegments"]
    assert (stats["processed"], stats["unparseable"], stats["thrownAway"]) == (3, 1, 0)


def test_blank_json_lines_are_unparseable_rows(fake: FakeCoordinator, client: FlaskClient) -> None:
    # Measured on Druid 28.0.0: an empty and a whitespace-only line each count as an unparseable row; the final
    # newline adds no line.
    body = native()
    body["spec"]["ioConfig"]["inputSource"]["data"] = "\n\n   \n".join(
        json.dumps(r) for r in ROWS[:2]) + "\n"
    task_id = client.post(f"{INDEXER}/task", json=body).get_json()["task"]
    report = client.get(f"{INDEXER}/task/{task_id}/reports").get_json()["ingestionStatsAndErrors"]
    stats = report["payload"]["rowStats"]["buildSegments"]
    assert (stats["processed"], stats["unparseable"]) == (2, 2)


def test_native_task_with_id_and_taken_id(fake: FakeCoordinator, client: FlaskClient) -> None:
    assert client.post(f"{INDEXER}/task", json=native(id="load-1")).get_json() == {"task": "load-1"}
    resp = client.post(f"{INDEXER}/task", json=native(id="load-1"))
    assert resp.status_code == 400
    assert resp.get_json() == {"error": "Task[load-1] already exists!"}


def test_drop_existing_replaces_and_tombstones_empty_days(fake: FakeCoordinator, client: FlaskClient) -> None:
    old = fake.ingest("pages", [{"time": "2024-04-01T00:00:00Z", "page": "a"},
                                {"time": "2024-04-02T00:00:00Z", "page": "b"}], timestamp_column="time")
    fake.set_now("2024-05-02T00:00:00Z")
    resp = client.post(f"{INDEXER}/task", json=native(rows=ROWS[:1], intervals=["2024-04-01/2024-04-03"],
                                                      drop=True))
    assert resp.status_code == 200
    new = {(s["interval"][:10], s["shardSpec"]["type"], s["version"]) for s in segments(client)
           if s["identifier"] not in old.segment_ids}
    assert new == {("2024-04-01", "numbered", "2024-05-02T00:00:00.000Z"),
                   ("2024-04-02", "tombstone", "2024-05-02T00:00:00.000Z")}
    assert fake.overshadowed_segment_ids("pages") == set(old.segment_ids)


def test_append_continues_partitions(fake: FakeCoordinator, client: FlaskClient) -> None:
    client.post(f"{INDEXER}/task", json=native(rows=ROWS[:1]))
    client.post(f"{INDEXER}/task", json=native(rows=ROWS[:1], append=True))
    shards = sorted((s["version"], s["shardSpec"]["partitionNum"]) for s in segments(client))
    assert shards == [(V_NOW, 0), (V_NOW, 1)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["spec"]["ioConfig"].update(dropExisting=True, appendToExisting=True),
         "Cannot simultaneously replace and append to existing segments."),
        (lambda t: t["spec"]["ioConfig"].update(dropExisting=True),
         "GranularitySpec's intervals cannot be empty when using replace."),
        (lambda t: t["spec"]["tuningConfig"].update(partitionsSpec={"type": "hashed", "numShards": 2}),
         "DynamicPartitionsSpec must be used for best-effort rollup"),
    ],
)
def test_bad_native_spec_is_400_and_changes_nothing(fake_any: FakeCoordinator, change: Any, message: str) -> None:
    body = native()
    change(body)
    resp = fake_any.client.post(f"{INDEXER}/task", json=body)
    assert resp.status_code == 400
    assert message in resp.get_json()["error"]
    assert fake_any.segment_ids("pages") == set()
    assert fake_any.client.get(f"{INDEXER}/tasks").get_json() == []


def test_unsupported_input_source_is_501_naming_it(fake: FakeCoordinator, client: FlaskClient) -> None:
    body = native()
    body["spec"]["ioConfig"]["inputSource"] = {"type": "s3", "uris": ["s3://bucket/key.json"]}
    resp = client.post(f"{INDEXER}/task", json=body)
    assert resp.status_code == 501
    assert "inputSource type [s3]" in resp.get_data(as_text=True)
    with pytest.raises(ServerError, match=r"inputSource type \[s3\]"):
        fake.check()


def test_local_input_source(fake: FakeCoordinator, client: FlaskClient, tmp_path: Any) -> None:
    (tmp_path / "part-1.json").write_text(inline())
    body = native()
    body["spec"]["ioConfig"]["inputSource"] = {"type": "local", "baseDir": str(tmp_path), "filter": "*.json"}
    task_id = client.post(f"{INDEXER}/task", json=body).get_json()["task"]
    assert status_of(client, task_id)["status"] == "SUCCESS"
    assert len(segments(client)) == 2


def test_transform_spec_filter_throws_rows_away(fake: FakeCoordinator, client: FlaskClient) -> None:
    body = native()
    body["spec"]["dataSchema"]["transformSpec"] = {"filter": {"type": "and", "fields": [
        {"type": "in", "dimension": "page", "values": ["Main", "Help"]},
        {"type": "not", "field": {"type": "bound", "dimension": "added", "lower": "3", "ordering": "numeric"}},
    ]}}
    task_id = client.post(f"{INDEXER}/task", json=body).get_json()["task"]
    assert status_of(client, task_id)["status"] == "SUCCESS"
    # Only the first row is kept: Talk is not in the list, and the second Main row has added >= 3.
    (only,) = segments(client)
    assert (only["interval"], only["size"] > 0) == ("2024-04-01T00:00:00.000Z/2024-04-02T00:00:00.000Z", True)
    report = client.get(f"{INDEXER}/task/{task_id}/reports").get_json()["ingestionStatsAndErrors"]
    stats = report["payload"]["rowStats"]["buildSegments"]
    assert (stats["processed"], stats["thrownAway"]) == (1, 2)


def test_transform_spec_other_filter_type_is_501_naming_it(fake: FakeCoordinator, client: FlaskClient) -> None:
    body = native()
    body["spec"]["dataSchema"]["transformSpec"] = {"filter": {"type": "like", "dimension": "page", "pattern": "M%"}}
    resp = client.post(f"{INDEXER}/task", json=body)
    assert resp.status_code == 501
    assert "filter type [like]" in resp.get_data(as_text=True)
    assert client.get(f"{INDEXER}/tasks").get_json() == [] and segments(client) == []
    with pytest.raises(ServerError, match=r"filter type \[like\]"):
        fake.check()


def test_transform_spec_transforms_are_501(fake: FakeCoordinator, client: FlaskClient) -> None:
    body = native()
    body["spec"]["dataSchema"]["transformSpec"] = {
        "transforms": [{"type": "expression", "name": "p", "expression": "upper(page)"}]}
    resp = client.post(f"{INDEXER}/task", json=body)
    assert resp.status_code == 501 and "transformSpec.transforms" in resp.get_data(as_text=True)
    with pytest.raises(ServerError, match=r"transformSpec\.transforms"):
        fake.check()


def test_gzipped_local_file_as_in_the_wikipedia_tutorial(fake: FakeCoordinator, client: FlaskClient,
                                                         tmp_path: Any) -> None:
    # The tutorial reads quickstart/tutorial/wikiticker-2015-09-12-sampled.json.gz with a local input source.
    (tmp_path / "wikiticker-sampled.json.gz").write_bytes(gzip.compress(inline().encode()))
    body = native()
    body["spec"]["ioConfig"]["inputSource"] = {"type": "local", "baseDir": str(tmp_path),
                                               "filter": "wikiticker-sampled.json.gz"}
    task_id = client.post(f"{INDEXER}/task", json=body).get_json()["task"]
    assert status_of(client, task_id)["status"] == "SUCCESS"
    assert len(segments(client)) == 2


# ---------------------------------------------------------------------- the task store's controls


def test_held_task_runs_on_release(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.hold_tasks = True
    task_id = client.post(f"{INDEXER}/task", json=native()).get_json()["task"]
    assert status_of(client, task_id)["status"] == "RUNNING"
    assert fake.segment_ids("pages") == set()
    running = client.get(f"{INDEXER}/task/{task_id}/reports").get_json()
    assert running["ingestionStatsAndErrors"]["payload"]["ingestionState"] == "NOT_STARTED"
    assert [t["id"] for t in client.get(f"{INDEXER}/runningTasks").get_json()] == [task_id]
    assert fake.release_tasks() == [task_id]
    assert status_of(client, task_id)["status"] == "SUCCESS"
    assert len(fake.segment_ids("pages")) == 2


def test_fail_with_fails_the_task_and_publishes_nothing(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.cluster.tasks.fail_with = "boom"
    task_id = client.post(f"{INDEXER}/task", json=native()).get_json()["task"]
    status = status_of(client, task_id)
    assert (status["status"], status["errorMsg"]) == ("FAILED", "boom")
    assert fake.segment_ids("pages") == set()


def test_shutdown_of_a_held_task_publishes_nothing(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.hold_tasks = True
    task_id = client.post(f"{INDEXER}/task", json=native()).get_json()["task"]
    assert client.post(f"{INDEXER}/task/{task_id}/shutdown").get_json() == {"task": task_id}
    status = status_of(client, task_id)
    assert (status["status"], status["errorMsg"]) == ("FAILED", "Shutdown request from user")
    assert fake.release_tasks() == []
    assert fake.segment_ids("pages") == set()


def test_task_that_fails_while_running_reports_why(fake: FakeCoordinator, client: FlaskClient) -> None:
    body = native(rows=[{"time": "nope", "page": "x"}])
    body["spec"]["tuningConfig"]["maxParseExceptions"] = 0
    task_id = client.post(f"{INDEXER}/task", json=body).get_json()["task"]
    status = status_of(client, task_id)
    # ParseExceptionHandler's RE, as Throwables.getStackTraceAsString writes it (Druid's stack frames left out).
    error = "org.apache.druid.java.util.common.RE: Max parse exceptions[0] exceeded"
    assert (status["status"], status["errorMsg"]) == ("FAILED", error)
    report = client.get(f"{INDEXER}/task/{task_id}/reports").get_json()["ingestionStatsAndErrors"]["payload"]
    assert report["errorMsg"] == error
    # Without intervals the determine-partitions scan reads the rows first, and fails there.
    assert report["ingestionState"] == "DETERMINE_PARTITIONS"
    assert report["rowStats"]["determinePartitions"]["unparseable"] == 1


def test_task_lists_and_type_filter(fake: FakeCoordinator, client: FlaskClient) -> None:
    native_id = client.post(f"{INDEXER}/task", json=native()).get_json()["task"]
    sql_id = client.post(SQL_TASK, json=sql(f'INSERT INTO pages SELECT TIME_PARSE("time") AS __time, page FROM '
                                            f"{extern()} PARTITIONED BY DAY")).get_json()["taskId"]
    listed = client.get(f"{INDEXER}/tasks?state=complete").get_json()
    assert {t["id"]: t["type"] for t in listed} == {native_id: "index_parallel", sql_id: "query_controller"}
    assert [t["id"] for t in client.get(f"{INDEXER}/tasks?type=query_controller").get_json()] == [sql_id]


def test_reports_of_unknown_and_kill_tasks(fake: FakeCoordinator, client: FlaskClient) -> None:
    assert client.get(f"{INDEXER}/task/nope/reports").status_code == 404
    kill = client.post(f"{INDEXER}/task", json={"type": "kill", "dataSource": "pages",
                                                "interval": "2024/2025"}).get_json()["task"]
    # A kill task's report is its KillTaskReport (tests/api/test_leader_status_reports.py pins its shape).
    report = client.get(f"{INDEXER}/task/{kill}/reports")
    assert report.status_code == 200 and list(report.get_json()) == ["killUnusedSegments"]
    fake.check()


# ---------------------------------------------------------------------- SQL-based ingestion


def test_sql_insert_answers_202_with_the_task_id(fake_any: FakeCoordinator) -> None:
    client = fake_any.client
    resp = client.post(SQL_TASK, json=sql(f'INSERT INTO pages SELECT TIME_PARSE("time") AS __time, page, added '
                                          f"FROM {extern()} PARTITIONED BY DAY", sqlQueryId="q1"))
    assert resp.status_code == 202
    assert resp.get_json() == {"taskId": "query-q1", "state": "RUNNING"}
    status = status_of(client, "query-q1")
    assert (status["status"], status["type"], status["dataSource"]) == ("SUCCESS", "query_controller", "pages")
    shards = sorted((s["interval"][:10], s["shardSpec"]["partitionNum"], s["shardSpec"]["partitions"])
                    for s in segments(client))
    assert shards == [("2024-04-01", 0, 0), ("2024-04-02", 0, 0)]
    report = client.get(f"{INDEXER}/task/query-q1/reports").get_json()["multiStageQuery"]
    assert report["payload"]["status"]["status"] == "SUCCESS"


def test_sql_replace_overwrites_a_day_and_tombstones_what_it_drops(fake: FakeCoordinator, client: FlaskClient) -> None:
    old = fake.ingest("pages", ROWS, timestamp_column="time")
    fake.set_now("2024-05-02T00:00:00Z")
    statement = ("REPLACE INTO pages OVERWRITE WHERE __time >= TIMESTAMP '2024-04-01' AND __time < TIMESTAMP "
                 f"'2024-04-03' SELECT TIME_PARSE(\"time\") AS __time, page FROM {extern()} WHERE page = 'Talk' "
                 "PARTITIONED BY DAY CLUSTERED BY page")
    task_id = client.post(SQL_TASK, json=sql(statement)).get_json()["taskId"]
    assert status_of(client, task_id)["status"] == "SUCCESS"
    new = {(s["interval"][:10], s["shardSpec"]["type"]) for s in segments(client)
           if s["identifier"] not in old.segment_ids}
    assert new == {("2024-04-01", "range"), ("2024-04-02", "tombstone")}
    assert fake.overshadowed_segment_ids("pages") == set(old.segment_ids)


def test_sql_rejected_statement_is_400_sql_task_status(fake_any: FakeCoordinator) -> None:
    resp = fake_any.client.post(SQL_TASK, json=sql("INSERT INTO pages SELECT 1", sqlQueryId="q2"))
    assert resp.status_code == 400
    assert resp.get_json() == {
        "taskId": "q2",
        "state": "FAILED",
        "error": {
            "error": "druidException",
            "errorCode": "invalidInput",
            "persona": "USER",
            "category": "INVALID_INPUT",
            "errorMessage": "Operation [INSERT] requires a PARTITIONED BY to be explicitly defined, but none was "
                            "found.",
            "context": {"sourceType": "sql"},
        },
    }
    assert fake_any.client.get(f"{INDEXER}/tasks").get_json() == []


def test_sql_unsupported_construct_is_501_naming_it(fake: FakeCoordinator, client: FlaskClient) -> None:
    resp = client.post(SQL_TASK, json=sql(f'INSERT INTO pages SELECT TIME_PARSE("time") AS __time, page FROM '
                                          f"{extern()} GROUP BY 1, 2 PARTITIONED BY DAY"))
    assert resp.status_code == 501
    assert "GROUP BY" in resp.get_data(as_text=True)
    with pytest.raises(ServerError, match="GROUP BY"):
        fake.check()


def test_sql_null_time_fails_the_task(fake: FakeCoordinator, client: FlaskClient) -> None:
    task_id = client.post(SQL_TASK, json=sql(f"INSERT INTO pages SELECT TIME_PARSE(page) AS __time, page FROM "
                                             f"{extern()} PARTITIONED BY DAY")).get_json()["taskId"]
    status = status_of(client, task_id)
    assert status["status"] == "FAILED" and status["errorMsg"].startswith("InsertTimeNull")
    assert fake.segment_ids("pages") == set()


def test_sql_task_enabled(client: FlaskClient) -> None:
    assert client.get(f"{SQL_TASK}/enabled").get_json() == {"enabled": True}


# ---------------------------------------------------------------------- FakeCoordinator.ingest


def test_ingest_returns_the_task_and_segment_ids(fake: FakeCoordinator, client: FlaskClient) -> None:
    result = fake.ingest("wiki", [{"timestamp": "2024-01-01T05:00:00Z", "page": "a"},
                                  {"timestamp": "2024-01-01T06:00:00Z", "page": "b"}], segment_granularity="HOUR")
    assert result.status == "SUCCESS"
    assert result.segment_ids == (
        f"wiki_2024-01-01T05:00:00.000Z_2024-01-01T06:00:00.000Z_{V_NOW}",
        f"wiki_2024-01-01T06:00:00.000Z_2024-01-01T07:00:00.000Z_{V_NOW}",
    )
    assert status_of(client, result.task_id)["type"] == "index_parallel"
    with pytest.raises(InvalidTask, match="intervals cannot be empty when using replace"):
        fake.ingest("wiki", [], drop_existing=True)


def test_ingest_twice_with_a_frozen_clock_overshadows(fake: FakeCoordinator) -> None:
    first = fake.ingest("wiki", [{"timestamp": "2024-01-01T05:00:00Z"}])
    second = fake.ingest("wiki", [{"timestamp": "2024-01-01T07:00:00Z"}])
    assert second.segment_ids[0].endswith("_2024-05-01T10:00:00.124Z")  # one ms after the version it replaces
    assert fake.overshadowed_segment_ids("wiki") == set(first.segment_ids)


def test_append_into_a_tombstone_only_day_fails_the_task_saying_the_fake_cannot(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    fake.ingest("pages", ROWS[:1], timestamp_column="time")
    fake.ingest("pages", [], timestamp_column="time", intervals=["2024-04-01/2024-04-02"], drop_existing=True)
    task_id = client.post(f"{INDEXER}/task", json=native(rows=ROWS[:1], append=True)).get_json()["task"]
    status = status_of(client, task_id)
    assert status["status"] == "FAILED"
    assert status["errorMsg"].startswith("fakedruid does not implement: appending into the tombstone-only")


def test_ingest_reads_datetimes_and_epoch_millis(fake: FakeCoordinator) -> None:
    import datetime

    rows = [{"timestamp": datetime.datetime(2024, 1, 1, 5, tzinfo=datetime.timezone.utc)},
            {"timestamp": 1704160800000},  # 2024-01-02T02:00Z
            {"timestamp": datetime.datetime(2024, 1, 3, 5)}]
    result = fake.ingest("wiki", rows)
    assert [sid.split("_")[1][:10] for sid in result.segment_ids] == ["2024-01-01", "2024-01-02", "2024-01-03"]
