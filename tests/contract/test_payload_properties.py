"""Contract properties over generated markUsed/markUnused bodies (``fakedruid.strategies.mark_payloads``).

The datasource is unknown to the target, so no seeding is needed and the properties hold for a real Druid
too. Hypothesis reuses the function-scoped ``coordinator`` across examples on purpose: every example is a
read-only request or a no-op on a datasource nobody else uses.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakedruid import strategies as fds
from fakedruid.testing import DruidTarget
from tests.contract.helpers import INVALID_PAYLOAD, P, before_30, before_32, bulk

#: 30 examples, or fewer under a smaller Hypothesis profile (the "real" one of --druid-real sessions).
PROPERTY_SETTINGS = settings(
    max_examples=min(30, settings.default.max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@PROPERTY_SETTINGS
@given(data=st.data(), endpoint=st.sampled_from(["markUsed", "markUnused"]))
def test_mark_invalid_payload_is_400(
    coordinator: DruidTarget, datasource: str, data: st.DataObject, endpoint: str
) -> None:
    payload = data.draw(fds.mark_payloads(profile=coordinator.profile, valid=False), label="payload")
    resp = coordinator.post(f"{P}/{datasource}/{endpoint}", data=payload.data)
    assert resp.status_code == 400
    if payload.problem == fds.INVALID_PAYLOAD:
        assert resp.text == INVALID_PAYLOAD[coordinator.profile]
    else:
        # A Jackson mapping error: {"error": <Jackson's text>}; the text is UNCONFIRMED.
        assert isinstance(resp.json()["error"], str)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_mark_unused_valid_payload_unknown_datasource_changes_nothing(
    coordinator: DruidTarget, datasource: str, data: st.DataObject
) -> None:
    payload = data.draw(fds.mark_payloads(profile=coordinator.profile, valid=True), label="payload")
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data=payload.data)
    if before_30(coordinator):
        assert resp.status_code == 204
        assert resp.content == b""
    else:
        assert resp.status_code == 200
        assert resp.json() == bulk(coordinator, 0)


@pytest.mark.historical
@pytest.mark.fake_only
@PROPERTY_SETTINGS
@given(data=st.data())
def test_mark_unused_valid_payload_on_served_datasource_is_200(
    coordinator: DruidTarget, datasource: str, data: st.DataObject
) -> None:
    segments = data.draw(fds.timelines(datasource=datasource, max_segments=4), label="segments")
    coordinator.reset()
    coordinator.seed(segments)
    ids = st.sampled_from([s.id for s in segments]) | fds.segment_ids().map(str)
    payload = data.draw(fds.mark_payloads(profile=coordinator.profile, valid=True, ids=ids), label="payload")
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data=payload.data)
    assert resp.status_code == 200
    assert 0 <= resp.json()["numChangedSegments"] <= len(segments)


def test_overlord_datasources_api_exists_only_in_latest(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"/druid/indexer/v1/datasources/{datasource}/markUnused", json={"interval": "2015/2016"})
    if before_32(coordinator):
        # OverlordDataSourcesResource arrived in 32 (PR #17545).
        assert resp.status_code == 404
    else:
        assert resp.status_code == 200
        assert resp.json() == bulk(coordinator, 0)
