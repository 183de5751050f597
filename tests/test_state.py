"""State documents (fakedruid.model.documents): export, load, state files, and the shipped example seed file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakedruid import FakeCoordinator
from fakedruid.errors import DuplicateSegment, InvalidConfig, InvalidSegment
from fakedruid.model.intervals import parse_interval
from fakedruid.model.documents import export_state, load_state, load_state_file
from tests.support import NOW, WIKI, WIKI_VERSION, seed_wiki, wiki_id

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wikipedia_hour.json"
OLD_VERSION = "2023-08-09T22:41:17.512Z"


def _fresh() -> FakeCoordinator:
    return FakeCoordinator(now=NOW)


def test_export_state_fresh_has_default_rules_only() -> None:
    state = export_state(_fresh().cluster)

    assert state["segments"] == []
    assert list(state["rules"]["rules"]) == ["_default"]


def test_load_state_exported_document_round_trips() -> None:
    source = _fresh()
    seed_wiki(source, hours=range(0, 3), unused=(1,))
    document = json.loads(json.dumps(export_state(source.cluster)))
    target = FakeCoordinator()

    load_state(target.cluster, document)

    assert export_state(target.cluster) == document


def test_load_state_does_not_touch_clock() -> None:
    fake = _fresh()

    load_state(fake.cluster, {})

    assert fake.cluster.now() == _fresh().cluster.now()


def test_load_state_not_object_raises_invalid_config() -> None:
    with pytest.raises(InvalidConfig, match=r"must be a JSON object, got an array"):
        load_state(_fresh().cluster, [])


def test_load_state_invalid_segment_raises_invalid_segment_and_keeps_state() -> None:
    fake = _fresh()
    seed_wiki(fake, hours=range(0, 2))
    before = export_state(fake.cluster)

    with pytest.raises(InvalidSegment, match=r"segment \[1\]"):
        load_state(fake.cluster, {"segments": [before["segments"][0], {"dataSource": WIKI}]})

    assert export_state(fake.cluster) == before


def test_load_state_duplicate_segment_raises_and_keeps_state() -> None:
    fake = _fresh()
    seed_wiki(fake, hours=range(0, 2))
    before = export_state(fake.cluster)

    with pytest.raises(DuplicateSegment):
        load_state(fake.cluster, {"segments": [before["segments"][0], before["segments"][0]]})

    assert export_state(fake.cluster) == before


def test_load_state_file_missing_raises_invalid_config(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfig, match=r"Cannot read state file \["):
        load_state_file(_fresh().cluster, tmp_path / "missing.json")


def test_load_state_file_not_json_raises_invalid_config(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text("{segments: []}", encoding="utf-8")

    with pytest.raises(InvalidConfig, match=r"is not valid JSON"):
        load_state_file(_fresh().cluster, path)


def test_load_state_file_invalid_document_names_file_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"segments": [{"dataSource": WIKI}]}), encoding="utf-8")
    fake = _fresh()

    with pytest.raises(InvalidConfig, match=r"State file \[.*seed\.json\]: segment \[0\]: .*\[interval\]"):
        load_state_file(fake.cluster, path)

    assert export_state(fake.cluster)["segments"] == []


# ------------------------------------------------------------------ examples/wikipedia_hour.json


@pytest.fixture(scope="module")
def example() -> FakeCoordinator:
    fake = FakeCoordinator(now=NOW)
    load_state_file(fake.cluster, EXAMPLE)
    return fake


def test_example_file_is_in_canonical_state_form(example: FakeCoordinator) -> None:
    # Loading and exporting gives the file back: it is what GET /fakedruid/v1/state would answer.
    assert export_state(example.cluster) == json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_example_file_has_every_hour_of_the_day_in_the_docs_version(example: FakeCoordinator) -> None:
    current = {r.segment.interval for r in example.cluster.records(WIKI) if r.segment.version == WIKI_VERSION}

    assert len(current) == 24
    assert min(i.start for i in current) == parse_interval("2015-09-12/2015-09-13").start
    assert max(i.end for i in current) == parse_interval("2015-09-12/2015-09-13").end


def test_example_file_unused_segments_are_hour_18_and_an_old_hour_16(example: FakeCoordinator) -> None:
    assert example.segment_ids(WIKI, used=False) == {wiki_id(18), wiki_id(16, version=OLD_VERSION)}


def test_example_file_overshadowed_segment_is_old_hour_5(example: FakeCoordinator) -> None:
    assert example.overshadowed_segment_ids(WIKI) == {wiki_id(5, version=OLD_VERSION)}
    assert example.segment_ids(WIKI, used=True) >= {wiki_id(5, version=OLD_VERSION), wiki_id(16)}
