"""Contract: ``POST /druid/coordinator/v1/datasources/{ds}``, mark all non-overshadowed segments used (http-api 2.1)."""

from __future__ import annotations

import pytest

from fakedruid.testing import DruidTarget
from tests.contract.helpers import P, assert_update, bulk, seed_wiki, segment_id, segment_json, used_ids


def test_mark_all_used_unknown_datasource_is_200_with_zero(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}")
    assert_update(resp, coordinator, bulk(coordinator, 0))


@pytest.mark.fake_only
def test_mark_all_used_one_eligible_segment_counts_one(coordinator: DruidTarget, datasource: str) -> None:
    # The seed document's example: one unused segment eligible, so {"numChangedSegments": 1}.
    seed_wiki(coordinator, datasource, unused=(7,))
    # An unused segment overshadowed by a used one of a newer version is not eligible.
    old = coordinator.seed([segment_json(datasource, 8, version="2023-01-01T00:00:00.000Z", used=False)])[0]
    resp = coordinator.post(f"{P}/{datasource}")
    assert_update(resp, coordinator, bulk(coordinator, 1))
    used = coordinator.eventually(lambda: _checked(used_ids(coordinator, datasource), 23))
    assert segment_id(datasource, 7) in used
    assert old not in used


@pytest.mark.fake_only
def test_mark_all_used_candidates_overshadow_each_other(coordinator: DruidTarget, datasource: str) -> None:
    # semantics E13: an older unused segment is not revived when a newer unused one covering it is.
    newer = segment_json(datasource, 0, 2, version="2024-02-01T00:00:00.000Z", used=False)
    older = segment_json(datasource, 0, 1, version="2024-01-01T00:00:00.000Z", used=False)
    ids = coordinator.seed([newer, older])
    resp = coordinator.post(f"{P}/{datasource}")
    assert_update(resp, coordinator, bulk(coordinator, 1))
    assert coordinator.eventually(lambda: _checked(used_ids(coordinator, datasource), 1)) == {ids[0]}


@pytest.mark.fake_only
def test_mark_all_used_nothing_unused_counts_zero(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(3))
    resp = coordinator.post(f"{P}/{datasource}")
    assert_update(resp, coordinator, bulk(coordinator, 0))


def _checked(ids: set[str], size: int) -> set[str]:
    assert len(ids) == size
    return ids
