"""Unit tests of shard specs (semantics 1.1, 1.4 and 9.2): JSON read and written back, derived values, chunks.

Layer: unit tests of ``fakedruid.model.shard_specs``; no HTTP. Druid sources: the shard spec classes in
``processing/src/main/java/org/apache/druid/timeline/partition/`` and ``PartitionHolderCompletenessTest``.
"""

from __future__ import annotations

from typing import Any

import pytest

from fakedruid.errors import InvalidSegment
from fakedruid.model.shard_specs import (
    DEFAULT_SHARD_SPEC,
    LINEAR,
    NUMBERED,
    OVERWRITING,
    SINGLE_ELEMENT,
    STRING_RANGE,
    TOMBSTONE,
    ShardSpec,
    numbered,
    parse_shard_spec,
)

# --- every type: JSON in, JSON out, derived values (semantics 9.2) ----------------------------------------------


@pytest.mark.parametrize(
    ("given", "written", "derived"),
    [
        # (partition_num, num_core_partitions, chunk, start_root, end_root, minor_version, atomic_update_group_size)
        (
            {"type": "numbered", "partitionNum": 2, "partitions": 3},
            {"type": "numbered", "partitionNum": 2, "partitions": 3},
            (2, 3, NUMBERED, 2, 3, 0, 1),
        ),
        # NumberedShardSpec takes primitive ints: missing fields read as 0.
        ({"type": "numbered"}, {"type": "numbered", "partitionNum": 0, "partitions": 0}, (0, 0, NUMBERED, 0, 1, 0, 1)),
        ({"type": "none"}, {"type": "none"}, (0, 0, SINGLE_ELEMENT, 0, 1, 0, 1)),
        ({"type": "linear", "partitionNum": 4}, {"type": "linear", "partitionNum": 4}, (4, 0, LINEAR, 4, 5, 0, 1)),
        (
            {"type": "hashed", "partitionNum": 1, "partitions": 2},
            {
                "type": "hashed",
                "bucketId": 1,  # defaults to partitionNum
                "partitionNum": 1,
                "partitions": 2,
                "numBuckets": 2,  # defaults to partitions
                "partitionDimensions": [],
                "partitionFunction": None,
            },
            (1, 2, NUMBERED, 1, 2, 0, 1),
        ),
        (
            {
                "type": "hashed",
                "partitionNum": 3,
                "partitions": 4,
                "bucketId": 0,
                "numBuckets": 2,
                "partitionDimensions": ["page", "user"],
                "partitionFunction": "murmur3_32_abs",
            },
            {
                "type": "hashed",
                "bucketId": 0,
                "partitionNum": 3,
                "partitions": 4,
                "numBuckets": 2,
                "partitionDimensions": ["page", "user"],
                "partitionFunction": "murmur3_32_abs",
            },
            (3, 4, NUMBERED, 3, 4, 0, 1),
        ),
        (
            {"type": "single", "dimension": "page", "start": "a", "end": "m", "partitionNum": 1,
             "numCorePartitions": 3},
            {"type": "single", "dimension": "page", "start": "a", "end": "m", "partitionNum": 1,
             "numCorePartitions": 3},
            (1, 3, NUMBERED, 1, 2, 0, 1),
        ),
        (
            {"type": "single", "dimension": "page", "partitionNum": 0},
            {"type": "single", "dimension": "page", "start": None, "end": None, "partitionNum": 0,
             "numCorePartitions": -1},
            (0, -1, STRING_RANGE, 0, 1, 0, 1),
        ),
        (
            {"type": "range", "dimensions": ["a", "b"], "start": ["x", "1"], "end": None, "partitionNum": 2,
             "numCorePartitions": 3},
            {"type": "range", "dimensions": ["a", "b"], "start": ["x", "1"], "end": None, "partitionNum": 2,
             "numCorePartitions": 3},
            (2, 3, NUMBERED, 2, 3, 0, 1),
        ),
        (
            {"type": "range", "dimensions": ["a"], "start": None, "end": ["m"], "partitionNum": 0,
             "numCorePartitions": None},
            {"type": "range", "dimensions": ["a"], "start": None, "end": ["m"], "partitionNum": 0,
             "numCorePartitions": -1},
            (0, -1, STRING_RANGE, 0, 1, 0, 1),
        ),
        # TombstoneShardSpec @ dbe3b922: partition 0 of 0 core partitions, whatever the input says.
        (
            {"type": "tombstone", "partitionNum": 5, "partitions": 1},
            {"type": "tombstone", "partitionNum": 0, "partitions": 0},
            (0, 0, TOMBSTONE, 0, 1, 0, 1),
        ),
        (
            {"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 2,
             "minorVersion": 1, "atomicUpdateGroupSize": 2},
            {"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 2,
             "minorVersion": 1, "atomicUpdateGroupSize": 2},
            (32768, 0, OVERWRITING, 0, 2, 1, 2),
        ),
        (
            {"type": "numbered_overwrite", "partitionId": 65535, "startRootPartitionId": 32767,
             "endRootPartitionId": 32767, "minorVersion": 32767, "atomicUpdateGroupSize": -1},
            {"type": "numbered_overwrite", "partitionId": 65535, "startRootPartitionId": 32767,
             "endRootPartitionId": 32767, "minorVersion": 32767, "atomicUpdateGroupSize": -1},
            (65535, 0, OVERWRITING, 32767, 32767, 32767, -1),
        ),
    ],
)
def test_parse_shard_spec_writes_back_with_defaults(
    given: dict[str, Any], written: dict[str, Any], derived: tuple[Any, ...]
) -> None:
    spec = parse_shard_spec(given)
    assert spec.to_json() == written
    assert next(iter(spec.to_json())) == "type"
    assert spec.type == given["type"]
    assert (
        spec.partition_num,
        spec.num_core_partitions,
        spec.chunk,
        spec.start_root,
        spec.end_root,
        spec.minor_version,
        spec.atomic_update_group_size,
    ) == derived
    # Written JSON reads back to the same spec.
    assert parse_shard_spec(spec.to_json()).to_json() == written


def test_parse_shard_spec_none_gives_numbered_zero_of_one() -> None:
    spec = parse_shard_spec(None)
    assert spec is DEFAULT_SHARD_SPEC
    assert spec.to_json() == {"type": "numbered", "partitionNum": 0, "partitions": 1}
    assert (spec.partition_num, spec.num_core_partitions, spec.chunk) == (0, 1, NUMBERED)


@pytest.mark.parametrize(
    "given",
    [
        {"type": "numbered", "partitionNum": 1, "partitions": 2, "foo": "bar"},
        {"type": "none", "partitionNum": 3},
        {"type": "linear", "partitionNum": 1, "partitions": 9},
        {"type": "hashed", "partitionNum": 0, "partitions": 1, "extra": [1]},
        {"type": "single", "dimension": "d", "partitionNum": 0, "dimensions": ["x"]},
        {"type": "range", "dimensions": ["d"], "partitionNum": 0, "virtualColumns": [], "dimension": "x"},
        {"type": "tombstone", "shardSpecExtra": 1},
        {"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 1,
         "minorVersion": 1, "atomicUpdateGroupSize": 1, "partitionNum": 7},
    ],
)
def test_parse_shard_spec_unknown_fields_dropped(given: dict[str, Any]) -> None:
    written = parse_shard_spec(given).to_json()
    known = {
        "numbered": {"type", "partitionNum", "partitions"},
        "none": {"type"},
        "linear": {"type", "partitionNum"},
        "hashed": {"type", "bucketId", "partitionNum", "partitions", "numBuckets", "partitionDimensions",
                   "partitionFunction"},
        "single": {"type", "dimension", "start", "end", "partitionNum", "numCorePartitions"},
        "range": {"type", "dimensions", "start", "end", "partitionNum", "numCorePartitions"},
        "tombstone": {"type", "partitionNum", "partitions"},
        "numbered_overwrite": {"type", "partitionId", "startRootPartitionId", "endRootPartitionId", "minorVersion",
                               "atomicUpdateGroupSize"},
    }[given["type"]]
    assert set(written) == known


def test_to_json_returns_a_fresh_dict() -> None:
    spec = parse_shard_spec({"type": "hashed", "partitionNum": 0, "partitions": 1, "partitionDimensions": ["a"]})
    spec.to_json()["partitionNum"] = 99
    assert spec.to_json()["partitionNum"] == 0


@pytest.mark.parametrize("function", ["MURMUR3_32_ABS", "Murmur3_32_Abs"])
def test_parse_shard_spec_hashed_partition_function_written_lower_case(function: str) -> None:
    # HashPartitionFunction.fromString uses valueOf(toUpperCase(text)); toString is the lower-case name.
    spec = parse_shard_spec({"type": "hashed", "partitionNum": 0, "partitions": 1, "partitionFunction": function})
    assert spec.to_json()["partitionFunction"] == "murmur3_32_abs"


def test_numbered_builds_the_numbered_spec() -> None:
    assert numbered(2, 5).to_json() == {"type": "numbered", "partitionNum": 2, "partitions": 5}
    assert numbered() == DEFAULT_SHARD_SPEC


@pytest.mark.parametrize(("partition_num", "partitions"), [(-1, 1), (0, -1)])
def test_numbered_negative_values_raise(partition_num: int, partitions: int) -> None:
    with pytest.raises(InvalidSegment, match=r"partitionNum >= 0 and partitions >= 0"):
        numbered(partition_num, partitions)


# --- validation errors name the field ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"type": "numbered", "partitionNum": -1, "partitions": 1}, "partitionNum"),
        ({"type": "numbered", "partitionNum": 0, "partitions": -1}, "partitions"),
        ({"type": "numbered", "partitionNum": "1", "partitions": 1}, "partitionNum"),
        ({"type": "numbered", "partitionNum": True, "partitions": 1}, "partitionNum"),
        ({"type": "numbered", "partitionNum": 1.5, "partitions": 1}, "partitionNum"),
        ({"type": "linear"}, "partitionNum"),  # "Must set partitionNum on LinearShardSpec"
        ({"type": "linear", "partitionNum": None}, "partitionNum"),
        ({"type": "hashed", "partitionNum": -1, "partitions": 1}, "partitionNum"),
        ({"type": "hashed", "partitionNum": 0, "partitions": 1, "bucketId": "0"}, "bucketId"),
        ({"type": "hashed", "partitionNum": 0, "partitions": 1, "numBuckets": []}, "numBuckets"),
        ({"type": "hashed", "partitionNum": 0, "partitions": 1, "partitionDimensions": "page"}, "partitionDimensions"),
        ({"type": "hashed", "partitionNum": 0, "partitions": 1, "partitionDimensions": [1]}, "partitionDimensions"),
        ({"type": "hashed", "partitionNum": 0, "partitions": 1, "partitionFunction": "md5"}, "partitionFunction"),
        ({"type": "hashed", "partitionNum": 0, "partitions": 1, "partitionFunction": 3}, "partitionFunction"),
        ({"type": "single", "partitionNum": 0}, "dimension"),  # DimensionRangeShardSpec needs a dimension
        ({"type": "single", "dimension": "d", "start": 1, "partitionNum": 0}, "start"),
        ({"type": "single", "dimension": "d", "end": ["z"], "partitionNum": 0}, "end"),
        ({"type": "single", "dimension": "d", "partitionNum": -1}, "partitionNum"),
        ({"type": "single", "dimension": "d", "partitionNum": 0, "numCorePartitions": -2}, "numCorePartitions"),
        ({"type": "range", "partitionNum": 0}, "dimensions"),
        ({"type": "range", "dimensions": [], "partitionNum": 0}, "dimensions"),
        ({"type": "range", "dimensions": "d", "partitionNum": 0}, "dimensions"),
        ({"type": "range", "dimensions": ["d"], "start": "a", "partitionNum": 0}, "start"),
        ({"type": "range", "dimensions": ["d"], "end": {"a": 1}, "partitionNum": 0}, "end"),
        ({"type": "range", "dimensions": ["d"], "partitionNum": "0"}, "partitionNum"),
        ({"type": "numbered_overwrite", "startRootPartitionId": 0, "endRootPartitionId": 1, "minorVersion": 1,
          "atomicUpdateGroupSize": 1}, "partitionId"),
        ({"type": "numbered_overwrite", "partitionId": 32767, "startRootPartitionId": 0, "endRootPartitionId": 1,
          "minorVersion": 1, "atomicUpdateGroupSize": 1}, "partitionId"),
        ({"type": "numbered_overwrite", "partitionId": 65536, "startRootPartitionId": 0, "endRootPartitionId": 1,
          "minorVersion": 1, "atomicUpdateGroupSize": 1}, "partitionId"),
        ({"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": -1, "endRootPartitionId": 1,
          "minorVersion": 1, "atomicUpdateGroupSize": 1}, "startRootPartitionId"),
        ({"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 32768,
          "minorVersion": 1, "atomicUpdateGroupSize": 1}, "endRootPartitionId"),
        ({"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 1,
          "minorVersion": 0, "atomicUpdateGroupSize": 1}, "minorVersion"),
        ({"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 1,
          "minorVersion": 32768, "atomicUpdateGroupSize": 1}, "minorVersion"),  # a Java short
        ({"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 1,
          "minorVersion": 1, "atomicUpdateGroupSize": 0}, "atomicUpdateGroupSize"),
        ({"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 1,
          "minorVersion": 1, "atomicUpdateGroupSize": -2}, "atomicUpdateGroupSize"),
        ({"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 1,
          "minorVersion": 1}, "atomicUpdateGroupSize"),
    ],
)
def test_parse_shard_spec_bad_field_raises_naming_it(given: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidSegment, match=rf"\[{field}\]"):
        parse_shard_spec(given)


def test_parse_shard_spec_overwrite_root_range_order_not_checked() -> None:
    # NumberedOverwriteShardSpec checks each root id's range but not their order.
    spec = parse_shard_spec(
        {"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 3, "endRootPartitionId": 1,
         "minorVersion": 1, "atomicUpdateGroupSize": 1}
    )
    assert (spec.start_root, spec.end_root) == (3, 1)


@pytest.mark.parametrize("given", [{"type": "hash"}, {"type": "bucket_hash"}, {"type": None}, {}])
def test_parse_shard_spec_unknown_type_raises(given: dict[str, Any]) -> None:
    with pytest.raises(InvalidSegment, match=r"Unknown shardSpec type \[.*\]: expected one of none, numbered"):
        parse_shard_spec(given)


@pytest.mark.parametrize("given", ["numbered", [], 0, True])
def test_parse_shard_spec_not_an_object_raises(given: Any) -> None:
    with pytest.raises(InvalidSegment, match=r"shardSpec must be a JSON object"):
        parse_shard_spec(given)


# --- chunk predicates (semantics 1.4 table) ---------------------------------------------------------------------


def _numbered(partition: int, core: int) -> ShardSpec:
    return parse_shard_spec({"type": "numbered", "partitionNum": partition, "partitions": core})


def _hashed(partition: int, core: int) -> ShardSpec:
    return parse_shard_spec({"type": "hashed", "partitionNum": partition, "partitions": core})


def _single(start: str | None, end: str | None, partition: int = 0, core: int | None = None) -> ShardSpec:
    return parse_shard_spec(
        {"type": "single", "dimension": "d", "start": start, "end": end, "partitionNum": partition,
         "numCorePartitions": core}
    )


def _range(start: list[str] | None, end: list[str] | None, partition: int = 0, core: int | None = None) -> ShardSpec:
    return parse_shard_spec(
        {"type": "range", "dimensions": ["d"], "start": start, "end": end, "partitionNum": partition,
         "numCorePartitions": core}
    )


_OVERWRITE = {"type": "numbered_overwrite", "partitionId": 32768, "startRootPartitionId": 0, "endRootPartitionId": 1,
              "minorVersion": 1, "atomicUpdateGroupSize": 1}


@pytest.mark.parametrize("make", [_numbered, _hashed])
@pytest.mark.parametrize(
    ("partition", "core", "is_start", "is_end"),
    [
        (0, 3, True, False),
        (1, 3, False, False),
        (2, 3, False, True),
        (3, 3, False, False),  # an appended partition beyond the core set
        (0, 1, True, True),
        (0, 0, True, True),  # numCore 0: every chunk is both start and end
        (5, 0, True, True),
    ],
)
def test_numbered_chunk_start_and_end(make: Any, partition: int, core: int, is_start: bool, is_end: bool) -> None:
    spec = make(partition, core)
    assert spec.chunk == NUMBERED
    assert (spec.is_start, spec.is_end) == (is_start, is_end)


@pytest.mark.parametrize("make", [_numbered, _hashed])
@pytest.mark.parametrize(
    ("this", "nxt", "abuts"),
    [
        ((0, 3), (1, 3), True),
        ((0, 3), (2, 3), False),  # a gap inside the core set
        ((1, 3), (1, 3), False),
        ((2, 3), (3, 3), True),  # next beyond the core: any greater number abuts
        ((2, 3), (7, 3), True),
        ((3, 3), (5, 3), True),
        ((3, 3), (3, 3), False),
        ((0, 0), (4, 0), True),
        ((4, 0), (3, 0), False),
    ],
)
def test_numbered_chunk_abuts(make: Any, this: tuple[int, int], nxt: tuple[int, int], abuts: bool) -> None:
    assert make(*this).abuts(make(*nxt)) is abuts


@pytest.mark.parametrize("make", [_single, _range])
def test_range_chunk_with_known_core_is_numbered(make: Any) -> None:
    def bound(value: str | None) -> Any:
        return [value] if make is _range and value is not None else value

    first, second = make(None, bound("m"), 0, 2), make(bound("m"), None, 1, 2)
    assert first.chunk == second.chunk == NUMBERED
    assert (first.is_start, first.is_end, second.is_start, second.is_end) == (True, False, False, True)
    assert first.abuts(second)
    # Bounds do not matter to a numbered chunk: partition numbers do.
    assert make(bound("a"), bound("b"), 0, 2).is_start


@pytest.mark.parametrize("make", [_single, _range])
def test_range_chunk_without_core_compares_bounds(make: Any) -> None:
    def bound(value: str | None) -> Any:
        return [value] if make is _range and value is not None else value

    first, middle, last = make(None, bound("bbb")), make(bound("bbb"), bound("fff"), 1), make(bound("fff"), None, 2)
    assert {s.chunk for s in (first, middle, last)} == {STRING_RANGE}
    assert (first.is_start, first.is_end) == (True, False)
    assert (middle.is_start, middle.is_end) == (False, False)
    assert (last.is_start, last.is_end) == (False, True)
    assert first.abuts(middle) and middle.abuts(last)
    assert not first.abuts(last)
    assert not middle.abuts(first)
    whole = make(None, None)
    assert (whole.is_start, whole.is_end) == (True, True)
    # StringPartitionChunk.abuts: the next chunk must not be a start, even when the bounds match (both null).
    assert not whole.abuts(make(None, None, 1))


def test_linear_chunk_always_start_end_and_abutting() -> None:
    a = parse_shard_spec({"type": "linear", "partitionNum": 3})
    b = parse_shard_spec({"type": "linear", "partitionNum": 0})
    assert (a.is_start, a.is_end) == (True, True)
    assert a.abuts(b) and b.abuts(a)


@pytest.mark.parametrize("given", [{"type": "none"}, {"type": "tombstone"}, _OVERWRITE])
def test_single_element_tombstone_overwriting_chunks_start_end_never_abut(given: dict[str, Any]) -> None:
    spec = parse_shard_spec(given)
    assert (spec.is_start, spec.is_end) == (True, True)
    assert not spec.abuts(parse_shard_spec(given))


# PartitionHolder.isComplete over chunks of size-1 atomic update groups (semantics 1.4), to check the predicates
# together against PartitionHolderCompletenessTest @ 144927af.
def _is_complete(chunks: list[ShardSpec]) -> bool:
    chunks = sorted(chunks, key=lambda s: (s.start_root, s.end_root, s.partition_num))
    if not chunks or not chunks[0].is_start:
        return False
    current = chunks[0]
    if current.is_end:
        return True
    for nxt in chunks[1:]:
        if not current.abuts(nxt):
            return False
        if nxt.is_end:
            return True
        current = nxt
    return False


@pytest.mark.parametrize(
    "specs",
    [
        [_numbered(1, 3), _numbered(0, 3), _numbered(2, 3)],
        [_hashed(1, 3), _hashed(0, 3), _hashed(2, 3)],
        [_range(["bbb"], ["fff"], 1, 3), _range(None, ["bbb"], 0, 3), _range(["fff"], None, 2, 3)],
        [_range(["bbb"], ["fff"], 1), _range(None, ["bbb"], 0), _range(["fff"], None, 2)],
        [_single("bbb", "fff", 1), _single(None, "bbb", 0), _single("fff", None, 2)],
    ],
)
def test_partition_holder_complete_only_with_all_three(specs: list[ShardSpec]) -> None:
    assert not _is_complete(specs[:1])
    assert not _is_complete(specs[:2])
    assert _is_complete(specs)


def test_partition_holder_appended_partitions_do_not_matter() -> None:
    assert _is_complete([_numbered(0, 2), _numbered(1, 2), _numbered(5, 2)])
    assert not _is_complete([_numbered(1, 2), _numbered(2, 2)])
    assert _is_complete([_numbered(4, 0)])
