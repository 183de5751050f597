"""Fidelity audit of the write endpoints: rows of http-api.md sections 1 and 2 and semantics.md sections 3 and 11
that no other test pinned, in both profiles.

Layer: api tests (Flask test client). Every failing request is also checked to change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakedruid import FakeCoordinator
from fakedruid.api import messages
from tests.support import DOC_HEADERS, NOW, WIKI, seed_wiki, wiki_id

P = "/druid/coordinator/v1/datasources"
JSON_CT = {"Content-Type": "application/json"}
DAY = "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
OTHER_ID = "other_2015-09-12T00:00:00.000Z_2015-09-13T00:00:00.000Z_v1"


def post_json(client: FlaskClient, path: str, body: Any) -> TestResponse:
    """POST ``body`` encoded as JSON (a str is sent as is)."""
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=data, headers=JSON_CT)


def state(fake: FakeCoordinator) -> list[dict[str, Any]]:
    """Every segment row, for "nothing changed" checks."""
    return fake.cluster.export_segments()


@pytest.fixture(params=["29", "latest"])
def any_fake(request: pytest.FixtureRequest) -> Iterator[FakeCoordinator]:
    """A coordinator of each profile with wikipedia_hour hours 00 to 03, hours 02 and 03 unused."""
    coordinator = FakeCoordinator(request.param, now=NOW)
    seed_wiki(coordinator, hours=range(4), unused=(2, 3))
    yield coordinator
    coordinator.check()


@pytest.fixture
def wiki(fake: FakeCoordinator) -> list[str]:
    """wikipedia_hour hours 00 to 03 on the profile "29" coordinator, hours 02 and 03 unused."""
    return seed_wiki(fake, hours=range(4), unused=(2, 3))


@pytest.fixture
def wiki_latest(fake_latest: FakeCoordinator) -> list[str]:
    """The same data on the profile "latest" coordinator."""
    return seed_wiki(fake_latest, hours=range(4), unused=(2, 3))


# ====================================================================== EMPTY answers (http-api 0.2, 2.5, 2.6)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13", id="kill"),
        pytest.param(f"{P}/{WIKI}?kill=TRUE&interval=2015-09-12_2015-09-13", id="deprecated-kill-any-case"),
    ],
)
def test_kill_accepted_is_200_empty_with_the_json_type(any_fake: FakeCoordinator, path: str) -> None:
    resp = any_fake.client.delete(path)
    assert resp.status_code == 200
    assert resp.get_data() == b""
    # @Produces(application/json): Jersey writes the type without an entity (measured on 28.0.0 and 33.0.0).
    assert resp.headers["Content-Type"] == "application/json"
    # The kill ran: the unused hours inside the interval are gone, the used ones stay.
    assert any_fake.segment_ids(WIKI) == {wiki_id(0), wiki_id(1)}


def test_kill_percent_encoded_slash_interval_is_accepted(any_fake: FakeCoordinator) -> None:
    resp = any_fake.client.delete(f"{P}/{WIKI}/intervals/2015-09-12%2F2015-09-13")
    assert resp.status_code == 200
    assert any_fake.segment_ids(WIKI) == {wiki_id(0), wiki_id(1)}


# ====================================================================== 2.3 / 2.4 validity table, profile "latest"

INVALID_BODIES_LATEST = [
    pytest.param("", id="empty-body"),
    pytest.param("null", id="null"),
    pytest.param({}, id="empty-object"),
    pytest.param({"segmentIds": []}, id="empty-ids"),
    pytest.param({"interval": DAY, "segmentIds": ["a"]}, id="both"),
    pytest.param({"versions": ["v1"]}, id="versions-only"),
    pytest.param({"versions": []}, id="empty-versions-only"),
    pytest.param({"segmentIds": ["a"], "versions": ["v1"]}, id="ids-and-versions"),
]


@pytest.mark.parametrize("endpoint", ["markUsed", "markUnused"])
@pytest.mark.parametrize("body", INVALID_BODIES_LATEST)
def test_mark_payload_latest_invalid_is_400_raw_and_changes_nothing(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str], endpoint: str, body: Any
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{P}/{WIKI}/{endpoint}", body)
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    assert resp.get_data(as_text=True) == messages.INVALID_MARK_PAYLOAD_LATEST
    assert state(fake_latest) == before


def test_mark_used_latest_interval_and_empty_versions_ids_matches_nothing(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": DAY, "segmentIds": [], "versions": []})
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}
    assert state(fake_latest) == before


# ====================================================================== 2.3 / 2.4 profile "29": versions ignored


def test_mark_unused_ids_with_versions_ignores_versions(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki[0]], "versions": ["v1"]})
    assert resp.get_json() == {"numChangedSegments": 1}
    assert fake.segment_ids(WIKI, used=True) == {wiki[1]}


def test_mark_unused_interval_with_versions_acts_on_all_versions(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"interval": DAY, "versions": ["v1"]})
    assert resp.get_json() == {"numChangedSegments": 2}
    assert fake.segment_ids(WIKI, used=True) == set()


def test_mark_used_ids_unparseable_and_unknown_are_404_raw_in_request_order(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki_id(9), "zz", wiki[2], "zz"]})
    assert resp.status_code == 404
    assert resp.get_json() == {"message": f"Cannot find segment ids [{wiki_id(9)}, zz]"}
    assert state(fake) == before


def test_mark_used_ids_not_served_is_204_before_the_unknown_id_check(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(2), unused=(0, 1))
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki_id(9)]})
    assert resp.status_code == 204
    assert resp.get_data() == b""


# ====================================================================== id normalisation (semantics 3.3, 3.6, 5.6)


def test_mark_unused_ids_trailing_01_looks_up_partition_1(any_fake: FakeCoordinator) -> None:
    part1 = any_fake.add_segment(WIKI, "2015-09-12T05/2015-09-12T06", "v1", partition_num=1, partitions=2)
    assert part1.endswith("_v1_1")
    resp = post_json(any_fake.client, f"{P}/{WIKI}/markUnused", {"segmentIds": [part1[:-1] + "01"]})
    assert resp.get_json()["numChangedSegments"] == 1
    assert part1 not in any_fake.segment_ids(WIKI, used=True)


def test_mark_used_latest_unknown_trailing_01_is_reported_printed_back(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki_id(9) + "_01"]})
    assert resp.status_code == 500
    message = resp.get_json()["message"]
    assert f"Could not find segment IDs[[{wiki_id(9)}_1]] for datasource[{WIKI}]" in message
    assert state(fake_latest) == before


def test_mark_used_29_trailing_01_is_compared_raw(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(1))
    part1 = fake.add_segment(WIKI, "2015-09-12T05/2015-09-12T06", "v1", partition_num=1, partitions=2, used=False)
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [part1[:-1] + "01"]})
    assert resp.status_code == 404
    assert resp.get_json() == {"message": f"Cannot find segment ids [{part1[:-1]}01]"}


# ====================================================================== 2.7 profile "latest"


def test_mark_segment_unused_latest_id_of_another_datasource_is_400_and_not_marked(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    fake_latest.add_segment("other", "2015-09-12/2015-09-13", "v1")
    resp = client_latest.delete(f"{P}/{WIKI}/segments/{OTHER_ID}")
    assert resp.status_code == 400
    assert resp.get_data(as_text=True) == f"Could not parse Segment ID[{OTHER_ID}] for DataSource[{WIKI}]"
    assert fake_latest.segment_ids("other", used=True) == {OTHER_ID}


def test_mark_segment_unused_29_id_of_another_datasource_is_false_and_not_marked(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    fake.add_segment("other", "2015-09-12/2015-09-13", "v1")
    resp = client.delete(f"{P}/{WIKI}/segments/{OTHER_ID}", headers=DOC_HEADERS)
    assert resp.get_json() == {"segmentStateChanged": False}
    assert fake.segment_ids("other", used=True) == {OTHER_ID}


# ====================================================================== 2.4 profile "latest", no 204


def test_mark_unused_latest_unknown_datasource_is_200_zero(client_latest: FlaskClient) -> None:
    resp = post_json(client_latest, f"{P}/nope/markUnused", {"interval": DAY})
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}


def test_mark_unused_latest_all_ids_unparseable_or_foreign_is_zero_false(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    fake_latest.add_segment("other", "2015-09-12/2015-09-13", "v1")
    before = state(fake_latest)
    resp = post_json(client_latest, f"{P}/{WIKI}/markUnused", {"segmentIds": ["a", OTHER_ID]})
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}
    assert state(fake_latest) == before


# ====================================================================== 1.5 Content-Type, both profiles


@pytest.mark.parametrize("endpoint", ["", "/markUsed", "/markUnused"])
def test_mark_post_text_content_type_is_415_and_changes_nothing(any_fake: FakeCoordinator, endpoint: str) -> None:
    before = state(any_fake)
    resp = any_fake.client.post(
        f"{P}/{WIKI}{endpoint}",
        data=json.dumps({"interval": DAY}),
        headers={"Content-Type": "text/plain", "Accept": "application/json"},
    )
    # Jersey's 415: no body (Druid 28.0.0).
    assert (resp.status, resp.data) == ("415 Unsupported Media Type", b"")
    assert state(any_fake) == before
