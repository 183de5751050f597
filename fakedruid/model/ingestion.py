"""Batch ingestion: the spec Druid reads, and the segments an ingestion task publishes.

Layer: model; imports only the stdlib and the rest of ``fakedruid.model``. The fake has no storage engine: rows are
read only for what decides segments (their timestamp, the dimension values that decide rollup and partitioning),
and the planner computes what Druid would publish for them:

* native batch (``index``, ``index_parallel``; ``IndexTask``, ``ParallelIndexSupervisorTask``,
  ``AbstractBatchIndexTask``): overwrite (a new version, the task lock's, per time chunk with rows; ``numbered``
  shard specs annotated with the chunk's segment count), append (``SegmentAllocateAction``: continue the visible
  chunk's partitions with its version, or start ``numbered`` 0 of 0), ``dropExisting`` (tombstones for empty
  buckets of the input intervals that overlap visible used segments, ``TombstoneHelper.computeTombstoneIntervals``),
  ``dynamic`` partitioning (a segment is pushed when it reaches ``maxRowsPerSegment`` or the open segments reach
  ``maxTotalRows``; ``BatchAppenderatorDriver.pushAllAndClear`` pushes all open segments), ``hashed``
  (``HashPartitioner``: murmur3_32 of the Jackson-serialised group key) and ``range``/``single_dim``
  (``StringSketch.getEvenPartitionsByTargetSize`` on the exact sorted keys);
* MSQ (``ControllerImpl.generateSegmentIdsWithShardSpecsForAppend`` / ``...ForReplace`` and
  ``publishAllSegments``), fed by the SQL translation in :mod:`fakedruid.msq`.

Row counts are after rollup within each segment (Druid's in-memory rollup; intermediate persists, which can leave
duplicates, are not modelled). ``size`` cannot be Druid's (the zipped segment's byte count); it is the UTF-8 length
of the segment's stored rows written as compact JSON arrays ``[time, dim1, dim2, ...]``, one per row.
"""

from __future__ import annotations

import bz2
import csv
import fnmatch
import gzip
import io
import itertools
import json
import lzma
import math
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fakedruid.errors import FakeDruidError, InvalidTask, NotImplementedByFake
from fakedruid.model.granularity import (
    DAY,
    NONE,
    Granularity,
    UnknownGranularity,
    granularity_from_json,
)
from fakedruid.model.intervals import (
    ETERNITY,
    Interval,
    condense,
    format_instant,
    parse_interval,
)
from fakedruid.model.row_filters import RowFilter, RowNumber, RowValues, filter_from_json
from fakedruid.model.segments import DataSegment
from fakedruid.model.shard_specs import ShardSpec, numbered, parse_shard_spec
from fakedruid.model.tasks import id_problem
from fakedruid.model.timeline import Timeline
from fakedruid.model.timestamps import TimestampSpec, UnparseableTimestamp

INDEX = "index"
INDEX_PARALLEL = "index_parallel"
QUERY_CONTROLLER = "query_controller"

#: ``PartitionsSpec.DEFAULT_MAX_ROWS_PER_SEGMENT`` and ``DynamicPartitionsSpec.DEFAULT_MAX_TOTAL_ROWS``.
DEFAULT_MAX_ROWS_PER_SEGMENT = 5_000_000
DEFAULT_MAX_TOTAL_ROWS = 20_000_000
#: ``TuningConfig.DEFAULT_MAX_PARSE_EXCEPTIONS``.
DEFAULT_MAX_PARSE_EXCEPTIONS = 2**31 - 1
#: ``MultiStageQueryContext.DEFAULT_ROWS_PER_SEGMENT``.
MSQ_DEFAULT_ROWS_PER_SEGMENT = 3_000_000
#: ``Limits.MAX_PARTITION_BUCKETS`` (MSQ ``TooManyBuckets``).
MSQ_MAX_PARTITION_BUCKETS = 5000

#: Input source types Druid knows besides ``inline`` and ``local`` (core and common extensions): 501 in the fake.
OTHER_INPUT_SOURCES = frozenset(
    {"http", "s3", "google", "azure", "azureStorage", "hdfs", "druid", "sql", "combining", "oss", "delta",
     "iceberg", "kafka", "kinesis"}
)
OTHER_INPUT_FORMATS = frozenset(
    {"regex", "parquet", "orc", "avro_ocf", "avro_stream", "protobuf", "javascript", "kafka", "kinesis",
     "delimited", "influx", "thrift"}
)

_INDEX_TASK = "org.apache.druid.indexing.common.task.IndexTask"
_PARALLEL_TASK = "org.apache.druid.indexing.common.task.batch.parallel.ParallelIndexSupervisorTask"


# ====================================================================== the spec


@dataclass(frozen=True, slots=True)
class InlineSource:
    """``{"type": "inline", "data": ...}``."""

    data: str


@dataclass(frozen=True, slots=True)
class LocalSource:
    """``{"type": "local", "baseDir": ..., "filter": ..., "files": [...]}``."""

    base_dir: str | None
    filter: str | None
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RowsSource:
    """Rows given as Python mappings (the Python API); not a Druid input source."""

    rows: tuple[dict[str, Any], ...]


InputSource = InlineSource | LocalSource | RowsSource


@dataclass(frozen=True, slots=True)
class InputFormat:
    """``json``, ``csv`` or ``tsv`` (``JsonInputFormat``, ``CsvInputFormat``, ``DelimitedInputFormat``)."""

    type: str = "json"
    columns: tuple[str, ...] = ()
    find_columns_from_header: bool = False
    skip_header_rows: int = 0
    delimiter: str = ","
    list_delimiter: str = "\x01"


@dataclass(frozen=True, slots=True)
class DynamicPartitions:
    """``DynamicPartitionsSpec``."""

    max_rows_per_segment: int = DEFAULT_MAX_ROWS_PER_SEGMENT
    max_total_rows: int | None = DEFAULT_MAX_TOTAL_ROWS


@dataclass(frozen=True, slots=True)
class HashedPartitions:
    """``HashedPartitionsSpec``: ``num_shards`` buckets, or as many as ``max_rows_per_segment`` needs."""

    num_shards: int | None = None
    max_rows_per_segment: int | None = None
    partition_dimensions: tuple[str, ...] = ()
    partition_function: str = "murmur3_32_abs"


@dataclass(frozen=True, slots=True)
class RangePartitions:
    """``SingleDimensionPartitionsSpec`` (``single_dim``) or ``DimensionRangePartitionsSpec`` (``range``)."""

    type: str
    dimensions: tuple[str, ...]
    target_rows_per_segment: int | None = None
    max_rows_per_segment: int | None = None


PartitionsSpec = DynamicPartitions | HashedPartitions | RangePartitions


@dataclass(frozen=True, slots=True)
class IngestionSpec:
    """A batch ingestion spec, as the planner needs it (native or translated from SQL)."""

    task_type: str
    datasource: str
    timestamp_spec: TimestampSpec = field(default_factory=TimestampSpec)
    #: Explicit dimensions, or None for schemaless discovery.
    dimensions: tuple[str, ...] | None = None
    dimension_exclusions: frozenset[str] = frozenset()
    metrics: tuple[str, ...] = ()
    #: None for an ``arbitrary`` granularity spec (the intervals are the chunks).
    segment_granularity: Granularity | None = DAY
    query_granularity: Granularity = NONE
    intervals: tuple[Interval, ...] = ()
    rollup: bool = True
    input_source: InputSource = InlineSource("")
    input_format: InputFormat | None = InputFormat()
    append: bool = False
    drop_existing: bool = False
    partitions: PartitionsSpec = DynamicPartitions()
    max_parse_exceptions: int = DEFAULT_MAX_PARSE_EXCEPTIONS
    max_num_concurrent_sub_tasks: int = 1
    #: ``transformSpec.filter``: rows it does not keep are thrown away.
    row_filter: RowFilter | None = None
    #: MSQ only: the row filter and limit of the SELECT, the clustering columns, ``rowsPerSegment``.
    msq: MsqOptions | None = None

    @property
    def is_replace(self) -> bool:
        """``IngestionMode.REPLACE``: ``dropExisting`` without ``appendToExisting`` (tombstones)."""
        return self.drop_existing and not self.append

    @property
    def is_perfect_rollup(self) -> bool:
        """Hashed or range partitioning (``forceGuaranteedRollup``)."""
        return not isinstance(self.partitions, DynamicPartitions)


@dataclass(frozen=True, slots=True)
class MsqOptions:
    """What an MSQ INSERT or REPLACE adds to a spec (see :mod:`fakedruid.msq`)."""

    replace: bool
    #: The OVERWRITE time chunks of a REPLACE (``ETERNITY`` for ``OVERWRITE ALL``).
    replace_intervals: tuple[Interval, ...] = ()
    cluster_by: tuple[str, ...] = ()
    #: The CLUSTERED BY columns usable for ``range`` shard specs (ascending, string, selected as is).
    range_columns: tuple[str, ...] = ()
    rows_per_segment: int = MSQ_DEFAULT_ROWS_PER_SEGMENT
    #: Output column -> a function of the input row (values other than __time decide rollup-free row counts).
    output_columns: tuple[str, ...] = ()


# ====================================================================== reading a native spec


def _construct(cls: str, problem: str) -> InvalidTask:
    """Jackson's ``ValueInstantiationException`` text for an exception thrown by a constructor."""
    return InvalidTask(f"Cannot construct instance of `{cls}`, problem: {problem}")


def _obj(value: Any, where: str, java_type: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidTask(f"Cannot deserialize value of type `{java_type}` from {type(value).__name__} value "
                          f"(through reference chain: {where})")
    return value


def _int_field(obj: dict[str, Any], key: str, default: int | None) -> int | None:
    value = obj.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidTask(f"Cannot deserialize value of type `java.lang.Integer` from {value!r} (field [{key}])")
    try:
        return int(value)
    except ValueError:
        raise InvalidTask(f'Cannot deserialize value of type `java.lang.Integer` from String "{value}": not a '
                          f"valid `java.lang.Integer` value (field [{key}])") from None


def _bool_field(obj: dict[str, Any], key: str, default: bool) -> bool:
    value = obj.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, int):
        return value != 0
    raise InvalidTask(f"Cannot deserialize value of type `java.lang.Boolean` from {value!r} (field [{key}])")


def _names(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidTask(f"Cannot deserialize value of type `java.util.List<java.lang.String>` from {value!r} "
                          f"(field [{key}])")
    out = []
    for item in value:
        if isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str):
                raise InvalidTask(f"A dimension schema in [{key}] has no [name]")
            out.append(name)
        elif isinstance(item, str):
            out.append(item)
        else:
            raise InvalidTask(f"Cannot deserialize a dimension name from {item!r} (field [{key}])")
    return tuple(out)


def _granularity(value: Any, default: Granularity, key: str) -> Granularity:
    if value is None:
        return default
    try:
        return granularity_from_json(value)
    except UnknownGranularity as exc:
        if isinstance(value, str):
            # Granularity's @JsonCreator (GranularityType.valueOf) throws inside the constructor: Jackson wraps it
            # as a ValueInstantiationException (measured on Druid 28.0.0 and 33.0.0).
            raise _construct("org.apache.druid.java.util.common.granularity.Granularity", str(exc)) from None
        raise InvalidTask(f"Cannot deserialize value of type `org.apache.druid.java.util.common.granularity."
                          f"Granularity` from {value!r}: {exc} (field [{key}])") from None


def _intervals(value: Any) -> tuple[Interval, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    out = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidTask(f"Cannot deserialize value of type `org.joda.time.Interval` from {item!r}")
        out.append(parse_interval(item))
    return tuple(out)


def input_source_from_json(obj: Any) -> InputSource:
    """An ``inputSource``: ``inline`` and ``local``; other Druid types raise :class:`NotImplementedByFake`.

    :raises InvalidTask: for a type Druid does not know, or a malformed ``inline``/``local`` source.
    """
    if not isinstance(obj, dict):
        raise InvalidTask("Could not resolve subtype of [simple type, class org.apache.druid.data.input."
                          "InputSource]: missing type id property 'type'")
    type_ = obj.get("type")
    if type_ == "inline":
        data = obj.get("data")
        if not isinstance(data, str) or data == "":
            raise _construct("org.apache.druid.data.input.impl.InlineInputSource",
                             "data can't be null or empty")
        return InlineSource(data)
    if type_ == "local":
        base_dir = obj.get("baseDir")
        filter_ = obj.get("filter")
        files = obj.get("files") or []
        if base_dir is None and not files:
            raise _construct("org.apache.druid.data.input.impl.LocalInputSource",
                             "At least one of baseDir or files should be specified")
        if base_dir is not None and not filter_:
            raise _construct("org.apache.druid.data.input.impl.LocalInputSource",
                             "Must specify a filter when baseDir is set")
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise InvalidTask("local input source field [files] must be a list of strings")
        return LocalSource(base_dir, filter_, tuple(files))
    if type_ in OTHER_INPUT_SOURCES:
        raise NotImplementedByFake(f"inputSource type [{type_}]: only 'inline' and 'local' are implemented")
    raise InvalidTask(
        f"Could not resolve type id '{type_}' as a subtype of `org.apache.druid.data.input.InputSource`: known "
        "type ids = [combining, http, inline, local, druid, sql] (for POJO property 'inputSource')"
    )


def input_format_from_json(obj: Any) -> InputFormat:
    """An ``inputFormat``: ``json``, ``csv``, ``tsv``; other Druid formats raise :class:`NotImplementedByFake`."""
    if not isinstance(obj, dict):
        raise InvalidTask("Could not resolve subtype of [simple type, class org.apache.druid.data.input."
                          "InputFormat]: missing type id property 'type'")
    type_ = obj.get("type")
    if type_ == "json":
        return InputFormat("json")
    if type_ in ("csv", "tsv"):
        columns = _names(obj.get("columns"), "columns")
        find = _bool_field(obj, "findColumnsFromHeader", False)
        if "hasHeaderRow" in obj and obj.get("findColumnsFromHeader") is None:
            find = _bool_field(obj, "hasHeaderRow", False)
        skip = _int_field(obj, "skipHeaderRows", 0) or 0
        cls = ("org.apache.druid.data.input.impl.CsvInputFormat" if type_ == "csv"
               else "org.apache.druid.data.input.impl.DelimitedInputFormat")
        # FlatTextInputFormat: columns, or a header to find them in.
        if not columns and not find:
            raise _construct(cls, "If columns field is not set, the hasHeaderRow field must be set to true.")
        if columns and find:
            raise _construct(cls, "Cannot accept both findColumnsFromHeader and columns")
        if len(set(columns)) != len(columns):
            dup = next(c for c in columns if columns.count(c) > 1)
            raise _construct(cls, f"Column [{dup}] is duplicated in columns")
        delimiter = "," if type_ == "csv" else str(obj.get("delimiter") or "\t")
        list_delimiter = str(obj.get("listDelimiter") or "\x01")
        return InputFormat(type_, columns, find, skip, delimiter, list_delimiter)
    if type_ in OTHER_INPUT_FORMATS:
        raise NotImplementedByFake(f"inputFormat type [{type_}]: only 'json', 'csv' and 'tsv' are implemented")
    raise InvalidTask(
        f"Could not resolve type id '{type_}' as a subtype of `org.apache.druid.data.input.InputFormat`: known "
        "type ids = [csv, json, regex, tsv] (for POJO property 'inputFormat')"
    )


def _partitions_from_json(tuning: dict[str, Any], tuning_cls: str) -> PartitionsSpec:
    """``IndexTuningConfig.getPartitionsSpec``, with its checks (thrown from the tuning config's constructor)."""
    force = _bool_field(tuning, "forceGuaranteedRollup", False)
    spec = tuning.get("partitionsSpec")
    if spec is None:
        max_rows = _int_field(tuning, "maxRowsPerSegment", None)
        if max_rows is None:
            max_rows = _int_field(tuning, "targetPartitionSize", None)
        max_total = _int_field(tuning, "maxTotalRows", None)
        num_shards = _int_field(tuning, "numShards", None)
        dims = _names(tuning.get("partitionDimensions"), "partitionDimensions")
        if force:
            return HashedPartitions(num_shards, None if num_shards else (max_rows or DEFAULT_MAX_ROWS_PER_SEGMENT),
                                    dims)
        return DynamicPartitions(max_rows or DEFAULT_MAX_ROWS_PER_SEGMENT,
                                 DEFAULT_MAX_TOTAL_ROWS if max_total is None else max_total)
    spec = _obj(spec, "tuningConfig.partitionsSpec", "org.apache.druid.indexer.partitions.PartitionsSpec")
    type_ = spec.get("type")
    parsed: PartitionsSpec
    if type_ == "dynamic":
        max_rows = _int_field(spec, "maxRowsPerSegment", None)
        max_total = _int_field(spec, "maxTotalRows", None)
        parsed = DynamicPartitions(
            DEFAULT_MAX_ROWS_PER_SEGMENT if max_rows is None or max_rows < 0 else max_rows,
            DEFAULT_MAX_TOTAL_ROWS if max_total is None or max_total < 0 else max_total,
        )
        if force:
            raise _construct(tuning_cls, "DynamicPartitionsSpec cannot be used for perfect rollup")
    elif type_ == "hashed":
        target = _int_field(spec, "targetRowsPerSegment", None)
        max_rows = _int_field(spec, "maxRowsPerSegment", None)
        num_shards = _int_field(spec, "numShards", None)
        if num_shards is not None and num_shards < 0:
            num_shards = None
        rows = target if target is not None else max_rows
        cls = "org.apache.druid.indexer.partitions.HashedPartitionsSpec"
        if rows is not None and rows > 0 and num_shards is not None:
            raise _construct(cls, "Can't use maxRowsPerSegment or targetRowsPerSegment and numShards together")
        if num_shards is not None and num_shards == 0:
            raise _construct(cls, "numShards[0] should be positive")
        function = spec.get("partitionFunction") or "murmur3_32_abs"
        parsed = HashedPartitions(
            num_shards,
            None if num_shards is not None else (rows if rows and rows > 0 else DEFAULT_MAX_ROWS_PER_SEGMENT),
            _names(spec.get("partitionDimensions"), "partitionDimensions"),
            str(function).lower(),
        )
        if not force:
            raise _construct(tuning_cls, "DynamicPartitionsSpec must be used for best-effort rollup")
    elif type_ in ("single_dim", "range"):
        target = _int_field(spec, "targetRowsPerSegment", None)
        max_rows = _int_field(spec, "maxRowsPerSegment", None)
        if type_ == "single_dim":
            dim = spec.get("partitionDimension")
            cls = "org.apache.druid.indexer.partitions.SingleDimensionPartitionsSpec"
            if not isinstance(dim, str):
                raise NotImplementedByFake("single_dim partitioning without partitionDimension (Druid picks one by "
                                           "cardinality) is not implemented")
            range_dims: tuple[str, ...] = (dim,)
        else:
            cls = "org.apache.druid.indexer.partitions.DimensionRangePartitionsSpec"
            range_dims = _names(spec.get("partitionDimensions"), "partitionDimensions")
            if not range_dims:
                raise _construct(cls, "partitionDimensions must be specified")
        if (target is None) == (max_rows is None):
            raise _construct(cls, "Exactly one of targetRowsPerSegment or maxRowsPerSegment must be present")
        parsed = RangePartitions(type_, range_dims, target, max_rows)
        if not force:
            raise _construct(tuning_cls, "DynamicPartitionsSpec must be used for best-effort rollup")
    else:
        raise InvalidTask(
            f"Could not resolve type id '{type_}' as a subtype of `org.apache.druid.indexer.partitions."
            "PartitionsSpec`: known type ids = [dynamic, hashed, range, single_dim] (for POJO property "
            "'partitionsSpec')"
        )
    return parsed


def native_spec_from_json(task: Any) -> tuple[IngestionSpec, dict[str, Any]]:
    """Read an ``index`` or ``index_parallel`` task as Druid's Jackson mapper and constructors do.

    :returns: the spec and the task fields the task store keeps (``id``, ``context``, ``groupId``...).
    :raises InvalidTask: with the text of Druid's 400 ``{"error": ...}``.
    :raises NotImplementedByFake: for an input source, input format or granularity the fake does not read.
    """
    if not isinstance(task, dict):
        raise InvalidTask("Could not resolve subtype of [simple type, class org.apache.druid.indexing.common.task."
                          "Task]: missing type id property 'type'")
    task_type = task.get("type")
    cls = _INDEX_TASK if task_type == INDEX else _PARALLEL_TASK
    spec = task.get("spec")
    if spec is None:
        spec = task.get("ingestionSpec")  # the pre-0.13 name, still accepted by @JsonAlias
    if not isinstance(spec, dict):
        raise _construct(cls, "Cannot invoke \"org.apache.druid.indexing.common.task.IndexTask$IndexIngestionSpec."
                              "getDataSchema()\" because \"ingestionSchema\" is null")
    schema = _obj(spec.get("dataSchema"), "spec.dataSchema", "org.apache.druid.segment.indexing.DataSchema")
    io_config = _obj(spec.get("ioConfig"), "spec.ioConfig", "org.apache.druid.segment.indexing.IOConfig")
    tuning = _obj(spec.get("tuningConfig"), "spec.tuningConfig", "org.apache.druid.segment.indexing.TuningConfig")

    datasource = schema.get("dataSource")
    if not isinstance(datasource, str) or datasource == "":
        raise _construct("org.apache.druid.segment.indexing.DataSchema",
                         "Invalid value for field [dataSource]: must not be null")
    # DataSchema's constructor: IdUtils.validateId("dataSource", ...), before the task id is made from it.
    problem = id_problem(datasource, "dataSource")
    if problem is not None:
        raise _construct("org.apache.druid.segment.indexing.DataSchema", problem)
    ts = _obj(schema.get("timestampSpec"), "dataSchema.timestampSpec", "TimestampSpec")
    if schema.get("parser") is not None:
        raise NotImplementedByFake("the deprecated dataSchema.parser is not implemented: use ioConfig.inputFormat")
    timestamp_spec = TimestampSpec(
        column=str(ts.get("column") or "timestamp"),
        format=str(ts.get("format") or "auto"),
        missing_value=_missing_value(ts.get("missingValue")),
    )
    dims_spec = _obj(schema.get("dimensionsSpec"), "dataSchema.dimensionsSpec", "DimensionsSpec")
    explicit = _names(dims_spec.get("dimensions"), "dimensions")
    discovery = not explicit or _bool_field(dims_spec, "useSchemaDiscovery", False)
    exclusions = set(_names(dims_spec.get("dimensionExclusions"), "dimensionExclusions"))
    exclusions.add(timestamp_spec.column)
    metrics: list[str] = []
    for agg in schema.get("metricsSpec") or []:
        if not isinstance(agg, dict) or not isinstance(agg.get("name"), str):
            raise InvalidTask("Every metricsSpec entry needs a [name]")
        metrics.append(agg["name"])
        exclusions.add(agg["name"])
        for key in ("fieldName",):
            if isinstance(agg.get(key), str):
                exclusions.add(agg[key])
        for name in agg.get("fieldNames") or []:
            if isinstance(name, str):
                exclusions.add(name)
    transform = _obj(schema.get("transformSpec"), "dataSchema.transformSpec", "TransformSpec")
    if transform.get("transforms"):
        raise NotImplementedByFake("transformSpec.transforms is not implemented: only transformSpec.filter")
    row_filter = None if transform.get("filter") is None else filter_from_json(transform["filter"])
    gran = _obj(schema.get("granularitySpec"), "dataSchema.granularitySpec", "GranularitySpec")
    gran_type = gran.get("type", "uniform")
    intervals = _intervals(gran.get("intervals"))
    rollup = _bool_field(gran, "rollup", True)
    query_gran = _granularity(gran.get("queryGranularity"), NONE, "queryGranularity")
    seg_gran: Granularity | None
    if gran_type == "arbitrary":
        seg_gran = None
        if not intervals:
            raise _construct("org.apache.druid.segment.indexing.granularity.ArbitraryGranularitySpec",
                             "intervals must not be null or empty")
        ordered = sorted(intervals)
        for a, b in itertools.pairwise(ordered):
            if a.overlaps(b):
                raise _construct("org.apache.druid.segment.indexing.granularity.ArbitraryGranularitySpec",
                                 f"Overlapping intervals: {a}, {b}")
    elif gran_type == "uniform":
        seg_gran = _granularity(gran.get("segmentGranularity"), DAY, "segmentGranularity")
    else:
        raise InvalidTask(f"Could not resolve type id '{gran_type}' as a subtype of `org.apache.druid.segment."
                          "indexing.granularity.GranularitySpec`: known type ids = [arbitrary, uniform]")

    if io_config.get("firehose") is not None:
        raise NotImplementedByFake("ioConfig.firehose is not implemented: use inputSource")
    parallel = task_type == INDEX_PARALLEL
    io_cls = ("org.apache.druid.indexing.common.task.batch.parallel.ParallelIndexIOConfig" if parallel
              else "org.apache.druid.indexing.common.task.IndexTask$IndexIOConfig")
    spec_cls = ("org.apache.druid.indexing.common.task.batch.parallel.ParallelIndexIngestionSpec" if parallel
                else "org.apache.druid.indexing.common.task.IndexTask$IndexIngestionSpec")
    source_json = io_config.get("inputSource")
    if source_json is None:
        # IndexIOConfig: Checks.checkOneNotNullOrEmpty names the properties (measured on Druid 28.0.0; releases
        # without firehoses, 33.0.0 among them, may name inputSource alone or check otherwise: not measured).
        raise _construct(io_cls, "At least one of properties[[firehose, inputSource]] must be present")
    input_source = input_source_from_json(source_json)
    format_json = io_config.get("inputFormat")
    input_format = None if format_json is None else input_format_from_json(format_json)
    append = _bool_field(io_config, "appendToExisting", False)
    drop = _bool_field(io_config, "dropExisting", False)
    partitions = _partitions_from_json(
        tuning,
        "org.apache.druid.indexing.common.task.batch.parallel.ParallelIndexTuningConfig" if parallel
        else "org.apache.druid.indexing.common.task.IndexTask$IndexTuningConfig",
    )
    # The ingestion spec's constructor: AbstractTask.computeBatchIngestionMode, the replace intervals, the format.
    # ParallelIndexSupervisorTask checks these in its own constructor (with its own wording for the intervals),
    # before ParallelIndexIngestionSpec is built; IndexTask leaves them to IndexIngestionSpec (measured on Druid
    # 28.0.0 and 33.0.0).
    mode_cls = cls if parallel else spec_cls
    if append and drop:
        raise _construct(mode_cls, "Cannot simultaneously replace and append to existing segments. Either "
                                   "dropExisting or appendToExisting should be set to false")
    if drop and not append and not intervals:
        raise _construct(mode_cls, "GranularitySpec's intervals cannot be empty when using replace." if parallel
                         else "GranularitySpec's intervals cannot be empty for replace.")
    if input_format is None:
        # Checks.checkOneNotNullOrEmpty (measured on Druid 28.0.0; 33.0.0 not measured).
        raise _construct(spec_cls, "At least one of properties[[parser, inputFormat]] must be present")
    # AbstractBatchIndexTask.isGuaranteedRollup: ParallelIndexSupervisorTask calls it in its constructor (a 400);
    # IndexTask only when it runs (the task fails, see plan_native).
    if parallel and append and not isinstance(partitions, DynamicPartitions):
        raise _construct(cls, "Perfect rollup cannot be guaranteed when appending to existing dataSources")
    max_parse = _int_field(tuning, "maxParseExceptions", None)
    if _bool_field(tuning, "reportParseExceptions", False):
        max_parse = 0
    subtasks = _int_field(tuning, "maxNumConcurrentSubTasks", None) or _int_field(tuning, "maxNumSubTasks", 1) or 1
    spec_obj = IngestionSpec(
        task_type=str(task_type),
        datasource=datasource,
        timestamp_spec=timestamp_spec,
        dimensions=None if discovery and not explicit else explicit,
        dimension_exclusions=frozenset(exclusions),
        metrics=tuple(metrics),
        segment_granularity=seg_gran,
        query_granularity=query_gran,
        intervals=intervals,
        rollup=rollup,
        input_source=input_source,
        input_format=input_format,
        append=append,
        drop_existing=drop,
        partitions=partitions,
        max_parse_exceptions=DEFAULT_MAX_PARSE_EXCEPTIONS if max_parse is None else max_parse,
        max_num_concurrent_sub_tasks=subtasks,
        row_filter=row_filter,
    )
    extra = {"id": task.get("id"), "context": task.get("context"), "groupId": task.get("groupId")}
    return spec_obj, extra


def _missing_value(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        from fakedruid.model.intervals import parse_instant

        return parse_instant(str(value))
    except ValueError:
        raise InvalidTask(f"Cannot deserialize timestampSpec.missingValue from {value!r}") from None


def spec_for_rows(
    datasource: str,
    rows: Iterable[dict[str, Any]],
    *,
    segment_granularity: str | Granularity = "DAY",
    query_granularity: str | Granularity = "NONE",
    timestamp_column: str = "timestamp",
    timestamp_format: str = "auto",
    dimensions: Sequence[str] | None = None,
    metrics: Sequence[str] = (),
    rollup: bool = True,
    intervals: Sequence[str | Interval] = (),
    append: bool = False,
    drop_existing: bool = False,
    max_rows_per_segment: int = DEFAULT_MAX_ROWS_PER_SEGMENT,
    max_total_rows: int | None = DEFAULT_MAX_TOTAL_ROWS,
) -> IngestionSpec:
    """An ``index_parallel`` spec over Python rows: what ``FakeCoordinator.ingest`` submits.

    :raises InvalidTask: as the equivalent native spec would (``dropExisting`` without intervals, ...).
    """
    seg = segment_granularity if isinstance(segment_granularity, Granularity) else _granularity(
        segment_granularity, DAY, "segmentGranularity")
    query = query_granularity if isinstance(query_granularity, Granularity) else _granularity(
        query_granularity, NONE, "queryGranularity")
    ivs = tuple(i if isinstance(i, Interval) else parse_interval(i) for i in intervals)
    if append and drop_existing:
        raise _construct(_PARALLEL_TASK, "Cannot simultaneously replace and append to existing segments. Either "
                                         "dropExisting or appendToExisting should be set to false")
    if drop_existing and not append and not ivs:
        raise _construct(_PARALLEL_TASK, "GranularitySpec's intervals cannot be empty for replace.")
    exclusions = {timestamp_column, *metrics}
    return IngestionSpec(
        task_type=INDEX_PARALLEL,
        datasource=datasource,
        timestamp_spec=TimestampSpec(timestamp_column, timestamp_format),
        dimensions=None if dimensions is None else tuple(dimensions),
        dimension_exclusions=frozenset(exclusions),
        metrics=tuple(metrics),
        segment_granularity=seg,
        query_granularity=query,
        intervals=ivs,
        rollup=rollup,
        input_source=RowsSource(tuple(dict(r) for r in rows)),
        input_format=None,
        append=append,
        drop_existing=drop_existing,
        partitions=DynamicPartitions(max_rows_per_segment, max_total_rows),
    )


# ====================================================================== reading input


@dataclass(slots=True)
class Record:
    """One input record: its values, or the parse error Druid reports for it."""

    values: dict[str, Any] | None
    error: str | None = None


@dataclass(slots=True)
class InputData:
    """The records of an input source and the bytes read (``processedBytes``)."""

    records: list[Record]
    nbytes: int


def read_input(spec: IngestionSpec) -> InputData:
    """Read the spec's input source with its input format.

    :raises InputError: when the input cannot be read at all (a missing ``baseDir``); the task fails with it.
    """
    source = spec.input_source
    if isinstance(source, RowsSource):
        return InputData([Record(dict(r)) for r in source.rows], 0)
    fmt = spec.input_format or InputFormat()
    texts = [source.data] if isinstance(source, InlineSource) else [_read_file(p) for p in _local_files(source)]
    records: list[Record] = []
    nbytes = 0
    for text in texts:
        nbytes += len(text.encode("utf-8"))
        records.extend(_parse_text(text, fmt))
    return InputData(records, nbytes)


class InputError(Exception):
    """The input source cannot be read; the message is the task's ``errorMsg``."""


def _local_files(source: LocalSource) -> list[str]:
    """``LocalInputSource``: ``files`` plus the files under ``baseDir`` matching ``filter`` (a wildcard on the
    file name, recursive), sorted for a repeatable order (Druid's is the file system's)."""
    out = list(source.files)
    if source.base_dir is not None:
        if not os.path.isdir(source.base_dir):
            raise InputError(f"java.lang.IllegalArgumentException: Parameter 'directory' is not a directory: "
                             f"{source.base_dir}")
        found: list[str] = []
        for root, _dirs, names in os.walk(source.base_dir):
            found.extend(os.path.join(root, n) for n in names if fnmatch.fnmatchcase(n, source.filter or "*"))
        out.extend(sorted(found))
    for path in source.files:
        if not os.path.isfile(path):
            raise InputError(f"java.io.FileNotFoundException: {path} (No such file or directory)")
    return out


#: Extensions ``CompressionUtils.decompress`` reads that the fake does not (they need libraries outside the stdlib).
_UNREAD_COMPRESSIONS = (".lz4", ".sz", ".zst")


def _read_file(path: str) -> str:
    """A file's text, decompressed by its name's extension as ``LocalInputSource`` does: its ``FileEntity`` opens
    the file through ``CompressionUtils.decompress(in, fileName)``, which reads ``.gz`` (concatenated members too),
    ``.bz2``, ``.xz`` and the first entry of a ``.zip`` (an empty archive reads as no bytes)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        if path.endswith(".gz"):
            raw = gzip.decompress(raw)
        elif path.endswith(".bz2"):
            raw = bz2.decompress(raw)
        elif path.endswith(".xz"):
            raw = lzma.decompress(raw, format=lzma.FORMAT_XZ)
        elif path.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                entries = archive.infolist()
                raw = archive.read(entries[0]) if entries else b""
        elif path.endswith(_UNREAD_COMPRESSIONS):
            raise InputError(f"fakedruid cannot decompress {os.path.basename(path)}: it reads .gz, .bz2, .xz "
                             "and .zip files (Druid also reads .lz4, .sz and .zst)")
    except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as exc:
        # Druid's task fails with the decompressor's IOException; the fake's text names Python's.
        raise InputError(f"java.io.IOException: cannot decompress {path}: {exc}") from None
    return raw.decode("utf-8", errors="replace")


def _lines(text: str) -> list[str]:
    # LineIterator (BufferedReader.readLine): \n, \r\n or \r end a line; a final terminator adds no empty line.
    return text.splitlines()


def _parse_text(text: str, fmt: InputFormat) -> list[Record]:
    lines = _lines(text)
    if fmt.type == "json":
        out = []
        for line in lines:
            if not line.strip():
                # Jackson reads no value from a blank line: the row is unparseable (measured on Druid 28.0.0: an
                # empty and a blank line in inline data count two unparseable rows).
                out.append(Record(None, f"Unable to parse row [{line}]"))
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                out.append(Record(None, f"Unable to parse row [{line}] ({exc})"))
                continue
            if not isinstance(value, dict):
                out.append(Record(None, f"Unable to parse row [{line}]"))
            else:
                out.append(Record(value))
        return out
    # csv / tsv: TextReader skips skipHeaderRows lines, then reads the header when asked to.
    lines = lines[fmt.skip_header_rows :]
    columns = list(fmt.columns)
    if fmt.find_columns_from_header:
        if not lines:
            return []
        columns = _split(lines[0], fmt)
        lines = lines[1:]
    out = []
    for line in lines:
        values = _split(line, fmt)
        if len(values) > len(columns):
            # Druid names the extra columns column_<n> (ParserUtils.generateFieldNames).
            columns_here = columns + [f"column_{i + 1}" for i in range(len(columns), len(values))]
        else:
            columns_here = columns
        row: dict[str, Any] = {}
        # A short row leaves the missing columns null (zip stops at the shorter list).
        for name, value in zip(columns_here, values, strict=False):
            row[name] = _csv_value(value, fmt)
        out.append(Record(row))
    return out


def _split(line: str, fmt: InputFormat) -> list[str]:
    if fmt.type == "csv":
        return next(csv.reader(io.StringIO(line)), [])
    return line.split(fmt.delimiter)


def _csv_value(value: str, fmt: InputFormat) -> Any:
    if value == "":
        return None
    if fmt.list_delimiter and fmt.list_delimiter in value:
        return value.split(fmt.list_delimiter)
    return value


# ====================================================================== planning


@dataclass(slots=True)
class RowStats:
    """``RowIngestionMeters`` totals, keys as Druid reports them."""

    processed: int = 0
    processed_bytes: int = 0
    processed_with_error: int = 0
    thrown_away: int = 0
    unparseable: int = 0

    def to_json(self) -> dict[str, Any]:
        """The totals as in ``rowStats``, with Druid 37's ``thrownAwayByReason`` (``InputRowFilterResult``: a row
        outside the intervals counts as ``filtered``, measured on 37.0.0, as does one a transformSpec filter drops,
        ``CUSTOM_FILTER``); the API leaves it out for releases without it."""
        return {
            "processed": self.processed,
            "processedBytes": self.processed_bytes,
            "processedWithError": self.processed_with_error,
            "thrownAway": self.thrown_away,
            "thrownAwayByReason": {"filtered": self.thrown_away} if self.thrown_away else {},
            "unparseable": self.unparseable,
        }


@dataclass(slots=True)
class IngestionPlan:
    """What an ingestion task publishes, and what its report shows.

    ``error`` is set when the task fails (nothing is published then).
    """

    segments: list[DataSegment] = field(default_factory=list)
    tombstones: list[DataSegment] = field(default_factory=list)
    #: MSQ REPLACE with nothing to publish: intervals whose segments are marked unused instead.
    drop_intervals: list[Interval] = field(default_factory=list)
    determine_partitions: RowStats = field(default_factory=RowStats)
    build_segments: RowStats = field(default_factory=RowStats)
    parse_errors: list[str] = field(default_factory=list)
    error: str | None = None
    #: ``IngestionState`` where the task ended: ``COMPLETED``, or the phase it failed in.
    ingestion_state: str = "COMPLETED"
    #: The task failed before it wrote a report (``GET /task/{id}/reports`` answers 404).
    no_report: bool = False
    #: The Overlord's ``TaskQueue`` failed the task because its ``isReady`` threw (``error`` is the cause; the
    #: task's ``errorMsg`` wraps it, per release, and its duration is -1).
    ready_failure: bool = False

    @property
    def published(self) -> list[DataSegment]:
        """Segments then tombstones, as published."""
        return self.segments + self.tombstones


@dataclass(slots=True)
class _Row:
    ts: int
    values: dict[str, Any]


class _Failure(Exception):
    """The task fails with this ``errorMsg``."""


def _java_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e7:
            return f"{value:.1f}"
        return repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def dimension_values(value: Any) -> list[str]:
    """``Rows.objectToStrings``: a dimension's values as strings (null is none, a list each element)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [_java_string(v) if v is not None else "null" for v in value]
    return [_java_string(value)]


def _values_of(values: dict[str, Any], ts: int) -> tuple[RowValues, RowNumber]:
    """A row's dimension values for a filter, as strings and (for a JSON number) as the number; ``__time`` is the
    row's timestamp in milliseconds, a long."""

    def get(name: str) -> list[str]:
        return [str(ts)] if name == "__time" else dimension_values(values.get(name))

    def number(name: str) -> int | float | None:
        value = ts if name == "__time" else values.get(name)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    return get, number


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """Guava ``Hashing.murmur3_32().hashBytes(data).asInt()`` (MurmurHash3 x86 32-bit) as a signed int."""
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h = seed & 0xFFFFFFFF
    length = len(data)
    rounded = length & ~3
    for i in range(0, rounded, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * c1) & 0xFFFFFFFF
        k = ((k << 15) | (k >> 17)) & 0xFFFFFFFF
        k = (k * c2) & 0xFFFFFFFF
        h ^= k
        h = ((h << 13) | (h >> 19)) & 0xFFFFFFFF
        h = (h * 5 + 0xE6546B64) & 0xFFFFFFFF
    k = 0
    tail = length & 3
    if tail == 3:
        k ^= data[rounded + 2] << 16
    if tail >= 2:
        k ^= data[rounded + 1] << 8
    if tail >= 1:
        k ^= data[rounded]
        k = (k * c1) & 0xFFFFFFFF
        k = ((k << 15) | (k >> 17)) & 0xFFFFFFFF
        k = (k * c2) & 0xFFFFFFFF
        h ^= k
    h ^= length
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h - (1 << 32) if h >= 1 << 31 else h


def hash_bucket(group_key: Any, num_buckets: int) -> int:
    """``HashPartitionFunction.MURMUR3_32_ABS.hash(serializeGroupKey(key), numBuckets)``:
    ``Math.abs(murmur3_32(jackson bytes) % numBuckets)`` with Java's truncating ``%``."""
    data = json.dumps(group_key, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h = murmur3_32(data)
    return abs(int(math.fmod(h, num_buckets)))


class _Planner:
    def __init__(self, spec: IngestionSpec, existing: Sequence[DataSegment], version: str) -> None:
        self.spec = spec
        self.version = version
        self.existing = [s for s in existing if s.datasource == spec.datasource]
        self.timeline = Timeline(self.existing)
        self.plan = IngestionPlan()
        self._bucket_intervals: list[Interval] | None = None
        if spec.intervals:
            if spec.segment_granularity is None:
                self._bucket_intervals = sorted(spec.intervals)
            else:
                seen: dict[Interval, None] = {}
                for iv in condense(spec.intervals):
                    for bucket in spec.segment_granularity.buckets(iv):
                        seen.setdefault(bucket, None)
                self._bucket_intervals = list(seen)

    # ---------------------------------------------------------------- rows

    def chunk_of(self, ts: int) -> Interval | None:
        """``GranularitySpec.bucketInterval`` (or the segment granularity's bucket without intervals)."""
        if self._bucket_intervals is not None:
            for iv in self._bucket_intervals:
                if iv.start <= ts < iv.end:
                    return iv
            return None
        assert self.spec.segment_granularity is not None
        return self.spec.segment_granularity.bucket(ts)

    def accept(self, data: InputData, stats: RowStats) -> list[tuple[Interval, _Row]]:
        spec = self.spec
        stats.processed_bytes += data.nbytes
        rows: list[tuple[Interval, _Row]] = []
        for record in data.records:
            if record.values is None:
                self._unparseable(stats, record.error or "Unable to parse row")
                continue
            values = record.values
            try:
                ts = spec.timestamp_spec.extract(values)
            except UnparseableTimestamp:
                ts = None
                bad = values.get(spec.timestamp_spec.column)
                self._unparseable(stats, f"Timestamp[{bad}] is unparseable! Event: {_event_text(values)}")
                continue
            if ts is None:
                self._unparseable(stats, f"Timestamp[null] is unparseable! Event: {_event_text(values)}")
                continue
            if not ETERNITY.contains_instant(ts):
                self._unparseable(stats, f"Encountered row with timestamp[{ts}] that cannot be represented as a "
                                         "long")
                continue
            # Transformer.transform: a row the transformSpec filter does not keep is thrown away.
            if spec.row_filter is not None and not spec.row_filter.keeps(*_values_of(values, ts)):
                stats.thrown_away += 1
                continue
            chunk = self.chunk_of(ts)
            if chunk is None:
                stats.thrown_away += 1
                continue
            stats.processed += 1
            rows.append((chunk, _Row(ts, values)))
        return rows

    def _unparseable(self, stats: RowStats, message: str) -> None:
        stats.unparseable += 1
        self.plan.parse_errors.append(message)
        if stats.unparseable + stats.processed_with_error > self.spec.max_parse_exceptions:
            # ParseExceptionHandler.handle throws an RE; the task's errorMsg is Throwables.getStackTraceAsString
            # of it: the exception line, then Druid's stack frames, which the fake leaves out (measured on Druid
            # 28.0.0 and 33.0.0: the first line is this one).
            raise _Failure(f"org.apache.druid.java.util.common.RE: Max parse exceptions"
                           f"[{self.spec.max_parse_exceptions}] exceeded")

    # ---------------------------------------------------------------- dimensions, rollup, sizes

    def dims_of(self, row: _Row, discovered: dict[str, None]) -> list[str]:
        if self.spec.dimensions is not None:
            return list(self.spec.dimensions)
        for key in row.values:
            if key not in self.spec.dimension_exclusions:
                discovered.setdefault(key, None)
        return list(discovered)

    def rollup_key(self, row: _Row, dims: Sequence[str], serial: int) -> Any:
        values = tuple(tuple(dimension_values(row.values.get(d))) for d in dims)
        if not self.spec.rollup:
            return (serial,)
        return (self.spec.query_granularity.bucket_start(row.ts), values)

    def segment(self, interval: Interval, version: str, shard: ShardSpec, rows: list[_Row]) -> DataSegment:
        spec = self.spec
        discovered: dict[str, None] = {}
        keys: dict[Any, list[str]] = {}
        for serial, row in enumerate(rows):
            dims = self.dims_of(row, discovered)
            key = self.rollup_key(row, dims, serial)
            if key not in keys:
                keys[key] = [format_instant(spec.query_granularity.bucket_start(row.ts))] + [
                    ",".join(dimension_values(row.values.get(d))) for d in dims
                ]
        dimensions = tuple(spec.dimensions) if spec.dimensions is not None else tuple(discovered)
        size = sum(len(json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) + 1
                   for v in keys.values())
        storage_dir = f"{spec.datasource}/{format_instant(interval.start)}_{format_instant(interval.end)}/" \
                      f"{version}/{shard.partition_num}"
        return DataSegment(
            datasource=spec.datasource,
            interval=interval,
            version=version,
            shard_spec=shard,
            load_spec={"type": "local", "path": f"var/druid/segments/{storage_dir}/index.zip"},
            dimensions=dimensions,
            metrics=tuple(spec.metrics),
            binary_version=9,
            size=size,
            num_rows=len(keys),
        )

    def count_rows(self, rows: list[_Row]) -> int:
        discovered: dict[str, None] = {}
        return len({self.rollup_key(r, self.dims_of(r, discovered), i) for i, r in enumerate(rows)})

    # ---------------------------------------------------------------- publishing

    def tombstone(self, interval: Interval) -> DataSegment:
        """``TombstoneHelper.createTombstoneForTimeChunkInterval``."""
        return DataSegment(
            datasource=self.spec.datasource,
            interval=interval,
            version=self.version,
            shard_spec=parse_shard_spec({"type": "tombstone"}),
            load_spec={"type": "tombstone", "path": None},
            binary_version=None,
            size=1,
            num_rows=0,
        )

    def used_intervals(self, inputs: Sequence[Interval]) -> list[Interval]:
        """``TombstoneHelper.getExistingNonEmptyIntervalsOfDatasource``: condensed intervals of the visible used
        segments overlapping the condensed inputs."""
        out: list[Interval] = []
        for iv in condense(inputs):
            out.extend(s.interval for s in self.timeline.visible_in(iv))
        return condense(out)


def _event_text(values: dict[str, Any]) -> str:
    """Java's ``Map.toString`` of the event: ``{k=v, k2=v2}``."""
    return "{" + ", ".join(f"{k}={_java_string(v) if v is not None else 'null'}" for k, v in values.items()) + "}"


# ---------------------------------------------------------------------- native batch


def plan_native(
    spec: IngestionSpec,
    data: InputData,
    existing: Sequence[DataSegment],
    version: str,
) -> IngestionPlan:
    """What a native batch task publishes for ``data`` (see the module docstring).

    :param existing: the datasource's used segments before the task.
    :param version: the task lock's version (the task's start time, ISO).
    """
    planner = _Planner(spec, existing, version)
    plan = planner.plan
    try:
        determine = (not spec.intervals) or (isinstance(spec.partitions, HashedPartitions)
                                             and spec.partitions.num_shards is None) or isinstance(
            spec.partitions, RangePartitions)
        if determine:
            plan.ingestion_state = "DETERMINE_PARTITIONS"
            scratch = _Planner(spec, existing, version)
            try:
                scratch.accept(data, plan.determine_partitions)
            finally:
                plan.parse_errors.extend(scratch.plan.parse_errors)
        plan.ingestion_state = "BUILD_SEGMENTS"
        if spec.append and not isinstance(spec.partitions, DynamicPartitions):
            raise _Failure("java.lang.IllegalArgumentException: Perfect rollup cannot be guaranteed when appending "
                           "to existing dataSources")
        if isinstance(spec.partitions, RangePartitions) and (
            spec.task_type == INDEX or not isinstance(spec.input_source, LocalSource)
        ):
            # IndexTask.isReady refuses range partitions. For `index` the Overlord's TaskQueue calls it and fails
            # the task with its own message; ParallelIndexSupervisorTask.isParallelMode needs a splittable source
            # for range partitioning (an inline one is not), so it runs sequentially, and runSequential's
            # IndexTask.isReady throws the UOE itself. Neither writes a report (measured on Druid 28.0.0, 33.0.0).
            cls = ("SingleDimensionPartitionsSpec" if spec.partitions.type == "single_dim"
                   else "DimensionRangePartitionsSpec")
            plan.no_report = True
            plan.ready_failure = spec.task_type == INDEX
            if plan.ready_failure:
                raise _Failure(f"partitionsSpec[org.apache.druid.indexer.partitions.{cls}] is not supported")
            raise _Failure(f"org.apache.druid.java.util.common.UOE: partitionsSpec[org.apache.druid.indexer."
                           f"partitions.{cls}] is not supported")
        rows = planner.accept(data, plan.build_segments)
        if isinstance(spec.partitions, DynamicPartitions):
            if spec.append:
                plan.segments = _append_dynamic(planner, rows, spec.partitions)
            else:
                plan.segments = _overwrite_dynamic(planner, rows, spec.partitions)
        elif isinstance(spec.partitions, HashedPartitions):
            plan.segments = _hashed(planner, rows, spec.partitions)
        else:
            plan.segments = _ranged(planner, rows, spec.partitions)
        if spec.is_replace:
            plan.tombstones = _native_tombstones(planner, plan.segments)
        plan.ingestion_state = "COMPLETED"
    except (_Failure, InputError) as exc:
        plan.segments, plan.tombstones = [], []
        plan.error = str(exc)
    return plan


def run_native(spec: IngestionSpec, existing: Sequence[DataSegment], version: str) -> IngestionPlan:
    """Read the spec's input and plan it (:func:`read_input` then :func:`plan_native`); an input that cannot be
    read fails the task (``error``) instead of raising."""
    try:
        data = read_input(spec)
    except InputError as exc:
        return IngestionPlan(error=str(exc))
    return plan_native(spec, data, existing, version)


def _overwrite_dynamic(planner: _Planner, rows: list[tuple[Interval, _Row]],
                       partitions: DynamicPartitions) -> list[DataSegment]:
    """``LocalSegmentAllocator`` + ``pushAllAndClear``: per chunk, numbered segments in creation order."""
    closed = _rolling(planner, rows, partitions)
    out: list[DataSegment] = []
    for chunk in sorted(closed):
        segs = closed[chunk]
        for i, seg_rows in enumerate(segs):
            out.append(planner.segment(chunk, planner.version, numbered(i, len(segs)), seg_rows))
    return out


def _rolling(planner: _Planner, rows: list[tuple[Interval, _Row]],
             partitions: DynamicPartitions) -> dict[Interval, list[list[_Row]]]:
    """Rows per segment, per chunk, as the appenderator driver cuts them (see the module docstring)."""
    closed: dict[Interval, list[list[_Row]]] = {}
    open_rows: dict[Interval, list[_Row]] = {}
    open_keys: dict[Interval, set[Any]] = {}
    discovered: dict[Interval, dict[str, None]] = {}
    total = 0

    def push_all() -> None:
        nonlocal total
        for chunk, seg_rows in open_rows.items():
            closed.setdefault(chunk, []).append(seg_rows)
        open_rows.clear()
        open_keys.clear()
        discovered.clear()
        total = 0

    for serial, (chunk, row) in enumerate(rows):
        if chunk not in open_rows:
            # The first row of a new segment: its number is the count of segments closed so far in the chunk.
            open_rows[chunk] = []
            open_keys[chunk] = set()
            discovered[chunk] = {}
        open_rows[chunk].append(row)
        key = planner.rollup_key(row, planner.dims_of(row, discovered[chunk]), serial)
        if key not in open_keys[chunk]:
            open_keys[chunk].add(key)
            total += 1
        if len(open_keys[chunk]) >= partitions.max_rows_per_segment or (
            partitions.max_total_rows is not None and total >= partitions.max_total_rows
        ):
            push_all()
    push_all()
    return closed


def _append_dynamic(planner: _Planner, rows: list[tuple[Interval, _Row]],
                    partitions: DynamicPartitions) -> list[DataSegment]:
    """``SegmentAllocateAction`` with ``NumberedPartialShardSpec`` for every new segment."""
    allocated: list[tuple[Interval, _Row]] = []
    for chunk, row in rows:
        allocated.append((_allocation_interval(planner, chunk, row.ts), row))
    closed = _rolling(planner, allocated, partitions)
    out: list[DataSegment] = []
    for interval in sorted(closed):
        version, next_partition, core = _allocation_base(planner, interval)
        for seg_rows in closed[interval]:
            shard = numbered(next_partition, core)
            next_partition += 1
            out.append(planner.segment(interval, version, shard, seg_rows))
    return out


def _allocation_interval(planner: _Planner, chunk: Interval, ts: int) -> Interval:
    """``SegmentAllocateAction.perform``: the interval of the visible used segments at the row's query-granularity
    bucket when there are any (exactly one interval), else the preferred segment granularity bucket."""
    row_interval = planner.spec.query_granularity.bucket(ts) if planner.spec.query_granularity.name != "NONE" \
        else Interval(ts, ts + 1)
    used = {s.interval for s in planner.timeline.visible_in(row_interval)}
    if not used:
        return chunk
    if len(used) > 1:
        raise _Failure(f"Could not allocate segment for row with timestamp[{format_instant(ts)}]")
    return next(iter(used))


def _allocation_base(planner: _Planner, interval: Interval) -> tuple[str, int, int]:
    """``IndexerSQLMetadataStorageCoordinator.createNewSegment``: (version, first partition number, core
    partitions) for new appended segments in ``interval``."""
    visible = [s for s in planner.timeline.visible_in(interval) if s.interval == interval]
    if not visible:
        return planner.version, 0, 0
    if all(s.is_tombstone for s in visible):
        raise NotImplementedByFake(f"appending into the tombstone-only time chunk [{interval}] is not implemented")
    top = max(visible, key=lambda s: s.shard_spec.partition_num)
    return top.version, top.shard_spec.partition_num + 1, top.shard_spec.num_core_partitions


def _group_by_chunk(rows: list[tuple[Interval, _Row]]) -> dict[Interval, list[_Row]]:
    out: dict[Interval, list[_Row]] = {}
    for chunk, row in rows:
        out.setdefault(chunk, []).append(row)
    return out


def _hashed(planner: _Planner, rows: list[tuple[Interval, _Row]], partitions: HashedPartitions) -> list[DataSegment]:
    """``HashPartitionAnalysis`` + ``HashPartitionCachingLocalSegmentAllocator`` (sequential) or the supervisor's
    partition ids (parallel, ``maxNumConcurrentSubTasks`` > 1)."""
    spec = planner.spec
    out: list[DataSegment] = []
    for chunk, chunk_rows in sorted(_group_by_chunk(rows).items()):
        if partitions.num_shards is not None:
            num_buckets = partitions.num_shards
        else:
            # Druid estimates the distinct group keys with a HyperLogLog; the fake counts them exactly.
            assert partitions.max_rows_per_segment is not None
            num_buckets = max(1, math.ceil(planner.count_rows(chunk_rows) / partitions.max_rows_per_segment))
        buckets: dict[int, list[_Row]] = {}
        discovered: dict[str, None] = {}
        for row in chunk_rows:
            qts = spec.query_granularity.bucket_start(row.ts)
            if partitions.partition_dimensions:
                key: Any = [dimension_values(row.values.get(d)) for d in partitions.partition_dimensions]
            else:
                dims = planner.dims_of(row, discovered)
                group: dict[str, list[str]] = {}
                for d in sorted(dims):
                    vals = sorted(set(dimension_values(row.values.get(d))))
                    if vals:
                        group[d] = vals
                key = [qts, group]
            buckets.setdefault(hash_bucket(key, num_buckets), []).append(row)
        order = sorted(buckets) if spec.max_num_concurrent_sub_tasks > 1 else list(buckets)
        for partition_num, bucket_id in enumerate(order):
            shard = parse_shard_spec({
                "type": "hashed", "bucketId": bucket_id, "partitionNum": partition_num,
                "partitions": len(order), "numBuckets": num_buckets,
                "partitionDimensions": list(partitions.partition_dimensions),
                "partitionFunction": partitions.partition_function,
            })
            out.append(planner.segment(chunk, planner.version, shard, buckets[bucket_id]))
    return out


def _range_key(row: _Row, dims: Sequence[str], multi_ok: bool) -> tuple[str | None, ...]:
    out: list[str | None] = []
    for d in dims:
        vals = dimension_values(row.values.get(d))
        if len(vals) > 1 and not multi_ok:
            raise _Failure(f"Cannot partition on multi-value dimension [{d}]")
        out.append(vals[0] if vals else None)
    return tuple(out)


def _sort_key(key: tuple[str | None, ...]) -> tuple[tuple[int, str], ...]:
    # StringTuple comparison: null sorts first.
    return tuple((0, "") if v is None else (1, v) for v in key)


def even_partition_boundaries(sorted_keys: Sequence[Any], target: int) -> list[Any]:
    """``StringSketch.getEvenPartitionsByTargetSize`` on an exact sketch, then ``PartitionBoundaries``: distinct
    quantiles at 0, delta, 2 delta, ..., 1 with delta = target / n; the first and last become None (open)."""
    n = len(sorted_keys)
    if n == 0:
        return []
    delta = 1.0 if n < target else target / n
    count = math.ceil(1 / delta) + 1
    fractions = [min(i * delta, 1.0) for i in range(count - 1)] + [1.0]
    quantiles = [sorted_keys[min(int(f * n), n - 1)] for f in fractions]
    bounds: list[Any] = []
    for q in quantiles:
        if not bounds or bounds[-1] != q:
            bounds.append(q)
    bounds[0] = None
    if len(bounds) == 1:
        bounds.append(None)
    else:
        bounds[-1] = None
    return bounds


def _ranged(planner: _Planner, rows: list[tuple[Interval, _Row]], partitions: RangePartitions) -> list[DataSegment]:
    """Range partitioning in the parallel task (``PartialDimensionDistributionTask`` and the supervisor)."""
    out: list[DataSegment] = []
    target = partitions.target_rows_per_segment or partitions.max_rows_per_segment or DEFAULT_MAX_ROWS_PER_SEGMENT
    for chunk, chunk_rows in sorted(_group_by_chunk(rows).items()):
        distinct: dict[Any, tuple[str | None, ...]] = {}
        discovered: dict[str, None] = {}
        for i, row in enumerate(chunk_rows):
            key = planner.rollup_key(row, planner.dims_of(row, discovered), i)
            distinct.setdefault(key, _range_key(row, partitions.dimensions, False))
        keys = sorted(distinct.values(), key=_sort_key)
        bounds = even_partition_boundaries(keys, target)
        parts: list[list[_Row]] = [[] for _ in range(len(bounds) - 1)]
        for row in chunk_rows:
            k = _sort_key(_range_key(row, partitions.dimensions, False))
            index = 0
            for i in range(1, len(bounds) - 1):
                if k >= _sort_key(bounds[i]):
                    index = i
            parts[index].append(row)
        ranges = [(bounds[i], bounds[i + 1], parts[i]) for i in range(len(parts)) if parts[i]]
        for partition_num, (start, end, part_rows) in enumerate(ranges):
            if partitions.type == "single_dim":
                shard_json: dict[str, Any] = {
                    "type": "single", "dimension": partitions.dimensions[0],
                    "start": None if start is None else start[0], "end": None if end is None else end[0],
                }
            else:
                shard_json = {"type": "range", "dimensions": list(partitions.dimensions),
                              "start": None if start is None else list(start),
                              "end": None if end is None else list(end)}
            shard_json.update({"partitionNum": partition_num, "numCorePartitions": len(ranges)})
            out.append(planner.segment(chunk, planner.version, parse_shard_spec(shard_json), part_rows))
    return out


def _native_tombstones(planner: _Planner, pushed: list[DataSegment]) -> list[DataSegment]:
    """``TombstoneHelper.computeTombstoneIntervals``."""
    assert planner._bucket_intervals is not None
    pushed_intervals = condense(s.interval for s in pushed)
    used = planner.used_intervals(planner.spec.intervals)
    out = []
    for bucket in planner._bucket_intervals:
        if any(bucket.overlaps(p) for p in pushed_intervals):
            continue
        if any(bucket.overlaps(u) for u in used):
            out.append(planner.tombstone(bucket))
    return out


# ---------------------------------------------------------------------- MSQ


def plan_msq(
    spec: IngestionSpec,
    rows: Sequence[tuple[int, dict[str, Any]]],
    existing: Sequence[DataSegment],
    version: str,
) -> IngestionPlan:
    """What an MSQ INSERT or REPLACE publishes for its output rows (``(__time, columns)`` pairs, after WHERE and
    LIMIT).

    INSERT allocates like an append (``numbered`` continuing the visible chunk, or 0 of 0 in a new chunk). REPLACE
    writes the lock version with ``numbered`` n of N, or ``range`` shard specs when the CLUSTERED BY columns allow,
    fails with ``InsertTimeOutOfBounds`` for rows outside the OVERWRITE range, and writes tombstones for what it
    drops (``TombstoneHelper.computeTombstoneIntervalsForReplace``).

    :param existing: the datasource's used segments before the task.
    :param version: the task lock's version.
    """
    assert spec.msq is not None and spec.segment_granularity is not None
    msq = spec.msq
    gran = spec.segment_granularity
    planner = _Planner(spec, existing, version)
    plan = planner.plan
    plan.build_segments.processed = len(rows)
    try:
        by_chunk: dict[Interval, list[_Row]] = {}
        for ts, values in rows:
            by_chunk.setdefault(gran.bucket(ts), []).append(_Row(ts, values))
        if len(by_chunk) > MSQ_MAX_PARTITION_BUCKETS:
            raise _Failure(f"TooManyBuckets: Too many partition buckets (max = {MSQ_MAX_PARTITION_BUCKETS}); try "
                           "breaking your query up into smaller queries or using a wider PARTITIONED BY")
        out: list[DataSegment] = []
        for chunk in sorted(by_chunk):
            chunk_rows = by_chunk[chunk]
            if msq.cluster_by:
                chunk_rows = sorted(chunk_rows, key=lambda r: tuple(
                    _sort_key((None if r.values.get(c) is None else _java_string(r.values.get(c)),))
                    for c in msq.cluster_by))
            size = msq.rows_per_segment
            groups = [chunk_rows[i : i + size] for i in range(0, len(chunk_rows), size)]
            if msq.replace:
                if not any(iv.contains(chunk) for iv in msq.replace_intervals):
                    raise _Failure(
                        f"InsertTimeOutOfBounds: Query generated time chunk [{chunk}] out of bounds specified by "
                        f"replaceExistingTimeChunks [{', '.join(str(i) for i in msq.replace_intervals)}]"
                    )
                for i, group in enumerate(groups):
                    if msq.range_columns:
                        start = None if i == 0 else [_msq_str(group[0].values.get(c)) for c in msq.range_columns]
                        end = None if i == len(groups) - 1 else [
                            _msq_str(groups[i + 1][0].values.get(c)) for c in msq.range_columns]
                        shard = parse_shard_spec({"type": "range", "dimensions": list(msq.range_columns),
                                                  "start": start, "end": end, "partitionNum": i,
                                                  "numCorePartitions": len(groups)})
                    else:
                        shard = numbered(i, len(groups))
                    out.append(planner.segment(chunk, version, shard, group))
            else:
                visible = [s for s in planner.timeline.visible_in(chunk)]
                if visible and any(s.interval != chunk for s in visible):
                    other = next(s.interval for s in visible if s.interval != chunk)
                    raise _Failure(
                        f"InsertCannotAllocateSegment: Cannot allocate segment for dataSource [{spec.datasource}], "
                        f"interval [{chunk}], granularity [{gran}] as it overlaps with an existing segment of "
                        f"interval [{other}]"
                    )
                seg_version, next_partition, core = _allocation_base(planner, chunk)
                for group in groups:
                    out.append(planner.segment(chunk, seg_version, numbered(next_partition, core), group))
                    next_partition += 1
        plan.segments = out
        if msq.replace:
            replace = condense(msq.replace_intervals)
            published = condense(s.interval for s in out)
            drop = _difference(replace, published)
            if drop:
                tombstone_intervals = _replace_tombstone_intervals(planner, drop, replace, gran)
                plan.tombstones = [planner.tombstone(iv) for iv in sorted(tombstone_intervals)]
                if not out and not plan.tombstones:
                    plan.drop_intervals = drop
    except _Failure as exc:
        plan.segments, plan.tombstones = [], []
        plan.error = str(exc)
    return plan


def _msq_str(value: Any) -> str | None:
    return None if value is None else _java_string(value)


def _difference(minuend: list[Interval], subtrahend: list[Interval]) -> list[Interval]:
    """``IntervalUtils.difference`` of condensed interval lists."""
    out: list[Interval] = []
    for iv in minuend:
        pieces = [iv]
        for cut in subtrahend:
            nxt = []
            for p in pieces:
                if not p.overlaps(cut):
                    nxt.append(p)
                    continue
                if p.start < cut.start:
                    nxt.append(Interval(p.start, cut.start))
                if cut.end < p.end:
                    nxt.append(Interval(cut.end, p.end))
            pieces = nxt
        out.extend(pieces)
    return out


def _replace_tombstone_intervals(planner: _Planner, drop: list[Interval], replace: list[Interval],
                                 gran: Granularity) -> set[Interval]:
    """``TombstoneHelper.computeTombstoneIntervalsForReplace`` (with its bucket limit)."""
    used = planner.used_intervals(replace)
    out: set[Interval] = set()
    count = 0

    def add(iv: Interval) -> None:
        nonlocal count
        if count >= MSQ_MAX_PARTITION_BUCKETS:
            raise _Failure(f"TooManyBuckets: Too many partition buckets (max = {MSQ_MAX_PARTITION_BUCKETS})")
        count += 1
        out.add(iv)

    for to_drop in drop:
        for used_iv in used:
            if not to_drop.overlaps(used_iv):
                continue
            overlap = Interval(max(to_drop.start, used_iv.start), min(to_drop.end, used_iv.end))
            if overlap == ETERNITY:
                add(overlap)
            elif overlap.start == ETERNITY.start:
                add(Interval(overlap.start, gran.bucket_start(overlap.end)))
            elif overlap.end == ETERNITY.end:
                add(Interval(gran.bucket_start(overlap.start), overlap.end))
            else:
                for bucket in gran.buckets(overlap):
                    add(bucket)
    return out


# ---------------------------------------------------------------------- reports


def ingestion_report(task_id: str, plan: IngestionPlan, *, completed: bool) -> dict[str, Any]:
    """``IngestionStatsAndErrorsTaskReport`` as ``GET /task/{id}/reports`` shows it."""
    state = plan.ingestion_state if completed else "NOT_STARTED"
    return {
        "ingestionStatsAndErrors": {
            "type": "ingestionStatsAndErrors",
            "taskId": task_id,
            "payload": {
                "ingestionState": state,
                "unparseableEvents": {},
                "rowStats": {
                    "determinePartitions": plan.determine_partitions.to_json(),
                    "buildSegments": plan.build_segments.to_json(),
                },
                "errorMsg": plan.error,
                "segmentAvailabilityConfirmed": False,
                "segmentAvailabilityWaitTimeMs": 0,
                # Druid 33.0.0 (measured): an empty map, and segmentsPublished only when the task published.
                "recordsProcessed": {},
                **({} if plan.error is not None else {"segmentsPublished": len(plan.published)}),
            },
        }
    }


def msq_report(task_id: str, plan: IngestionPlan, *, status: str, rows_read: int, start: int,
               duration: int) -> dict[str, Any]:
    """A ``multiStageQuery`` report (``MSQTaskReport``) with the parts a client reads: the status (with the
    error report of a failed task) and the segment counts. Stages and counters are not modelled (empty)."""
    body: dict[str, Any] = {
        "status": status,
        "startTime": format_instant(start),
        "durationMs": duration,
        "pendingTasks": 0,
        "runningTasks": 0 if status != "RUNNING" else 1,
    }
    if plan.error is not None:
        code, _, message = plan.error.partition(": ")
        body["errorReport"] = {
            "taskId": task_id,
            "host": "localhost",
            "error": {"errorCode": code if message else "UnknownError", "errorMessage": message or plan.error},
        }
    body["segmentReport"] = {
        "shardSpec": "DimensionRangeShardSpec" if any(s.shard_spec.type == "range" for s in plan.segments)
        else "NumberedShardSpec",
        "details": "",
    }
    return {
        "multiStageQuery": {
            "type": "multiStageQuery",
            "taskId": task_id,
            "payload": {
                "status": body,
                "stages": [],
                "counters": {"rowsRead": rows_read, "segmentsPublished": len(plan.published),
                             "tombstones": len(plan.tombstones)},
            },
        }
    }


def lock_version(now: int, existing: Sequence[DataSegment], intervals: Sequence[Interval]) -> str:
    """The version a new time-chunk lock gets: ``DateTimes.nowUtc()``, as Druid prints it.

    Druid's clock always moves on between two tasks; the fake's may be frozen, so a version that would not sort
    after every version already used in ``intervals`` is moved to one millisecond after the highest of them
    (a fake-only rule, listed in the README's Known differences).
    """
    version = format_instant(now)
    overlapping = [s.version for s in existing if any(s.interval.overlaps(iv) for iv in intervals)]
    if overlapping:
        top = max(overlapping)
        if version <= top:
            try:
                from fakedruid.model.intervals import parse_instant

                version = format_instant(parse_instant(top) + 1)
            except ValueError:
                version = top + "_1"
    return version


# ====================================================================== jobs (what a task runs)


class RowProgram(Protocol):
    """An MSQ SELECT compiled outside the model (``fakedruid.msq.MsqStatement``)."""

    rows_read: int

    def evaluate(self, data: InputData) -> list[tuple[int, dict[str, Any]]]:
        """The ``(__time, columns)`` output rows for the input; raises a ``FakeDruidError`` for a fault."""
        ...


@dataclass(slots=True)
class IngestionJob:
    """What an ingestion task runs: a spec, and for MSQ the compiled SELECT."""

    spec: IngestionSpec
    program: RowProgram | None = None
    plan: IngestionPlan | None = None
    #: The version of the task's lock, once it ran (:func:`lock_version`).
    lock_version: str | None = None


def run_job(job: IngestionJob, task_id: str, used: Sequence[DataSegment], every: Sequence[DataSegment],
            now: int) -> tuple[IngestionPlan, dict[str, Any] | None]:
    """Run a job against the datasource's segments: the plan (what to publish, or the failure) and the report
    (None when the task fails before writing one).

    :param used: the datasource's used segments (the timeline the task sees).
    :param every: all its segments, used or not (the lock version must not repeat one of their ids).
    :param now: the task's start (its lock version, see :func:`lock_version`).
    """
    spec = job.spec
    if job.program is None:
        version = lock_version(now, every, list(spec.intervals) or [ETERNITY])
        job.lock_version = version
        try:
            plan = run_native(spec, used, version)
        except NotImplementedByFake as exc:
            # A situation the fake cannot plan (appending into a tombstone-only chunk): the task fails saying so.
            plan = IngestionPlan(error=f"fakedruid does not implement: {exc.message}")
        report = None if plan.no_report else ingestion_report(task_id, plan, completed=True)
    else:
        assert spec.msq is not None
        version = lock_version(now, every, list(spec.msq.replace_intervals) or [ETERNITY])
        job.lock_version = version
        try:
            rows = job.program.evaluate(read_input(spec))
            plan = plan_msq(spec, rows, used, version)
        except InputError as exc:
            plan = IngestionPlan(error=str(exc))
        except NotImplementedByFake as exc:
            plan = IngestionPlan(error=f"fakedruid does not implement: {exc.message}")
        except FakeDruidError as exc:
            plan = IngestionPlan(error=exc.message)
        report = msq_report(task_id, plan, status="FAILED" if plan.error else "SUCCESS",
                            rows_read=job.program.rows_read, start=now, duration=0)
    job.plan = plan
    return plan, report
