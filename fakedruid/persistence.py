"""Keeping a running fake's state in a :class:`~fakedruid.statefile.StateFile`: load at start, commit each change.

Layer: glue (stdlib only). The state is two parts with different sizes:

* **rows**: one JSON object per segment, keyed by segment id; there may be hundreds of thousands, and a change
  touches few. A commit journals only the rows that changed (and the ids that went away).
* **the rest** (rules and their history, tasks, clock, kill settings, audit, security): small, journaled whole
  whenever it differs from what was last written.

The :class:`StateSource` (the cluster side) says what changed since the last commit; :class:`Persister` writes
it durably. :meth:`Persister.commit` runs before an answer leaves, under the source's lock, so the journal's
order is the order in which changes were made and every acknowledged change is on disk.

At start :meth:`Persister.open` replays snapshot + journal into one document, hands it to the source, and writes
a fresh snapshot (compaction); a journal past its bound is compacted the same way while serving.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol

from fakedruid.statefile import StateFile, StateFileError

if TYPE_CHECKING:
    from fakedruid.model.cluster import Cluster

#: Document keys: the segment rows and everything else.
ROWS = "segments"
REST = "rest"


class StateSource(Protocol):
    """What the persister needs from the state it keeps; each method is atomic on its own."""

    def export_rows(self) -> dict[str, Any]:
        """Every row, by id (a full snapshot)."""

    def take_row_changes(self) -> tuple[dict[str, Any], list[str]] | None:
        """Rows changed (by id) and ids removed since the last call; ``None`` when everything may have changed."""

    def export_rest(self) -> dict[str, Any]:
        """Everything but the rows, as JSON."""

    def load_document(self, rows: dict[str, Any], rest: dict[str, Any] | None) -> None:
        """Replace the whole state (``rest`` None: a file that has only rows); raise on a bad document."""


def replay(
    snapshot: dict[str, Any] | None, changes: list[Any], where: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Apply journaled changes to a snapshot: the rows by id and the rest.

    :raises StateFileError: a snapshot or journal entry of the wrong shape (``where`` names the file).
    """
    rows: dict[str, Any] = {}
    rest: dict[str, Any] | None = None
    if snapshot is not None:
        raw_rows = snapshot.get(ROWS, {})
        if not isinstance(raw_rows, dict):
            raise StateFileError(f"State file [{where}]: [{ROWS}] must be a JSON object of rows by id")
        rows = dict(raw_rows)
        rest_doc = snapshot.get(REST)
        if rest_doc is not None and not isinstance(rest_doc, dict):
            raise StateFileError(f"State file [{where}]: [{REST}] must be a JSON object")
        rest = rest_doc
    for number, change in enumerate(changes, start=1):
        if not isinstance(change, dict):
            raise StateFileError(f"Journal of [{where}]: change {number} is not a JSON object")
        if change.get("all"):
            rows = {}
        upserts = change.get("rows", {})
        deleted = change.get("deleted", [])
        if not isinstance(upserts, dict) or not isinstance(deleted, list):
            raise StateFileError(f"Journal of [{where}]: change {number} has malformed [rows] or [deleted]")
        for sid in deleted:
            rows.pop(sid, None)
        rows.update(upserts)
        if "rest" in change:
            if not isinstance(change["rest"], dict):
                raise StateFileError(f"Journal of [{where}]: change {number} has a malformed [rest]")
            rest = change["rest"]
    return rows, rest


class Persister:
    """Writes a :class:`StateSource`'s changes to a :class:`StateFile`."""

    def __init__(self, source: StateSource, state_file: StateFile) -> None:
        self.source = source
        self.file = state_file
        # Taking changes and appending them happen under one lock, so the journal's order is the changes' order.
        self._lock = threading.Lock()
        self._last_rest: dict[str, Any] | None = None
        #: How many commits wrote something (for the crash test and the README's figures).
        self.commits = 0
        #: Whether :meth:`open` found a state to load.
        self.loaded = False

    def open(self) -> bool:
        """Load the file (if any) into the source, then write a compacted snapshot.

        :returns: whether a state was loaded.
        :raises StateFileError: the file or journal is unusable; nothing was written.
        """
        snapshot, changes = self.file.load()
        loaded = self.loaded = snapshot is not None or bool(changes)
        if loaded:
            rows, rest = replay(snapshot, changes, self.file.path)
            try:
                self.source.load_document(rows, rest)
            except Exception as exc:  # the source's own validation error, whatever its class
                raise StateFileError(f"State file [{self.file.path}] holds an invalid state: {exc}") from exc
        with self._lock:
            self.source.take_row_changes()  # start tracking from the loaded state
            self._snapshot()
        return loaded

    def _snapshot(self) -> None:
        rest = self.source.export_rest()
        self.file.snapshot({ROWS: self.source.export_rows(), REST: rest})
        self._last_rest = rest

    def commit(self) -> bool:
        """Journal what changed since the last commit (durable on return).

        :returns: whether anything was written.
        """
        with self._lock:
            changes = self.source.take_row_changes()
            rest = self.source.export_rest()
            entry: dict[str, Any] = {}
            if changes is None:
                entry["all"] = True
                entry["rows"] = self.source.export_rows()
            else:
                upserts, deleted = changes
                if upserts:
                    entry["rows"] = upserts
                if deleted:
                    entry["deleted"] = deleted
            if rest != self._last_rest:
                entry["rest"] = rest
                self._last_rest = rest
            if not entry:
                return False
            self.commits += 1
            if self.file.append(entry):
                self._snapshot()
            return True

    def close(self) -> None:
        """Close the journal."""
        self.file.close()


class ClusterSource:
    """A :class:`~fakedruid.model.cluster.Cluster` as a :class:`StateSource`.

    The rows are state-document segments (DataSegment JSON with ``used``, ``createdDate`` and
    ``usedStatusLastUpdatedDate``); the rest holds the rules with their history, the segment audit, the
    Overlord's tasks, the kill settings, the clock when it is frozen, and basic security's users (hashes only).
    """

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._rest: dict[str, Any] | None = None

    def export_rows(self) -> dict[str, Any]:
        rows, self._rest = self.cluster.persistent_snapshot()
        return rows

    def take_row_changes(self) -> tuple[dict[str, Any], list[str]] | None:
        rows, deleted, self._rest = self.cluster.take_persistent_changes()
        return None if rows is None else (rows, deleted)

    def export_rest(self) -> dict[str, Any]:
        # The rest read together with the rows just taken (or a fresh read when none was taken).
        rest, self._rest = self._rest, None
        if rest is None:
            rest = self.cluster.persistent_rest()
        return rest

    def load_document(self, rows: dict[str, Any], rest: dict[str, Any] | None) -> None:
        from fakedruid.errors import FakeDruidError, InvalidConfig
        from fakedruid.model import documents
        from fakedruid.model.audit import AuditEntry

        rest = rest or {}
        try:
            rules = None if rest.get("rules") is None else documents.rule_store(rest["rules"])
            audit = [AuditEntry.from_state(e, default_type="segment") for e in rest.get("audit", [])]
            clock = rest.get("clock")
            if clock is not None and (isinstance(clock, bool) or not isinstance(clock, int)):
                raise InvalidConfig(f"[clock] must be UTC milliseconds, got [{clock!r}]")
            self.cluster.load_persistent(
                list(rows.values()),
                rules=rules,
                audit=audit,
                tasks=rest.get("tasks"),
                duty_config=rest.get("duty_config"),
                clock_ms=clock,
                security=rest.get("security"),
            )
        except FakeDruidError as exc:
            raise StateFileError(exc.message) from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StateFileError(f"malformed state: {exc!r}") from exc
