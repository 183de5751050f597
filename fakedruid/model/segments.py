"""DataSegment: a segment's metadata, and its JSON exactly as Druid reads and writes it.

Layer: model; imports only the stdlib. Semantics: semantics.md section 9.1 and http-api.md section 1.10
(``DataSegment.java``). The JSON codec lives here rather than in ``api/serialize.py`` because the public
Python API (``add_segments``) and the state files take the same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakedruid.errors import FakeDruidError, InvalidSegment
from fakedruid.model.intervals import Interval, parse_interval
from fakedruid.model.segment_ids import SegmentId
from fakedruid.model.shard_specs import (
    DEFAULT_SHARD_SPEC,
    ShardSpec,
    java_value,
    parse_shard_spec,
    shard_spec_java_string,
)


@dataclass(frozen=True, slots=True, eq=False)
class DataSegment:
    """One segment. Equality and hashing use only the id, as in Druid."""

    datasource: str
    interval: Interval
    version: str
    shard_spec: ShardSpec = DEFAULT_SHARD_SPEC
    load_spec: dict[str, Any] | None = None
    dimensions: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    projections: tuple[str, ...] | None = None
    last_compaction_state: dict[str, Any] | None = None
    binary_version: int | None = 9
    size: int = 0
    #: Not part of Druid's JSON: the row count reported as ``numRows`` (semantics 10.6).
    num_rows: int | None = None
    segment_id: SegmentId = field(init=False, repr=False)
    id: str = field(init=False)

    def __post_init__(self) -> None:
        sid = SegmentId(self.datasource, self.interval, self.version, self.shard_spec.partition_num)
        object.__setattr__(self, "segment_id", sid)
        object.__setattr__(self, "id", str(sid))

    def __eq__(self, other: object) -> bool:
        # DataSegment.equals compares SegmentIds, not their strings: (ver, 1) and (ver_1, 0) print alike but
        # differ. Equal SegmentIds print alike, so hashing the string stays consistent (and is cached by str).
        return isinstance(other, DataSegment) and other.segment_id == self.segment_id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def is_tombstone(self) -> bool:
        """The segment is a tombstone (no data, shard spec ``tombstone``)."""
        return self.shard_spec.type == "tombstone"


def _names(value: Any, key: str) -> tuple[str, ...]:
    # The older DataSegment deserializer splits a comma-joined string and drops empty names; arrays are
    # accepted too (UNCONFIRMED in Druid).
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(n for n in value.split(",") if n)
    if isinstance(value, list) and all(isinstance(n, str) for n in value):
        return tuple(n for n in value if n)
    raise InvalidSegment(
        f"DataSegment field [{key}] must be a comma-joined string or a list of strings, got [{value!r}]"
    )


def _required_str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or value == "":
        raise InvalidSegment(f"DataSegment field [{key}] is required and must be a non-empty string, got [{value!r}]")
    return value


def data_segment_from_json(obj: Any) -> DataSegment:
    """Read a DataSegment from Druid JSON. ``identifier`` and unknown fields are ignored.

    :raises InvalidSegment: naming the missing or malformed field.
    """
    if not isinstance(obj, dict):
        raise InvalidSegment(f"A DataSegment must be a JSON object, got [{obj!r}]")
    datasource = _required_str(obj, "dataSource")
    interval_text = _required_str(obj, "interval")
    try:
        interval = parse_interval(interval_text)
    except FakeDruidError as exc:
        raise InvalidSegment(f"DataSegment field [interval]: {exc.message}") from exc
    version = _required_str(obj, "version")
    shard_spec = parse_shard_spec(obj.get("shardSpec"))
    load_spec = obj.get("loadSpec")
    if load_spec is not None and not isinstance(load_spec, dict):
        raise InvalidSegment(f"DataSegment field [loadSpec] must be an object or null, got [{load_spec!r}]")
    compaction = obj.get("lastCompactionState")
    if compaction is not None and not isinstance(compaction, dict):
        raise InvalidSegment(f"DataSegment field [lastCompactionState] must be an object or null, got [{compaction!r}]")
    # An Integer in DataSegment's @JsonCreator: absent reads as null, and is written back as null.
    binary_version = obj.get("binaryVersion")
    if binary_version is not None and (isinstance(binary_version, bool) or not isinstance(binary_version, int)):
        raise InvalidSegment(f"DataSegment field [binaryVersion] must be an integer or null, got [{binary_version!r}]")
    size = obj.get("size", 0)
    if size is None:
        size = 0
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidSegment(f"DataSegment field [size] must be an integer >= 0, got [{size!r}]")
    num_rows = obj.get("numRows")
    if num_rows is not None and (isinstance(num_rows, bool) or not isinstance(num_rows, int)):
        raise InvalidSegment(f"DataSegment field [numRows] must be an integer or null, got [{num_rows!r}]")
    projections = obj.get("projections")
    return DataSegment(
        datasource=datasource,
        interval=interval,
        version=version,
        shard_spec=shard_spec,
        load_spec=load_spec,
        dimensions=_names(obj.get("dimensions"), "dimensions"),
        metrics=_names(obj.get("metrics"), "metrics"),
        projections=None if projections is None else _names(projections, "projections"),
        last_compaction_state=compaction,
        binary_version=binary_version,
        size=size,
        num_rows=num_rows,
    )


def data_segment_to_json(segment: DataSegment, *, projections: bool = False) -> dict[str, Any]:
    """The DataSegment as Druid writes it, keys in Druid's order (http-api.md 1.10).

    :param projections: write ``projections`` (profile "latest") when the segment has them.
    """
    out: dict[str, Any] = {
        "dataSource": segment.datasource,
        "interval": str(segment.interval),
        "version": segment.version,
        "loadSpec": segment.load_spec,
        "dimensions": ",".join(segment.dimensions),
        "metrics": ",".join(segment.metrics),
    }
    if projections and segment.projections is not None:
        out["projections"] = ",".join(segment.projections)
    out["shardSpec"] = segment.shard_spec.to_json()
    if segment.last_compaction_state is not None:
        out["lastCompactionState"] = segment.last_compaction_state
    out["binaryVersion"] = segment.binary_version
    out["size"] = segment.size
    out["identifier"] = segment.id
    return out


def data_segment_java_string(segment: DataSegment, *, fields_37: bool) -> str:
    """``DataSegment.toString()``, as a kill task's lock failure names the segments (measured on Druid 33.0.0 and
    37.0.0 for a ``numbered`` segment).

    :param fields_37: also write ``projections`` (after ``metrics``), ``totalRows`` and ``indexingStateFingerprint``
        (at the end), as 37.0.0 does; 33.0.0 has neither. ``totalRows`` is the segment's row count when seeded
        (``numRows``; not measured) and ``indexingStateFingerprint`` is always null (the fake keeps none).
    """
    parts = [
        f"binaryVersion={java_value(segment.binary_version)}",
        f"id={segment.id}",
        f"loadSpec={java_value(segment.load_spec)}",
        f"dimensions={java_value(segment.dimensions)}",
        f"metrics={java_value(segment.metrics)}",
    ]
    if fields_37:
        parts.append(f"projections={java_value(segment.projections)}")
    parts += [
        f"shardSpec={shard_spec_java_string(segment.shard_spec)}",
        f"lastCompactionState={java_value(segment.last_compaction_state)}",
        f"size={segment.size}",
    ]
    if fields_37:
        parts += [f"totalRows={java_value(segment.num_rows)}", "indexingStateFingerprint=null"]
    return "DataSegment{" + ", ".join(parts) + "}"
