"""A real Druid's metadata store (Derby) seen from Python: a JDBC shell and the rows seeding writes.

Layer: stdlib plus ``fakedruid.model`` (to validate segments and build their ids and payloads exactly as the
fake does); runs ``java``.

Segments are written straight into ``druid_segments``, as Druid's own tests do (for example
``IndexerSQLMetadataStorageCoordinatorTest`` and ``SqlSegmentsMetadataManagerTest`` insert rows): a well-formed
id, the DataSegment JSON payload, ``used`` and ``used_status_last_updated``. Columns of newer versions
(``schema_fingerprint``, ``num_rows``, ``upgraded_from_segment_id``, ...) are nullable and stay null.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any

from fakedruid.real.errors import RealDruidError

__all__ = ["SegmentRow", "SqlShell", "segment_rows"]

#: The Druid tables ``reset`` empties (when the version has them); rules are handled apart.
RESET_TABLES = ("druid_segments", "druid_pendingSegments", "druid_tasklogs", "druid_tasklocks", "druid_tasks",
                "druid_audit", "druid_upgradeSegments")


@dataclass(frozen=True)
class SegmentRow:
    """One ``druid_segments`` row."""

    id: str
    datasource: str
    created_date: str
    start: str
    end: str
    partitioned: bool
    version: str
    used: bool
    payload: bytes
    used_status_last_updated: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _param(value: Any) -> str:
    if value is None:
        return "N"
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, bytes):
        return "x" + _b64(value)
    return "s" + _b64(str(value).encode("utf-8"))


class SqlShell:
    """A ``SqlShell.java`` process connected to the metadata store; one request at a time (thread-safe).

    :param java: the ``java`` launcher (11+, for single-file source launch).
    :param derbyclient: Druid's ``derbyclient`` jar.
    :param url: the JDBC URL, the same database name string the Coordinator uses.
    :param log: where the shell's stderr goes.
    """

    def __init__(self, java: Path, derbyclient: Path, url: str, *, log: IO[bytes] | None = None) -> None:
        source = resources.files("fakedruid.real").joinpath("SqlShell.java")
        with resources.as_file(source) as path:
            self._proc = subprocess.Popen(
                [str(java), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", str(derbyclient),
                 str(path), url],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log if log is not None else subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
            )
            self._lock = threading.Lock()
            first = self._read_line()
        if first != "READY":
            self.close()
            raise RealDruidError(f"The metadata store's JDBC shell did not start (it said {first!r}); see its log")

    @property
    def pid(self) -> int:
        """The shell's process id."""
        return self._proc.pid

    def _read_line(self) -> str:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RealDruidError("The metadata store's JDBC shell exited")
        return line.rstrip("\n")

    def _call(self, op: str, sql: str = "", params: Sequence[Any] = ()) -> tuple[int, list[list[str | None]]]:
        fields = [op] + ([_b64(sql.encode("utf-8"))] if sql else []) + [_param(p) for p in params]
        with self._lock:
            assert self._proc.stdin is not None
            try:
                self._proc.stdin.write("\t".join(fields) + "\n")
                self._proc.stdin.flush()
            except OSError as exc:
                raise RealDruidError(f"The metadata store's JDBC shell is gone: {exc}") from exc
            rows: list[list[str | None]] = []
            while True:
                line = self._read_line()
                if line.startswith("R\t"):
                    rows.append(
                        [None if c == "N" else base64.b64decode(c[1:]).decode("utf-8") for c in line.split("\t")[1:]]
                    )
                elif line.startswith("OK "):
                    return int(line[3:]), rows
                elif line.startswith("ERR "):
                    raise RealDruidError(f"SQL failed: {base64.b64decode(line[4:]).decode('utf-8')} [{sql}]")
                else:
                    raise RealDruidError(f"The metadata store's JDBC shell answered {line!r}")

    def execute(self, sql: str, *params: Any) -> int:
        """Run an INSERT/UPDATE/DELETE; returns the update count."""
        return self._call("exec", sql, params)[0]

    def query(self, sql: str, *params: Any) -> list[list[str | None]]:
        """Run a SELECT; every column comes back as text (or None)."""
        return self._call("query", sql, params)[1]

    def transaction(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> None:
        """Run statements all or nothing."""
        self._call("begin")
        try:
            for sql, params in statements:
                self.execute(sql, *params)
        except BaseException:
            self._call("rollback")
            raise
        self._call("commit")

    def tables(self) -> set[str]:
        """The names (upper case) of the user tables."""
        return {
            str(r[0]).upper()
            for r in self.query("SELECT TABLENAME FROM SYS.SYSTABLES WHERE TABLETYPE = 'T'")
        }

    def close(self) -> None:
        """End the shell (closing its stdin ends it; killed if it lingers)."""
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()


def local_load_spec(segments_dir: Path, segment: Any) -> dict[str, Any]:
    """A loadSpec under local deep storage ending in ``index.zip``, as Druid's ``LocalDataSegmentPusher`` lays
    segments out; ``LocalDataSegmentKiller`` deletes the parent directory of such a path (and does not mind if it
    is missing), so kill tasks succeed without segment files."""
    from fakedruid.model.intervals import format_instant

    interval = f"{format_instant(segment.interval.start)}_{format_instant(segment.interval.end)}"
    path = segments_dir / segment.datasource / interval / segment.version / str(segment.shard_spec.partition_num)
    return {"type": "local", "path": str(path / "index.zip")}


def segment_rows(
    objs: Sequence[Any], *, used: bool | Sequence[bool], segments_dir: Path, now: str
) -> list[SegmentRow]:
    """The ``druid_segments`` rows of seed segments (DataSegment JSON objects or model DataSegments).

    A JSON object may carry ``used``, ``createdDate`` and ``usedStatusLastUpdatedDate`` (as in the fake's state
    documents). The loadSpec is replaced by :func:`local_load_spec`: a kill task deletes what the loadSpec
    names, so a seed must never point a real Druid at files outside its own deep storage.

    :raises RealDruidError: a segment is malformed (the message names its index), two share an id, or
        ``used`` has the wrong length.
    """
    from fakedruid.errors import FakeDruidError
    from fakedruid.model.intervals import format_instant
    from fakedruid.model.segments import (
        DataSegment,
        data_segment_from_json,
        data_segment_to_json,
    )

    flags = [used] * len(objs) if isinstance(used, bool) else list(used)
    if len(flags) != len(objs):
        raise RealDruidError(f"used has {len(flags)} flags for {len(objs)} segments")
    rows: list[SegmentRow] = []
    seen: set[str] = set()
    for index, (obj, flag) in enumerate(zip(objs, flags, strict=True)):
        extra: dict[str, Any] = {}
        if isinstance(obj, DataSegment):
            segment = obj
        else:
            try:
                segment = data_segment_from_json(obj)
            except FakeDruidError as exc:
                raise RealDruidError(f"Bad seed: segment [{index}]: {exc.message}") from exc
            extra = obj
        row_used = extra.get("used", flag)
        if not isinstance(row_used, bool):
            raise RealDruidError(f"Bad seed: segment [{index}]: [used] must be true or false, got [{row_used!r}]")
        if segment.id in seen:
            raise RealDruidError(f"Bad seed: segment [{index}]: a segment with id [{segment.id}] is seeded twice")
        seen.add(segment.id)
        payload = data_segment_to_json(segment, projections=True)
        if (segment.load_spec or {}).get("type") != "tombstone":
            # A tombstone keeps its {"type": "tombstone"} load spec: it has no files, and Druid's kill skips it.
            payload["loadSpec"] = local_load_spec(segments_dir, segment)
        created = extra.get("createdDate") or now
        status_updated = extra.get("usedStatusLastUpdatedDate") or now
        for key, value in (("createdDate", created), ("usedStatusLastUpdatedDate", status_updated)):
            if not isinstance(value, str):
                raise RealDruidError(f"Bad seed: segment [{index}]: [{key}] must be a string, got [{value!r}]")
        rows.append(
            SegmentRow(
                id=segment.id,
                datasource=segment.datasource,
                created_date=created,
                start=format_instant(segment.interval.start),
                end=format_instant(segment.interval.end),
                partitioned=payload["shardSpec"].get("type") != "none",
                version=segment.version,
                used=row_used,
                payload=json.dumps(payload, separators=(",", ":")).encode("utf-8"),
                used_status_last_updated=status_updated,
            )
        )
    return rows


INSERT_SEGMENT = (
    'INSERT INTO druid_segments (id, dataSource, created_date, start, "end", partitioned, version, used, payload, '
    "used_status_last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def insert_params(row: SegmentRow) -> tuple[Any, ...]:
    """The parameters of :data:`INSERT_SEGMENT` for one row."""
    return (
        row.id,
        row.datasource,
        row.created_date,
        row.start,
        row.end,
        row.partitioned,
        row.version,
        row.used,
        row.payload,
        row.used_status_last_updated,
    )
