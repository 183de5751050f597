"""SQL-based ingestion: the INSERT/REPLACE translation (fakedruid.msq) and MSQ publishing (plan_msq).

Expected segments follow MSQ's ``ControllerImpl`` and ``TombstoneHelper`` and the shapes asserted by Druid's
``MSQInsertTest`` / ``MSQReplaceTest`` (numbered 0 of 0 for INSERT into a new chunk, numbered n of N or range
shard specs for REPLACE, tombstones only where dropped time chunks hold used data).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from fakedruid.errors import NotImplementedByFake
from fakedruid.model.ingestion import IngestionPlan, plan_msq, read_input
from fakedruid.model.intervals import ETERNITY, parse_interval
from fakedruid.model.segments import DataSegment
from fakedruid.msq import (
    InvalidSqlInput,
    MsqRowError,
    SqlParseError,
    split_statement,
    translate,
)

ROWS = [
    {"timestamp": "2020-01-01T01:00:00Z", "page": "b", "added": 1},
    {"timestamp": "2020-01-01T02:00:00Z", "page": "a", "added": 2},
    {"timestamp": "2020-01-02T02:00:00Z", "page": "c", "added": 3},
]


def extern(rows: list[dict[str, Any]] = ROWS, *, extend: bool = False) -> str:
    data = "\n".join(json.dumps(r) for r in rows)
    source = json.dumps({"type": "inline", "data": data}).replace("'", "''")
    if extend:
        return f"""TABLE(EXTERN('{source}', '{{"type":"json"}}')) EXTEND ("timestamp" VARCHAR, page VARCHAR,
            added BIGINT)"""
    signature = json.dumps([{"name": "timestamp", "type": "string"}, {"name": "page", "type": "string"},
                            {"name": "added", "type": "long"}])
    return f"""TABLE(EXTERN('{source}', '{{"type":"json"}}', '{signature}'))"""


def run(sql: str, existing: list[DataSegment] | None = None, version: str = "v1",
        context: dict[str, Any] | None = None) -> IngestionPlan:
    statement = translate(sql, context)
    statement.evaluate(read_input(statement.spec))
    return plan_msq(statement.spec, statement.rows, existing or [], version)


INSERT = f'INSERT INTO wiki SELECT TIME_PARSE("timestamp") AS __time, page, added FROM {extern()} PARTITIONED BY DAY'


def test_insert_into_new_chunks_allocates_numbered_zero_of_zero() -> None:
    plan = run(INSERT)
    assert plan.error is None
    assert [(str(s.interval), s.version, s.shard_spec.json, s.num_rows) for s in plan.segments] == [
        ("2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z", "v1", {"type": "numbered", "partitionNum": 0,
                                                                      "partitions": 0}, 2),
        ("2020-01-02T00:00:00.000Z/2020-01-03T00:00:00.000Z", "v1", {"type": "numbered", "partitionNum": 0,
                                                                      "partitions": 0}, 1),
    ]
    assert plan.segments[0].dimensions == ("page", "added")
    assert plan.tombstones == []


def test_insert_appends_to_the_visible_version() -> None:
    first = run(INSERT)
    second = run(INSERT, first.segments, version="v2")
    assert [(s.version, s.shard_spec.partition_num) for s in second.segments] == [("v1", 1), ("v1", 1)]


def test_insert_into_a_coarser_chunk_cannot_allocate() -> None:
    month = run(INSERT.replace("PARTITIONED BY DAY", "PARTITIONED BY MONTH"))
    plan = run(INSERT, month.segments, version="v2")
    assert plan.error is not None and plan.error.startswith("InsertCannotAllocateSegment")


def test_rows_per_segment_splits_a_chunk() -> None:
    plan = run(INSERT, context={"rowsPerSegment": 1})
    assert [s.shard_spec.partition_num for s in plan.segments] == [0, 1, 0]


def test_replace_overwrite_where_writes_the_lock_version_and_tombstones_for_dropped_used_chunks() -> None:
    first = run(INSERT)
    sql = (f"REPLACE INTO wiki OVERWRITE WHERE __time >= TIMESTAMP '2020-01-01' AND __time < TIMESTAMP '2020-01-04' "
           f"SELECT TIME_PARSE(\"timestamp\") AS __time, page FROM {extern(extend=True)} WHERE page = 'a' "
           "PARTITIONED BY DAY")
    plan = run(sql, first.segments, version="v2")
    assert [(str(s.interval), s.version, s.shard_spec.json) for s in plan.segments] == [
        ("2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z", "v2", {"type": "numbered", "partitionNum": 0,
                                                                      "partitions": 1})
    ]
    # 2020-01-02 held data: a tombstone; 2020-01-03 held none: nothing.
    assert [(str(t.interval), t.version, t.shard_spec.type) for t in plan.tombstones] == [
        ("2020-01-02T00:00:00.000Z/2020-01-03T00:00:00.000Z", "v2", "tombstone")
    ]


def test_replace_clustered_by_a_string_column_writes_range_shard_specs() -> None:
    sql = (f"REPLACE INTO wiki OVERWRITE ALL SELECT TIME_PARSE(\"timestamp\") AS __time, page, added "
           f"FROM {extern()} PARTITIONED BY ALL CLUSTERED BY page")
    plan = run(sql, context={"rowsPerSegment": 2})
    assert [s.shard_spec.json for s in plan.segments] == [
        {"type": "range", "dimensions": ["page"], "start": None, "end": ["c"], "partitionNum": 0,
         "numCorePartitions": 2},
        {"type": "range", "dimensions": ["page"], "start": ["c"], "end": None, "partitionNum": 1,
         "numCorePartitions": 2},
    ]
    assert plan.segments[0].interval == ETERNITY
    assert plan.segments[0].dimensions == ("page", "added")


def test_replace_clustered_by_a_long_column_falls_back_to_numbered() -> None:
    sql = (f"REPLACE INTO wiki OVERWRITE ALL SELECT TIME_PARSE(\"timestamp\") AS __time, page, added "
           f"FROM {extern()} PARTITIONED BY DAY CLUSTERED BY added")
    assert {s.shard_spec.type for s in run(sql).segments} == {"numbered"}


def test_replace_all_with_no_rows_and_no_data_drops_intervals() -> None:
    sql = (f"REPLACE INTO wiki OVERWRITE ALL SELECT TIME_PARSE(\"timestamp\") AS __time, page FROM {extern()} "
           "WHERE page = 'zzz' PARTITIONED BY DAY")
    plan = run(sql)
    assert plan.segments == [] and plan.tombstones == [] and plan.drop_intervals == [ETERNITY]
    first = run(INSERT)
    again = run(sql, first.segments, version="v2")
    assert [str(t.interval) for t in again.tombstones] == [
        "2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z", "2020-01-02T00:00:00.000Z/2020-01-03T00:00:00.000Z"]


def test_replace_rows_outside_the_overwrite_range_fail_the_task() -> None:
    sql = (f"REPLACE INTO wiki OVERWRITE WHERE __time >= TIMESTAMP '2020-01-01' AND __time < TIMESTAMP '2020-01-02' "
           f"SELECT TIME_PARSE(\"timestamp\") AS __time, page FROM {extern()} PARTITIONED BY DAY")
    plan = run(sql)
    assert plan.error is not None and plan.error.startswith("InsertTimeOutOfBounds")
    assert plan.segments == []


def test_where_limit_and_time_functions() -> None:
    sql = (f"INSERT INTO wiki SELECT TIME_FLOOR(MILLIS_TO_TIMESTAMP(added * 0 + 86400000), 'P1D') AS __time, page "
           f"FROM {extern()} PARTITIONED BY DAY")
    with pytest.raises(NotImplementedByFake, match="expression"):
        translate(sql)
    sql = (f"INSERT INTO wiki SELECT TIME_PARSE(\"timestamp\") AS __time, page FROM {extern()} "
           "WHERE TIME_PARSE(\"timestamp\") >= TIMESTAMP '2020-01-01 02:00:00' AND page IN ('a', 'c') LIMIT 1 "
           "PARTITIONED BY HOUR")
    plan = run(sql)
    assert [str(s.interval) for s in plan.segments] == ["2020-01-01T02:00:00.000Z/2020-01-01T03:00:00.000Z"]


def test_null_time_fails_the_running_task() -> None:
    statement = translate(f'INSERT INTO wiki SELECT TIME_PARSE(page) AS __time, page FROM {extern()} '
                          "PARTITIONED BY DAY")
    with pytest.raises(MsqRowError, match="InsertTimeNull"):
        statement.evaluate(read_input(statement.spec))


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("REPLACE INTO x SELECT 1 PARTITIONED BY DAY", "Missing time chunk information in OVERWRITE clause"),
        ("INSERT INTO x SELECT 1", "Operation [INSERT] requires a PARTITIONED BY to be explicitly defined"),
        ("REPLACE INTO x OVERWRITE ALL SELECT 1", "Operation [REPLACE] requires a PARTITIONED BY"),
        (("REPLACE INTO x OVERWRITE WHERE __time >= TIMESTAMP '2000-01-05 00:00:00' AND __time <= TIMESTAMP "
         "'2000-01-06 00:00:00' SELECT 1 PARTITIONED BY MONTH"),
         ("OVERWRITE WHERE clause identified interval [2000-01-05T00:00:00.000Z/2000-01-06T00:00:00.001Z] which is "
         "not aligned with PARTITIONED BY granularity [{type=period, period=P1M, timeZone=UTC, origin=null}]")),
        ("REPLACE INTO x OVERWRITE WHERE dim1 = 'a' SELECT 1 PARTITIONED BY DAY",
         "OVERWRITE WHERE clause only supports filtering on the __time column"),
        ("INSERT INTO x SELECT 1 PARTITIONED BY 'nope'", "Invalid granularity['nope'] specified after PARTITIONED BY"),
        ("SELECT 1", "unless the query is an INSERT or REPLACE"),
    ],
)
def test_statements_druid_rejects(sql: str, message: str) -> None:
    with pytest.raises(InvalidSqlInput) as info:
        translate(sql)
    assert message in info.value.message


def test_order_by_is_rejected_in_favour_of_clustered_by() -> None:
    with pytest.raises(InvalidSqlInput, match="use CLUSTERED BY instead"):
        translate(f"INSERT INTO x SELECT TIME_PARSE(\"timestamp\") AS __time FROM {extern()} ORDER BY page "
                  "PARTITIONED BY DAY")


@pytest.mark.parametrize(
    ("fragment", "construct"),
    [
        ("GROUP BY page", "GROUP BY"),
        ("JOIN t2 ON 1 = 1", "JOIN"),
    ],
)
def test_unsupported_constructs_are_named(fragment: str, construct: str) -> None:
    sql = f"INSERT INTO x SELECT TIME_PARSE(\"timestamp\") AS __time, page FROM {extern()} {fragment} " \
          "PARTITIONED BY DAY"
    with pytest.raises(NotImplementedByFake, match=construct):
        translate(sql)


def test_other_input_sources_are_not_implemented() -> None:
    sql = """INSERT INTO x SELECT * FROM TABLE(EXTERN('{"type":"s3","uris":["s3://a/b"]}', '{"type":"json"}',
             '[{"name":"a","type":"string"}]')) PARTITIONED BY ALL"""
    with pytest.raises(NotImplementedByFake, match=r"inputSource type \[s3\]"):
        translate(sql)


def test_split_statement_finds_the_clauses() -> None:
    clauses = split_statement('REPLACE INTO "druid"."wiki" OVERWRITE WHERE __time >= TIMESTAMP \'2020-01-01\' '
                              "SELECT (1) AS x FROM t PARTITIONED BY DAY CLUSTERED BY x, y;")
    assert (clauses.table, clauses.overwrite, clauses.query, clauses.partitioned_by, clauses.clustered_by) == (
        "wiki", "__time >= TIMESTAMP '2020-01-01'", "SELECT (1) AS x FROM t", "DAY", "x, y")
    with pytest.raises(SqlParseError):
        split_statement("INSERT wiki SELECT 1 PARTITIONED BY DAY")


def test_partitioned_by_forms() -> None:
    for text, interval in [("HOUR", "2020-01-01T01/2020-01-01T02"), ("ALL TIME", None),
                           ("TIME_FLOOR(__time, 'P1M')", "2020-01-01/2020-02-01"),
                           ("FLOOR(__time TO YEAR)", "2020-01-01/2021-01-01"), ("'PT1H'", "2020-01-01T01/PT1H")]:
        plan = run(INSERT.replace("PARTITIONED BY DAY", f"PARTITIONED BY {text}"))
        expected = ETERNITY if interval is None else parse_interval(interval)
        assert plan.segments[0].interval == expected, text


def test_inline_table_function_with_extend() -> None:
    sql = ("INSERT INTO wiki SELECT TIME_PARSE(ts) AS __time, page FROM TABLE(inline(data => "
           "ARRAY['2020-01-01T00:00:00Z,a', '2020-01-02T00:00:00Z,b'], format => 'csv')) EXTEND (ts VARCHAR, "
           "page VARCHAR) PARTITIONED BY DAY")
    plan = run(sql)
    assert [str(s.interval) for s in plan.segments] == [
        "2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z", "2020-01-02T00:00:00.000Z/2020-01-03T00:00:00.000Z"]


def test_localfiles_table_function(tmp_path: Any) -> None:
    (tmp_path / "a.json").write_text(json.dumps(ROWS[0]) + "\n")
    sql = (f"INSERT INTO wiki SELECT TIME_PARSE(\"timestamp\") AS __time, page FROM TABLE(localfiles(baseDir => "
           f"'{tmp_path}', filter => '*.json', format => 'json')) EXTEND (\"timestamp\" VARCHAR, page VARCHAR) "
           "PARTITIONED BY DAY")
    assert [s.num_rows for s in run(sql).segments] == [1]


def test_other_table_functions_are_not_implemented() -> None:
    sql = ("INSERT INTO x SELECT * FROM TABLE(http(userName => 'a', uris => ARRAY['http://x'], format => 'json')) "
           "EXTEND (a VARCHAR) PARTITIONED BY ALL")
    with pytest.raises(NotImplementedByFake, match=r"table function \[http\]"):
        translate(sql)
