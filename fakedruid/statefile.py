"""A crash-safe state file: one JSON document, replaced atomically, plus an append-only journal of changes.

Layer: glue (stdlib only; no Flask, no model imports). ``fakedruid serve --state-file FILE`` keeps the whole
state here so that every acknowledged change survives a crash (PostgreSQL-style durability: the answer goes
out only after the bytes are on disk).

Two files:

* ``FILE`` holds a full snapshot, written by :func:`atomic_write`: a temporary file in the same directory,
  ``fsync``, ``rename`` over ``FILE``, ``fsync`` of the directory. A reader sees the old document or the new
  one, never a torn one.
* ``FILE.journal`` holds the changes since that snapshot, one JSON line each, appended and ``fsync``-ed before
  the answer (:meth:`StateFile.append`). At 100,000 segments a full snapshot costs about a second (measured by
  ``benchmarks/bench_state_file.py``), a journal line about a millisecond, so acknowledged writes append and
  the snapshot is rewritten only on start (compaction) or when the journal grows past a bound.

A crash can leave a partial last journal line (the write was never acknowledged): it is ignored on load,
whereas anything else unreadable stops start-up with :class:`StateFileError`, naming the file and the
problem, and the files are left as they are.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Rewrite the snapshot once the journal holds this many entries (bounds the journal and the replay time).
JOURNAL_COMPACT_ENTRIES = 10_000
#: ... or this many bytes.
JOURNAL_COMPACT_BYTES = 64 * 1024 * 1024


class StateFileError(Exception):
    """The state file cannot be used; the message names the file and the problem. Nothing was overwritten."""


def _fsync_dir(directory: str) -> None:
    # The rename is durable only once the directory entry is; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new content, never a mix.

    Temporary file in the same directory (so the rename stays on one file system), ``fsync``, ``os.replace``,
    ``fsync`` of the directory. The temporary file is removed if anything fails.
    """
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def encode(doc: Any) -> bytes:
    """The canonical bytes of a document: compact JSON, UTF-8, keys in the order given."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_snapshot(path: str | os.PathLike[str]) -> Any | None:
    """The document in ``path``, or ``None`` when there is no such file.

    :raises StateFileError: the file cannot be read, is not UTF-8, is not JSON, or is not a JSON object.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateFileError(f"Cannot read state file [{name}]: {exc.strerror or exc}") from exc
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StateFileError(f"State file [{name}] is not UTF-8: {exc}") from exc
    except (ValueError, RecursionError) as exc:
        raise StateFileError(f"State file [{name}] is not valid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise StateFileError(f"State file [{name}] must hold a JSON object, not {type(doc).__name__}")
    return doc


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One acknowledged change: its sequence number and what it was (the caller's JSON)."""

    seq: int
    change: Any


def read_journal(path: str | os.PathLike[str]) -> Iterator[JournalEntry]:
    """The entries of a journal file in order; a missing file has none.

    A last line without its newline is a write that was cut by a crash before it was acknowledged: skipped.
    :raises StateFileError: any other line is not an entry, or the sequence numbers are not consecutive.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateFileError(f"Cannot read journal [{name}]: {exc.strerror or exc}") from exc
    lines = data.split(b"\n")
    complete, tail = lines[:-1], lines[-1]
    del tail  # a torn last line (no newline): never acknowledged
    expected: int | None = None
    for number, raw in enumerate(complete, start=1):
        try:
            obj = json.loads(raw.decode("utf-8"))
            seq, change = obj["seq"], obj["change"]
        except (ValueError, UnicodeDecodeError, RecursionError, KeyError, TypeError) as exc:
            raise StateFileError(f"Journal [{name}] line {number} is not a journal entry: {exc}") from exc
        if isinstance(seq, bool) or not isinstance(seq, int) or (expected is not None and seq != expected):
            raise StateFileError(f"Journal [{name}] line {number}: sequence number {seq!r}, expected {expected}")
        expected = seq + 1
        yield JournalEntry(seq, change)


class StateFile:
    """A snapshot file and its journal.

    :param path: the snapshot's path; the journal is ``path + ".journal"``.
    :param compact_entries: rewrite the snapshot when the journal reaches this many entries.
    :param compact_bytes: ... or this many bytes.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        compact_entries: int = JOURNAL_COMPACT_ENTRIES,
        compact_bytes: int = JOURNAL_COMPACT_BYTES,
    ) -> None:
        self.path = os.fspath(path)
        self.journal_path = self.path + ".journal"
        self.compact_entries = compact_entries
        self.compact_bytes = compact_bytes
        self._lock = threading.Lock()
        self._journal: Any = None
        self._entries = 0
        self._bytes = 0
        self._seq = 0

    def load(self) -> tuple[Any | None, list[Any]]:
        """The snapshot (``None`` when there is none) and the journaled changes since, in order.

        :raises StateFileError: either file is unusable (nothing is overwritten).
        """
        snapshot = read_snapshot(self.path)
        base = 0 if snapshot is None else snapshot.get("journal_seq", 0)
        if isinstance(base, bool) or not isinstance(base, int) or base < 0:
            raise StateFileError(f"State file [{self.path}]: [journal_seq] must be a non-negative integer")
        changes: list[Any] = []
        for entry in read_journal(self.journal_path):
            if entry.seq <= base:
                continue  # already in the snapshot (a crash between snapshot and journal truncation)
            if entry.seq != base + len(changes) + 1:
                raise StateFileError(
                    f"Journal [{self.journal_path}] starts at sequence {entry.seq}, but snapshot "
                    f"[{self.path}] ends at {base}: changes are missing"
                )
            changes.append(entry.change)
        self._seq = base + len(changes)
        return snapshot, changes

    def snapshot(self, doc: dict[str, Any]) -> None:
        """Write a full snapshot (``doc`` plus its journal position) and empty the journal."""
        with self._lock:
            full = dict(doc)
            full["journal_seq"] = self._seq
            atomic_write(self.path, encode(full))
            # Only now may the journal go: the snapshot holds every change it had.
            self._close_journal()
            atomic_write(self.journal_path, b"")
            self._entries = self._bytes = 0

    def append(self, change: Any) -> bool:
        """Journal one change durably (written and ``fsync``-ed on return).

        :returns: whether the journal is now past its bound and the caller should :meth:`snapshot`.
        """
        with self._lock:
            self._seq += 1
            line = encode({"seq": self._seq, "change": change}) + b"\n"
            if self._journal is None:
                self._journal = open(self.journal_path, "ab")  # noqa: SIM115 - kept open across appends
            self._journal.write(line)
            self._journal.flush()
            os.fsync(self._journal.fileno())
            self._entries += 1
            self._bytes += len(line)
            return self._entries >= self.compact_entries or self._bytes >= self.compact_bytes

    def _close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def close(self) -> None:
        """Close the journal file."""
        with self._lock:
            self._close_journal()
