"""The Overlord's data-management API, ``/druid/indexer/v1/datasources/...`` (http-api.md section 5.4).

Profile "latest" serves six routes and answers its own errors directly (no Coordinator re-wrapping); profile
"29" has none of these paths. Every failing request is also checked to change nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakedruid import FakeCoordinator
from fakedruid.api import messages
from tests.support import NOW, WIKI, WIKI_VERSION, seed_wiki, wiki_id

O = "/druid/indexer/v1/datasources"
P = "/druid/coordinator/v1/datasources"
JSON_CT = {"Content-Type": "application/json"}
DAY = "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
HOURS_00_03 = "2015-09-12T00:00:00.000Z/2015-09-12T03:00:00.000Z"
DRUIDERR_KEYS = ["error", "errorCode", "persona", "category", "errorMessage", "context"]


def post_json(client: FlaskClient, path: str, body: Any, headers: dict[str, str] | None = None) -> TestResponse:
    """POST ``body`` encoded as JSON (a str is sent as is)."""
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=data, headers=JSON_CT if headers is None else headers)


def state(fake: FakeCoordinator) -> list[dict[str, Any]]:
    """Every segment row, for "nothing changed" checks."""
    return fake.cluster.export_segments()


def used(fake: FakeCoordinator, datasource: str = WIKI) -> set[str]:
    return fake.segment_ids(datasource, used=True)


def assert_raw(resp: TestResponse, status: int, text: str) -> None:
    """A Java string written unquoted under a JSON content type."""
    assert resp.status_code == status
    assert resp.mimetype == "application/json"
    assert resp.get_data(as_text=True) == text


def assert_update(resp: TestResponse, n: int) -> None:
    """200 SegmentUpdateResponse."""
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.get_json() == {"numChangedSegments": n, "segmentStateChanged": n > 0}


def assert_invalid_input(resp: TestResponse, message: str) -> None:
    """400 DruidException ``invalidInput``, keys in ``ErrorResponse`` order."""
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert list(body) == DRUIDERR_KEYS
    assert body == {
        "error": "druidException",
        "errorCode": "invalidInput",
        "persona": "USER",
        "category": "INVALID_INPUT",
        "errorMessage": message,
        "context": {},
    }


def assert_server_error(resp: TestResponse, cause_prefix: str) -> None:
    """ODSR's 500 ``{"error": "Server error", "message": <root cause toString>}``."""
    assert resp.status_code == 500
    body = resp.get_json()
    assert list(body) == ["error", "message"]
    assert body["error"] == "Server error"
    assert body["message"].startswith(cause_prefix)


@pytest.fixture
def wiki(fake_latest: FakeCoordinator) -> list[str]:
    """wikipedia_hour hours 00 to 05 on profile "latest", hours 01 and 04 unused."""
    return seed_wiki(fake_latest, hours=range(6), unused=(1, 4))


# ====================================================================== profile "29": no such paths

ROUTES = [
    ("POST", f"{O}/{WIKI}"),
    ("DELETE", f"{O}/{WIKI}"),
    ("POST", f"{O}/{WIKI}/markUsed"),
    ("POST", f"{O}/{WIKI}/markUnused"),
    ("POST", f"{O}/{WIKI}/segments/{wiki_id(1)}"),
    ("DELETE", f"{O}/{WIKI}/segments/{wiki_id(0)}"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_overlord_datasources_profile_29_is_404_and_changes_nothing(
    fake: FakeCoordinator, client: FlaskClient, method: str, path: str
) -> None:
    seed_wiki(fake, hours=range(6), unused=(1, 4))
    before = state(fake)
    resp = client.open(path, method=method, data=json.dumps({"interval": DAY}), headers=JSON_CT)
    assert resp.status_code == 404
    assert state(fake) == before


@pytest.mark.parametrize("method", ["GET", "PUT", "OPTIONS"])
@pytest.mark.parametrize("path", [O, f"{O}/{WIKI}", f"{O}/{WIKI}/markUsed", f"{O}/{WIKI}/segments/x"])
def test_overlord_datasources_profile_29_other_method_is_404_not_405(
    client: FlaskClient, path: str, method: str
) -> None:
    assert client.open(path, method=method).status_code == 404


@pytest.mark.parametrize("path", [f"{O}/{WIKI}", f"{O}/{WIKI}/markUsed", f"{O}/{WIKI}/segments/x"])
def test_overlord_datasources_latest_other_method_is_405(client_latest: FlaskClient, path: str) -> None:
    assert client_latest.get(path).status_code == 405


def test_other_405_answers_are_unchanged(client: FlaskClient) -> None:
    resp = client.put(f"{P}/{WIKI}/markUsed")
    assert resp.status_code == 405
    assert "POST" in resp.headers["Allow"]


@pytest.mark.parametrize("druid_version", ["29", "latest"])
def test_overlord_kill_path_is_404_in_both_profiles_and_submits_no_task(druid_version: str) -> None:
    fake = FakeCoordinator(druid_version, now=NOW)
    seed_wiki(fake, hours=range(3), unused=(0, 1, 2))
    before = state(fake)
    resp = fake.client.delete(f"{O}/{WIKI}/intervals/2015-09-12_2015-09-13")
    assert resp.status_code == 404
    assert state(fake) == before
    assert fake.client.get("/druid/indexer/v1/tasks").get_json() == []
    fake.check()


# ====================================================================== POST O/{ds}


def test_mark_all_used_marks_unused_segments(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(client_latest.post(f"{O}/{WIKI}", headers=JSON_CT), 2)
    assert used(fake_latest) == set(wiki)


def test_mark_all_used_nothing_unused_is_zero_false(client_latest: FlaskClient) -> None:
    assert_update(client_latest.post(f"{O}/nope"), 0)


def test_mark_all_used_text_content_type_is_415(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    resp = client_latest.post(f"{O}/{WIKI}", data="x", headers={"Content-Type": "text/plain"})
    assert resp.status_code == 415
    assert state(fake_latest) == before


def test_mark_all_used_body_is_not_read(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.post(f"{O}/{WIKI}", data="{not json", headers=JSON_CT), 2)


def test_mark_all_used_any_accept_header_is_json(client_latest: FlaskClient, wiki: list[str]) -> None:
    # @Produces(application/json): no Accept quirk on the Overlord.
    assert_update(client_latest.post(f"{O}/{WIKI}", headers={"Accept": "*/*"}), 2)


def test_mark_all_used_timeline_conflict_is_500_server_error_and_changes_nothing() -> None:
    fake = FakeCoordinator("latest", now=NOW, conflict_mode="druid")
    fake.add_segment("c", "2015-09-12/2015-09-13", "v1")
    fake.add_segment("c", "2015-09-12T03/2015-09-12T04", "v1", used=False)
    before = state(fake)
    resp = fake.client.post(f"{O}/c")
    assert_server_error(resp, "java.lang.UnsupportedOperationException: ")
    assert state(fake) == before
    fake.check()


# ====================================================================== DELETE O/{ds}


def test_mark_all_unused_marks_every_used_segment(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(client_latest.delete(f"{O}/{WIKI}"), 4)
    assert used(fake_latest) == set()


def test_mark_all_unused_unknown_datasource_is_zero_false(client_latest: FlaskClient) -> None:
    assert_update(client_latest.delete(f"{O}/nope"), 0)


def test_mark_all_unused_kill_query_is_ignored(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    # No kill branch on the Overlord: ?kill=true marks everything unused and deletes nothing.
    assert_update(client_latest.delete(f"{O}/{WIKI}?kill=true&interval=2015-09-12_2015-09-13"), 4)
    assert fake_latest.segment_ids(WIKI) == set(wiki)
    assert client_latest.get("/druid/indexer/v1/tasks").get_json() == []


# ====================================================================== POST O/{ds}/markUsed


def test_mark_used_interval_marks_contained_unused_segments(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(post_json(client_latest, f"{O}/{WIKI}/markUsed", {"interval": HOURS_00_03}), 1)
    assert wiki[1] in used(fake_latest)
    assert wiki[4] not in used(fake_latest)


def test_mark_used_interval_with_versions_marks_only_those_versions(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    other = fake_latest.add_segment(WIKI, "2015-09-12T10/2015-09-12T11", "v0", used=False)
    resp = post_json(client_latest, f"{O}/{WIKI}/markUsed", {"interval": DAY, "versions": ["v0"]})
    assert_update(resp, 1)
    assert other in used(fake_latest)
    assert wiki[1] not in used(fake_latest)


def test_mark_used_interval_with_empty_versions_matches_nothing(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    assert_update(post_json(client_latest, f"{O}/{WIKI}/markUsed", {"interval": DAY, "versions": []}), 0)
    assert state(fake_latest) == before


def test_mark_used_ids_marks_unused_ids(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client_latest, f"{O}/{WIKI}/markUsed", {"segmentIds": [wiki[1], wiki[0]]})
    assert_update(resp, 1)
    assert wiki[1] in used(fake_latest)


def test_mark_used_unknown_datasource_is_200_zero(client_latest: FlaskClient) -> None:
    assert_update(post_json(client_latest, f"{O}/nope/markUsed", {"interval": DAY}), 0)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(None, id="null"),
        pytest.param({}, id="empty-object"),
        pytest.param({"segmentIds": []}, id="empty-ids"),
        pytest.param({"interval": DAY, "segmentIds": ["a"]}, id="interval-and-ids"),
        pytest.param({"versions": ["v1"]}, id="versions-only"),
        pytest.param({"versions": []}, id="empty-versions-only"),
        pytest.param({"segmentIds": ["a"], "versions": ["v1"]}, id="ids-and-versions"),
    ],
)
@pytest.mark.parametrize("action", ["markUsed", "markUnused"])
def test_mark_payload_invalid_is_400_raw(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str], action: str, body: Any
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{O}/{WIKI}/{action}", "" if body is None else body)
    assert_raw(resp, 400, messages.INVALID_MARK_PAYLOAD_LATEST)
    assert state(fake_latest) == before


@pytest.mark.parametrize("action", ["markUsed", "markUnused"])
def test_mark_payload_interval_with_empty_ids_is_valid(
    client_latest: FlaskClient, wiki: list[str], action: str
) -> None:
    resp = post_json(client_latest, f"{O}/{WIKI}/{action}", {"interval": HOURS_00_03, "segmentIds": []})
    assert resp.status_code == 200


@pytest.mark.parametrize("action", ["markUsed", "markUnused"])
def test_mark_payload_bad_interval_is_400_mapping_error(client_latest: FlaskClient, action: str) -> None:
    resp = post_json(client_latest, f"{O}/{WIKI}/{action}", {"interval": "2015-09-13/2015-09-12"})
    assert resp.status_code == 400
    body = resp.get_json()
    assert list(body) == ["error"]
    assert "Invalid interval[2015-09-13/2015-09-12]" in body["error"]


@pytest.mark.parametrize("action", ["markUsed", "markUnused"])
def test_mark_payload_malformed_json_is_uncaught_500(client_latest: FlaskClient, action: str) -> None:
    resp = post_json(client_latest, f"{O}/{WIKI}/{action}", "{not json")
    assert resp.status_code == 500
    assert "JsonParseException" in resp.get_data(as_text=True)


@pytest.mark.parametrize("action", ["markUsed", "markUnused"])
def test_mark_payload_text_content_type_is_415(client_latest: FlaskClient, action: str) -> None:
    resp = post_json(client_latest, f"{O}/{WIKI}/{action}", {"interval": DAY}, {"Content-Type": "text/plain"})
    assert resp.status_code == 415


def test_mark_used_unparseable_ids_is_400_druid_exception_and_changes_nothing(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{O}/{WIKI}/markUsed", {"segmentIds": ["x", wiki[1], "y"]})
    assert_invalid_input(resp, f"Could not parse segment IDs[[x, y]] for datasource[{WIKI}]")
    assert state(fake_latest) == before


def test_mark_used_id_of_another_datasource_is_unparseable(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    other = fake_latest.add_segment("other", "2015-09-12/2015-09-13", "v1", used=False)
    resp = post_json(client_latest, f"{O}/{WIKI}/markUsed", {"segmentIds": [other]})
    assert_invalid_input(resp, f"Could not parse segment IDs[[{other}]] for datasource[{WIKI}]")


def test_mark_used_unknown_ids_is_400_druid_exception_and_changes_nothing(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    missing = wiki_id(20)
    resp = post_json(client_latest, f"{O}/{WIKI}/markUsed", {"segmentIds": [wiki[1], missing]})
    assert_invalid_input(resp, f"Could not find segment IDs[[{missing}]] for datasource[{WIKI}]")
    assert state(fake_latest) == before


def test_mark_used_unknown_ids_are_printed_back_parsed(client_latest: FlaskClient, wiki: list[str]) -> None:
    # "_01" parses as partition 1 and prints back as "_1" (semantics 5.6).
    resp = post_json(client_latest, f"{O}/{WIKI}/markUsed", {"segmentIds": [wiki_id(20) + "_01"]})
    assert_invalid_input(resp, f"Could not find segment IDs[[{wiki_id(20, partition=1)}]] for datasource[{WIKI}]")


def test_mark_used_null_id_is_500_server_error(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{O}/{WIKI}/markUsed", {"segmentIds": [wiki[1], None]})
    assert_server_error(resp, "java.lang.NullPointerException")
    assert resp.get_json()["message"] == "java.lang.NullPointerException"
    assert state(fake_latest) == before


def test_mark_used_id_equal_to_datasource_is_500_server_error(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{O}/{WIKI}/markUsed", {"segmentIds": [WIKI]})
    assert_server_error(resp, "java.lang.StringIndexOutOfBoundsException")
    assert state(fake_latest) == before


def test_mark_used_not_served_datasource_has_no_existence_check(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    seed_wiki(fake_latest, hours=range(3), unused=(0, 1, 2))
    assert_update(post_json(client_latest, f"{O}/{WIKI}/markUsed", {"interval": DAY}), 3)


# ====================================================================== POST O/{ds}/markUnused


def test_mark_unused_interval_marks_contained_used_segments(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(post_json(client_latest, f"{O}/{WIKI}/markUnused", {"interval": HOURS_00_03}), 2)
    assert used(fake_latest) == {wiki[3], wiki[5]}


def test_mark_unused_interval_with_empty_versions_is_zero(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    assert_update(post_json(client_latest, f"{O}/{WIKI}/markUnused", {"interval": DAY, "versions": []}), 0)
    assert state(fake_latest) == before


def test_mark_unused_interval_with_versions_marks_only_those_versions(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    other = fake_latest.add_segment(WIKI, "2015-09-12T10/2015-09-12T11", "v0")
    resp = post_json(client_latest, f"{O}/{WIKI}/markUnused", {"interval": DAY, "versions": [WIKI_VERSION]})
    assert_update(resp, 4)
    assert used(fake_latest) == {other}


def test_mark_unused_ids_counts_rows_even_if_already_unused(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client_latest, f"{O}/{WIKI}/markUnused", {"segmentIds": [wiki[0], wiki[1], "junk"]})
    assert_update(resp, 2)
    assert wiki[0] not in used(fake_latest)


def test_mark_unused_ids_all_unparseable_is_zero_false(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    assert_update(post_json(client_latest, f"{O}/{WIKI}/markUnused", {"segmentIds": ["x", "y"]}), 0)
    assert state(fake_latest) == before


def test_mark_unused_ids_id_equal_to_datasource_is_500_server_error(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{O}/{WIKI}/markUnused", {"segmentIds": [wiki[0], WIKI]})
    assert_server_error(resp, "java.lang.StringIndexOutOfBoundsException")
    assert state(fake_latest) == before


# ====================================================================== POST O/{ds}/segments/{id}


def test_mark_segment_used_unused_row_is_one(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(client_latest.post(f"{O}/{WIKI}/segments/{wiki[1]}"), 1)
    assert wiki[1] in used(fake_latest)


def test_mark_segment_used_already_used_is_one(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.post(f"{O}/{WIKI}/segments/{wiki[0]}"), 1)


def test_mark_segment_used_no_such_row_is_zero(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.post(f"{O}/{WIKI}/segments/{wiki_id(20)}"), 0)


def test_mark_segment_used_unparseable_id_is_400_html_escaped(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    resp = client_latest.post(f"{O}/a&b/segments/<x>\"y\"'é")
    # StringUtils.escapeHtml is commons-text escapeHtml4: HTML 4 entities, the apostrophe is kept.
    assert_raw(resp, 400, "Could not parse Segment ID[&lt;x&gt;&quot;y&quot;'&eacute;] for DataSource[a&amp;b]")
    assert state(fake_latest) == before


def test_mark_segment_used_id_of_another_datasource_is_400(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    other = fake_latest.add_segment("other", "2015-09-12/2015-09-13", "v1", used=False)
    resp = client_latest.post(f"{O}/{WIKI}/segments/{other}")
    assert_raw(resp, 400, f"Could not parse Segment ID[{other}] for DataSource[{WIKI}]")
    assert other not in used(fake_latest, "other")


def test_mark_segment_used_id_equal_to_datasource_is_uncaught_500(client_latest: FlaskClient) -> None:
    resp = client_latest.post(f"{O}/{WIKI}/segments/{WIKI}")
    assert resp.status_code == 500
    assert resp.mimetype == "text/html"
    assert "StringIndexOutOfBoundsException" in resp.get_data(as_text=True)


def test_mark_segment_used_text_content_type_is_415(client_latest: FlaskClient, wiki: list[str]) -> None:
    resp = client_latest.post(f"{O}/{WIKI}/segments/{wiki[1]}", data="x", headers={"Content-Type": "text/plain"})
    assert resp.status_code == 415


# ====================================================================== DELETE O/{ds}/segments/{id}


def test_mark_segment_unused_used_row_is_one(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(client_latest.delete(f"{O}/{WIKI}/segments/{wiki[0]}"), 1)
    assert wiki[0] not in used(fake_latest)


def test_mark_segment_unused_already_unused_is_one(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.delete(f"{O}/{WIKI}/segments/{wiki[1]}"), 1)


def test_mark_segment_unused_no_such_row_is_zero(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.delete(f"{O}/{WIKI}/segments/{wiki_id(20)}"), 0)


def test_mark_segment_unused_unparseable_id_is_400_html_escaped(client_latest: FlaskClient) -> None:
    resp = client_latest.delete(f"{O}/{WIKI}/segments/<b>")
    assert_raw(resp, 400, f"Could not parse Segment ID[&lt;b&gt;] for DataSource[{WIKI}]")


def test_mark_segment_unused_coordinator_copy_does_not_escape(client_latest: FlaskClient) -> None:
    # The Coordinator's copy (DSR @ 32747cd5) formats the raw strings.
    resp = client_latest.delete(f"{P}/{WIKI}/segments/<b>")
    assert_raw(resp, 400, f"Could not parse Segment ID[<b>] for DataSource[{WIKI}]")


def test_mark_segment_unused_id_equal_to_datasource_is_uncaught_500_with_no_page(client_latest: FlaskClient) -> None:
    # Uncaught StringIndexOutOfBoundsException; Jetty's ErrorHandler writes no page for DELETE.
    resp = client_latest.delete(f"{O}/{WIKI}/segments/{WIKI}")
    assert resp.status == "500 Server Error"
    assert "Content-Type" not in resp.headers
    assert resp.get_data() == b""


# ====================================================================== not leader


@pytest.fixture
def follower(fake_latest: FakeCoordinator) -> FakeCoordinator:
    """A profile "latest" coordinator whose Overlord is not the leader."""
    fake_latest.set_leader(False)
    return fake_latest


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_overlord_datasources_not_leader_is_503_raw_and_changes_nothing(
    follower: FakeCoordinator, wiki: list[str], method: str, path: str
) -> None:
    before = state(follower)
    resp = follower.client.open(path, method=method, data=json.dumps({"interval": DAY}), headers=JSON_CT)
    assert_raw(resp, 503, messages.NOT_LEADER)
    assert state(follower) == before


def test_overlord_datasources_leader_again_answers_normally(follower: FakeCoordinator, wiki: list[str]) -> None:
    follower.set_leader(True)
    assert_update(follower.client.post(f"{O}/{WIKI}"), 2)


# ====================================================================== the Coordinator's copies agree


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "", None),
        ("DELETE", "", None),
        ("POST", "/markUsed", {"interval": DAY}),
        ("POST", "/markUnused", {"segmentIds": [wiki_id(0), wiki_id(1), "junk"]}),
        ("POST", f"/segments/{wiki_id(1)}", None),
        ("DELETE", f"/segments/{wiki_id(1)}", None),
    ],
)
def test_overlord_and_coordinator_success_answers_and_effects_agree(
    method: str, suffix: str, body: Any
) -> None:
    answers = []
    states = []
    for prefix in (O, P):
        fake = FakeCoordinator("latest", now=NOW)
        seed_wiki(fake, hours=range(6), unused=(1, 4))
        data = None if body is None else json.dumps(body)
        resp = fake.client.open(f"{prefix}/{WIKI}{suffix}", method=method, data=data, headers=JSON_CT)
        answers.append((resp.status_code, resp.get_json()))
        states.append(state(fake))
        fake.check()
    assert answers[0] == answers[1]
    assert states[0] == states[1]
