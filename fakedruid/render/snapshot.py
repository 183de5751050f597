"""What the timeline pictures show, copied out of a :class:`~fakedruid.model.cluster.Cluster` in one go.

Layer: render; stdlib and :mod:`fakedruid.model` only. :func:`take_snapshot` reads the cluster in one
:meth:`Cluster.read <fakedruid.model.cluster.Cluster.read>` query (never its lock), so a picture never mixes two
states; the snapshot is immutable and has a JSON form (the admin endpoint
``GET /fakedruid/v1/datasources/{ds}/timeline`` and ``fakedruid timeline`` exchange it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fakedruid.model.intervals import format_instant, parse_instant

if TYPE_CHECKING:
    from fakedruid.model.cluster import Cluster, ClusterReader

__all__ = [
    "OVERSHADOWED",
    "UNUSED",
    "VISIBLE",
    "DatasourceSummary",
    "SegmentView",
    "TimelineSnapshot",
    "snapshot_of",
    "state_token",
    "summaries",
    "summaries_of",
    "take_snapshot",
]

#: The three exclusive states of a segment (``served`` and ``tombstone`` are flags on top of them).
VISIBLE = "visible"
OVERSHADOWED = "overshadowed"
UNUSED = "unused"


@dataclass(frozen=True, slots=True)
class SegmentView:
    """One segment as the pictures show it.

    :ivar start: interval start, UTC ms. :ivar end: interval end (exclusive), UTC ms.
    :ivar num_rows: None when the segment does not say.
    :ivar overshadowed: used, and overshadowed by other used segments (semantics 1.9).
    :ivar served: loaded on at least one virtual historical (semantics 10.1).
    """

    id: str
    start: int
    end: int
    version: str
    partition_num: int
    size: int
    num_rows: int | None
    used: bool
    tombstone: bool
    overshadowed: bool
    served: bool

    @property
    def state(self) -> str:
        """:data:`VISIBLE`, :data:`OVERSHADOWED` or :data:`UNUSED`."""
        if not self.used:
            return UNUSED
        return OVERSHADOWED if self.overshadowed else VISIBLE

    def to_json(self) -> dict[str, Any]:
        """The segment's JSON form (camelCase, as the rest of the admin API)."""
        return {
            "id": self.id,
            "interval": f"{format_instant(self.start)}/{format_instant(self.end)}",
            "version": self.version,
            "partitionNum": self.partition_num,
            "size": self.size,
            "numRows": self.num_rows,
            "used": self.used,
            "tombstone": self.tombstone,
            "overshadowed": self.overshadowed,
            "served": self.served,
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> SegmentView:
        """The inverse of :meth:`to_json`.

        :raises KeyError, ValueError: for a malformed object.
        """
        start, _, end = str(obj["interval"]).partition("/")
        return cls(
            id=str(obj["id"]),
            start=parse_instant(start),
            end=parse_instant(end),
            version=str(obj["version"]),
            partition_num=int(obj["partitionNum"]),
            size=int(obj["size"]),
            num_rows=None if obj.get("numRows") is None else int(obj["numRows"]),
            used=bool(obj["used"]),
            tombstone=bool(obj["tombstone"]),
            overshadowed=bool(obj["overshadowed"]),
            served=bool(obj["served"]),
        )


@dataclass(frozen=True, slots=True)
class TimelineSnapshot:
    """Every segment of one datasource, used or not, in segment-id order, and when the picture was taken."""

    datasource: str
    now: int
    segments: tuple[SegmentView, ...]

    def count(self, state: str | None = None, *, served: bool | None = None) -> int:
        """How many segments are in ``state`` (any when None) and, when given, served or not."""
        return sum(
            1
            for s in self.segments
            if (state is None or s.state == state) and (served is None or s.served == served)
        )

    def to_json(self) -> dict[str, Any]:
        """The snapshot's JSON form."""
        return {
            "dataSource": self.datasource,
            "now": format_instant(self.now),
            "segments": [s.to_json() for s in self.segments],
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> TimelineSnapshot:
        """The inverse of :meth:`to_json`.

        :raises KeyError, ValueError, TypeError: for a malformed document.
        """
        return cls(
            datasource=str(obj["dataSource"]),
            now=parse_instant(str(obj["now"])),
            segments=tuple(SegmentView.from_json(s) for s in obj["segments"]),
        )


@dataclass(frozen=True, slots=True)
class DatasourceSummary:
    """One row of the datasources page."""

    datasource: str
    used: int
    unused: int
    overshadowed: int
    served: int
    total_size: int

    @property
    def segments(self) -> int:
        """All segments, used or not."""
        return self.used + self.unused


def take_snapshot(cluster: Cluster, datasource: str) -> TimelineSnapshot:
    """Copy one datasource's segments and their states out of ``cluster`` (one consistent read)."""
    return cluster.read(lambda reader: snapshot_of(reader, datasource))


def snapshot_of(reader: ClusterReader, datasource: str) -> TimelineSnapshot:
    """:func:`take_snapshot` inside a :meth:`Cluster.read <fakedruid.model.cluster.Cluster.read>` query."""
    records = reader.records(datasource)
    overshadowed = reader.overshadowed_segment_ids(datasource)
    served = reader.served(datasource) if records else {}
    return TimelineSnapshot(
        datasource,
        reader.now(),
        tuple(
            SegmentView(
                id=r.segment.id,
                start=r.segment.interval.start,
                end=r.segment.interval.end,
                version=r.segment.version,
                partition_num=r.segment.shard_spec.partition_num,
                size=r.segment.size,
                num_rows=r.segment.num_rows,
                used=r.used,
                tombstone=r.segment.is_tombstone,
                overshadowed=r.used and r.segment.id in overshadowed,
                served=r.segment.id in served,
            )
            for r in records
        ),
    )


def summaries(cluster: Cluster) -> list[DatasourceSummary]:
    """One summary per datasource that has segments (used or not), by name."""
    return cluster.read(summaries_of)


def summaries_of(reader: ClusterReader) -> list[DatasourceSummary]:
    """:func:`summaries` inside a :meth:`Cluster.read <fakedruid.model.cluster.Cluster.read>` query."""
    out = []
    for name in reader.datasource_names():
        records = reader.records(name)
        used = sum(1 for r in records if r.used)
        out.append(
            DatasourceSummary(
                datasource=name,
                used=used,
                unused=len(records) - used,
                overshadowed=len(reader.overshadowed_segment_ids(name)),
                served=len(reader.served(name)),
                total_size=sum(r.segment.size for r in records),
            )
        )
    return out


def state_token(cluster: Cluster, extra: Iterable[object] = ()) -> str:
    """A short digest that changes when anything the pages show changes (for the pages' live refresh).

    Covers every segment's used flag, the served view, rules, tasks and audit entries (one consistent read),
    plus ``extra`` (the caller's own state, such as the request journal). The clock is left out on purpose: a
    running system clock would change the token on every poll.
    """
    digest = hashlib.blake2b(digest_size=8)

    def query(reader: ClusterReader) -> None:
        for name in reader.datasource_names():
            digest.update(name.encode())
            for r in reader.records(name):
                digest.update(r.segment.id.encode())
                digest.update(b"U" if r.used else b"u")
            digest.update(",".join(reader.served(name)).encode())
        digest.update(repr(sorted(reader.all_rules().items())).encode())
        digest.update(repr(len(reader.rule_audit_entries())).encode())
        digest.update(repr([(t.id, t.status) for t in reader.list_tasks(created_within=2**62)]).encode())
        digest.update(repr(len(reader.audit_entries())).encode())

    cluster.read(query)
    for item in extra:
        digest.update(repr(item).encode())
    return digest.hexdigest()
