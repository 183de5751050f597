"""The crash-safe state file (fakedruid/statefile.py): atomic snapshots, a durable journal, loud failures."""

from __future__ import annotations

import json
import os
import pathlib

import pytest

from fakedruid import statefile
from fakedruid.statefile import StateFile, StateFileError, atomic_write, read_snapshot


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_atomic_write_that_fails_keeps_the_old_content(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(statefile.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_atomic_write_fsyncs_file_and_directory(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(statefile.os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    atomic_write(tmp_path / "s.json", b"{}")
    assert len(synced) == 2  # the temporary file, then the directory


def test_missing_snapshot_is_none(tmp_path: pathlib.Path) -> None:
    assert read_snapshot(tmp_path / "absent.json") is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"segments": [', "is not valid JSON"),
        (b"\xff\xfe", "is not UTF-8"),
        (b"[1, 2]", "must hold a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "is not valid JSON"),
    ],
)
def test_corrupt_snapshot_names_file_and_problem_and_is_not_overwritten(
    tmp_path: pathlib.Path, content: bytes, problem: str
) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(content)
    with pytest.raises(StateFileError) as info:
        StateFile(target).load()
    assert str(target) in str(info.value) and problem in str(info.value)
    assert target.read_bytes() == content


def test_unreadable_snapshot_names_the_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(StateFileError, match=r"Cannot read state file \["):
        read_snapshot(tmp_path)  # a directory


def test_snapshot_then_journal_round_trip(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    state = StateFile(path)
    assert state.load() == (None, [])
    state.snapshot({"segments": []})
    state.append({"op": 1})
    state.append({"op": 2})
    state.close()
    again = StateFile(path)
    snapshot, changes = again.load()
    assert snapshot == {"segments": [], "journal_seq": 0}
    assert changes == [{"op": 1}, {"op": 2}]
    # Compaction: a new snapshot holds the changes and empties the journal.
    again.snapshot({"segments": [1, 2]})
    again.append({"op": 3})
    again.close()
    snapshot, changes = StateFile(path).load()
    assert snapshot == {"segments": [1, 2], "journal_seq": 2}
    assert changes == [{"op": 3}]


def test_torn_last_journal_line_is_ignored(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    state = StateFile(path)
    state.snapshot({})
    state.append({"op": 1})
    state.close()
    with open(state.journal_path, "ab") as handle:
        handle.write(b'{"seq": 2, "change": {"op"')  # cut by a crash before the fsync returned
    assert StateFile(path).load()[1] == [{"op": 1}]


def test_garbage_inside_the_journal_stops_loading(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    state = StateFile(path)
    state.snapshot({})
    state.close()
    with open(state.journal_path, "wb") as handle:
        handle.write(b'{"seq": 1, "change": 1}\nnot json\n{"seq": 3, "change": 3}\n')
    with pytest.raises(StateFileError, match=r"line 2 is not a journal entry"):
        StateFile(path).load()


def test_journal_gap_after_the_snapshot_stops_loading(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"journal_seq": 5}))
    pathlib.Path(str(path) + ".journal").write_text('{"seq": 8, "change": 1}\n')
    with pytest.raises(StateFileError, match="changes are missing"):
        StateFile(path).load()


def test_journal_entries_already_in_the_snapshot_are_skipped(tmp_path: pathlib.Path) -> None:
    # A crash between writing the snapshot and emptying the journal.
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"journal_seq": 2}))
    pathlib.Path(str(path) + ".journal").write_text(
        "".join(json.dumps({"seq": n, "change": n}) + "\n" for n in (1, 2, 3))
    )
    assert StateFile(path).load()[1] == [3]


def test_append_reports_when_the_journal_needs_compaction(tmp_path: pathlib.Path) -> None:
    state = StateFile(tmp_path / "s.json", compact_entries=3)
    state.snapshot({})
    assert [state.append(n) for n in range(3)] == [False, False, True]
    state.snapshot({})
    assert state.append(9) is False
    state.close()
