"""Unit tests of DataSegment and its JSON (semantics 9.1, http-api.md 1.10).

Layer: unit tests of ``fakedruid.model.segments``; no HTTP. Cases marked "DataSegmentTest" are ported from
``processing/src/test/java/org/apache/druid/timeline/DataSegmentTest.java``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakedruid.errors import InvalidSegment
from fakedruid.model.intervals import MAX_INSTANT, MIN_INSTANT, Interval, parse_interval
from fakedruid.model.segment_ids import SegmentId
from fakedruid.model.segments import (
    DataSegment,
    data_segment_from_json,
    data_segment_to_json,
)
from fakedruid.model.shard_specs import DEFAULT_SHARD_SPEC, numbered, parse_shard_spec

KEYS = [
    "dataSource",
    "interval",
    "version",
    "loadSpec",
    "dimensions",
    "metrics",
    "shardSpec",
    "binaryVersion",
    "size",
    "identifier",
]
COMPACTION_STATE = {
    "partitionsSpec": {"type": "hashed", "numShards": None, "partitionDimensions": ["dim1"],
                       "partitionFunction": "murmur3_32_abs", "maxRowsPerSegment": 100000},
    "dimensionsSpec": {"dimensions": ["dim1", "bar", "foo"]},
    "metricsSpec": [{"type": "count", "name": "count"}],
    "transformSpec": {"filter": {"type": "selector", "dimension": "dim1", "value": "foo"}},
    "indexSpec": {},
    "granularitySpec": {},
}
V1_INTERVAL = "2011-10-01T00:00:00.000Z/2011-10-02T00:00:00.000Z"
IDENT_VERSION = "2012-01-01T11:22:33.444Z"


def _v1_segment(**changes: Any) -> DataSegment:
    """DataSegmentTest.testV1Serialization's segment."""
    fields: dict[str, Any] = {
        "datasource": "something",
        "interval": parse_interval("2011-10-01/2011-10-02"),
        "version": "1",
        "load_spec": {"something": "or_other"},
        "dimensions": ("dim1", "dim2"),
        "metrics": ("met1", "met2"),
        "shard_spec": numbered(3, 0),
        "last_compaction_state": COMPACTION_STATE,
        "binary_version": 9,
        "size": 1,
    }
    fields.update(changes)
    return DataSegment(**fields)


def _json(**changes: Any) -> dict[str, Any]:
    """Minimal DataSegment JSON, with ``changes`` applied (a value of ``...`` removes the key)."""
    obj: dict[str, Any] = {"dataSource": "foo", "interval": "2012-01-01/2012-01-02", "version": IDENT_VERSION}
    for key, value in changes.items():
        if value is ...:
            obj.pop(key, None)
        else:
            obj[key] = value
    return obj


def _fields(segment: DataSegment) -> tuple[Any, ...]:
    """Every field of a segment that its JSON carries (equality compares the id only)."""
    return (
        segment.datasource,
        segment.interval,
        segment.version,
        segment.shard_spec.to_json(),
        segment.load_spec,
        segment.dimensions,
        segment.metrics,
        segment.projections,
        segment.last_compaction_state,
        segment.binary_version,
        segment.size,
        segment.id,
    )


# --- writing (DataSegmentTest serialisation, http-api.md 1.10) ---------------------------------------------------


def test_to_json_v1_serialization_has_druid_values() -> None:
    # DataSegmentTest.testV1Serialization.
    out = data_segment_to_json(_v1_segment())
    assert len(out) == 11
    assert out == {
        "dataSource": "something",
        "interval": V1_INTERVAL,
        "version": "1",
        "loadSpec": {"something": "or_other"},
        "dimensions": "dim1,dim2",
        "metrics": "met1,met2",
        "shardSpec": {"type": "numbered", "partitionNum": 3, "partitions": 0},
        "lastCompactionState": COMPACTION_STATE,
        "binaryVersion": 9,
        "size": 1,
        "identifier": f"something_{V1_INTERVAL.replace('/', '_')}_1_3",
    }
    assert len(out["lastCompactionState"]) == 6


def test_to_json_keys_in_druid_order_without_compaction_state() -> None:
    out = data_segment_to_json(_v1_segment(last_compaction_state=None))
    assert list(out) == KEYS


def test_to_json_compaction_state_between_shard_spec_and_binary_version() -> None:
    out = data_segment_to_json(_v1_segment())
    assert list(out) == [*KEYS[:7], "lastCompactionState", *KEYS[7:]]


def test_to_json_projections_switch_writes_them_after_metrics() -> None:
    segment = _v1_segment(last_compaction_state=None, projections=("p1", "p2"))
    assert "projections" not in data_segment_to_json(segment)
    out = data_segment_to_json(segment, projections=True)
    assert list(out) == [*KEYS[:6], "projections", *KEYS[6:]]
    assert out["projections"] == "p1,p2"


def test_to_json_projections_null_omitted_even_with_switch() -> None:
    # Null projections: the segment is not projection-aware (DataSegment, @JsonInclude(NON_NULL)).
    assert "projections" not in data_segment_to_json(_v1_segment(), projections=True)


def test_to_json_empty_projections_written_as_empty_string() -> None:
    # An empty list means projection-aware with no projections.
    assert data_segment_to_json(_v1_segment(projections=()), projections=True)["projections"] == ""


def test_to_json_empty_names_written_as_empty_strings() -> None:
    # DataSegmentTest.testV1SerializationNullMetrics.
    segment = data_segment_from_json(_json(size=1))
    out = data_segment_to_json(segment)
    assert (out["dimensions"], out["metrics"]) == ("", "")
    again = data_segment_from_json(out)
    assert (again.dimensions, again.metrics) == ((), ())


def test_to_json_null_load_spec_and_binary_version_written_as_null() -> None:
    out = data_segment_to_json(_v1_segment(load_spec=None, binary_version=None))
    assert out["loadSpec"] is None
    assert out["binaryVersion"] is None


def test_to_json_returns_independent_shard_spec() -> None:
    segment = _v1_segment()
    data_segment_to_json(segment)["shardSpec"]["partitionNum"] = 99
    assert data_segment_to_json(segment)["shardSpec"]["partitionNum"] == 3


# --- identifier (DataSegmentTest.testIdentifier*) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("shard_spec", "suffix"),
    [
        ({"type": "none"}, ""),
        ({"type": "numbered", "partitionNum": 0, "partitions": 1}, ""),
        ({"type": "numbered", "partitionNum": 7, "partitions": 0}, "_7"),
        ({"type": "linear", "partitionNum": 7}, "_7"),
        ({"type": "tombstone"}, ""),
        ({"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 1,
          "minorVersion": 1, "atomicUpdateGroupSize": 1}, "_32768"),
    ],
)
def test_identifier_has_partition_only_when_not_zero(shard_spec: dict[str, Any], suffix: str) -> None:
    segment = data_segment_from_json(_json(shardSpec=shard_spec, size=0))
    expected = f"foo_2012-01-01T00:00:00.000Z_2012-01-02T00:00:00.000Z_{IDENT_VERSION}{suffix}"
    assert segment.id == expected
    assert data_segment_to_json(segment)["identifier"] == expected
    assert segment.segment_id == SegmentId(
        "foo", parse_interval("2012-01-01/2012-01-02"), IDENT_VERSION, segment.shard_spec.partition_num
    )


def test_from_json_identifier_input_ignored() -> None:
    segment = data_segment_from_json(_json(identifier="something_else"))
    assert segment.id == f"foo_2012-01-01T00:00:00.000Z_2012-01-02T00:00:00.000Z_{IDENT_VERSION}"


# --- reading ----------------------------------------------------------------------------------------------------


def test_from_json_compaction_state_with_null_specs() -> None:
    # DataSegmentTest.testDeserializationDataSegmentLastCompactionStateWithNullSpecs, the JSON text verbatim.
    text = (
        '{"dataSource": "something","interval": "2011-10-01T00:00:00.000Z/2011-10-02T00:00:00.000Z",'
        '"version": "1","loadSpec": { "something": "or_other"},"dimensions": "dim1,dim2","metrics": "met1,met2",'
        '"shardSpec": { "type": "numbered", "partitionNum": 3, "partitions": 0},'
        '"lastCompactionState": { "partitionsSpec": {  "type": "hashed",  "numShards": null,'
        '  "partitionDimensions": ["dim1"],  "partitionFunction": "murmur3_32_abs",  "maxRowsPerSegment": 100000 },'
        ' "indexSpec": {}, "granularitySpec": {}},"binaryVersion": 9,"size": 1,'
        '"identifier": "something_2011-10-01T00:00:00.000Z_2011-10-02T00:00:00.000Z_1_3"}'
    )
    segment = data_segment_from_json(json.loads(text))
    expected = _v1_segment(last_compaction_state=json.loads(text)["lastCompactionState"])
    assert _fields(segment) == _fields(expected)
    assert segment == expected
    assert hash(segment) == hash(expected)
    assert len(segment.last_compaction_state or {}) == 3


def test_from_json_v1_serialization_round_trips_every_field() -> None:
    segment = _v1_segment(projections=("p",), binary_version=0x9)
    again = data_segment_from_json(json.loads(json.dumps(data_segment_to_json(segment, projections=True))))
    assert _fields(again) == _fields(segment)


def test_from_json_absent_optional_fields_take_druid_defaults() -> None:
    segment = data_segment_from_json(_json())
    assert segment.shard_spec is DEFAULT_SHARD_SPEC
    assert segment.load_spec is None
    assert (segment.dimensions, segment.metrics, segment.projections) == ((), (), None)
    assert segment.last_compaction_state is None
    assert segment.binary_version is None  # an Integer: absent reads as null
    assert segment.size == 0
    assert segment.num_rows is None
    out = data_segment_to_json(segment)
    assert out["shardSpec"] == {"type": "numbered", "partitionNum": 0, "partitions": 1}
    assert list(out) == KEYS


def test_from_json_null_optional_fields_take_druid_defaults() -> None:
    segment = data_segment_from_json(
        _json(shardSpec=None, loadSpec=None, dimensions=None, metrics=None, projections=None,
              lastCompactionState=None, binaryVersion=None, size=None)
    )
    assert _fields(segment) == _fields(data_segment_from_json(_json()))


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("dim1,dim2", ("dim1", "dim2")),
        ("dim1", ("dim1",)),
        ("", ()),
        (",", ()),
        ("a,,b,", ("a", "b")),  # empty names dropped (DataSegment.prepareWithInterner)
        (" a, b", (" a", " b")),  # no trimming
        (["dim1", "dim2"], ("dim1", "dim2")),  # arrays accepted (UNCONFIRMED in Druid, semantics 9.1)
        (["a", "", "b"], ("a", "b")),
        ([], ()),
    ],
)
@pytest.mark.parametrize("key", ["dimensions", "metrics", "projections"])
def test_from_json_names_split_on_commas(key: str, value: Any, names: tuple[str, ...]) -> None:
    segment = data_segment_from_json(_json(**{key: value}))
    assert getattr(segment, key) == names
    assert data_segment_to_json(segment, projections=True)[key] == ",".join(names)


def test_from_json_reads_every_field() -> None:
    segment = data_segment_from_json(
        {
            "dataSource": "wiki",
            "interval": "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z",
            "version": "2023-08-10T04:12:03.860Z",
            "loadSpec": {"type": "local", "path": "/druid/segments/wiki/index.zip"},
            "dimensions": "page,user",
            "metrics": "count,added",
            "projections": "p",
            "shardSpec": {"type": "hashed", "partitionNum": 1, "partitions": 2},
            "lastCompactionState": {"indexSpec": {}},
            "binaryVersion": 9,
            "size": 4096,
            "numRows": 12,
            "identifier": "ignored",
            "unknownField": [1, 2],
        }
    )
    assert segment.datasource == "wiki"
    assert segment.interval == parse_interval("2015-09-12/2015-09-13")
    assert segment.version == "2023-08-10T04:12:03.860Z"
    assert segment.load_spec == {"type": "local", "path": "/druid/segments/wiki/index.zip"}
    assert (segment.dimensions, segment.metrics, segment.projections) == (("page", "user"), ("count", "added"), ("p",))
    assert segment.shard_spec.to_json()["type"] == "hashed"
    assert segment.shard_spec.partition_num == 1
    assert segment.last_compaction_state == {"indexSpec": {}}
    assert (segment.binary_version, segment.size, segment.num_rows) == (9, 4096, 12)
    assert segment.id == "wiki_2015-09-12T00:00:00.000Z_2015-09-13T00:00:00.000Z_2023-08-10T04:12:03.860Z_1"
    # numRows is the fake's own field, never part of Druid's DataSegment JSON; unknown fields are dropped.
    out = data_segment_to_json(segment, projections=True)
    assert "numRows" not in out and "unknownField" not in out


def test_from_json_interval_in_any_druid_form() -> None:
    segment = data_segment_from_json(_json(interval="2015-09-12T00:00:00+01:00/PT1H"))
    assert str(segment.interval) == "2015-09-11T23:00:00.000Z/2015-09-12T00:00:00.000Z"


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        (_json(dataSource=...), "dataSource"),
        (_json(dataSource=None), "dataSource"),
        (_json(dataSource=""), "dataSource"),
        (_json(dataSource=5), "dataSource"),
        (_json(interval=...), "interval"),
        (_json(interval="2012-01-01"), "interval"),
        (_json(interval="2012-01-02/2012-01-01"), "interval"),
        (_json(interval="2012-01-01_2012-01-02"), "interval"),
        (_json(interval=["2012-01-01/2012-01-02"]), "interval"),
        (_json(version=...), "version"),
        (_json(version=None), "version"),
        (_json(version=1), "version"),
        (_json(loadSpec="local"), "loadSpec"),
        (_json(loadSpec=[]), "loadSpec"),
        (_json(dimensions=5), "dimensions"),
        (_json(dimensions=["a", 1]), "dimensions"),
        (_json(dimensions={"a": 1}), "dimensions"),
        (_json(metrics=True), "metrics"),
        (_json(projections=7), "projections"),
        (_json(lastCompactionState="x"), "lastCompactionState"),
        (_json(binaryVersion="9"), "binaryVersion"),
        (_json(binaryVersion=True), "binaryVersion"),
        (_json(binaryVersion=9.5), "binaryVersion"),
        (_json(size=-1), "size"),  # DataSegment: Preconditions.checkArgument(size >= 0)
        (_json(size="1"), "size"),
        (_json(size=False), "size"),
        (_json(size=1.5), "size"),
        (_json(numRows="3"), "numRows"),
        (_json(shardSpec={"type": "numbered", "partitionNum": -1, "partitions": 1}), "partitionNum"),
        (_json(shardSpec="numbered"), "shardSpec"),
    ],
)
def test_from_json_bad_field_raises_naming_it(obj: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidSegment, match=rf"\[{field}\]|{field} must"):
        data_segment_from_json(obj)


@pytest.mark.parametrize("obj", [None, [], "segment", 1])
def test_from_json_not_an_object_raises(obj: Any) -> None:
    with pytest.raises(InvalidSegment, match=r"must be a JSON object"):
        data_segment_from_json(obj)


# --- equality, hashing, tombstones -------------------------------------------------------------------------------


def test_equality_and_hash_use_id_only() -> None:
    # DataSegment.equals/hashCode compare the SegmentId (DataSegmentTest.testWithLastCompactionState).
    a = _v1_segment()
    b = _v1_segment(
        load_spec=None, dimensions=(), metrics=("x",), last_compaction_state=None, binary_version=None, size=77,
        projections=("p",), shard_spec=parse_shard_spec({"type": "linear", "partitionNum": 3}),
    )
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != _v1_segment(shard_spec=numbered(4, 0))
    assert a != _v1_segment(version="2")
    assert a != _v1_segment(datasource="other")
    assert a != _v1_segment(interval=parse_interval("2011-10-01/2011-10-03"))
    assert a != a.id
    assert a != a.segment_id


def test_equality_same_id_string_different_segment_ids_differ() -> None:
    # (ver, partition 1) and (ver_1, partition 0) print the same id but are different SegmentIds in Druid.
    one = _v1_segment(version="ver", shard_spec=numbered(1, 0))
    other = _v1_segment(version="ver_1", shard_spec=numbered(0, 0))
    assert one.id == other.id
    assert one != other


@pytest.mark.parametrize(
    ("shard_spec", "tombstone"),
    [
        ({"type": "tombstone"}, True),
        ({"type": "numbered", "partitionNum": 7, "partitions": 0}, False),
        ({"type": "none"}, False),
    ],
)
def test_is_tombstone_follows_shard_spec_type(shard_spec: dict[str, Any], tombstone: bool) -> None:
    # DataSegmentTest.testTombstoneType: isTombstone looks at the shard spec type, not the load spec.
    segment = data_segment_from_json(_json(shardSpec=shard_spec, loadSpec={"type": "tombstone"}))
    assert segment.is_tombstone is tombstone


# --- property: to_json -> from_json round trip -----------------------------------------------------------------

_text = st.text(max_size=10)
_names = st.lists(_text.filter(lambda n: n != "" and "," not in n), max_size=4).map(tuple)
_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), _text)
_json_objects = st.dictionaries(
    _text, st.recursive(_json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner,
                                                                                                    max_size=3)),
    max_size=4,
)
_shard_specs = st.one_of(
    st.builds(lambda p, n: {"type": "numbered", "partitionNum": p, "partitions": n},
              st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1)),
    st.just({"type": "none"}),
    st.just({"type": "tombstone"}),
    st.builds(lambda p: {"type": "linear", "partitionNum": p}, st.integers(0, 100)),
    st.builds(lambda p, n, dims: {"type": "hashed", "partitionNum": p, "partitions": n, "partitionDimensions": dims,
                                  "partitionFunction": "murmur3_32_abs"},
              st.integers(0, 10), st.integers(0, 10), st.lists(_text, max_size=2)),
    st.builds(lambda s, e, n: {"type": "single", "dimension": "d", "start": s, "end": e, "partitionNum": 1,
                               "numCorePartitions": n},
              st.none() | _text, st.none() | _text, st.none() | st.integers(-1, 5)),
    st.builds(lambda s, e: {"type": "range", "dimensions": ["a", "b"], "start": s, "end": e, "partitionNum": 0},
              st.none() | st.lists(_text, min_size=2, max_size=2), st.none() | st.lists(_text, min_size=2, max_size=2)),
    st.builds(lambda p, m: {"type": "numbered_overwrite", "partitionId": p, "startRootPartitionId": 0,
                            "endRootPartitionId": 2, "minorVersion": m, "atomicUpdateGroupSize": -1},
              st.integers(32768, 65535), st.integers(1, 32767)),
)


@st.composite
def _intervals(draw: st.DrawFn) -> Interval:
    start = draw(st.one_of(st.integers(MIN_INSTANT, MAX_INSTANT - 1), st.integers(-(10**13), 10**13)))
    return Interval(start, draw(st.integers(start + 1, min(MAX_INSTANT, start + 10**12))))


_segments = st.builds(
    DataSegment,
    datasource=_text.filter(bool),
    interval=_intervals(),
    version=_text.filter(bool),
    shard_spec=_shard_specs.map(parse_shard_spec),
    load_spec=st.none() | _json_objects,
    dimensions=_names,
    metrics=_names,
    projections=st.none() | _names,
    last_compaction_state=st.none() | _json_objects,
    binary_version=st.none() | st.integers(-(2**31), 2**31 - 1),
    size=st.integers(0, 2**63 - 1),
)


@given(_segments)
def test_to_json_then_from_json_round_trips(segment: DataSegment) -> None:
    wire = json.loads(json.dumps(data_segment_to_json(segment, projections=True)))
    again = data_segment_from_json(wire)
    assert _fields(again) == _fields(segment)
    assert again == segment
    assert data_segment_to_json(again, projections=True) == wire
    # Without the projections switch the segment reads back as not projection-aware.
    assert data_segment_from_json(data_segment_to_json(segment)).projections is None
