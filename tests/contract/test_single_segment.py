"""Contract: ``POST`` and ``DELETE .../datasources/{ds}/segments/{segmentId}`` (http-api 2.2, 2.7)."""

from __future__ import annotations

import pytest

from fakedruid.testing import DruidTarget
from tests.contract.helpers import (
    P,
    assert_update,
    before_32,
    forwards_500,
    seed_wiki,
    segment_id,
    single,
    unused_ids,
    used_ids,
)

#: The seed document's example id (datasource wikipedia_hour).
DOC_ID = "wikipedia_hour_2015-09-12T16:00:00.000Z_2015-09-12T17:00:00.000Z_2023-08-10T04:12:03.860Z"


# ---------------------------------------------------------------------- mark one segment used


def test_mark_segment_used_unknown_id_is_false(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/segments/{segment_id(datasource, 16)}")
    assert_update(resp, coordinator, single(coordinator, False))


def test_mark_segment_used_unparseable_id(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/segments/segmentId1")
    if before_32(coordinator):
        # The raw string is looked up as is: no such row.
        assert_update(resp, coordinator, single(coordinator, False))
    else:
        assert resp.status_code == 400
        assert resp.text == f"Could not parse Segment ID[segmentId1] for DataSource[{datasource}]"


@pytest.mark.fake_only
def test_mark_segment_used_unused_segment_is_true(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, unused=(18,))
    sid = segment_id(datasource, 18)
    resp = coordinator.post(f"{P}/{datasource}/segments/{sid}")
    assert_update(resp, coordinator, single(coordinator, True))
    coordinator.eventually(lambda: _assert_in(sid, used_ids(coordinator, datasource)))


@pytest.mark.fake_only
def test_mark_segment_used_already_used_is_true(coordinator: DruidTarget, datasource: str) -> None:
    # The UPDATE has no "used = false" condition and always sets a new timestamp (http-api 2.2).
    seed_wiki(coordinator, datasource, hours=range(2))
    resp = coordinator.post(f"{P}/{datasource}/segments/{segment_id(datasource, 1)}")
    assert_update(resp, coordinator, single(coordinator, True))


@pytest.mark.fake_only
def test_mark_segment_used_id_of_other_datasource(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2), unused=(1,))
    sid = segment_id(datasource, 1)
    resp = coordinator.post(f"{P}/fd_elsewhere/segments/{sid}")
    if before_32(coordinator):
        # The path datasource is ignored: the segment is marked used.
        assert_update(resp, coordinator, single(coordinator, True))
        assert unused_ids(coordinator, datasource) == set()
    else:
        assert resp.status_code == 400
        assert resp.text == f"Could not parse Segment ID[{sid}] for DataSource[fd_elsewhere]"
        assert unused_ids(coordinator, datasource) == {sid}


@pytest.mark.fake_only
def test_mark_segment_used_accept_without_json(coordinator: DruidTarget, datasource: str) -> None:
    # Druid 28-29: no @Produces and a Map result, so an Accept without JSON is a 500 after the change.
    seed_wiki(coordinator, datasource, hours=range(2), unused=(1,))
    sid = segment_id(datasource, 1)
    resp = coordinator.post(f"{P}/{datasource}/segments/{sid}", headers={"Accept": "*/*"})
    if before_32(coordinator) or forwards_500(coordinator):  # 33.0.0: ACCEPT_500_33
        assert resp.status_code == 500
    else:
        assert_update(resp, coordinator, single(coordinator, True))
    # The used view comes from the Coordinator's poll: a real one shows the change a poll later.
    coordinator.eventually(lambda: _assert_in(sid, used_ids(coordinator, datasource)))


# ---------------------------------------------------------------------- mark one segment unused


def test_mark_segment_unused_unknown_segment_or_datasource_is_false(coordinator: DruidTarget, datasource: str) -> None:
    # The docs: 200 even if the segment or the datasource does not exist.
    resp = coordinator.delete(f"{P}/{datasource}/segments/{segment_id(datasource, 16)}")
    assert_update(resp, coordinator, single(coordinator, False))


def test_mark_segment_unused_unparseable_id(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.delete(f"{P}/{datasource}/segments/{DOC_ID}")
    if before_32(coordinator):
        assert_update(resp, coordinator, single(coordinator, False))
    else:
        assert resp.status_code == 400
        assert resp.text == f"Could not parse Segment ID[{DOC_ID}] for DataSource[{datasource}]"


@pytest.mark.fake_only
def test_mark_segment_unused_doc_example(coordinator: DruidTarget) -> None:
    # The seed document's request, on its own datasource name.
    seed_wiki(coordinator, "wikipedia_hour")
    resp = coordinator.delete(f"{P}/wikipedia_hour/segments/{DOC_ID}")
    assert_update(resp, coordinator, single(coordinator, True))
    assert unused_ids(coordinator, "wikipedia_hour") == {DOC_ID}


@pytest.mark.fake_only
def test_mark_segment_unused_already_unused_is_true(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2), unused=(1,))
    resp = coordinator.delete(f"{P}/{datasource}/segments/{segment_id(datasource, 1)}")
    assert_update(resp, coordinator, single(coordinator, True))


@pytest.mark.fake_only
def test_mark_segment_unused_then_used_round_trip(coordinator: DruidTarget, datasource: str) -> None:
    ids = seed_wiki(coordinator, datasource, hours=range(3))
    assert_update(coordinator.delete(f"{P}/{datasource}/segments/{ids[1]}"), coordinator, single(coordinator, True))
    coordinator.eventually(lambda: _assert_equal(used_ids(coordinator, datasource), {ids[0], ids[2]}))
    assert_update(coordinator.post(f"{P}/{datasource}/segments/{ids[1]}"), coordinator, single(coordinator, True))
    coordinator.eventually(lambda: _assert_equal(used_ids(coordinator, datasource), set(ids)))


def _assert_in(item: object, container: set[str]) -> None:
    assert item in container


def _assert_equal(actual: object, expected: object) -> None:
    assert actual == expected

