"""Contract: ``POST .../datasources/{ds}/markUsed`` and ``.../markUnused`` (http-api 2.3, 2.4)."""

from __future__ import annotations

import json

import pytest

from fakedruid.profiles import resolve_profile
from fakedruid.testing import DruidTarget
from tests.contract.helpers import (
    EXAMPLE_INTERVAL,
    INVALID_PAYLOAD,
    P,
    assert_update,
    before_30,
    before_32,
    bulk,
    located,
    instant,
    seed_wiki,
    segment_id,
    segment_json,
    unused_ids,
    used_ids,
)

ENDPOINTS = ("markUsed", "markUnused")
DAY = "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"


# ---------------------------------------------------------------------- payload validation (both endpoints)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b"{}",
        b'{"segmentIds": []}',
        b'{"versions": ["v1"]}',
        json.dumps({"interval": EXAMPLE_INTERVAL, "segmentIds": ["a"]}).encode(),
    ],
    ids=["null", "empty-object", "empty-ids", "versions-only", "both-fields"],
)
def test_mark_invalid_payload_is_400_raw(coordinator: DruidTarget, datasource: str, endpoint: str, body: bytes) -> None:
    # Validity is checked before the datasource (profile "29" checks whether it is served only afterwards).
    resp = coordinator.post(f"{P}/{datasource}/{endpoint}", data=body)
    assert resp.status_code == 400
    assert resp.text == INVALID_PAYLOAD[coordinator.profile]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_mark_interval_with_empty_ids_profile_dependent(
    coordinator: DruidTarget, datasource: str, endpoint: str
) -> None:
    # {"interval": X, "segmentIds": []}: invalid in 28-29, valid (interval only) in "latest".
    resp = coordinator.post(f"{P}/{datasource}/{endpoint}", json={"interval": DAY, "segmentIds": []})
    if before_30(coordinator):
        assert resp.status_code == 400
        assert resp.text == INVALID_PAYLOAD["29"]
    else:
        assert_update(resp, coordinator, bulk(coordinator, 0), forwarded=endpoint == "markUsed")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_mark_ids_with_versions_profile_dependent(coordinator: DruidTarget, datasource: str, endpoint: str) -> None:
    # versions is an unknown field in 28-29 (ignored); in "latest" it is allowed only with an interval.
    body = {"segmentIds": [segment_id(datasource, 0)], "versions": ["v1"]}
    resp = coordinator.post(f"{P}/{datasource}/{endpoint}", json=body)
    if before_30(coordinator):
        assert resp.status_code == 204  # valid, and the datasource is not served
        assert resp.content == b""
    else:
        assert resp.status_code == 400
        assert resp.text == INVALID_PAYLOAD["latest"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_mark_unparseable_body_interval_is_400_error_json(
    coordinator: DruidTarget, datasource: str, endpoint: str
) -> None:
    # A Jackson mapping error: 400 {"error": ...}; the text is UNCONFIRMED, so only a stable phrase is checked.
    resp = coordinator.post(f"{P}/{datasource}/{endpoint}", json={"interval": "2015-09-12"})
    assert resp.status_code == 400
    assert "interval" in resp.json()["error"].lower()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_mark_text_plain_content_type_is_415(coordinator: DruidTarget, datasource: str, endpoint: str) -> None:
    resp = coordinator.post(
        f"{P}/{datasource}/{endpoint}", data=json.dumps({"interval": DAY}), headers={"Content-Type": "text/plain"}
    )
    assert resp.status_code == 415


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_mark_unknown_datasource_by_interval(coordinator: DruidTarget, datasource: str, endpoint: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/{endpoint}", json={"interval": DAY})
    if before_30(coordinator):
        assert resp.status_code == 204  # not in the served inventory (http-api 1.8)
        assert resp.content == b""
    else:
        assert_update(resp, coordinator, bulk(coordinator, 0), forwarded=endpoint == "markUsed")


# ---------------------------------------------------------------------- markUsed


def test_mark_used_unknown_datasource_by_ids(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUsed", json={"segmentIds": [segment_id(datasource, 0)]})
    if before_30(coordinator):
        assert resp.status_code == 204
    elif before_32(coordinator):
        # Druid 30-31's Coordinator answers the unknown id itself (measured on 31.0.1).
        assert resp.status_code == 400
        assert resp.json()["errorMessage"] == (
            f"Could not find segment IDs[[{segment_id(datasource, 0)}]] for datasource[{datasource}]"
        )
    else:
        # The Overlord's 400 wrapped into the Coordinator's 500 (end-to-end UNCONFIRMED): phrase only.
        assert resp.status_code == 500
        assert "Could not find segment IDs" in resp.text


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_used_doc_example_interval_restores_hours_03_and_04(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, unused=(2, 3, 4, 5))
    resp = coordinator.post(f"{P}/{datasource}/markUsed", json={"interval": EXAMPLE_INTERVAL})
    assert_update(resp, coordinator, bulk(coordinator, 2))
    expected = {segment_id(datasource, 2), segment_id(datasource, 5)}
    coordinator.eventually(lambda: _assert_equal(unused_ids(coordinator, datasource), expected))


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_used_by_ids_counts_only_unused_ones(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(4), unused=(1, 2))
    ids = [segment_id(datasource, h) for h in (0, 1, 2)]
    resp = coordinator.post(f"{P}/{datasource}/markUsed", json={"segmentIds": ids})
    assert_update(resp, coordinator, bulk(coordinator, 2))
    coordinator.eventually(lambda: _assert_equal(unused_ids(coordinator, datasource), set()))


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_used_by_ids_skips_overshadowed(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2))
    old = coordinator.seed([segment_json(datasource, 0, version="2023-01-01T00:00:00.000Z", used=False)])[0]
    resp = coordinator.post(f"{P}/{datasource}/markUsed", json={"segmentIds": [old]})
    assert_update(resp, coordinator, bulk(coordinator, 0))


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_used_by_ids_unknown_id_fails_and_changes_nothing(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(3), unused=(1,))
    unknown = segment_id(datasource, 1, version="2099-01-01T00:00:00.000Z")
    resp = coordinator.post(f"{P}/{datasource}/markUsed", json={"segmentIds": [segment_id(datasource, 1), unknown]})
    if before_30(coordinator):
        assert resp.status_code == 404
        assert resp.json() == {"message": f"Cannot find segment ids [{unknown}]"}
    elif before_32(coordinator):
        assert resp.status_code == 400
        assert resp.json()["errorMessage"] == f"Could not find segment IDs[[{unknown}]] for datasource[{datasource}]"
    else:
        assert resp.status_code == 500
        assert f"Could not find segment IDs[[{unknown}]] for datasource[{datasource}]" in resp.json()["message"]
    assert unused_ids(coordinator, datasource) == {segment_id(datasource, 1)}


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_used_by_ids_unparseable_id(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2), unused=(1,))
    resp = coordinator.post(f"{P}/{datasource}/markUsed", json={"segmentIds": ["segmentId1"]})
    if before_30(coordinator):
        # Raw strings are looked up as they are: an unparseable id is simply unknown.
        assert resp.status_code == 404
        assert resp.json() == {"message": "Cannot find segment ids [segmentId1]"}
    elif before_32(coordinator):
        # Druid 30-31 parse the ids first (SqlSegmentsMetadataQuery.retrieveSegmentsById, 31.0.1).
        assert resp.status_code == 400
        assert resp.json()["errorMessage"] == "Could not parse invalid segment IDs[[segmentId1]]"
    else:
        assert resp.status_code == 500
        assert f"Could not parse segment IDs[[segmentId1]] for datasource[{datasource}]" in resp.json()["message"]


@pytest.mark.fake_only
def test_mark_used_datasource_not_served(coordinator: DruidTarget, datasource: str) -> None:
    # Every segment unused: nothing is served. 28-29 answer 204 and change nothing; "latest" has no check.
    seed_wiki(coordinator, datasource, hours=range(2), unused=(0, 1))
    resp = coordinator.post(f"{P}/{datasource}/markUsed", json={"interval": DAY})
    if before_30(coordinator):
        assert resp.status_code == 204
        assert resp.content == b""
        assert used_ids(coordinator, datasource) == set()
    else:
        assert_update(resp, coordinator, bulk(coordinator, 2))
        coordinator.eventually(lambda: _assert_equal(unused_ids(coordinator, datasource), set()))


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_used_interval_with_versions(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2))
    other = "2024-01-01T00:00:00.000Z"
    coordinator.seed([segment_json(datasource, 5, version=other, used=False)])
    coordinator.seed([segment_json(datasource, 6, used=False)])
    resp = coordinator.post(f"{P}/{datasource}/markUsed", json={"interval": DAY, "versions": [other]})
    # 28-29 ignore versions (both revived); "latest" revives only the listed version.
    assert_update(resp, coordinator, bulk(coordinator, 2 if before_30(coordinator) else 1))


# ---------------------------------------------------------------------- markUnused


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_unused_doc_example_interval_marks_hours_03_and_04(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource)
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"interval": EXAMPLE_INTERVAL})
    assert resp.status_code == 200
    assert resp.json() == bulk(coordinator, 2)
    expected = {segment_id(datasource, 3), segment_id(datasource, 4)}
    coordinator.eventually(lambda: _assert_equal(unused_ids(coordinator, datasource), expected))


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_unused_partially_overlapping_segments_not_affected(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource)
    interval = "2015-09-12T03:30:00.000Z/2015-09-12T05:30:00.000Z"
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"interval": interval})
    assert resp.json() == bulk(coordinator, 1)
    assert unused_ids(coordinator, datasource) == {segment_id(datasource, 4)}


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_unused_interval_end_is_exclusive(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(4))
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"interval": f"{instant(1)}/{instant(3)}"})
    assert resp.json() == bulk(coordinator, 2)
    assert unused_ids(coordinator, datasource) == {segment_id(datasource, 1), segment_id(datasource, 2)}


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_unused_by_ids_counts_already_unused_ids(coordinator: DruidTarget, datasource: str) -> None:
    # Id-based updates count existing rows, not state changes (semantics 3.6).
    seed_wiki(coordinator, datasource, hours=range(3), unused=(1,))
    ids = [segment_id(datasource, 0), segment_id(datasource, 1)]
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"segmentIds": ids})
    assert resp.json() == bulk(coordinator, 2)
    coordinator.eventually(lambda: _assert_equal(used_ids(coordinator, datasource), {segment_id(datasource, 2)}))


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_unused_by_ids_drops_unparseable_and_foreign_ids(coordinator: DruidTarget, datasource: str) -> None:
    # The older page's placeholder ids, and an id of another datasource, are dropped silently.
    seed_wiki(coordinator, datasource, hours=range(2))
    foreign = segment_id("fd_other", 0)
    body = {"segmentIds": ["segmentId1", "segmentId2", foreign, segment_id(datasource, 1)]}
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json=body)
    assert resp.status_code == 200
    assert resp.json() == bulk(coordinator, 1)


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_unused_interval_with_versions(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2))
    other = "2024-01-01T00:00:00.000Z"
    coordinator.seed([segment_json(datasource, 5, version=other)])
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"interval": DAY, "versions": [other]})
    assert resp.json() == bulk(coordinator, 3 if before_30(coordinator) else 1)


@pytest.mark.historical
@pytest.mark.fake_only
def test_mark_unused_interval_with_empty_versions(coordinator: DruidTarget, datasource: str) -> None:
    # "latest": an empty versions list matches nothing; 28-29 ignore the field.
    seed_wiki(coordinator, datasource, hours=range(2))
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"interval": DAY, "versions": []})
    assert resp.json() == bulk(coordinator, 2 if before_30(coordinator) else 0)


def _assert_equal(actual: object, expected: object) -> None:
    assert actual == expected


# ---------------------------------------------------------------------- versions of the wrong type


@pytest.mark.parametrize(
    "versions, message",
    [
        (
            "x",
            "Cannot construct instance of `java.util.ArrayList` (although at least one Creator exists): no "
            "String-argument constructor/factory method to deserialize from String value ('x')",
        ),
        (
            "",
            'Cannot coerce empty String ("") to element of `java.util.ArrayList<java.lang.String>` (but could if '
            "coercion was enabled using `CoercionConfig`)",
        ),
        (5, "Cannot deserialize value of type `java.util.ArrayList<java.lang.String>` from Integer value (token "
            "`JsonToken.VALUE_NUMBER_INT`)"),
        ({}, "Cannot deserialize value of type `java.util.ArrayList<java.lang.String>` from Object value (token "
             "`JsonToken.START_OBJECT`)"),
        (["a", {}], "Cannot deserialize value of type `java.util.ArrayList<java.lang.Object>` from Object value "
                    "(token `JsonToken.START_OBJECT`)"),
        ([[]], "Cannot deserialize value of type `java.lang.String` from Array value (token `JsonToken.START_ARRAY`)"),
    ],
    ids=["string", "empty-string", "number", "object", "object-element", "array-element"],
)
def test_mark_unused_versions_of_wrong_type(
    coordinator: DruidTarget, datasource: str, versions: object, message: str
) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"interval": DAY, "versions": versions})
    if before_30(coordinator):
        # No `versions` before Druid 30 (PR #16141): Jackson ignores the unknown field, and a datasource nobody
        # serves is the 204 (measured on 28.0.0).
        assert resp.status_code == 204
        assert resp.headers.get("Content-Type") == "application/json"
    else:
        # SegmentsToUpdateFilter's List<String> reads as an ArrayList: Jackson's texts as for segmentIds' HashSet,
        # bare on 33.0.0; 31.0.1 adds the location of the failing token and the chain (``located``).
        body = json.dumps({"interval": DAY, "versions": versions})
        if isinstance(versions, list):
            column = body.rindex(json.dumps(versions[-1])) + 1
        else:
            column = body.index('"versions": ') + len('"versions": ') + 1
        element = "->java.util.ArrayList[" + str(len(versions) - 1) + "]" if isinstance(versions, list) else ""
        chain = (
            " (through reference chain: org.apache.druid.server.http.DataSourcesResource$SegmentsToUpdateFilter"
            f'["versions"]{element})'
        )
        assert resp.status_code == 400
        if resolve_profile(coordinator.profile).jackson_collection_errors_raw_types:
            # Jackson 2.20 (Druid 37.0.0, measured for segmentIds' HashSet) names raw types.
            message = message.replace("<java.lang.String>` (but", "` (but").replace(
                "`java.util.ArrayList<java.lang.Object>`", "`java.lang.String`"
            )
        assert resp.json() == {"error": located(coordinator, message, 1, column, chain)}
