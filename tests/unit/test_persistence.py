"""Persister: snapshot + journal replay, row-level commits (fakedruid/persistence.py), with a dict-backed source."""

from __future__ import annotations

import pathlib
import threading
from typing import Any

import pytest

from fakedruid.persistence import Persister, replay
from fakedruid.statefile import StateFile, StateFileError


class DictSource:
    """Rows and a small 'rest', with change tracking, as the cluster adapter provides them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.rows: dict[str, Any] = {}
        self.rest: dict[str, Any] = {"clock": 0}
        self._changed: set[str] = set()
        self._removed: set[str] = set()
        self._everything = False

    def put(self, sid: str, row: Any) -> None:
        self.rows[sid] = row
        self._changed.add(sid)
        self._removed.discard(sid)

    def delete(self, sid: str) -> None:
        del self.rows[sid]
        self._changed.discard(sid)
        self._removed.add(sid)

    def export_rows(self) -> dict[str, Any]:
        return dict(self.rows)

    def take_row_changes(self) -> tuple[dict[str, Any], list[str]] | None:
        if self._everything:
            self._everything = False
            self._changed, self._removed = set(), set()
            return None
        out = ({sid: self.rows[sid] for sid in sorted(self._changed)}, sorted(self._removed))
        self._changed, self._removed = set(), set()
        return out

    def export_rest(self) -> dict[str, Any]:
        return dict(self.rest)

    def load_document(self, rows: dict[str, Any], rest: dict[str, Any] | None) -> None:
        if any(not isinstance(r, dict) for r in rows.values()):
            raise ValueError("a row must be an object")
        self.rows = dict(rows)
        self.rest = dict(rest) if rest is not None else {"clock": 0}
        self._everything = True


def reopen(path: pathlib.Path) -> DictSource:
    source = DictSource()
    Persister(source, StateFile(path)).open()
    return source


def test_commits_survive_a_restart(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    source = DictSource()
    persister = Persister(source, StateFile(path))
    assert persister.open() is False
    source.put("a", {"used": True})
    source.put("b", {"used": True})
    assert persister.commit() is True
    source.put("a", {"used": False})
    source.delete("b")
    source.rest["clock"] = 5
    assert persister.commit() is True
    assert persister.commit() is False  # nothing new
    persister.close()  # no snapshot at close: the journal alone carries the changes
    again = reopen(path)
    assert again.rows == {"a": {"used": False}}
    assert again.rest == {"clock": 5}


def test_journal_holds_only_changed_rows(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    source = DictSource()
    for n in range(1000):
        source.rows[str(n)] = {"n": n}
    persister = Persister(source, StateFile(path))
    persister.open()
    source.put("7", {"n": -7})
    persister.commit()
    persister.close()
    journal = pathlib.Path(str(path) + ".journal").read_text()
    assert journal.count("\n") == 1 and '"7"' in journal and '"8"' not in journal


def test_open_compacts_the_journal_into_the_snapshot(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    source = DictSource()
    persister = Persister(source, StateFile(path))
    persister.open()
    source.put("a", {"x": 1})
    persister.commit()
    persister.close()
    again = DictSource()
    Persister(again, StateFile(path)).open()
    assert pathlib.Path(str(path) + ".journal").read_bytes() == b""
    assert reopen(path).rows == {"a": {"x": 1}}


def test_a_journal_past_its_bound_is_compacted_while_serving(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    source = DictSource()
    persister = Persister(source, StateFile(path, compact_entries=3))
    persister.open()
    for n in range(7):
        source.put(str(n), {"n": n})
        persister.commit()
    lines = pathlib.Path(str(path) + ".journal").read_text().count("\n")
    assert lines < 3  # bounded
    persister.close()
    assert reopen(path).rows == {str(n): {"n": n} for n in range(7)}


def test_invalid_state_in_the_file_stops_open_and_is_not_overwritten(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"segments": {"a": 1}, "rest": {}}')
    with pytest.raises(StateFileError, match=r"holds an invalid state: a row must be an object"):
        Persister(DictSource(), StateFile(path)).open()
    assert path.read_text() == '{"segments": {"a": 1}, "rest": {}}'


def test_replace_everything_is_journaled_as_a_full_row_set(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "state.json"
    source = DictSource()
    persister = Persister(source, StateFile(path))
    persister.open()
    source.put("old", {})
    persister.commit()
    source.load_document({"new": {}}, {"clock": 1})  # e.g. PUT /fakedruid/v1/state
    persister.commit()
    persister.close()
    assert reopen(path).rows == {"new": {}}


@pytest.mark.parametrize(
    "change",
    [1, {"rows": []}, {"deleted": "a"}, {"rest": 3}],
)
def test_replay_refuses_malformed_changes(change: Any) -> None:
    with pytest.raises(StateFileError, match="change 1"):
        replay(None, [change], "f.json")


# ------------------------------------------------------------------ the Cluster as a source


def _cluster_with_two_segments() -> tuple[Any, list[str]]:
    from fakedruid.model.clock import FrozenClock
    from fakedruid.model.cluster import Cluster
    from fakedruid.model.intervals import parse_instant

    cluster = Cluster(clock=FrozenClock(parse_instant("2024-01-01T00:00:00Z")))
    ids = [
        cluster.add_segment("w", "2020-01-01/2020-01-02", "2020-06-01T00:00:00.000Z"),
        cluster.add_segment("w", "2020-01-02/2020-01-03", "2020-06-01T00:00:00.000Z"),
    ]
    return cluster, ids


def test_cluster_tracks_marks_and_kill_deletions() -> None:
    from fakedruid.model.intervals import parse_interval

    cluster, ids = _cluster_with_two_segments()
    rows, _ = cluster.persistent_snapshot()
    assert set(rows) == set(ids)
    assert cluster.mark_segment_unused("w", ids[0]) is True
    changed, deleted, _ = cluster.take_persistent_changes()
    assert changed is not None and list(changed) == [ids[0]] and changed[ids[0]]["used"] is False
    assert deleted == []
    cluster.kill_unused_segments("w", parse_interval("2020-01-01/2020-01-03"))
    changed, deleted, _ = cluster.take_persistent_changes()
    assert changed == {} and deleted == [ids[0]]
    cluster.reset()
    changed, deleted, _ = cluster.take_persistent_changes()
    assert changed == {}  # None would mean "everything"; after a reset everything is the empty set


def test_cluster_state_round_trips_through_a_state_file(tmp_path: pathlib.Path) -> None:
    from fakedruid.model.clock import FrozenClock
    from fakedruid.model.cluster import Cluster
    from fakedruid.model.intervals import parse_interval
    from fakedruid.persistence import ClusterSource

    cluster, ids = _cluster_with_two_segments()
    cluster.enable_basic_security(admin_password="pw")
    persister = Persister(ClusterSource(cluster), StateFile(tmp_path / "s.json"))
    persister.open()
    cluster.mark_segment_unused("w", ids[1])
    cluster.submit_kill(datasource="w", interval=parse_interval("2020-01-02/2020-01-03"))
    assert cluster.security is not None
    cluster.security.create_role("basic", "reader")
    persister.commit()
    persister.close()

    again = Cluster(clock=FrozenClock(0))
    again.enable_basic_security(admin_password="other")
    Persister(ClusterSource(again), StateFile(tmp_path / "s.json")).open()
    assert again.segment_ids("w") == {ids[0]}  # the killed row is gone
    assert [t.datasource for t in again.list_tasks(state="complete")] == ["w"]
    assert again.security is not None and "reader" in again.security.roles("basic")
    assert again.now() == cluster.now()  # the frozen clock
