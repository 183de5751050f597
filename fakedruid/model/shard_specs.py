"""Shard specs: the partitioning fields of a segment, and the timeline chunk each one makes.

Layer: model; imports only the stdlib. Semantics: semantics.md sections 1.1, 1.4 and 9.2
(``ShardSpec.java`` and the chunk classes in ``processing/.../timeline/partition/``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakedruid.errors import InvalidSegment

#: Chunk kinds of semantics 1.4.
NUMBERED = "numbered"
LINEAR = "linear"
SINGLE_ELEMENT = "single_element"
STRING_RANGE = "string_range"
TOMBSTONE = "tombstone"
OVERWRITING = "overwriting"

# numbered_overwrite partition ids (PartitionIds.java).
NON_ROOT_GEN_START_PARTITION_ID = 32768
NON_ROOT_GEN_END_PARTITION_ID = 65536
_SHORT_MAX = 32767
#: ``HashPartitionFunction`` constants.
_HASH_PARTITION_FUNCTIONS = ("MURMUR3_32_ABS",)


@dataclass(frozen=True, slots=True)
class ShardSpec:
    """One segment's shard spec, with the values the timeline derives from it."""

    type: str
    partition_num: int
    num_core_partitions: int
    chunk: str
    start_root: int
    end_root: int
    minor_version: int = 0
    atomic_update_group_size: int = 1
    #: Range bounds of a string-range chunk (``single``/``range`` without numCorePartitions); None is open.
    range_start: Any = field(default=None, compare=False)
    range_end: Any = field(default=None, compare=False)
    #: The JSON Druid writes back, defaults filled in, unknown input fields dropped.
    json: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The shard spec as Druid serialises it (a fresh dict)."""
        return dict(self.json)

    # Chunk predicates of semantics 1.4.

    @property
    def is_start(self) -> bool:
        """The chunk may begin a complete partition set."""
        if self.chunk == NUMBERED:
            return self.partition_num == 0 if self.num_core_partitions > 0 else True
        if self.chunk == STRING_RANGE:
            return self.range_start is None
        return True

    @property
    def is_end(self) -> bool:
        """The chunk may end a complete partition set."""
        if self.chunk == NUMBERED:
            return self.partition_num == self.num_core_partitions - 1 if self.num_core_partitions > 0 else True
        if self.chunk == STRING_RANGE:
            return self.range_end is None
        return True

    def abuts(self, nxt: ShardSpec) -> bool:
        """``PartitionChunk.abuts``: ``nxt`` directly follows this chunk in a complete set."""
        if self.chunk == NUMBERED and nxt.chunk == NUMBERED:
            if nxt.partition_num < nxt.num_core_partitions:
                return nxt.partition_num == self.partition_num + 1
            return nxt.partition_num > self.partition_num
        if self.chunk == LINEAR:
            return True
        if self.chunk == STRING_RANGE and nxt.chunk == STRING_RANGE:
            return nxt.range_start is not None and nxt.range_start == self.range_end
        return False


def numbered(partition_num: int = 0, partitions: int = 1) -> ShardSpec:
    """A ``numbered`` shard spec, Druid's default."""
    if partition_num < 0 or partitions < 0:
        raise InvalidSegment(
            f"numbered shardSpec needs partitionNum >= 0 and partitions >= 0, got [{partition_num}] and [{partitions}]"
        )
    return ShardSpec(
        type="numbered",
        partition_num=partition_num,
        num_core_partitions=partitions,
        chunk=NUMBERED,
        start_root=partition_num,
        end_root=partition_num + 1,
        json={"type": "numbered", "partitionNum": partition_num, "partitions": partitions},
    )


DEFAULT_SHARD_SPEC = numbered(0, 1)


def _int(
    obj: dict[str, Any], key: str, default: int | None = None, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = obj.get(key, default)
    if value is None:
        if default is None:
            raise InvalidSegment(f"shardSpec of type [{obj.get('type')}] needs the field [{key}]")
        value = default
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidSegment(f"shardSpec field [{key}] must be an integer, got [{value!r}]")
    if minimum is not None and value < minimum:
        raise InvalidSegment(f"shardSpec field [{key}] must be >= {minimum}, got [{value}]")
    if maximum is not None and value > maximum:
        raise InvalidSegment(f"shardSpec field [{key}] must be <= {maximum}, got [{value}]")
    return value


def _partition_function(obj: dict[str, Any]) -> str | None:
    # HashPartitionFunction is an enum read with valueOf(toUpperCase(text)) and written in lower case.
    value = _opt_str(obj, "partitionFunction")
    if value is None:
        return None
    if value.upper() not in _HASH_PARTITION_FUNCTIONS:
        raise InvalidSegment(
            f"shardSpec field [partitionFunction] must be one of {', '.join(_HASH_PARTITION_FUNCTIONS).lower()}, "
            f"got [{value}]"
        )
    return value.upper().lower()


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidSegment(f"shardSpec field [{key}] must be a string or null, got [{value!r}]")
    return value


def _opt_tuple(obj: dict[str, Any], key: str) -> tuple[Any, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise InvalidSegment(f"shardSpec field [{key}] must be a list or null, got [{value!r}]")
    return tuple(value)


def _ranged(obj: dict[str, Any], type_: str, json: dict[str, Any], start: Any, end: Any) -> ShardSpec:
    partition_num = _int(obj, "partitionNum", 0, minimum=0)
    core = obj.get("numCorePartitions")
    core_n = -1 if core is None else _int(obj, "numCorePartitions", minimum=-1)
    json.update({"partitionNum": partition_num, "numCorePartitions": core_n})
    # createChunk: numbered when numCorePartitions is known, else the older string-range chunk.
    chunk = NUMBERED if core_n != -1 else STRING_RANGE
    return ShardSpec(
        type=type_,
        partition_num=partition_num,
        num_core_partitions=core_n,
        chunk=chunk,
        start_root=partition_num,
        end_root=partition_num + 1,
        range_start=start,
        range_end=end,
        json=json,
    )


def parse_shard_spec(obj: Any) -> ShardSpec:
    """Read a shard spec from Druid JSON; None gives the default ``numbered`` 0 of 1.

    :raises InvalidSegment: for an unknown type or a field of the wrong type, naming it.
    """
    if obj is None:
        return DEFAULT_SHARD_SPEC
    if not isinstance(obj, dict):
        raise InvalidSegment(f"shardSpec must be a JSON object, got [{obj!r}]")
    type_ = obj.get("type")
    if type_ == "numbered":
        return numbered(_int(obj, "partitionNum", 0, minimum=0), _int(obj, "partitions", 0, minimum=0))
    if type_ == "none":
        return ShardSpec("none", 0, 0, chunk=SINGLE_ELEMENT, start_root=0, end_root=1, json={"type": "none"})
    if type_ == "linear":
        p = _int(obj, "partitionNum", minimum=0)
        return ShardSpec("linear", p, 0, chunk=LINEAR, start_root=p, end_root=p + 1,
                         json={"type": "linear", "partitionNum": p})
    if type_ == "hashed":
        p = _int(obj, "partitionNum", 0, minimum=0)
        n = _int(obj, "partitions", 0, minimum=0)
        dims = obj.get("partitionDimensions")
        if dims is not None and (not isinstance(dims, list) or not all(isinstance(d, str) for d in dims)):
            raise InvalidSegment(f"shardSpec field [partitionDimensions] must be a list of strings, got [{dims!r}]")
        json = {
            "type": "hashed",
            "bucketId": _int(obj, "bucketId", p),
            "partitionNum": p,
            "partitions": n,
            "numBuckets": _int(obj, "numBuckets", n),
            "partitionDimensions": list(dims or []),
            "partitionFunction": _partition_function(obj),
        }
        return ShardSpec("hashed", p, n, chunk=NUMBERED, start_root=p, end_root=p + 1, json=json)
    if type_ == "single":
        start, end = _opt_str(obj, "start"), _opt_str(obj, "end")
        # SingleDimensionShardSpec passes [dimension] to DimensionRangeShardSpec, which needs a non-empty list.
        dimension = _opt_str(obj, "dimension")
        if dimension is None:
            raise InvalidSegment("shardSpec of type [single] needs the field [dimension]")
        json = {"type": "single", "dimension": dimension, "start": start, "end": end}
        return _ranged(obj, "single", json, start, end)
    if type_ == "range":
        dims = obj.get("dimensions")
        if not isinstance(dims, list) or not dims or not all(isinstance(d, str) for d in dims):
            raise InvalidSegment(f"shardSpec of type [range] needs a non-empty list of [dimensions], got [{dims!r}]")
        start_t, end_t = _opt_tuple(obj, "start"), _opt_tuple(obj, "end")
        json = {
            "type": "range",
            "dimensions": list(dims),
            "start": None if start_t is None else list(start_t),
            "end": None if end_t is None else list(end_t),
        }
        return _ranged(obj, "range", json, start_t, end_t)
    if type_ == "tombstone":
        # numCorePartitions is 0 from the 29 line on (TombstoneShardSpec @ dbe3b922; 1 in older code).
        return ShardSpec("tombstone", 0, 0, chunk=TOMBSTONE, start_root=0, end_root=1,
                         json={"type": "tombstone", "partitionNum": 0, "partitions": 0})
    if type_ == "numbered_overwrite":
        pid = _int(obj, "partitionId")
        if not NON_ROOT_GEN_START_PARTITION_ID <= pid < NON_ROOT_GEN_END_PARTITION_ID:
            raise InvalidSegment(f"shardSpec field [partitionId] must be in [32768, 65536), got [{pid}]")
        # NumberedOverwriteShardSpec's checks: each root id in [0, 32768) (no order between them is checked),
        # minorVersion and atomicUpdateGroupSize are Java shorts.
        start_root = _int(obj, "startRootPartitionId", minimum=0, maximum=NON_ROOT_GEN_START_PARTITION_ID - 1)
        end_root = _int(obj, "endRootPartitionId", minimum=0, maximum=NON_ROOT_GEN_START_PARTITION_ID - 1)
        minor = _int(obj, "minorVersion", minimum=1, maximum=_SHORT_MAX)
        aug = _int(obj, "atomicUpdateGroupSize", minimum=-1, maximum=_SHORT_MAX)
        if aug == 0:
            raise InvalidSegment("shardSpec field [atomicUpdateGroupSize] must be > 0 or -1, got [0]")
        json = {
            "type": "numbered_overwrite",
            "partitionId": pid,
            "startRootPartitionId": start_root,
            "endRootPartitionId": end_root,
            "minorVersion": minor,
            "atomicUpdateGroupSize": aug,
        }
        return ShardSpec("numbered_overwrite", pid, 0, chunk=OVERWRITING, start_root=start_root,
                         end_root=end_root, minor_version=minor, atomic_update_group_size=aug, json=json)
    raise InvalidSegment(
        f"Unknown shardSpec type [{type_}]: expected one of none, numbered, linear, hashed, single, range, "
        "tombstone, numbered_overwrite"
    )


def shard_spec_java_string(spec: ShardSpec) -> str:
    """The shard spec's Java ``toString()``, as Druid writes it inside ``DataSegment.toString()`` (a kill task's lock
    failure, ``KillUnusedSegmentsTask``). ``NumberedShardSpec`` is measured (Druid 33.0.0 and 37.0.0); the others
    are read from the newest source of each class, not measured."""
    j = spec.json
    if spec.type == "numbered":
        return f"NumberedShardSpec{{partitionNum={spec.partition_num}, partitions={spec.num_core_partitions}}}"
    if spec.type == "none":
        return "NoneShardSpec"
    if spec.type == "linear":
        return f"LinearShardSpec{{partitionNum={spec.partition_num}}}"
    if spec.type == "tombstone":
        return f"TombstoneShardSpec{{partitionNum={spec.partition_num}, partitions={spec.num_core_partitions}}}"
    if spec.type == "hashed":
        return (
            f"HashBasedNumberedShardSpec{{bucketId={j['bucketId']}, numBuckets={j['numBuckets']}, "
            f"partitionDimensions={java_value(j['partitionDimensions'])}, "
            f"partitionFunction={java_value(j['partitionFunction'])}}}"
        )
    if spec.type == "single":
        return (
            f"SingleDimensionShardSpec{{dimension='{j['dimension']}', start='{java_value(j['start'])}', "
            f"end='{java_value(j['end'])}', partitionNum={spec.partition_num}, "
            f"numCorePartitions={spec.num_core_partitions}}}"
        )
    if spec.type == "range":
        return (
            f"DimensionRangeShardSpec{{dimensions='{java_value(j['dimensions'])}', start='{java_value(j['start'])}', "
            f"end='{java_value(j['end'])}', partitionNum={spec.partition_num}, "
            f"numCorePartitions={spec.num_core_partitions}}}"
        )
    return (
        f"NumberedOverwriteShardSpec{{partitionId={j['partitionId']}, "
        f"startRootPartitionId={j['startRootPartitionId']}, "
        f"endRootPartitionId={j['endRootPartitionId']}, minorVersion={j['minorVersion']}, "
        f"atomicUpdateGroupSize={j['atomicUpdateGroupSize']}}}"
    )


def java_value(value: Any) -> str:
    """``String.valueOf`` of a JSON value as Druid holds it: ``null``, ``true``, lists as ``[a, b]`` and maps as
    fastutil prints them, ``{k=>v, ...}`` (a DataSegment's ``loadSpec``, measured on Druid 33.0.0 and 37.0.0 for
    string values; nested maps and lists are not measured)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(java_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}=>{java_value(v)}" for k, v in value.items()) + "}"
    return str(value)
