"""The Coordinator's data-management write endpoints (http-api.md section 2, semantics.md section 3).

Profile "29" throughout, with a few profile "latest" cases at the end of each group. Every failing request
is also checked to change nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakedruid import FakeCoordinator
from fakedruid.api import messages
from fakedruid.model.intervals import parse_instant
from fakedruid.model.servers import ServerLayout
from tests.support import DOC_HEADERS, NOW, WIKI, WIKI_VERSION, seed_wiki, wiki_id

P = "/druid/coordinator/v1/datasources"
JSON_CT = {"Content-Type": "application/json"}
INVALID_29 = messages.INVALID_MARK_PAYLOAD_29
INVALID_LATEST = messages.INVALID_MARK_PAYLOAD_LATEST
NOW_MS = parse_instant(NOW)
EARLIER = "2020-01-01T00:00:00.000Z"
HOURS_03_05 = "2015-09-12T03:00:00.000Z/2015-09-12T05:00:00.000Z"
#: The id of a day segment of datasource "other" (seeded where a test needs it to exist).
OTHER_ID = "other_2015-09-12T00:00:00.000Z_2015-09-13T00:00:00.000Z_v1"


def post_json(client: FlaskClient, path: str, body: Any, headers: dict[str, str] | None = None) -> TestResponse:
    """POST ``body`` encoded as JSON (a str is sent as is)."""
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=data, headers=headers or JSON_CT)


def state(fake: FakeCoordinator) -> list[dict[str, Any]]:
    """Every segment row, for "nothing changed" checks."""
    return fake.cluster.export_segments()


def used(fake: FakeCoordinator, datasource: str = WIKI) -> set[str]:
    return fake.segment_ids(datasource, used=True)


def unused(fake: FakeCoordinator, datasource: str = WIKI) -> set[str]:
    return fake.segment_ids(datasource, used=False)


def updated_at(fake: FakeCoordinator, segment_id: str) -> int | None:
    record = fake.cluster.record(segment_id)
    assert record is not None
    return record.used_status_last_updated


def assert_raw(resp: TestResponse, status: int, text: str) -> None:
    """A Java string written unquoted under a JSON content type."""
    assert resp.status_code == status
    assert resp.mimetype == "application/json"
    assert resp.get_data(as_text=True) == text


def assert_jetty(resp: TestResponse, status: int, phrase: str) -> None:
    assert resp.status_code == status
    assert resp.mimetype == "text/html"
    assert phrase in resp.get_data(as_text=True)


def assert_no_page(resp: TestResponse) -> None:
    """An uncaught failure on DELETE: Jetty's ErrorHandler writes no page for it (Druid 28.0.0 and 33.0.0 answer
    ``500 Server Error`` with no body and no Content-Type)."""
    assert resp.status == "500 Server Error"
    assert "Content-Type" not in resp.headers
    assert resp.get_data() == b""


def assert_empty(resp: TestResponse, status: int) -> None:
    assert resp.status_code == status
    assert resp.get_data() == b""


@pytest.fixture
def wiki(fake: FakeCoordinator) -> list[str]:
    """wikipedia_hour hours 00 to 05, hours 01 and 04 unused, with an old used_status_last_updated."""
    return seed_wiki(fake, hours=range(6), unused=(1, 4), used_status_last_updated=EARLIER)


@pytest.fixture
def wiki_latest(fake_latest: FakeCoordinator) -> list[str]:
    """The same data on the profile "latest" coordinator."""
    return seed_wiki(fake_latest, hours=range(6), unused=(1, 4))


@pytest.fixture
def conflict_fake() -> FakeCoordinator:
    """Profile "29" in conflict mode with a used day segment and an unused hour of the same version inside it."""
    coordinator = FakeCoordinator(now=NOW, conflict_mode="druid")
    coordinator.add_segment("c", "2015-09-12/2015-09-13", "v1")
    coordinator.add_segment("c", "2015-09-12T03/2015-09-12T04", "v1", used=False)
    return coordinator


# ====================================================================== 2.1 POST /datasources/{ds}


def test_mark_all_used_unused_segments_counts_changes(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = client.post(f"{P}/{WIKI}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 2}
    assert unused(fake) == set()


def test_mark_all_used_nothing_unused_returns_zero(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(3))
    resp = client.post(f"{P}/{WIKI}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 0}


def test_mark_all_used_unknown_datasource_returns_zero(client: FlaskClient) -> None:
    resp = client.post(f"{P}/nope", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 0}


def test_mark_all_used_fully_unused_datasource_is_revived(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(3), unused=(0, 1, 2))
    resp = client.post(f"{P}/{WIKI}", headers=DOC_HEADERS)
    assert resp.get_json() == {"numChangedSegments": 3}


def test_mark_all_used_overshadowed_by_used_segment_is_skipped(fake: FakeCoordinator, client: FlaskClient) -> None:
    old = fake.add_segment("ds", "2015-09-12/2015-09-13", "v1", used=False)
    fake.add_segment("ds", "2015-09-12/2015-09-13", "v2")
    resp = client.post(f"{P}/ds", headers=DOC_HEADERS)
    assert resp.get_json() == {"numChangedSegments": 0}
    assert old in unused(fake, "ds")


def test_mark_all_used_candidates_overshadow_each_other(fake: FakeCoordinator, client: FlaskClient) -> None:
    old = fake.add_segment("ds", "2015-09-12/2015-09-13", "v1", used=False)
    new = fake.add_segment("ds", "2015-09-12/2015-09-13", "v2", used=False)
    resp = client.post(f"{P}/ds", headers=DOC_HEADERS)
    assert resp.get_json() == {"numChangedSegments": 1}
    assert used(fake, "ds") == {new}
    assert unused(fake, "ds") == {old}


def test_mark_all_used_other_datasource_untouched(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    other = fake.add_segment("other", "2015-09-12/2015-09-13", "v1", used=False)
    client.post(f"{P}/{WIKI}", headers=DOC_HEADERS)
    assert unused(fake, "other") == {other}


def test_mark_all_used_text_content_type_is_415(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    before = state(fake)
    resp = client.post(f"{P}/{WIKI}", data="x", headers={"Content-Type": "text/plain", "Accept": "application/json"})
    assert_empty(resp, 415)
    assert state(fake) == before


def test_mark_all_used_missing_content_type_is_accepted(client: FlaskClient, wiki: list[str]) -> None:
    resp = client.post(f"{P}/{WIKI}", headers={"Accept": "application/json"})
    assert resp.get_json() == {"numChangedSegments": 2}


def test_mark_all_used_body_is_not_read(client: FlaskClient, wiki: list[str]) -> None:
    resp = client.post(f"{P}/{WIKI}", data="{not json", headers=DOC_HEADERS)
    assert resp.get_json() == {"numChangedSegments": 2}


@pytest.mark.parametrize("accept", [None, "*/*", "application/*", "text/plain", "text/html, */*"])
def test_mark_all_used_accept_without_json_is_500_after_the_change(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], accept: str | None
) -> None:
    headers = {"Content-Type": "application/json"} | ({"Accept": accept} if accept else {})
    resp = client.post(f"{P}/{WIKI}", headers=headers)
    # Jersey finds no writer: its own "500 Internal Server Error", no body, no Content-Type (28.0.0, 33.0.0).
    assert (resp.status, resp.get_data(), resp.headers.get("Content-Type")) == ("500 Internal Server Error", b"", None)
    assert unused(fake) == set()


@pytest.mark.parametrize(
    "accept", ["application/json", "text/plain, application/json", "application/vnd.api+json", "text/x-json",
               "application/javascript", "APPLICATION/JSON"]
)
def test_mark_all_used_accept_naming_json_is_200(client: FlaskClient, wiki: list[str], accept: str) -> None:
    resp = client.post(f"{P}/{WIKI}", headers={"Accept": accept})
    assert resp.status_code == 200


def test_mark_all_used_accept_quirk_turned_off_is_200(wiki: list[str], fake: FakeCoordinator) -> None:
    fake.accept_quirk = False
    resp = fake.client.post(f"{P}/{WIKI}")
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 2}


def test_mark_all_used_timeline_conflict_is_500_and_changes_nothing(conflict_fake: FakeCoordinator) -> None:
    before = state(conflict_fake)
    resp = conflict_fake.client.post(f"{P}/c", headers=DOC_HEADERS)
    assert resp.status_code == 500
    body = resp.get_json()
    assert list(body) == ["error", "message"]
    assert body["error"] == "Exception occurred."
    assert body["message"].startswith("java.lang.UnsupportedOperationException: ")
    assert state(conflict_fake) == before


def test_mark_all_used_latest_returns_segment_update_response(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    resp = client_latest.post(f"{P}/{WIKI}")
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 2, "segmentStateChanged": True}


def test_mark_all_used_latest_unknown_datasource_returns_zero(client_latest: FlaskClient) -> None:
    resp = client_latest.post(f"{P}/nope")
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}


def test_mark_all_used_latest_timeline_conflict_is_wrapped_500() -> None:
    fake = FakeCoordinator("latest", now=NOW, conflict_mode="druid")
    fake.add_segment("c", "2015-09-12/2015-09-13", "v1")
    fake.add_segment("c", "2015-09-12T03/2015-09-12T04", "v1", used=False)
    before = state(fake)
    resp = fake.client.post(f"{P}/c")
    assert resp.status_code == 500
    body = resp.get_json()
    assert body["error"] == "Unknown server error"
    assert body["message"].startswith(
        "org.apache.druid.rpc.HttpResponseException: Server error [500 Internal Server Error]; "
        'body: {"error":"Server error","message":"java.lang.UnsupportedOperationException: '
    )
    assert state(fake) == before


# ====================================================================== 2.2 POST /datasources/{ds}/segments/{id}


def test_mark_segment_used_unused_row_is_true(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    resp = client.post(f"{P}/{WIKI}/segments/{wiki[1]}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": True}
    assert wiki[1] in used(fake)
    assert updated_at(fake, wiki[1]) == NOW_MS


def test_mark_segment_used_already_used_is_true_and_resets_timestamp(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    assert updated_at(fake, wiki[0]) == parse_instant(EARLIER)
    resp = client.post(f"{P}/{WIKI}/segments/{wiki[0]}", headers=DOC_HEADERS)
    assert resp.get_json() == {"segmentStateChanged": True}
    assert updated_at(fake, wiki[0]) == NOW_MS


def test_mark_segment_used_no_such_row_is_false(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    before = state(fake)
    resp = client.post(f"{P}/{WIKI}/segments/{wiki_id(20)}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": False}
    assert state(fake) == before


@pytest.mark.parametrize("segment_id", ["not-a-segment-id", WIKI, f"{WIKI}_2015-09-12_2015-09-13_v1"])
def test_mark_segment_used_unparseable_id_is_false(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], segment_id: str
) -> None:
    before = state(fake)
    resp = client.post(f"{P}/{WIKI}/segments/{segment_id}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": False}
    assert state(fake) == before


def test_mark_segment_used_id_of_another_datasource_is_marked(fake: FakeCoordinator, client: FlaskClient) -> None:
    other = fake.add_segment("other", "2015-09-12/2015-09-13", "v1", used=False)
    resp = client.post(f"{P}/{WIKI}/segments/{other}", headers=DOC_HEADERS)
    assert resp.get_json() == {"segmentStateChanged": True}
    assert used(fake, "other") == {other}


def test_mark_segment_used_overshadowed_segment_is_marked(fake: FakeCoordinator, client: FlaskClient) -> None:
    old = fake.add_segment("ds", "2015-09-12/2015-09-13", "v1", used=False)
    fake.add_segment("ds", "2015-09-12/2015-09-13", "v2")
    resp = client.post(f"{P}/ds/segments/{old}", headers=DOC_HEADERS)
    assert resp.get_json() == {"segmentStateChanged": True}
    assert old in used(fake, "ds")


def test_mark_segment_used_accept_without_json_is_500_after_the_change(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = client.post(f"{P}/{WIKI}/segments/{wiki[1]}", headers={"Accept": "*/*"})
    # Jersey finds no writer: its own "500 Internal Server Error", no body, no Content-Type (28.0.0, 33.0.0).
    assert (resp.status, resp.get_data(), resp.headers.get("Content-Type")) == ("500 Internal Server Error", b"", None)
    assert wiki[1] in used(fake)


def test_mark_segment_used_text_content_type_is_415(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake)
    headers = {"Content-Type": "text/plain", "Accept": "application/json"}
    resp = client.post(f"{P}/{WIKI}/segments/{wiki[1]}", headers=headers)
    assert_empty(resp, 415)
    assert state(fake) == before


def test_mark_segment_used_latest_returns_segment_update_response(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    resp = client_latest.post(f"{P}/{WIKI}/segments/{wiki_latest[1]}")
    assert resp.get_json() == {"numChangedSegments": 1, "segmentStateChanged": True}
    resp = client_latest.post(f"{P}/{WIKI}/segments/{wiki_id(20)}")
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}


@pytest.mark.parametrize("segment_id", ["not-a-segment-id", OTHER_ID])
def test_mark_segment_used_latest_unparseable_id_is_400(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, segment_id: str
) -> None:
    fake_latest.add_segment("other", "2015-09-12/2015-09-13", "v1", used=False)
    before = state(fake_latest)
    resp = client_latest.post(f"{P}/{WIKI}/segments/{segment_id}")
    assert_raw(resp, 400, f"Could not parse Segment ID[{segment_id}] for DataSource[{WIKI}]")
    assert state(fake_latest) == before


def test_mark_segment_used_latest_id_equal_to_datasource_is_uncaught_500(client_latest: FlaskClient) -> None:
    resp = client_latest.post(f"{P}/{WIKI}/segments/{WIKI}")
    assert_jetty(resp, 500, "java.lang.StringIndexOutOfBoundsException")


# ====================================================================== 2.3 / 2.4 payload validity (both endpoints)

MARK_ENDPOINTS = ["markUsed", "markUnused"]
X = HOURS_03_05

INVALID_BODIES_29 = [
    pytest.param("", id="empty-body"),
    pytest.param("null", id="null"),
    pytest.param({}, id="empty-object"),
    pytest.param({"segmentIds": []}, id="empty-ids"),
    pytest.param({"interval": X, "segmentIds": ["a"]}, id="both"),
    pytest.param({"interval": X, "segmentIds": []}, id="interval-and-empty-ids"),
    pytest.param({"versions": ["v1"]}, id="versions-only"),
    pytest.param({"versions": []}, id="empty-versions-only"),
    pytest.param({"interval": None, "segmentIds": None}, id="explicit-nulls"),
]


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
@pytest.mark.parametrize("body", INVALID_BODIES_29)
def test_mark_payload_invalid_is_400_raw(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], endpoint: str, body: Any
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/{endpoint}", body)
    assert_raw(resp, 400, INVALID_29)
    assert state(fake) == before


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
def test_mark_payload_invalid_on_unserved_datasource_is_400_before_204(client: FlaskClient, endpoint: str) -> None:
    resp = post_json(client, f"{P}/nope/{endpoint}", {})
    assert_raw(resp, 400, INVALID_29)


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
@pytest.mark.parametrize("interval", ["2015-09-12", "ETERNITY", "2015-09-13/2015-09-12", "2015-09-12_2015-09-13", ""])
def test_mark_payload_bad_interval_is_400_mapping_error(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], endpoint: str, interval: str
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/{endpoint}", {"interval": interval})
    assert resp.status_code == 400
    body = resp.get_json()
    assert list(body) == ["error"]
    assert f"Bad Interval[{interval}]" in body["error"]
    assert state(fake) == before


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        pytest.param({"interval": 5}, "Bad Interval[5]", id="interval-number"),
        pytest.param({"interval": True}, "Bad Interval[true]", id="interval-bool"),
        pytest.param({"interval": {"start": "2015"}}, "Bad Interval[{]", id="interval-object"),
        pytest.param({"segmentIds": "a"}, "segmentIds", id="ids-string"),
        pytest.param({"segmentIds": {"a": 1}}, "segmentIds", id="ids-object"),
        pytest.param({"segmentIds": [["a"]]}, "segmentIds", id="ids-nested-array"),
        pytest.param({"segmentIds": [{"a": 1}]}, "segmentIds", id="ids-object-element"),
        pytest.param([], "Cannot deserialize value of type", id="body-array"),
        # The payload class has a properties-based creator: a scalar finds no one-argument creator (measured on
        # 28.0.0 and 37.0.0).
        pytest.param('"text"', "no String-argument constructor/factory method", id="body-string"),
        pytest.param("7", "no int/Int-argument constructor/factory method", id="body-number"),
        pytest.param("2147483648", "no long/Long-argument constructor/factory method", id="body-long"),
        pytest.param("1e10", "deserialize from Number value (1.0E10)", id="body-double"),
        pytest.param("true", "no boolean/Boolean-argument constructor", id="body-boolean"),
        pytest.param('" "', 'Cannot coerce empty String ("")', id="body-blank-string"),
    ],
)
def test_mark_payload_wrong_json_type_is_400_mapping_error(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], endpoint: str, body: Any, phrase: str
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/{endpoint}", body)
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    error = resp.get_json()
    assert list(error) == ["error"]
    assert phrase in error["error"]
    assert state(fake) == before


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
def test_mark_payload_malformed_json_is_uncaught_500(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], endpoint: str
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/{endpoint}", '{"interval": ')
    assert_jetty(resp, 500, "javax.servlet.ServletException: com.fasterxml.jackson.core.")
    assert state(fake) == before


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
def test_mark_payload_text_content_type_is_415(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], endpoint: str
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/{endpoint}", {"interval": X}, headers={"Content-Type": "text/plain"})
    assert_empty(resp, 415)
    assert state(fake) == before


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
def test_mark_payload_missing_content_type_is_415(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], endpoint: str
) -> None:
    # Jersey looks for a reader of application/octet-stream for the payload: none (measured on 28.0.0, 33.0.0).
    before = state(fake)
    resp = client.post(f"{P}/{WIKI}/{endpoint}", data=json.dumps({"interval": X}))
    assert_empty(resp, 415)
    assert state(fake) == before


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
def test_mark_payload_unknown_fields_are_ignored(client: FlaskClient, wiki: list[str], endpoint: str) -> None:
    resp = post_json(client, f"{P}/{WIKI}/{endpoint}", {"interval": X, "dataSource": "x", "foo": [1, {}]})
    assert resp.get_json() == {"numChangedSegments": 1}


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
def test_mark_payload_not_served_is_204_and_changes_nothing(
    fake: FakeCoordinator, client: FlaskClient, endpoint: str
) -> None:
    ids = seed_wiki(fake, hours=range(3), unused=(0, 1, 2))
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/{endpoint}", {"segmentIds": ids})
    assert_empty(resp, 204)
    assert state(fake) == before


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
def test_mark_payload_unknown_datasource_is_204(client: FlaskClient, endpoint: str) -> None:
    assert_empty(post_json(client, f"{P}/nope/{endpoint}", {"interval": X}), 204)


@pytest.mark.parametrize("endpoint", MARK_ENDPOINTS)
def test_mark_payload_datasource_without_servers_is_204(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], endpoint: str
) -> None:
    # Used segments that no server loads: the served-inventory check still fails.
    fake.cluster.layout = ServerLayout({})
    before = state(fake)
    assert_empty(post_json(client, f"{P}/{WIKI}/{endpoint}", {"interval": X}), 204)
    assert state(fake) == before


# ====================================================================== 2.3 markUsed


def test_mark_used_interval_marks_contained_unused_segments(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"interval": "2015-09-12T00/2015-09-12T05"})
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 2}
    assert unused(fake) == set()


def test_mark_used_interval_partial_overlap_is_excluded(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"interval": "2015-09-12T01:30/2015-09-12T04:30"})
    assert resp.get_json() == {"numChangedSegments": 0}
    assert unused(fake) == {wiki[1], wiki[4]}


def test_mark_used_interval_end_is_exclusive(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"interval": "2015-09-12T02/2015-09-12T04"})
    assert resp.get_json() == {"numChangedSegments": 0}
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"interval": "2015-09-12T04/2015-09-12T05"})
    assert resp.get_json() == {"numChangedSegments": 1}


def test_mark_used_interval_with_versions_acts_on_all_versions(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"interval": "2015-09-12/2015-09-13", "versions": ["other"]})
    assert resp.get_json() == {"numChangedSegments": 2}


def test_mark_used_interval_with_empty_versions_acts_on_all_versions(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"interval": "2015-09-12/2015-09-13", "versions": []})
    assert resp.get_json() == {"numChangedSegments": 2}


def test_mark_used_interval_overshadowed_candidate_is_skipped(fake: FakeCoordinator, client: FlaskClient) -> None:
    old = fake.add_segment("ds", "2015-09-12/2015-09-13", "v1", used=False)
    fake.add_segment("ds", "2015-09-12/2015-09-13", "v2")
    resp = post_json(client, f"{P}/ds/markUsed", {"interval": "2015-09-12/2015-09-13"})
    assert resp.get_json() == {"numChangedSegments": 0}
    assert old in unused(fake, "ds")


def test_mark_used_ids_marks_unused_ids(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki[1], wiki[4]]})
    assert resp.get_json() == {"numChangedSegments": 2}
    assert unused(fake) == set()


def test_mark_used_ids_already_used_are_not_counted(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki[0], wiki[1], wiki[1]]})
    assert resp.get_json() == {"numChangedSegments": 1}
    assert updated_at(fake, wiki[0]) == parse_instant(EARLIER)


def test_mark_used_ids_with_versions_ignores_versions(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki[1]], "versions": ["other"]})
    assert resp.get_json() == {"numChangedSegments": 1}


def test_mark_used_ids_overshadowed_id_is_skipped(fake: FakeCoordinator, client: FlaskClient) -> None:
    old = fake.add_segment("ds", "2015-09-12/2015-09-13", "v1", used=False)
    fake.add_segment("ds", "2015-09-12/2015-09-13", "v2")
    resp = post_json(client, f"{P}/ds/markUsed", {"segmentIds": [old]})
    assert resp.get_json() == {"numChangedSegments": 0}


def test_mark_used_ids_unknown_is_404_in_request_order_and_changes_nothing(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": ["zz", wiki[1], "aa", "zz"]})
    assert resp.status_code == 404
    assert resp.get_json() == {"message": "Cannot find segment ids [zz, aa]"}
    assert state(fake) == before


@pytest.mark.parametrize(
    "bad", ["not-a-segment-id", WIKI, OTHER_ID], ids=["unparseable", "datasource-name", "other-datasource"]
)
def test_mark_used_ids_not_of_datasource_is_404(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], bad: str
) -> None:
    fake.add_segment("other", "2015-09-12/2015-09-13", "v1", used=False)
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [bad]})
    assert resp.status_code == 404
    assert resp.get_json() == {"message": f"Cannot find segment ids [{bad}]"}
    assert state(fake) == before


def test_mark_used_ids_scalar_elements_are_read_as_text(client: FlaskClient, wiki: list[str]) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUsed", {"segmentIds": [1, True]})
    assert resp.status_code == 404
    assert resp.get_json() == {"message": "Cannot find segment ids [1, true]"}


def test_mark_used_timeline_conflict_is_500_and_changes_nothing(conflict_fake: FakeCoordinator) -> None:
    before = state(conflict_fake)
    resp = post_json(conflict_fake.client, f"{P}/c/markUsed", {"interval": "2015-09-12/2015-09-13"})
    assert resp.status_code == 500
    body = resp.get_json()
    assert body["error"] == "Exception occurred."
    assert body["message"].startswith("java.lang.UnsupportedOperationException: ")
    assert state(conflict_fake) == before


def test_mark_used_latest_interval_with_empty_ids_is_valid(client_latest: FlaskClient, wiki_latest: list[str]) -> None:
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": X, "segmentIds": []})
    assert resp.get_json() == {"numChangedSegments": 1, "segmentStateChanged": True}


def test_mark_used_latest_versions_are_honoured(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    seed_wiki(fake_latest, hours=range(2), unused=(0, 1))
    fake_latest.add_segment(WIKI, "2015-09-12T05/2015-09-12T06", "v0", used=False)
    body = {"interval": "2015-09-12/2015-09-13", "versions": [WIKI_VERSION]}
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", body)
    assert resp.get_json() == {"numChangedSegments": 2, "segmentStateChanged": True}
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": "2015-09-12/2015-09-13", "versions": []})
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"segmentIds": ["a"], "versions": ["v1"]}, id="ids-and-versions"),
        pytest.param({}, id="empty-object"),
        pytest.param({"interval": X, "segmentIds": ["a"]}, id="both"),
    ],
)
def test_mark_used_latest_invalid_payload_is_400_raw(client_latest: FlaskClient, body: Any) -> None:
    assert_raw(post_json(client_latest, f"{P}/{WIKI}/markUsed", body), 400, INVALID_LATEST)


def test_mark_used_latest_unknown_datasource_is_200_zero(client_latest: FlaskClient) -> None:
    resp = post_json(client_latest, f"{P}/nope/markUsed", {"interval": X})
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}


def test_mark_used_latest_unknown_ids_is_wrapped_500(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    before = state(fake_latest)
    missing = wiki_id(20)
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki_latest[1], missing]})
    assert resp.status_code == 500
    overlord = (
        '{"error":"druidException","errorCode":"invalidInput","persona":"USER","category":"INVALID_INPUT",'
        f'"errorMessage":"Could not find segment IDs[[{missing}]] for datasource[{WIKI}]","context":{{}}}}'
    )
    assert resp.get_json() == {
        "error": "Unknown server error",
        "message": f"org.apache.druid.rpc.HttpResponseException: Server error [400 Bad Request]; body: {overlord}",
    }
    assert state(fake_latest) == before


def test_mark_used_latest_unparseable_ids_is_wrapped_500(client_latest: FlaskClient, wiki_latest: list[str]) -> None:
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"segmentIds": ["x", wiki_latest[1], "y"]})
    assert resp.status_code == 500
    body = resp.get_json()
    assert body["error"] == "Unknown server error"
    assert "Server error [400 Bad Request]" in body["message"]
    assert f"Could not parse segment IDs[[x, y]] for datasource[{WIKI}]" in body["message"]


# ====================================================================== 2.4 markUnused


def test_mark_unused_interval_marks_contained_used_segments(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"interval": "2015-09-12T01:30/2015-09-12T06"})
    assert resp.status_code == 200
    # Hours 02, 03 and 05 change; 04 was already unused; 01 is only partly inside.
    assert resp.get_json() == {"numChangedSegments": 3}
    assert used(fake) == {wiki[0]}


def test_mark_unused_interval_counts_only_real_changes(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"interval": "2015-09-12/2015-09-13"})
    assert resp.get_json() == {"numChangedSegments": 4}
    assert updated_at(fake, wiki[1]) == parse_instant(EARLIER)


def test_mark_unused_interval_with_empty_versions_acts_on_all_versions(client: FlaskClient, wiki: list[str]) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"interval": "2015-09-12/2015-09-13", "versions": []})
    assert resp.get_json() == {"numChangedSegments": 4}


def test_mark_unused_ids_counts_rows_even_if_already_unused(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki[0], wiki[1]]})
    assert resp.get_json() == {"numChangedSegments": 2}
    assert updated_at(fake, wiki[1]) == NOW_MS
    assert wiki[0] in unused(fake)


def test_mark_unused_ids_unparseable_and_foreign_ids_are_dropped(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    other = fake.add_segment("other", "2015-09-12/2015-09-13", "v1")
    body = {"segmentIds": ["junk", other, wiki_id(20), wiki[2], wiki[2]]}
    resp = post_json(client, f"{P}/{WIKI}/markUnused", body)
    assert resp.get_json() == {"numChangedSegments": 1}
    assert used(fake, "other") == {other}


def test_mark_unused_ids_all_unparseable_is_zero(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": ["a", "b"]})
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 0}
    assert state(fake) == before


def test_mark_unused_ids_id_equal_to_datasource_is_500_and_changes_nothing(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki[0], WIKI]})
    assert resp.status_code == 500
    body = resp.get_json()
    assert list(body) == ["error", "message"]
    assert body["error"] == "Exception occurred."
    assert body["message"].startswith("java.lang.StringIndexOutOfBoundsException")
    assert state(fake) == before


def test_mark_unused_ids_null_element_is_500_and_changes_nothing(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake)
    resp = post_json(client, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki[0], None]})
    assert resp.status_code == 500
    assert resp.get_json() == {"error": "Exception occurred.", "message": "java.lang.NullPointerException"}
    assert state(fake) == before


def test_mark_unused_latest_empty_versions_is_zero(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{P}/{WIKI}/markUnused", {"interval": "2015-09-12/2015-09-13", "versions": []})
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}
    assert state(fake_latest) == before


def test_mark_unused_latest_ids_return_segment_update_response(
    client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    resp = post_json(client_latest, f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki_latest[0], "junk"]})
    assert resp.get_json() == {"numChangedSegments": 1, "segmentStateChanged": True}


def test_mark_unused_latest_id_equal_to_datasource_is_wrapped_500(
    client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    resp = post_json(client_latest, f"{P}/{WIKI}/markUnused", {"segmentIds": [WIKI]})
    assert resp.status_code == 500
    message = resp.get_json()["message"]
    assert message.startswith("org.apache.druid.rpc.HttpResponseException: Server error [500 Internal Server Error]; ")
    assert '"error":"Server error","message":"java.lang.StringIndexOutOfBoundsException' in message


# ====================================================================== 2.5 DELETE /datasources/{ds}


@pytest.mark.parametrize("query", ["", "?kill=false", "?kill=1", "?kill=yes", "?kill=", "?kill=true1"])
def test_mark_all_unused_marks_every_used_segment(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], query: str
) -> None:
    resp = client.delete(f"{P}/{WIKI}{query}&interval=2015-09-12_2015-09-13" if query else f"{P}/{WIKI}")
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 4}
    assert used(fake) == set()
    assert len(unused(fake)) == 6


def test_mark_all_unused_unknown_datasource_returns_zero(client: FlaskClient) -> None:
    resp = client.delete(f"{P}/nope")
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 0}


def test_mark_all_unused_counts_only_real_changes(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    client.delete(f"{P}/{WIKI}")
    assert client.delete(f"{P}/{WIKI}").get_json() == {"numChangedSegments": 0}


@pytest.mark.parametrize("kill", ["true", "TRUE", "True"])
def test_mark_all_unused_kill_true_kills_unused_segments(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], kill: str
) -> None:
    resp = client.delete(f"{P}/{WIKI}?kill={kill}&interval=2015-09-12_2015-09-13")
    assert_empty(resp, 200)
    assert fake.segment_ids(WIKI) == {wiki[0], wiki[2], wiki[3], wiki[5]}
    assert used(fake) == {wiki[0], wiki[2], wiki[3], wiki[5]}


def test_mark_all_unused_kill_without_interval_is_uncaught_npe_with_no_page(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake)
    resp = client.delete(f"{P}/{WIKI}?kill=true")
    assert_no_page(resp)
    assert state(fake) == before


def test_mark_all_unused_kill_with_bad_interval_is_uncaught_500_with_no_page(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake)
    resp = client.delete(f"{P}/{WIKI}?kill=true&interval=???")
    assert_no_page(resp)
    assert state(fake) == before


def test_mark_all_unused_latest_returns_segment_update_response(
    client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    resp = client_latest.delete(f"{P}/{WIKI}")
    assert resp.get_json() == {"numChangedSegments": 4, "segmentStateChanged": True}
    resp = client_latest.delete(f"{P}/nope")
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}


# ====================================================================== 2.6 DELETE .../{ds}/intervals/{interval}


def test_kill_deletes_only_unused_segments_inside_interval(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    outside = fake.add_segment(WIKI, "2015-09-13T00/2015-09-13T01", WIKI_VERSION, used=False)
    partial = fake.add_segment(WIKI, "2015-09-12T20/2015-09-13T02", "v-partial", used=False)
    resp = client.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13")
    assert_empty(resp, 200)
    assert fake.segment_ids(WIKI) == {wiki[0], wiki[2], wiki[3], wiki[5], outside, partial}


@pytest.mark.parametrize(
    "path", [f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13", f"{P}/{WIKI}?kill=true&interval=2015-09-12_2015-09-13"]
)
def test_kill_records_a_successful_api_issued_task(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], path: str
) -> None:
    assert_empty(client.delete(path), 200)
    tasks = fake.cluster.tasks.list(NOW_MS)
    assert len(tasks) == 1
    task = tasks[0]
    assert task.id.startswith(f"api-issued_kill_{WIKI}_")
    assert task.id.endswith(f"_2015-09-12T00:00:00.000Z_2015-09-13T00:00:00.000Z_{NOW}")
    assert (task.type, task.datasource, task.status) == ("kill", WIKI, "SUCCESS")
    assert str(task.interval) == "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"


def test_kill_bad_interval_records_no_task(fake: FakeCoordinator, client: FlaskClient) -> None:
    client.delete(f"{P}/{WIKI}/intervals/2015-09-13_2015-09-12")
    client.delete(f"{P}/{WIKI}?kill=true")
    assert fake.cluster.tasks.list(NOW_MS) == []


def test_kill_slash_form_is_accepted(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    resp = client.delete(f"{P}/{WIKI}/intervals/2015-09-12T01:00:00.000Z%2F2015-09-12T02:00:00.000Z")
    assert_empty(resp, 200)
    assert wiki[1] not in fake.segment_ids(WIKI)
    assert wiki[4] in fake.segment_ids(WIKI)


def test_kill_unknown_datasource_is_200_empty_and_still_creates_a_task(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    assert_empty(client.delete(f"{P}/nope/intervals/2015-09-12_2015-09-13"), 200)
    assert [t.datasource for t in fake.cluster.tasks.list(NOW_MS)] == ["nope"]


@pytest.mark.parametrize("interval", ["%3F%3F%3F", "2015-09-13_2015-09-12", "2015-09-12", "ETERNITY"])
def test_kill_bad_interval_is_uncaught_500_with_no_page(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], interval: str
) -> None:
    before = state(fake)
    resp = client.delete(f"{P}/{WIKI}/intervals/{interval}")
    assert_no_page(resp)
    assert state(fake) == before


def test_kill_latest_is_200_empty(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    assert_empty(client_latest.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13"), 200)
    assert fake_latest.segment_ids(WIKI) == {wiki_latest[0], wiki_latest[2], wiki_latest[3], wiki_latest[5]}


# ====================================================================== 2.7 DELETE /datasources/{ds}/segments/{id}


def test_mark_segment_unused_used_row_is_true(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    resp = client.delete(f"{P}/{WIKI}/segments/{wiki[0]}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": True}
    assert wiki[0] in unused(fake)


def test_mark_segment_unused_already_unused_is_true_and_resets_timestamp(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = client.delete(f"{P}/{WIKI}/segments/{wiki[1]}", headers=DOC_HEADERS)
    assert resp.get_json() == {"segmentStateChanged": True}
    assert updated_at(fake, wiki[1]) == NOW_MS


def test_mark_segment_unused_no_such_row_is_false(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    before = state(fake)
    resp = client.delete(f"{P}/{WIKI}/segments/{wiki_id(20)}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": False}
    assert state(fake) == before


def test_mark_segment_unused_unknown_datasource_is_false(client: FlaskClient) -> None:
    resp = client.delete(f"{P}/nope/segments/{wiki_id(3)}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": False}


@pytest.mark.parametrize(
    "segment_id", ["junk", OTHER_ID], ids=["unparseable", "other-datasource"]
)
def test_mark_segment_unused_unparseable_id_is_false(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], segment_id: str
) -> None:
    fake.add_segment("other", "2015-09-12/2015-09-13", "v1")
    before = state(fake)
    resp = client.delete(f"{P}/{WIKI}/segments/{segment_id}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": False}
    assert state(fake) == before


def test_mark_segment_unused_id_equal_to_datasource_is_uncaught_500_with_no_page(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake)
    resp = client.delete(f"{P}/{WIKI}/segments/{WIKI}", headers=DOC_HEADERS)
    assert_no_page(resp)
    assert state(fake) == before


def test_mark_segment_unused_accept_without_json_is_500_after_the_change(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = client.delete(f"{P}/{WIKI}/segments/{wiki[0]}")
    # Druid 28.0.0 (measured): "500 Internal Server Error", no body, no Content-Type.
    assert resp.status == "500 Internal Server Error"
    assert "Content-Type" not in resp.headers
    assert resp.get_data() == b""
    assert wiki[0] in unused(fake)


def test_mark_segment_unused_latest_returns_segment_update_response(
    client_latest: FlaskClient, wiki_latest: list[str]
) -> None:
    resp = client_latest.delete(f"{P}/{WIKI}/segments/{wiki_latest[1]}")
    assert resp.get_json() == {"numChangedSegments": 1, "segmentStateChanged": True}
    resp = client_latest.delete(f"{P}/{WIKI}/segments/{wiki_id(20)}")
    assert resp.get_json() == {"numChangedSegments": 0, "segmentStateChanged": False}


def test_mark_segment_unused_latest_unparseable_id_is_400_unescaped(client_latest: FlaskClient) -> None:
    resp = client_latest.delete(f"{P}/{WIKI}/segments/<b>")
    assert_raw(resp, 400, f"Could not parse Segment ID[<b>] for DataSource[{WIKI}]")


# ---------------------------------------------------------------- very long ids (Jetty's request-line limit)


def test_single_segment_very_long_id_is_414_and_changes_nothing(fake: FakeCoordinator, client: FlaskClient) -> None:
    sid = fake.add_segment("ds", "2015-09-12/P1D", "v1")
    long_id = sid + "x" * 9000
    response = client.delete(f"/druid/coordinator/v1/datasources/ds/segments/{long_id}", headers=DOC_HEADERS)
    assert response.status_code == 414
    assert "URI Too Long" in response.get_data(as_text=True)
    assert fake.segment_ids("ds", used=True) == {sid}


def test_single_segment_long_id_under_the_limit_answers_normally(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment("ds", "2015-09-12/P1D", "v1")
    response = client.delete(f"/druid/coordinator/v1/datasources/ds/segments/ds_{'x' * 7000}", headers=DOC_HEADERS)
    assert response.status_code == 200
    assert response.get_json() == {"segmentStateChanged": False}


def test_mark_unused_very_long_ids_in_body_accepted(fake: FakeCoordinator, client: FlaskClient) -> None:
    sid = fake.add_segment("ds", "2015-09-12/P1D", "v1")
    body = {"segmentIds": [sid, "ds_" + "y" * 20000]}
    response = client.post("/druid/coordinator/v1/datasources/ds/markUnused", json=body, headers=DOC_HEADERS)
    assert response.get_json() == {"numChangedSegments": 1}


def test_kill_literal_slash_in_interval_is_unknown_path_404(fake: FakeCoordinator, client: FlaskClient) -> None:
    sid = fake.add_segment("ds", "2015-09-12/P1D", "v1", used=False)
    resp = client.delete("/druid/coordinator/v1/datasources/ds/intervals/2015-09-12/2015-09-13")
    assert resp.status_code == 404
    assert fake.segment_ids("ds") == {sid}


def test_kill_encoded_slash_and_trailing_slash_accepted(fake: FakeCoordinator, client: FlaskClient) -> None:
    a = fake.add_segment("ds", "2015-09-12/P1D", "2015-01-01T00:00:00.000Z", used=False)
    b = fake.add_segment("ds", "2015-09-14/P1D", "2015-01-01T00:00:00.000Z", used=False)
    assert client.delete("/druid/coordinator/v1/datasources/ds/intervals/2015-09-12%2F2015-09-13").status_code == 200
    assert fake.segment_ids("ds") == {b}
    assert client.delete("/druid/coordinator/v1/datasources/ds/intervals/2015-09-14_2015-09-15/").status_code == 200
    assert fake.segment_ids("ds") == set()
    assert a not in fake.segment_ids("ds")
