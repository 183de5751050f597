"""Contract: native batch ingestion through ``POST /druid/indexer/v1/task`` publishes the segments Druid does.

The same small ``index`` / ``index_parallel`` specs with inline input run once per target (module scope): the fake
under profiles "29" and "latest", and a real Druid (``--druid-real 28.0.0`` / ``33.0.0``: the tasks run in peon
JVMs forked by the Overlord, as kill tasks do). Each test then checks one aspect of what was recorded, with the
same expectations for every target: the published segments (intervals, versions, shard specs, tombstones,
counts), the task status and the report's row counts. Real tasks are slow (a peon JVM each), so there are few,
and independent chains run side by side.

Normalised, because they cannot match: task ids and versions (the task's start time; compared by relation: one
version per task, newer than what it overshadows, the existing one for an append), ``duration``, sizes and
``loadSpec`` (real: ``<deep storage>/.../0/index/``, fake: ``.../0/index.zip``), and Java stack frames (the
fake's ``errorMsg`` is the exception line Druid's starts with).

Listed, not fixed: Druid 28.0.0's tombstones carry ``partitions: 1`` (33.0.0 and the fake: 0); Druid 28.0.0's
400 texts end with Jackson's source location (``\\n at [Source: ...]``), which the tests cut off.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from fakedruid.profiles import resolve_profile
from fakedruid.testing import DruidTarget
from tests.contract.helpers import OVERLORD, M, new_datasource
from tests.contract.targets import skip_without_overlord

DAY1 = "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
DAY2 = "2015-09-13T00:00:00.000Z/2015-09-14T00:00:00.000Z"
ROWS: list[Any] = [
    {"ts": "2015-09-12T01:00:00Z", "page": "A"},
    {"ts": "2015-09-12T02:00:00Z", "page": "B"},
    {"ts": "2015-09-12T03:00:00Z", "page": "C"},
    {"ts": "2015-09-13T01:00:00Z", "page": "D"},
]
#: One row outside the intervals (thrownAway) and two that cannot be parsed (bad JSON, bad timestamp).
EXTRA_ROWS: list[Any] = [{"ts": "2015-09-20T01:00:00Z", "page": "out"}, "{not json", {"ts": "garbage", "page": "x"}]
TWO_DAYS = ["2015-09-12/2015-09-14"]
#: One row per day for the transformSpec filters: numbers and strings that read alike, a missing and a null value,
#: a multi-value one.
FILTER_ROWS: list[Any] = [
    {"ts": "2015-09-01T01:00:00Z", "n": 5, "page": "A"},
    {"ts": "2015-09-02T01:00:00Z", "n": "5.0", "page": "B"},
    {"ts": "2015-09-03T01:00:00Z", "n": "5"},
    {"ts": "2015-09-04T01:00:00Z", "n": 5.0, "page": None},
    {"ts": "2015-09-05T01:00:00Z", "page": ["A", "B"]},
]
#: Real tasks fork a peon JVM each; on a loaded 2-core machine one takes 10-60 s.
TASK_TIMEOUT = 300.0


def spec(
    task_type: str,
    datasource: str,
    rows: list[Any],
    *,
    partitions: dict[str, Any] | None = None,
    intervals: list[str] | None = None,
    append: bool = False,
    drop: bool = False,
    max_parse_exceptions: int | None = None,
) -> dict[str, Any]:
    """An ``index`` / ``index_parallel`` task reading ``rows`` (JSON lines; strings as they are) inline."""
    tuning: dict[str, Any] = {"type": task_type}
    if partitions is not None:
        tuning["partitionsSpec"] = partitions
        if partitions["type"] != "dynamic":
            tuning["forceGuaranteedRollup"] = True
    if max_parse_exceptions is not None:
        tuning["maxParseExceptions"] = max_parse_exceptions
    granularity: dict[str, Any] = {"segmentGranularity": "DAY", "queryGranularity": "NONE"}
    if intervals:
        granularity["intervals"] = intervals
    io: dict[str, Any] = {
        "type": task_type,
        "inputSource": {"type": "inline", "data": "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows)},
        "inputFormat": {"type": "json"},
        "appendToExisting": append,
    }
    if drop:
        io["dropExisting"] = True
    return {
        "type": task_type,
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": {"column": "ts", "format": "iso"},
                "dimensionsSpec": {"dimensions": ["page"]},
                "granularitySpec": granularity,
            },
            "ioConfig": io,
            "tuningConfig": tuning,
        },
    }


def filtered(datasource: str, row_filter: dict[str, Any]) -> dict[str, Any]:
    """An ``index`` task over :data:`FILTER_ROWS` whose ``transformSpec`` keeps the rows ``row_filter`` matches."""
    body = spec("index", datasource, FILTER_ROWS, intervals=["2015-09-01/2015-09-10"])
    body["spec"]["dataSchema"]["dimensionsSpec"] = {"dimensions": ["n", "page"]}
    body["spec"]["dataSchema"]["transformSpec"] = {"filter": row_filter}
    return body


@dataclass
class Run:
    """What one task did: its status (``GET /task/{id}/status``), its reports (None: 404) and the datasource's
    used segments once the Coordinator shows them."""

    task_id: str
    status: dict[str, Any]
    reports: dict[str, Any] | None
    reports_404: str | None
    segments: list[dict[str, Any]] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        assert self.reports is not None, self.reports_404
        payload: dict[str, Any] = self.reports["ingestionStatsAndErrors"]["payload"]
        return payload


def _submit(target: DruidTarget, body: dict[str, Any]) -> str:
    resp = target.post(f"{OVERLORD}/task", json=body)
    assert resp.status_code == 200, resp.text
    task_id: str = resp.json()["task"]
    return task_id


def _finish(target: DruidTarget, task_id: str, datasource: str, expect_segments: int) -> Run:
    """Wait for the task to end and for the Coordinator to show ``expect_segments`` used segments."""

    def done() -> dict[str, Any]:
        status: dict[str, Any] = target.get(f"{OVERLORD}/task/{task_id}/status").json()["status"]
        assert status["status"] != "RUNNING"
        return status

    status = target.eventually(done, timeout=TASK_TIMEOUT)
    resp = target.get(f"{OVERLORD}/task/{task_id}/reports")
    reports = resp.json() if resp.status_code == 200 else None
    missing = None if resp.status_code == 200 else f"{resp.status_code} {resp.text}"

    def published() -> list[dict[str, Any]]:
        resp = target.get(f"{M}/datasources/{datasource}/segments", params={"full": ""})
        segs: list[dict[str, Any]] = resp.json() if resp.status_code == 200 else []
        assert len(segs) == expect_segments
        return segs

    return Run(task_id, status, reports, missing, target.eventually(published))


@dataclass
class Observed:
    """Every run on one target, by scenario name, and the target's profile."""

    profile: str
    is_fake: bool
    runs: dict[str, Run]
    datasources: dict[str, str]
    #: ``GET /tasks?datasource=`` of the dynamic chain's datasource, by task id.
    listed: dict[str, dict[str, Any]]


def _observe(target: DruidTarget) -> Observed:
    """Run the scenarios: two chains on their datasources (dynamic, append, overwrite; hashed, dropExisting) and
    two failures, submitted side by side so that a real cluster runs them in parallel peons."""
    ds = {name: new_datasource() for name in ("dynamic", "hashed", "parse", "range", "index_range", "selector",
                                              "not")}
    runs: dict[str, Run] = {}
    heads = {
        "dynamic": _submit(target, spec("index_parallel", ds["dynamic"], ROWS[:3] + ROWS[3:] + EXTRA_ROWS,
                                        partitions={"type": "dynamic", "maxRowsPerSegment": 2}, intervals=TWO_DAYS)),
        "hashed": _submit(target, spec("index", ds["hashed"], ROWS, partitions={"type": "hashed", "numShards": 2})),
        "parse": _submit(target, spec("index", ds["parse"], ROWS + ["{bad"], max_parse_exceptions=0)),
        "range": _submit(target, spec("index_parallel", ds["range"], ROWS, partitions={
            "type": "range", "partitionDimensions": ["page"], "targetRowsPerSegment": 2})),
        "index_range": _submit(target, spec("index", ds["index_range"], ROWS, partitions={
            "type": "range", "partitionDimensions": ["page"], "targetRowsPerSegment": 2})),
        "selector": _submit(target, filtered(ds["selector"], {"type": "selector", "dimension": "n", "value": "5.0"})),
        "not": _submit(target, filtered(ds["not"], {"type": "not", "field": {
            "type": "selector", "dimension": "page", "value": "A"}})),
    }
    runs["dynamic"] = _finish(target, heads["dynamic"], ds["dynamic"], 3)
    append = _submit(target, spec("index", ds["dynamic"], ROWS[:2], append=True))
    runs["hashed"] = _finish(target, heads["hashed"], ds["hashed"], 3)
    replace = _submit(target, spec("index_parallel", ds["hashed"], ROWS[:1], intervals=TWO_DAYS, drop=True))
    runs["append"] = _finish(target, append, ds["dynamic"], 4)
    overwrite = _submit(target, spec("index_parallel", ds["dynamic"], ROWS[3:]))
    runs["replace"] = _finish(target, replace, ds["hashed"], 5)
    runs["overwrite"] = _finish(target, overwrite, ds["dynamic"], 5)
    runs["parse"] = _finish(target, heads["parse"], ds["parse"], 0)
    runs["range"] = _finish(target, heads["range"], ds["range"], 0)
    runs["index_range"] = _finish(target, heads["index_range"], ds["index_range"], 0)
    runs["selector"] = _finish(target, heads["selector"], ds["selector"], 3)
    runs["not"] = _finish(target, heads["not"], ds["not"], 1)
    listed = {t["id"]: t for t in target.get(f"{OVERLORD}/tasks", params={"datasource": ds["dynamic"]}).json()}
    return Observed(target.profile, target.is_fake, runs, ds, listed)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("29", marks=pytest.mark.fake, id="fake-29"),
        pytest.param("latest", marks=pytest.mark.fake, id="fake-latest"),
        pytest.param("real", marks=pytest.mark.real, id="real"),
    ],
)
def observed(request: pytest.FixtureRequest) -> Iterator[Observed]:
    """The scenarios' runs on one target: a fresh fake of the profile, or the ``--druid-real`` Druid."""
    if request.param == "real":
        if not (request.config.getoption("--druid-url") or request.config.getoption("--druid-real")):
            pytest.skip("no real Druid configured: pass --druid-real VERSION (or --druid-url)")
        skip_without_overlord(str(request.config.getoption("--druid-real") or ""), "ingestion")
        real: DruidTarget = request.getfixturevalue("real_druid_target")
        yield _observe(real)
        return
    target = request.getfixturevalue("fake_druid_targets")(request.param)
    target.reset()
    yield _observe(target)
    target.check()


def _shards(segs: list[dict[str, Any]], version: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    return sorted(
        ((s["interval"], s["shardSpec"]) for s in segs if version is None or s["version"] == version),
        key=lambda pair: (pair[0], pair[1]["partitionNum"]),
    )


def _new_version(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    """The one version ``after`` has that ``before`` had not."""
    (version,) = {s["version"] for s in after} - {s["version"] for s in before}
    return version


def _row_stats(profile: str, processed: int = 0, processed_bytes: int = 0, thrown_away: int = 0,
               unparseable: int = 0) -> dict[str, Any]:
    stats: dict[str, Any] = {"processed": processed, "processedBytes": processed_bytes, "processedWithError": 0,
                             "thrownAway": thrown_away}
    if resolve_profile(profile).row_stats_thrown_away_by_reason:
        # Druid 37.0.0 (measured): a row outside the intervals is thrown away as "filtered".
        stats["thrownAwayByReason"] = {"filtered": thrown_away} if thrown_away else {}
    stats["unparseable"] = unparseable
    return stats


# ---------------------------------------------------------------------- segments


def test_dynamic_partitions_split_a_day_at_max_rows_per_segment(observed: Observed) -> None:
    segs = observed.runs["dynamic"].segments
    assert len({s["version"] for s in segs}) == 1
    assert _shards(segs) == [
        (DAY1, {"type": "numbered", "partitionNum": 0, "partitions": 2}),
        (DAY1, {"type": "numbered", "partitionNum": 1, "partitions": 2}),
        (DAY2, {"type": "numbered", "partitionNum": 0, "partitions": 1}),
    ]
    assert all(s["dimensions"] == "page" and s["metrics"] == "" for s in segs)


def test_hashed_partitions_bucket_rows_as_druid_does(observed: Observed) -> None:
    segs = observed.runs["hashed"].segments
    assert len({s["version"] for s in segs}) == 1
    common = {"numBuckets": 2, "partitionDimensions": [], "partitionFunction": "murmur3_32_abs"}
    assert _shards(segs) == [
        (DAY1, {"type": "hashed", "partitionNum": 0, "partitions": 2, "bucketId": 1, **common}),
        (DAY1, {"type": "hashed", "partitionNum": 1, "partitions": 2, "bucketId": 0, **common}),
        (DAY2, {"type": "hashed", "partitionNum": 0, "partitions": 1, "bucketId": 1, **common}),
    ]


def test_append_continues_the_partitions_in_the_existing_version(observed: Observed) -> None:
    before = observed.runs["dynamic"].segments
    after = observed.runs["append"].segments
    (version,) = {s["version"] for s in before}
    assert {s["version"] for s in after} == {version}
    new = [s for s in after if s["identifier"] not in {b["identifier"] for b in before}]
    # The core partition set stays the two the first task published; the appended one is an extra partition.
    assert _shards(new) == [(DAY1, {"type": "numbered", "partitionNum": 2, "partitions": 2})]


def test_overwrite_publishes_a_newer_version_for_the_days_with_rows(observed: Observed) -> None:
    before = observed.runs["append"].segments
    after = observed.runs["overwrite"].segments
    version = _new_version(before, after)
    assert version > before[0]["version"]
    assert _shards(after, version) == [(DAY2, {"type": "numbered", "partitionNum": 0, "partitions": 1})]


def test_drop_existing_tombstones_the_empty_days_of_its_intervals(observed: Observed) -> None:
    before = observed.runs["hashed"].segments
    after = observed.runs["replace"].segments
    version = _new_version(before, after)
    assert version > before[0]["version"]
    new = _shards(after, version)
    assert new[0] == (DAY1, {"type": "numbered", "partitionNum": 0, "partitions": 1})
    interval, tombstone = new[1]
    # Druid 28.0.0's TombstoneShardSpec says partitions 1 (listed, not emulated); 33.0.0 and the fake say 0.
    partitions = 1 if observed.profile == "29" and not observed.is_fake else 0
    assert (interval, tombstone) == (DAY2, {"type": "tombstone", "partitionNum": 0, "partitions": partitions})
    (loaded,) = [s for s in after if s["version"] == version and s["shardSpec"]["type"] == "tombstone"]
    assert loaded["loadSpec"] == {"type": "tombstone", "path": None}
    assert (loaded["size"], loaded["dimensions"], loaded["metrics"]) == (1, "", "")


# ---------------------------------------------------------------------- status and reports


def test_status_of_a_complete_task(observed: Observed) -> None:
    for name in ("dynamic", "hashed", "replace", "overwrite", "parse", "range", "index_range"):
        run = observed.runs[name]
        status = run.status
        assert (status["id"], status["groupId"], status["dataSource"]) == (
            run.task_id, run.task_id, observed.datasources["dynamic" if name == "overwrite" else
                                                           "hashed" if name == "replace" else name])
        # The runner no longer knows the task: WAITING on this endpoint (NONE in the task lists).
        assert (status["runnerStatusCode"], status["queueInsertionTime"]) == ("WAITING", "1970-01-01T00:00:00.000Z")
        assert status["location"] == {"host": None, "port": -1, "tlsPort": -1}
        assert status["status"] == status["statusCode"] == (
            "FAILED" if name in ("parse", "range", "index_range") else "SUCCESS")


def test_index_task_appending_joins_the_append_lock_group(observed: Observed) -> None:
    run = observed.runs["append"]
    assert run.status["groupId"] == f"index_append_{observed.datasources['dynamic']}"
    listed = observed.listed[run.task_id]
    assert (listed["groupId"], listed["runnerStatusCode"]) == (run.status["groupId"], "NONE")
    # index_parallel keeps its id as its group (ParallelIndexSupervisorTask has no append group).
    assert observed.listed[observed.runs["overwrite"].task_id]["groupId"] == observed.runs["overwrite"].task_id


def test_report_row_counts_with_thrown_away_and_unparseable_rows(observed: Observed) -> None:
    report = observed.runs["dynamic"].report()
    assert report["ingestionState"] == "COMPLETED" and report["errorMsg"] is None
    # With intervals and dynamic partitions there is no determine-partitions pass.
    assert report["rowStats"] == {
        "determinePartitions": _row_stats(observed.profile),
        "buildSegments": _row_stats(observed.profile, 4, 262, thrown_away=1, unparseable=2),
    }
    # Without intervals (hashed) the rows are read twice: once to find the intervals and buckets.
    assert observed.runs["hashed"].report()["rowStats"] == {
        "determinePartitions": _row_stats(observed.profile, 4, 175),
        "buildSegments": _row_stats(observed.profile, 4, 175),
    }


def test_report_fields_follow_the_release(observed: Observed) -> None:
    run = observed.runs["dynamic"]
    assert run.reports is not None
    report = run.report()
    keys = ["ingestionState", "unparseableEvents", "rowStats", "errorMsg", "segmentAvailabilityConfirmed",
            "segmentAvailabilityWaitTimeMs"]
    if observed.profile == "29":
        assert list(run.reports) == ["ingestionStatsAndErrors"]
        assert list(report) == keys
    else:
        # Druid 33: recordsProcessed (empty), segmentsPublished, and a taskContext report with the context.
        assert list(report) == [*keys, "recordsProcessed", "segmentsPublished"]
        assert (report["recordsProcessed"], report["segmentsPublished"]) == ({}, 3)
        assert run.reports["taskContext"] == {
            "type": "taskContext", "taskId": run.task_id,
            "payload": {"forceTimeChunkLock": True, "useLineageBasedSegmentAllocation": True},
        }
        assert "segmentsPublished" not in observed.runs["parse"].report()


def test_too_many_parse_exceptions_fail_the_task_in_determine_partitions(observed: Observed) -> None:
    run = observed.runs["parse"]
    first_line = "org.apache.druid.java.util.common.RE: Max parse exceptions[0] exceeded"
    report = run.report()
    assert report["errorMsg"].split("\n")[0] == first_line
    assert report["ingestionState"] == "DETERMINE_PARTITIONS"
    assert report["rowStats"]["determinePartitions"] == _row_stats(observed.profile, 4, 180, unparseable=1)
    assert report["rowStats"]["buildSegments"] == _row_stats(observed.profile)
    message = run.status["errorMsg"]
    if observed.profile == "29":
        # Druid 28's TaskStatus keeps 100 characters and appends "..." (the fake's message is shorter).
        # Real Druid's message goes on with the stack trace, so it is cut: the RE line, a frame's start, "...".
        assert message == first_line or (message.startswith(first_line + "\n\tat ") and len(message) == 103
                                         and message.endswith("..."))
    else:
        assert message.split("\n")[0] == first_line


def test_range_partitions_of_an_inline_source_fail_without_a_report(observed: Observed) -> None:
    run = observed.runs["range"]
    cause = ("org.apache.druid.java.util.common.UOE: partitionsSpec[org.apache.druid.indexer.partitions."
             "DimensionRangePartitionsSpec] is not supported")
    assert run.status["errorMsg"] == (cause[:100] + "..." if observed.profile == "29" else cause)
    assert run.reports is None
    assert run.reports_404 == (
        "404 No task reports were found for this task. The task may not exist, or it may not have completed yet."
    )


def test_range_partitions_in_an_index_task_fail_before_it_runs(observed: Observed) -> None:
    # IndexTask.isReady refuses range partitions; the Overlord's TaskQueue fails the task with its own message
    # (TaskStatus.failure: duration -1), so the task never runs and writes no report. Druid 28's TaskQueue names
    # no cause, 33's does (measured on 28.0.0 and 33.0.0; TaskQueue.java).
    run = observed.runs["index_range"]
    cause = "partitionsSpec[org.apache.druid.indexer.partitions.DimensionRangePartitionsSpec] is not supported"
    assert run.status["errorMsg"] == (
        "Failed while waiting for the task to be ready to run. See overlord logs for more details."
        if observed.profile == "29"
        else f"Encountered error[{cause}] while waiting for task to be ready. See Overlord logs for more details."
    )
    assert run.status["duration"] == -1
    assert run.reports is None
    assert run.reports_404 == (
        "404 No task reports were found for this task. The task may not exist, or it may not have completed yet."
    )


def _days(run: Run) -> list[str]:
    return sorted(s["interval"][:10] for s in run.segments)


def test_transform_filter_matches_numbers_by_value(observed: Observed) -> None:
    # A JSON number goes to the selector's long or double predicate: "5.0" matches 5 and 5.0; the string "5" is
    # compared as a string (PredicateValueMatcherFactory, SelectorPredicateFactory; measured on 28.0.0 and 33.0.0).
    run = observed.runs["selector"]
    assert _days(run) == ["2015-09-01", "2015-09-02", "2015-09-04"]
    assert run.report()["rowStats"]["buildSegments"] == _row_stats(observed.profile, 3, 254, thrown_away=2)


def test_transform_filter_not_drops_missing_and_null_values(observed: Observed) -> None:
    # Three-valued logic: a missing or null page is unknown to the selector, and NOT of unknown is unknown, so
    # only "B" is kept; the multi-value ["A", "B"] matches "A", so NOT drops it (measured on 28.0.0 and 33.0.0).
    run = observed.runs["not"]
    assert _days(run) == ["2015-09-02"]
    assert run.report()["rowStats"]["buildSegments"] == _row_stats(observed.profile, 1, 254, thrown_away=4)


# ---------------------------------------------------------------------- bad specs (no task runs)


BAD_SPECS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "index_parallel",
        lambda t: t["spec"]["ioConfig"].update(dropExisting=True),
        "Cannot construct instance of `org.apache.druid.indexing.common.task.batch.parallel."
        "ParallelIndexSupervisorTask`, problem: GranularitySpec's intervals cannot be empty when using replace.",
    ),
    (
        "index",
        lambda t: t["spec"]["ioConfig"].update(dropExisting=True),
        "Cannot construct instance of `org.apache.druid.indexing.common.task.IndexTask$IndexIngestionSpec`, "
        "problem: GranularitySpec's intervals cannot be empty for replace.",
    ),
    (
        "index_parallel",
        lambda t: t["spec"]["ioConfig"].update(dropExisting=True, appendToExisting=True),
        "Cannot construct instance of `org.apache.druid.indexing.common.task.batch.parallel."
        "ParallelIndexSupervisorTask`, problem: Cannot simultaneously replace and append to existing segments. "
        "Either dropExisting or appendToExisting should be set to false",
    ),
    (
        "index_parallel",
        lambda t: t["spec"]["tuningConfig"].update(forceGuaranteedRollup=True, partitionsSpec={
            "type": "hashed", "numShards": 2}) or t["spec"]["ioConfig"].update(appendToExisting=True),
        "Cannot construct instance of `org.apache.druid.indexing.common.task.batch.parallel."
        "ParallelIndexSupervisorTask`, problem: Perfect rollup cannot be guaranteed when appending to existing "
        "dataSources",
    ),
    (
        "index",
        lambda t: t["spec"]["tuningConfig"].update(partitionsSpec={"type": "hashed", "numShards": 2}),
        "Cannot construct instance of `org.apache.druid.indexing.common.task.IndexTask$IndexTuningConfig`, "
        "problem: DynamicPartitionsSpec must be used for best-effort rollup",
    ),
    (
        "index_parallel",
        lambda t: t["spec"]["dataSchema"].update(dataSource="a/b"),
        "Cannot construct instance of `org.apache.druid.segment.indexing.DataSchema`, problem: Invalid value for "
        "field [dataSource]: Value [a/b] cannot contain '/'.",
    ),
    (
        "index_parallel",
        lambda t: t["spec"]["dataSchema"].pop("dataSource"),
        "Cannot construct instance of `org.apache.druid.segment.indexing.DataSchema`, problem: Invalid value for "
        "field [dataSource]: must not be null",
    ),
    (
        "index_parallel",
        lambda t: t["spec"]["dataSchema"]["granularitySpec"].update(segmentGranularity="FOO"),
        "Cannot construct instance of `org.apache.druid.java.util.common.granularity.Granularity`, problem: No "
        "enum constant org.apache.druid.java.util.common.granularity.GranularityType.FOO",
    ),
]


@pytest.mark.parametrize(("task_type", "change", "message"), BAD_SPECS,
                         ids=["parallel-drop", "index-drop", "append-drop", "append-hashed", "hashed-no-rollup",
                              "slash", "no-datasource", "granularity"])
def test_bad_spec_is_400_with_druids_text(
    coordinator: DruidTarget, datasource: str, task_type: str, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    body = spec(task_type, datasource, ROWS)
    change(body)
    resp = coordinator.post(f"{OVERLORD}/task", json=body)
    assert resp.status_code == 400
    # Druid 28.0.0 appends Jackson's source location ("\n at [Source: (...HttpInputOverHTTP); line: 1, column:
    # N]" and the reference chain), which depends on the request's bytes; 33.0.0 and the fake have none.
    assert resp.json()["error"].split("\n at [Source:")[0] == message
    assert coordinator.get(f"{OVERLORD}/tasks", params={"datasource": datasource}).json() == []
