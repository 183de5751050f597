"""The batch ingestion planner (fakedruid.model.ingestion), with cases ported from Druid's ``IndexTaskTest``.

The ported cases use ``IndexTaskTest``'s defaults: timestampSpec ``ts``/auto, explicit dimensions ``ts`` and
``dim``, a ``longSum`` metric ``val``, CSV columns ``ts,dim,val``, a local input source.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import zipfile
from typing import Any

import pytest

from fakedruid.errors import InvalidTask, NotImplementedByFake
from fakedruid.model.granularity import granularity_of, period_granularity
from fakedruid.model.ingestion import (
    IngestionPlan,
    InputData,
    Record,
    even_partition_boundaries,
    hash_bucket,
    murmur3_32,
    native_spec_from_json,
    plan_native,
    read_input,
    run_native,
    spec_for_rows,
)
from fakedruid.model.intervals import parse_instant, parse_interval
from fakedruid.model.segments import DataSegment
from fakedruid.model.timestamps import (
    TimestampSpec,
    UnparseableTimestamp,
    parse_timestamp,
)

THREE_ROWS = "2014-01-01T00:00:10Z,a,1\n2014-01-01T01:00:20Z,b,1\n2014-01-01T02:00:30Z,c,1\n"
# IndexTaskTest.populateRollupTestData
ROLLUP_ROWS = (
    "2014-01-01T00:00:10Z,a,1\n2014-01-01T01:00:20Z,a,1\n2014-01-01T00:00:10Z,b,2\n2014-01-01T00:00:10Z,c,3\n"
    "2014-01-01T01:00:20Z,b,2\n2014-01-01T02:00:30Z,a,1\n2014-01-01T02:00:30Z,b,2\n2014-01-01T01:00:20Z,c,3\n"
    "2014-01-01T02:00:30Z,c,3\n"
)
V1 = "2024-06-01T00:00:00.000Z"
V2 = "2024-06-02T00:00:00.000Z"


def task(
    data: str,
    *,
    granularity: dict[str, Any] | None = None,
    tuning: dict[str, Any] | None = None,
    append: bool = False,
    drop: bool = False,
    task_type: str = "index",
    input_format: dict[str, Any] | None = None,
    dimensions: list[Any] | None = None,
    timestamp: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "type": task_type,
        "spec": {
            "dataSchema": {
                "dataSource": "test",
                "timestampSpec": timestamp or {"column": "ts", "format": "auto"},
                "dimensionsSpec": {"dimensions": ["ts", "dim"] if dimensions is None else dimensions},
                "metricsSpec": [{"type": "longSum", "name": "val", "fieldName": "val"}],
                "granularitySpec": granularity or {"segmentGranularity": "DAY", "queryGranularity": "MINUTE"},
            },
            "ioConfig": {
                "type": task_type,
                "inputSource": {"type": "inline", "data": data},
                "inputFormat": input_format or {"type": "csv", "columns": ["ts", "dim", "val"]},
                "appendToExisting": append,
                "dropExisting": drop,
            },
            "tuningConfig": {"type": task_type, **(tuning or {})},
        },
    }


def run(obj: dict[str, Any], existing: list[DataSegment] | None = None, version: str = V1) -> IngestionPlan:
    spec, _ = native_spec_from_json(obj)
    return run_native(spec, existing or [], version)


def dynamic(max_rows: int, max_total: int | None = None) -> dict[str, Any]:
    return {"partitionsSpec": {"type": "dynamic", "maxRowsPerSegment": max_rows, "maxTotalRows": max_total}}


def hashed(**fields: Any) -> dict[str, Any]:
    return {"forceGuaranteedRollup": True, "partitionsSpec": {"type": "hashed", **fields}}


# ---------------------------------------------------------------------- IndexTaskTest, ported


def test_best_effort_rollup_pushes_all_open_segments_at_max_total_rows() -> None:
    # testBestEffortRollup: DAY/DAY rollup, maxRowsPerSegment 3, maxTotalRows 2: five numbered segments.
    plan = run(task(ROLLUP_ROWS, granularity={"segmentGranularity": "DAY", "queryGranularity": "DAY"},
                    tuning=dynamic(3, 2)))
    assert plan.error is None
    assert [s.shard_spec.partition_num for s in plan.segments] == [0, 1, 2, 3, 4]
    assert {str(s.interval) for s in plan.segments} == {"2014-01-01T00:00:00.000Z/2014-01-02T00:00:00.000Z"}
    assert all(s.shard_spec.json == {"type": "numbered", "partitionNum": i, "partitions": 5}
               for i, s in enumerate(plan.segments))
    assert [s.num_rows for s in plan.segments] == [2, 2, 2, 2, 1]


def test_perfect_rollup_hashes_into_buckets_of_max_rows() -> None:
    # testPerfectRollup: forceGuaranteedRollup with maxRowsPerSegment 3 over 9 distinct rows: 3 hashed segments.
    plan = run(task(ROLLUP_ROWS, granularity={"segmentGranularity": "DAY", "queryGranularity": "DAY"},
                    tuning=hashed(maxRowsPerSegment=3)))
    assert [s.shard_spec.type for s in plan.segments] == ["hashed"] * 3
    assert [s.shard_spec.partition_num for s in plan.segments] == [0, 1, 2]
    assert sum(s.num_rows or 0 for s in plan.segments) == 9
    assert all(s.shard_spec.json["numBuckets"] == 3 and s.shard_spec.num_core_partitions == 3 for s in plan.segments)


def test_determine_partitions_gives_two_hashed_segments_for_three_rows() -> None:
    # testDeterminePartitions: no intervals, maxRowsPerSegment 2: 2 buckets, both hashed, 2 core partitions.
    plan = run(task(THREE_ROWS, tuning=hashed(maxRowsPerSegment=2)))
    assert [(s.shard_spec.partition_num, s.shard_spec.num_core_partitions) for s in plan.segments] == [(0, 2), (1, 2)]
    assert all(s.shard_spec.json["partitionFunction"] == "murmur3_32_abs" for s in plan.segments)
    assert plan.determine_partitions.processed == 3 and plan.build_segments.processed == 3


def test_num_shards_one_gives_one_hashed_segment() -> None:
    # testNumShardsProvided
    plan = run(task(THREE_ROWS, tuning=hashed(numShards=1)))
    assert [(str(s.interval), s.shard_spec.type, s.shard_spec.partition_num) for s in plan.segments] == [
        ("2014-01-01T00:00:00.000Z/2014-01-02T00:00:00.000Z", "hashed", 0)
    ]


def test_num_shards_with_partition_dimensions_groups_rows_by_dimension_hash() -> None:
    # testNumShardsAndPartitionDimensionsProvided: each segment's rows share one hash of [dim].
    plan = run(task(THREE_ROWS, tuning=hashed(numShards=2, partitionDimensions=["dim"])))
    assert len(plan.segments) == 2
    for seg in plan.segments:
        assert seg.shard_spec.json["partitionDimensions"] == ["dim"]
    buckets = {hash_bucket([[v]], 2) for v in "abc"}
    assert {s.shard_spec.json["bucketId"] for s in plan.segments} == buckets
    assert sum(s.num_rows or 0 for s in plan.segments) == 3


def test_append_allocates_numbered_segments_with_zero_core_partitions() -> None:
    # testWriteNewSegmentsWithAppendToExistingWithLinearPartitioningSuccessfullyAppend
    plan = run(task(THREE_ROWS, tuning=dynamic(2), append=True))
    assert [s.shard_spec.json for s in plan.segments] == [
        {"type": "numbered", "partitionNum": 0, "partitions": 0},
        {"type": "numbered", "partitionNum": 1, "partitions": 0},
    ]
    assert [s.num_rows for s in plan.segments] == [2, 1]


def test_append_continues_the_visible_chunk_with_its_version_and_core_partitions() -> None:
    first = run(task(THREE_ROWS, tuning=dynamic(2)))
    assert [s.shard_spec.json for s in first.segments] == [
        {"type": "numbered", "partitionNum": 0, "partitions": 2},
        {"type": "numbered", "partitionNum": 1, "partitions": 2},
    ]
    second = run(task(THREE_ROWS, tuning=dynamic(5), append=True), first.segments, version=V2)
    assert [(s.version, s.shard_spec.json) for s in second.segments] == [
        (V1, {"type": "numbered", "partitionNum": 2, "partitions": 2})
    ]


def test_append_into_a_coarser_existing_segment_uses_its_interval() -> None:
    month = run(task(THREE_ROWS, granularity={"segmentGranularity": "MONTH"}))
    plan = run(task("2014-01-20T00:00:00Z,x,1\n", append=True), month.segments, version=V2)
    assert [(str(s.interval), s.version, s.shard_spec.partition_num) for s in plan.segments] == [
        ("2014-01-01T00:00:00.000Z/2014-02-01T00:00:00.000Z", V1, 1)
    ]


def test_interval_not_specified_buckets_rows_by_hour() -> None:
    # testIntervalNotSpecified: HOUR segments, one hashed segment per hour.
    plan = run(task(THREE_ROWS, granularity={"segmentGranularity": "HOUR", "queryGranularity": "MINUTE"},
                    tuning=hashed(maxRowsPerSegment=2)))
    assert [str(s.interval) for s in plan.segments] == [
        "2014-01-01T00:00:00.000Z/2014-01-01T01:00:00.000Z",
        "2014-01-01T01:00:00.000Z/2014-01-01T02:00:00.000Z",
        "2014-01-01T02:00:00.000Z/2014-01-01T03:00:00.000Z",
    ]
    assert [s.shard_spec.partition_num for s in plan.segments] == [0, 0, 0]


def test_with_small_max_total_rows_gives_two_segments_per_hour() -> None:
    # testWithSmallMaxTotalRows
    data = "".join(f"2014-01-01T0{h}:00:{10 + 10 * h}Z,{d},1\n" for h in range(3) for d in "abc")
    plan = run(task(data, granularity={"segmentGranularity": "HOUR", "queryGranularity": "MINUTE"},
                    tuning=dynamic(2, 2)))
    assert [(s.interval.start, s.shard_spec.partition_num) for s in plan.segments] == [
        (parse_instant(f"2014-01-01T0{i // 2}"), i % 2) for i in range(6)
    ]


def test_interval_bucketing_throws_away_rows_outside_the_interval() -> None:
    # testIntervalBucketing: one row before 08:00 is thrown away, one segment.
    plan = run(task("2014-01-01T07:59:59.977Z,a,1\n2014-01-01T08:00:00.000Z,b,1\n",
                    granularity={"segmentGranularity": "HOUR", "queryGranularity": "HOUR",
                                 "intervals": ["2014-01-01T08:00:00Z/2014-01-01T09:00:00Z"]},
                    tuning=dynamic(50)))
    assert len(plan.segments) == 1
    assert plan.build_segments.thrown_away == 1 and plan.build_segments.processed == 1
    assert plan.determine_partitions.processed == 0  # intervals given: no determine-partitions scan


def test_arbitrary_granularity_uses_the_intervals_as_chunks() -> None:
    # testWithArbitraryGranularity
    plan = run(task(THREE_ROWS, granularity={"type": "arbitrary", "queryGranularity": "MINUTE",
                                             "intervals": ["2014-01-01/2014-01-02"]}, tuning=dynamic(10)))
    assert [str(s.interval) for s in plan.segments] == ["2014-01-01T00:00:00.000Z/2014-01-02T00:00:00.000Z"]


def test_rows_before_the_interval_in_an_overlapping_bucket_are_kept() -> None:
    # testOldSegmentNotCoveredByTombstonesWhenDropFlagTrue...: interval 01:10/02:00 with HOUR buckets keeps 01:00:10.
    day = run(task(THREE_ROWS, granularity={"segmentGranularity": "DAY", "queryGranularity": "MINUTE",
                                            "intervals": ["2014-01-01T01:00:00Z/2014-01-01T02:00:00Z"]}))
    # The DAY bucket overlapping the interval takes all three rows (bucketInterval, not the interval itself).
    assert [s.num_rows for s in day.segments] == [3]
    plan = run(task("2014-01-01T01:00:10Z,a,1\n2014-01-01T01:10:20Z,b,1\n2014-01-01T01:20:30Z,c,1\n",
                    granularity={"segmentGranularity": "HOUR", "queryGranularity": "MINUTE",
                                 "intervals": ["2014-01-01T01:10:00Z/2014-01-01T02:00:00Z"]}, drop=True),
               day.segments, version=V2)
    assert [(str(s.interval), s.num_rows) for s in plan.segments] == [
        ("2014-01-01T01:00:00.000Z/2014-01-01T02:00:00.000Z", 3)
    ]
    assert plan.tombstones == []


def test_drop_existing_tombstones_every_empty_bucket_over_existing_data() -> None:
    # testOldSegmentCoveredByTombstonesWhenDropFlagTrueSinceIngestionIntervalContainsOldSegment: 3 + 21 tombstones.
    day = run(task(THREE_ROWS, granularity={"segmentGranularity": "DAY", "queryGranularity": "MINUTE",
                                            "intervals": ["2014-01-01T01:00:00Z/2014-01-01T02:00:00Z"]}))
    plan = run(task(THREE_ROWS, granularity={"segmentGranularity": "HOUR", "queryGranularity": "MINUTE",
                                             "intervals": ["2014-01-01/2014-01-02"]}, drop=True),
               day.segments, version=V2)
    assert len(plan.segments) == 3
    assert len(plan.tombstones) == 21
    tomb = plan.tombstones[0]
    assert tomb.is_tombstone and tomb.version == V2 and tomb.size == 1
    assert tomb.load_spec == {"type": "tombstone", "path": None}
    assert str(tomb.interval) == "2014-01-01T03:00:00.000Z/2014-01-01T04:00:00.000Z"


def test_drop_existing_writes_no_tombstone_where_nothing_was_used() -> None:
    plan = run(task(THREE_ROWS, granularity={"segmentGranularity": "DAY", "intervals": ["2014-01-01/2014-01-05"]},
                    drop=True))
    assert len(plan.segments) == 1 and plan.tombstones == []


def test_publishing_only_tombstones_when_all_rows_are_outside() -> None:
    # verifyPublishingOnlyTombstones
    first = run(task("2014-03-01T00:00:10Z,a,1\n2014-03-01T01:00:20Z,b,1\n",
                     granularity={"segmentGranularity": "DAY", "intervals": ["2014-01-03/2014-04-01"]}))
    plan = run(task("2015-03-01T00:00:10Z,a,1\n", granularity={"segmentGranularity": "DAY",
                                                             "intervals": ["2014-03-01/2014-03-02"]}, drop=True),
               first.segments, version=V2)
    assert plan.segments == []
    assert [str(t.interval) for t in plan.tombstones] == ["2014-03-01T00:00:00.000Z/2014-03-02T00:00:00.000Z"]
    assert plan.build_segments.thrown_away == 1


def test_overwrite_gives_the_lock_version_per_chunk() -> None:
    plan = run(task(THREE_ROWS + "2014-01-03T00:00:00Z,d,1\n"), version=V2)
    assert [(str(s.interval), s.version, s.shard_spec.json) for s in plan.segments] == [
        ("2014-01-01T00:00:00.000Z/2014-01-02T00:00:00.000Z", V2, {"type": "numbered", "partitionNum": 0,
                                                                    "partitions": 1}),
        ("2014-01-03T00:00:00.000Z/2014-01-04T00:00:00.000Z", V2, {"type": "numbered", "partitionNum": 0,
                                                                    "partitions": 1}),
    ]
    assert plan.segments[0].dimensions == ("ts", "dim") and plan.segments[0].metrics == ("val",)
    assert plan.segments[0].binary_version == 9


def test_csv_file_with_header_discovers_dimensions() -> None:
    # testCSVFileWithHeader: schemaless dimensions exclude the timestamp and the metric's input field.
    plan = run(task("time,d,val\n2014-01-01T00:00:10Z,a,1\n", timestamp={"column": "time", "format": "auto"},
                    input_format={"type": "csv", "findColumnsFromHeader": True}, dimensions=[]))
    assert [(s.dimensions, s.metrics) for s in plan.segments] == [(("d",), ("val",))]


def test_ignore_parse_exception_counts_the_unparseable_row() -> None:
    # testIgnoreParseException
    plan = run(task("time,d,val\nunparseable,a,1\n2014-01-01T00:00:10Z,a,1\n",
                    timestamp={"column": "time", "format": "auto"}, dimensions=[],
                    input_format={"type": "csv", "columns": ["time", "dim", "val"], "skipHeaderRows": 1}))
    assert plan.error is None
    assert plan.build_segments.unparseable == 1 and plan.build_segments.processed == 1
    assert any("Timestamp[unparseable] is unparseable!" in m for m in plan.parse_errors)


def test_max_parse_exceptions_fails_the_task() -> None:
    # testReportParseException: reportParseExceptions means maxParseExceptions 0.
    plan = run(task("unparseable,a,1\n2014-01-01T00:00:10Z,a,1\n", tuning={"reportParseExceptions": True}))
    assert plan.error == "org.apache.druid.java.util.common.RE: Max parse exceptions[0] exceeded"
    assert plan.segments == [] and plan.tombstones == []


def test_max_parse_exceptions_allows_up_to_the_limit() -> None:
    plan = run(task("x,a,1\ny,a,1\n2014-01-01T00:00:10Z,a,1\n", tuning={"maxParseExceptions": 2}))
    assert plan.error is None and plan.build_segments.unparseable == 2


def test_single_dim_partitioning_in_index_task_fails_the_task() -> None:
    # testIndexTaskWithSingleDimPartitionsSpecThrowingException
    plan = run(task(THREE_ROWS, tuning={"forceGuaranteedRollup": True, "partitionsSpec": {
        "type": "single_dim", "partitionDimension": "dim", "targetRowsPerSegment": 1}}))
    # IndexTask.isReady throws; the Overlord's TaskQueue fails the task (its errorMsg is the profile's wrapper).
    assert plan.error == ("partitionsSpec[org.apache.druid.indexer.partitions.SingleDimensionPartitionsSpec] is not "
                          "supported")
    assert plan.ready_failure and plan.no_report


# ---------------------------------------------------------------------- range partitioning (index_parallel)


def local(obj: dict[str, Any], directory: Any) -> dict[str, Any]:
    """The task reading its inline data from a file under ``directory`` (a splittable ``local`` source)."""
    (directory / "rows.csv").write_text(obj["spec"]["ioConfig"]["inputSource"]["data"], encoding="utf-8")
    obj["spec"]["ioConfig"]["inputSource"] = {"type": "local", "baseDir": str(directory), "filter": "*.csv"}
    return obj


def test_range_partitioning_of_an_inline_source_fails_without_a_report() -> None:
    # ParallelIndexSupervisorTask.isParallelMode: range partitioning needs a splittable source; an inline one runs
    # sequentially and runSequential's IndexTask.isReady throws (measured on Druid 28.0.0 and 33.0.0).
    plan = run(task(THREE_ROWS, task_type="index_parallel", tuning={
        "forceGuaranteedRollup": True, "partitionsSpec": {"type": "range", "partitionDimensions": ["dim"],
                                                          "targetRowsPerSegment": 2}}))
    assert plan.error == ("org.apache.druid.java.util.common.UOE: partitionsSpec[org.apache.druid.indexer."
                          "partitions.DimensionRangePartitionsSpec] is not supported")
    assert plan.no_report and not plan.ready_failure and plan.segments == []


def test_range_partitioning_splits_sorted_values_evenly(tmp_path: Any) -> None:
    data = "".join(f"2014-01-01T00:00:{i:02d}Z,{c},1\n" for i, c in enumerate("abcdef"))
    plan = run(local(task(data, task_type="index_parallel", tuning={
        "forceGuaranteedRollup": True, "maxNumConcurrentSubTasks": 2,
        "partitionsSpec": {"type": "range", "partitionDimensions": ["dim"], "targetRowsPerSegment": 2}}), tmp_path))
    assert [s.shard_spec.json for s in plan.segments] == [
        {"type": "range", "dimensions": ["dim"], "start": None, "end": ["c"], "partitionNum": 0,
         "numCorePartitions": 3},
        {"type": "range", "dimensions": ["dim"], "start": ["c"], "end": ["e"], "partitionNum": 1,
         "numCorePartitions": 3},
        {"type": "range", "dimensions": ["dim"], "start": ["e"], "end": None, "partitionNum": 2,
         "numCorePartitions": 3},
    ]
    assert [s.num_rows for s in plan.segments] == [2, 2, 2]


def test_single_dim_partitioning_writes_single_shard_specs(tmp_path: Any) -> None:
    plan = run(local(task(THREE_ROWS, task_type="index_parallel", tuning={
        "forceGuaranteedRollup": True, "partitionsSpec": {"type": "single_dim", "partitionDimension": "dim",
                                                          "targetRowsPerSegment": 5}}), tmp_path))
    assert [s.shard_spec.json for s in plan.segments] == [
        {"type": "single", "dimension": "dim", "start": None, "end": None, "partitionNum": 0,
         "numCorePartitions": 1}
    ]


def test_even_partition_boundaries_match_string_sketch_rules() -> None:
    assert even_partition_boundaries(["a", "b", "c", "d"], 10) == [None, None]
    # Quantiles at 0, 0.5 and 1 of a skewed key set coincide: one partition (PartitionBoundaries dedups).
    assert even_partition_boundaries(["a", "a", "a", "b"], 2) == [None, None]
    assert even_partition_boundaries(["a", "b", "c", "d"], 2) == [None, "c", None]
    assert even_partition_boundaries([], 2) == []


# ---------------------------------------------------------------------- spec validation (Druid's 400 texts)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["spec"]["ioConfig"].update(appendToExisting=True, dropExisting=True),
         ("Cannot simultaneously replace and append to existing segments. Either dropExisting or appendToExisting "
         "should be set to false")),
        (lambda t: t["spec"]["ioConfig"].update(dropExisting=True),
         "GranularitySpec's intervals cannot be empty for replace."),
        (lambda t: t["spec"]["tuningConfig"].update(partitionsSpec={"type": "hashed", "numShards": 2}),
         "DynamicPartitionsSpec must be used for best-effort rollup"),
        (lambda t: t["spec"]["tuningConfig"].update(forceGuaranteedRollup=True,
                                                    partitionsSpec={"type": "dynamic"}),
         "DynamicPartitionsSpec cannot be used for perfect rollup"),
        (lambda t: t["spec"]["dataSchema"].pop("dataSource"), "Invalid value for field [dataSource]: must not be null"),
        (lambda t: t["spec"]["ioConfig"].pop("inputFormat"),
         "At least one of properties[[parser, inputFormat]] must be present"),
        (lambda t: t["spec"]["ioConfig"].update(inputFormat={"type": "csv"}),
         "If columns field is not set, the hasHeaderRow field must be set to true."),
        (lambda t: t["spec"]["ioConfig"].update(inputSource={"type": "nope"}), "Could not resolve type id 'nope'"),
    ],
)
def test_bad_spec_raises_druids_message(change: Any, message: str) -> None:
    obj = task(THREE_ROWS)
    change(obj)
    with pytest.raises(InvalidTask, match=None) as info:
        native_spec_from_json(obj)
    assert message in info.value.message


@pytest.mark.parametrize("source", [{"type": "s3", "uris": ["s3://b/k"]}, {"type": "http", "uris": ["http://x"]}])
def test_other_input_sources_are_not_implemented_and_named(source: dict[str, Any]) -> None:
    obj = task(THREE_ROWS)
    obj["spec"]["ioConfig"]["inputSource"] = source
    with pytest.raises(NotImplementedByFake, match=f"inputSource type \\[{source['type']}\\]"):
        native_spec_from_json(obj)


def test_local_input_source_reads_matching_files(tmp_path: Any) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"ts": "2014-01-01T00:00:00Z", "dim": "a"}) + "\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.json").write_text(json.dumps({"ts": "2014-01-02T00:00:00Z", "dim": "b"}) + "\n")
    (tmp_path / "c.txt").write_text("not json\n")
    obj = task("", input_format={"type": "json"})
    obj["spec"]["ioConfig"]["inputSource"] = {"type": "local", "baseDir": str(tmp_path), "filter": "*.json"}
    plan = run(obj)
    assert [str(s.interval.start) for s in plan.segments] == [
        str(parse_instant("2014-01-01")), str(parse_instant("2014-01-02"))]
    assert plan.build_segments.processed == 2 and plan.build_segments.unparseable == 0


def test_local_input_source_missing_base_dir_fails_the_task(tmp_path: Any) -> None:
    obj = task("", input_format={"type": "json"})
    obj["spec"]["ioConfig"]["inputSource"] = {"type": "local", "baseDir": str(tmp_path / "nope"), "filter": "*"}
    assert "is not a directory" in (run(obj).error or "")


def _compress(kind: str, data: bytes) -> bytes:
    if kind == "gz":
        # Two gzip members, as concatenated .gz files have: CompressionUtils.gzipInputStream reads both.
        return gzip.compress(data[: len(data) // 2]) + gzip.compress(data[len(data) // 2 :])
    if kind == "bz2":
        return bz2.compress(data)
    if kind == "xz":
        return lzma.compress(data, format=lzma.FORMAT_XZ)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("first.json", data)
        archive.writestr("second.json", b"not read: CompressionUtils.decompress reads the first entry only\n")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz", "zip"])
def test_local_input_source_decompresses_by_extension(tmp_path: Any, kind: str) -> None:
    rows = "".join(json.dumps({"ts": f"2014-01-0{d}T00:00:00Z", "dim": "x"}) + "\n" for d in (1, 2, 3))
    (tmp_path / f"wiki.json.{kind}").write_bytes(_compress(kind, rows.encode()))
    obj = task("", input_format={"type": "json"})
    obj["spec"]["ioConfig"]["inputSource"] = {"type": "local", "baseDir": str(tmp_path), "filter": f"*.{kind}"}
    plan = run(obj)
    assert plan.error is None
    assert len(plan.segments) == 3 and plan.build_segments.processed == 3 and plan.build_segments.unparseable == 0


def test_local_input_source_corrupt_gz_fails_the_task(tmp_path: Any) -> None:
    (tmp_path / "bad.json.gz").write_bytes(b"not gzip at all")
    obj = task("", input_format={"type": "json"})
    obj["spec"]["ioConfig"]["inputSource"] = {"type": "local", "files": [str(tmp_path / "bad.json.gz")]}
    plan = run(obj)
    assert plan.segments == [] and "cannot decompress" in (plan.error or "")


def test_local_input_source_zstd_fails_the_task_naming_the_file(tmp_path: Any) -> None:
    (tmp_path / "wiki.json.zst").write_bytes(b"\x28\xb5\x2f\xfd")
    obj = task("", input_format={"type": "json"})
    obj["spec"]["ioConfig"]["inputSource"] = {"type": "local", "files": [str(tmp_path / "wiki.json.zst")]}
    assert "fakedruid cannot decompress wiki.json.zst" in (run(obj).error or "")


def test_json_lines_and_tsv_formats() -> None:
    rows = "\n".join(json.dumps({"ts": f"2014-01-0{d}T00:00:00Z", "dim": "x"}) for d in (1, 2)) + "\nnot json\n"
    plan = run(task(rows, input_format={"type": "json"}))
    assert len(plan.segments) == 2 and plan.build_segments.unparseable == 1
    tsv = run(task("2014-01-01T00:00:00Z\ta\t1\n", input_format={"type": "tsv", "columns": ["ts", "dim", "val"]}))
    assert [s.num_rows for s in tsv.segments] == [1]


def test_spec_for_rows_runs_the_same_planner() -> None:
    spec = spec_for_rows("wiki", [{"timestamp": "2020-01-01T05:00:00Z", "page": "a"},
                                  {"timestamp": "2020-01-02T05:00:00Z", "page": "b"}], segment_granularity="DAY")
    plan = plan_native(spec, read_input(spec), [], V1)
    assert [(str(s.interval), s.dimensions, s.num_rows) for s in plan.segments] == [
        ("2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z", ("page",), 1),
        ("2020-01-02T00:00:00.000Z/2020-01-03T00:00:00.000Z", ("page",), 1),
    ]
    with pytest.raises(InvalidTask, match="intervals cannot be empty for replace"):
        spec_for_rows("wiki", [], drop_existing=True)


def test_rollup_false_counts_every_row_and_size_follows_the_rows() -> None:
    data = "2014-01-01T00:00:10Z,a,1\n" * 3
    rolled = run(task(data, dimensions=["dim"]))
    raw = run(task(data, dimensions=["dim"], granularity={"segmentGranularity": "DAY", "rollup": False}))
    assert rolled.segments[0].num_rows == 1 and raw.segments[0].num_rows == 3
    assert raw.segments[0].size == 3 * rolled.segments[0].size


def test_plan_with_python_records() -> None:
    spec = spec_for_rows("ds", [])
    plan = plan_native(spec, InputData([Record(None, "bad"), Record({"timestamp": 0})], 0), [], V1)
    assert plan.build_segments.unparseable == 1 and [s.num_rows for s in plan.segments] == [1]


# ---------------------------------------------------------------------- hashing, timestamps, granularity


def test_murmur3_32_matches_reference_vectors() -> None:
    assert murmur3_32(b"") == 0
    assert murmur3_32(b"hello") == 613153351
    assert murmur3_32(b"The quick brown fox jumps over the lazy dog") == 0x2E4FF723


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("2014-01-01T00:00:10Z", "auto", "2014-01-01T00:00:10Z"),
        ("2014-01-01 00:00:10", "auto", "2014-01-01T00:00:10Z"),
        ("1388534410000", "auto", "2014-01-01T00:00:10Z"),
        (1388534410000, "millis", "2014-01-01T00:00:10Z"),
        (1388534410, "posix", "2014-01-01T00:00:10Z"),
        ("1388534410", "posix", "2014-01-01T00:00:10Z"),
        ("2014-01-01T00:00:10.000+01:00", "iso", "2013-12-31T23:00:10Z"),
        ("01/02/2014 13:05", "MM/dd/yyyy HH:mm", "2014-01-02T13:05:00Z"),
        ("20140102", "yyyyMMdd", "2014-01-02T00:00:00Z"),
        ("2014-01-02 01:05:00 PM", "yyyy-MM-dd hh:mm:ss a", "2014-01-02T13:05:00Z"),
        ("02 Jan 2014", "dd MMM yyyy", "2014-01-02T00:00:00Z"),
    ],
)
def test_timestamp_formats(value: Any, fmt: str, expected: str) -> None:
    assert parse_timestamp(value, fmt) == parse_instant(expected)


def test_unparseable_timestamp_and_missing_value() -> None:
    with pytest.raises(UnparseableTimestamp):
        parse_timestamp("nope", "auto")
    spec = TimestampSpec("t", "auto", missing_value=5)
    assert spec.extract({}) == 5
    with pytest.raises(NotImplementedByFake, match="pattern letter"):
        TimestampSpec("t", "yyyy-ww")


@pytest.mark.parametrize(
    ("name", "instant", "bucket"),
    [
        ("DAY", "2020-03-05T13:00:00Z", "2020-03-05/2020-03-06"),
        ("WEEK", "2020-03-05T13:00:00Z", "2020-03-02/2020-03-09"),
        ("MONTH", "2020-03-05T13:00:00Z", "2020-03-01/2020-04-01"),
        ("QUARTER", "2020-05-05T13:00:00Z", "2020-04-01/2020-07-01"),
        ("YEAR", "2020-05-05T13:00:00Z", "2020-01-01/2021-01-01"),
        ("SIX_HOUR", "2020-05-05T13:00:00Z", "2020-05-05T12:00:00Z/2020-05-05T18:00:00Z"),
        ("FIFTEEN_MINUTE", "2020-05-05T13:17:00Z", "2020-05-05T13:15:00Z/2020-05-05T13:30:00Z"),
    ],
)
def test_granularity_buckets(name: str, instant: str, bucket: str) -> None:
    assert granularity_of(name).bucket(parse_instant(instant)) == parse_interval(bucket)


def test_period_granularity_truncates_within_the_parent_field() -> None:
    five_hours = period_granularity("PT5H")
    assert five_hours.bucket_start(parse_instant("2020-01-02T03:00:00Z")) == parse_instant("2020-01-02T00:00:00Z")
    assert period_granularity("P1D").name == "DAY"
    with pytest.raises(NotImplementedByFake):
        period_granularity("P1D", time_zone="America/Los_Angeles")
    assert [str(b) for b in granularity_of("DAY").buckets(parse_interval("2020-01-01T12/2020-01-03"))] == [
        "2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z", "2020-01-02T00:00:00.000Z/2020-01-03T00:00:00.000Z"]


def test_perfect_rollup_append_is_a_400_for_parallel_and_a_failure_for_index() -> None:
    tuning = {"forceGuaranteedRollup": True, "partitionsSpec": {"type": "hashed", "numShards": 1}}
    with pytest.raises(InvalidTask, match="Perfect rollup cannot be guaranteed when appending"):
        native_spec_from_json(task(THREE_ROWS, task_type="index_parallel", tuning=tuning, append=True))
    plan = run(task(THREE_ROWS, tuning=tuning, append=True))
    assert plan.error is not None and "Perfect rollup cannot be guaranteed" in plan.error
    assert plan.segments == []


def test_construct_errors_name_the_class_that_checks() -> None:
    with pytest.raises(InvalidTask) as info:
        native_spec_from_json(task(THREE_ROWS, task_type="index_parallel", drop=True))
    assert info.value.message.startswith(
        "Cannot construct instance of `org.apache.druid.indexing.common.task.batch.parallel."
        "ParallelIndexSupervisorTask`, problem: GranularitySpec's intervals cannot be empty when using replace.")
    with pytest.raises(InvalidTask) as info:
        native_spec_from_json(task(THREE_ROWS, drop=True))
    assert info.value.message.startswith(
        "Cannot construct instance of `org.apache.druid.indexing.common.task.IndexTask$IndexIngestionSpec`, "
        "problem: GranularitySpec's intervals cannot be empty for replace.")


def test_lock_version_is_now_unless_a_frozen_clock_would_not_sort_after_existing_versions() -> None:
    from fakedruid.model.ingestion import lock_version

    seg = run(task(THREE_ROWS)).segments[0]  # version V1
    assert lock_version(parse_instant(V2), [seg], [seg.interval]) == V2
    assert lock_version(parse_instant(V1), [seg], [seg.interval]) == "2024-06-01T00:00:00.001Z"
    assert lock_version(parse_instant(V1), [seg], [parse_interval("2015/2016")]) == V1


def test_ingestion_report_carries_the_row_stats() -> None:
    from fakedruid.model.ingestion import ingestion_report

    plan = run(task("bad,a,1\n" + THREE_ROWS))
    payload = ingestion_report("t1", plan, completed=True)["ingestionStatsAndErrors"]["payload"]
    assert payload["ingestionState"] == "COMPLETED"
    assert payload["rowStats"]["buildSegments"] == {
        "processed": 3, "processedBytes": len(("bad,a,1\n" + THREE_ROWS).encode()), "processedWithError": 0,
        "thrownAway": 0, "thrownAwayByReason": {}, "unparseable": 1}
    assert payload["errorMsg"] is None
