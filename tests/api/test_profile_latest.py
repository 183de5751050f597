"""Profile "latest" (Druid 33 and newer) on the Coordinator: the "latest" column of http-api.md.

Covers the write endpoints of the seed documents (sections 2.1 to 2.7: SegmentUpdateResponse bodies, the
``SegmentsToUpdateFilter`` rules with ``versions``, the new error texts, DruidException JSON, the re-wrapping of
Overlord errors, no served-inventory check), the messages of section 6, and the newer shapes of the read
endpoints (section 1.10 and 3.8: SegmentStatusInCluster, DataSegmentPlus, ``projections``, unusedSegments
validation). The same rows for both profiles side by side are in ``test_version_differences.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Response
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakedruid import FakeCoordinator
from fakedruid.api import errors, messages
from fakedruid.profiles import PROFILE_LATEST
from tests.support import NOW, WIKI, seed_wiki, wiki_id

P = "/druid/coordinator/v1/datasources"
M = "/druid/coordinator/v1/metadata"
JSON_CT = {"Content-Type": "application/json"}
NO_JSON_ACCEPT = {"Content-Type": "application/json", "Accept": "*/*"}
DAY = "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
HOURS_00_03 = "2015-09-12T00:00:00.000Z/2015-09-12T03:00:00.000Z"
EARLIER = "2020-01-01T00:00:00.000Z"
DRUIDERR_KEYS = ["error", "errorCode", "persona", "category", "errorMessage", "context"]
DATA_SEGMENT_KEYS = [
    "dataSource",
    "interval",
    "version",
    "loadSpec",
    "dimensions",
    "metrics",
    "projections",
    "shardSpec",
    "binaryVersion",
    "size",
    "identifier",
]


def post_json(client: FlaskClient, path: str, body: Any, headers: dict[str, str] | None = None) -> TestResponse:
    """POST ``body`` encoded as JSON (a str is sent as is)."""
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=data, headers=JSON_CT if headers is None else headers)


def state(fake: FakeCoordinator) -> list[dict[str, Any]]:
    return fake.cluster.export_segments()


def used(fake: FakeCoordinator, datasource: str = WIKI) -> set[str]:
    return fake.segment_ids(datasource, used=True)


def updated_at(fake: FakeCoordinator, segment_id: str) -> int | None:
    record = fake.cluster.record(segment_id)
    assert record is not None
    return record.used_status_last_updated


def assert_update(resp: TestResponse, n: int) -> None:
    """200 SegmentUpdateResponse, keys in SUR order."""
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert list(resp.get_json()) == ["numChangedSegments", "segmentStateChanged"]
    assert resp.get_json() == {"numChangedSegments": n, "segmentStateChanged": n > 0}


def assert_raw(resp: TestResponse, status: int, text: str) -> None:
    assert resp.status_code == status
    assert resp.mimetype == "application/json"
    assert resp.get_data(as_text=True) == text


def assert_invalid_input(resp: TestResponse, message: str) -> None:
    """400 DruidException ``invalidInput`` written with ``ErrorResponse``'s exact key order."""
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


def overlord_400(message: str) -> str:
    """The Overlord's DruidException body as the Coordinator quotes it (compact Jackson JSON)."""
    return (
        '{"error":"druidException","errorCode":"invalidInput","persona":"USER","category":"INVALID_INPUT",'
        f'"errorMessage":"{message}","context":{{}}}}'
    )


def assert_wrapped(resp: TestResponse, status_line: str, overlord_body: str) -> None:
    """The Coordinator's 500 for an Overlord error response (DSR ``updateSegmentsViaOverlord``)."""
    assert resp.status_code == 500
    body = resp.get_json()
    assert list(body) == ["error", "message"]
    assert body == {
        "error": "Unknown server error",
        "message": f"org.apache.druid.rpc.HttpResponseException: Server error [{status_line}]; body: {overlord_body}",
    }


@pytest.fixture
def wiki(fake_latest: FakeCoordinator) -> list[str]:
    """wikipedia_hour hours 00 to 05, hours 01 and 04 unused, last updated long ago."""
    return seed_wiki(fake_latest, hours=range(6), unused=(1, 4), used_status_last_updated=EARLIER)


@pytest.fixture
def conflict_latest() -> FakeCoordinator:
    """Profile "latest" in conflict mode: a used day segment and an unused hour of the same version inside it."""
    coordinator = FakeCoordinator("latest", now=NOW, conflict_mode="druid")
    coordinator.add_segment("c", "2015-09-12/2015-09-13", "v1")
    coordinator.add_segment("c", "2015-09-12T03/2015-09-12T04", "v1", used=False)
    return coordinator


# ====================================================================== 2 intro: re-wrapping Overlord errors


def _rewrap(fake: FakeCoordinator, answer: Response) -> TestResponse:
    with fake.app.test_request_context(f"{P}/{WIKI}", method="POST"):
        out = errors._rewrap_overlord_failure(answer, PROFILE_LATEST)
        return TestResponse(out.get_data(), out.status, out.headers, request=None)  # type: ignore[arg-type]


def test_rewrap_overlord_404_is_druid_exception_overlord_too_old(fake_latest: FakeCoordinator) -> None:
    resp = _rewrap(fake_latest, Response("", status=404))
    assert resp.status_code == 404
    body = json.loads(resp.get_data(as_text=True))
    assert list(body) == DRUIDERR_KEYS
    assert body == {
        "error": "druidException",
        "errorCode": "general",
        "persona": "OPERATOR",
        "category": "NOT_FOUND",
        "errorMessage": messages.OVERLORD_TOO_OLD,
        "context": {},
    }


def test_rewrap_overlord_error_without_body_says_no_body(fake_latest: FakeCoordinator) -> None:
    body = json.loads(_rewrap(fake_latest, Response("", status=503)).get_data(as_text=True))
    assert body["message"] == (
        "org.apache.druid.rpc.HttpResponseException: Server error [503 Service Unavailable]; no body"
    )


def test_rewrap_overlord_error_with_long_body_quotes_its_first_kilobyte(fake_latest: FakeCoordinator) -> None:
    text = "x" * 1500
    body = json.loads(_rewrap(fake_latest, Response(text, status=500)).get_data(as_text=True))
    assert body["message"].endswith(f"[500 Internal Server Error]; first 1KB of body: {'x' * 1000}")


def test_rewrap_overlord_raw_string_is_quoted_as_is(fake_latest: FakeCoordinator) -> None:
    body = json.loads(_rewrap(fake_latest, Response("I am not leader", status=503)).get_data(as_text=True))
    assert body["message"].endswith("[503 Service Unavailable]; body: I am not leader")


def test_mark_all_used_timeline_conflict_is_wrapped_overlord_500(conflict_latest: FakeCoordinator) -> None:
    before = state(conflict_latest)
    resp = conflict_latest.client.post(f"{P}/c", headers=JSON_CT)
    assert resp.status_code == 500
    body = resp.get_json()
    assert body["error"] == "Unknown server error"
    prefix = (
        "org.apache.druid.rpc.HttpResponseException: Server error [500 Internal Server Error]; "
        'body: {"error":"Server error","message":"java.lang.UnsupportedOperationException: '
    )
    assert body["message"].startswith(prefix)
    assert state(conflict_latest) == before
    conflict_latest.check()


# ====================================================================== 2.1 POST P/{ds}


def test_mark_all_used_returns_segment_update_response(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(client_latest.post(f"{P}/{WIKI}", headers=JSON_CT), 2)
    assert used(fake_latest) == set(wiki)


def test_mark_all_used_unknown_datasource_is_zero_false(client_latest: FlaskClient) -> None:
    assert_update(client_latest.post(f"{P}/nope", headers=JSON_CT), 0)


def test_mark_all_used_accept_without_json_is_200(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.post(f"{P}/{WIKI}", headers=NO_JSON_ACCEPT), 2)


def test_mark_all_used_without_accept_header_is_200(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.post(f"{P}/{WIKI}"), 2)


# ====================================================================== 2.2 POST P/{ds}/segments/{id}


def test_mark_segment_used_unused_row_is_one_true(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(client_latest.post(f"{P}/{WIKI}/segments/{wiki[1]}", headers=JSON_CT), 1)
    assert wiki[1] in used(fake_latest)


def test_mark_segment_used_already_used_is_one_true_and_resets_timestamp(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = updated_at(fake_latest, wiki[0])
    assert_update(client_latest.post(f"{P}/{WIKI}/segments/{wiki[0]}", headers=JSON_CT), 1)
    assert updated_at(fake_latest, wiki[0]) != before


def test_mark_segment_used_no_such_row_is_zero_false(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.post(f"{P}/{WIKI}/segments/{wiki_id(20)}", headers=JSON_CT), 0)


def test_mark_segment_used_unparseable_id_is_400_raw_unescaped(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    resp = client_latest.post(f"{P}/a&b/segments/<x>", headers=JSON_CT)
    assert_raw(resp, 400, "Could not parse Segment ID[<x>] for DataSource[a&b]")
    assert state(fake_latest) == before


def test_mark_segment_used_id_of_another_datasource_is_400_and_not_marked(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    other = fake_latest.add_segment("other", "2015-09-12/2015-09-13", "v1", used=False)
    resp = client_latest.post(f"{P}/{WIKI}/segments/{other}", headers=JSON_CT)
    assert_raw(resp, 400, messages.COULD_NOT_PARSE_SEGMENT_ID.format(id=other, ds=WIKI))
    assert used(fake_latest, "other") == set()


def test_mark_segment_used_overshadowed_segment_is_marked(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    fake_latest.add_segment(WIKI, "2015-09-12/2015-09-13", "v2")
    old = fake_latest.add_segment(WIKI, "2015-09-12T03/2015-09-12T04", "v1", used=False)
    assert_update(client_latest.post(f"{P}/{WIKI}/segments/{old}", headers=JSON_CT), 1)
    assert old in used(fake_latest)


def test_mark_segment_used_id_equal_to_datasource_is_uncaught_500(client_latest: FlaskClient) -> None:
    resp = client_latest.post(f"{P}/{WIKI}/segments/{WIKI}", headers=JSON_CT)
    assert resp.status_code == 500
    assert "StringIndexOutOfBoundsException" in resp.get_data(as_text=True)


def test_mark_segment_used_accept_without_json_is_200(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.post(f"{P}/{WIKI}/segments/{wiki[1]}", headers=NO_JSON_ACCEPT), 1)


# ====================================================================== 2.3 markUsed


def test_mark_used_interval_with_versions_marks_only_those_versions(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    other = fake_latest.add_segment(WIKI, "2015-09-12T10/2015-09-12T11", "v0", used=False)
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": DAY, "versions": ["v0"]})
    assert_update(resp, 1)
    assert used(fake_latest) == {wiki[0], wiki[2], wiki[3], wiki[5], other}


def test_mark_used_interval_with_empty_versions_matches_nothing(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": DAY, "versions": []}), 0)
    assert state(fake_latest) == before


def test_mark_used_interval_with_null_version_element_matches_nothing(
    client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": DAY, "versions": [None]}), 0)


def test_mark_used_versions_filter_ignores_used_segments_of_other_versions(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    # Semantics 3.2 trap: the filter also drops used segments from the timeline, so a covering v3 does not
    # stop the v1 candidate; the Coordinator duty turns it off again later.
    fake_latest.add_segment(WIKI, "2015-09-12/2015-09-13", "v3")
    old = fake_latest.add_segment(WIKI, "2015-09-12T03/2015-09-12T04", "v1", used=False)
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": DAY, "versions": ["v1"]}), 1)
    assert old in used(fake_latest)


def test_mark_used_without_versions_keeps_overshadowed_candidate_unused(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    fake_latest.add_segment(WIKI, "2015-09-12/2015-09-13", "v3")
    old = fake_latest.add_segment(WIKI, "2015-09-12T03/2015-09-12T04", "v1", used=False)
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": DAY}), 0)
    assert old not in used(fake_latest)


def test_mark_used_versions_of_wrong_type_is_400_mapping_error(client_latest: FlaskClient) -> None:
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": DAY, "versions": "v1"})
    assert resp.status_code == 400
    # Measured on 33.0.0: the bare Jackson message, no reference chain.
    assert resp.get_json() == {
        "error": "Cannot construct instance of `java.util.ArrayList` (although at least one Creator exists): no "
        "String-argument constructor/factory method to deserialize from String value ('v1')"
    }


def test_mark_used_fully_unused_datasource_is_revived_without_204(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    seed_wiki(fake_latest, hours=range(3), unused=(0, 1, 2))
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUsed", {"interval": DAY}), 3)


def test_mark_used_unknown_ids_is_wrapped_500_and_changes_nothing(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    missing = [wiki_id(20), wiki_id(21)]
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki[1], *missing, missing[0]]})
    message = f"Could not find segment IDs[[{', '.join(missing)}]] for datasource[{WIKI}]"
    assert_wrapped(resp, "400 Bad Request", overlord_400(message))
    assert state(fake_latest) == before


def test_mark_used_unparseable_ids_is_wrapped_500_listing_raw_ids(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"segmentIds": ["x", wiki[1], wiki_id(20), "y"]})
    message = f"Could not parse segment IDs[[x, y]] for datasource[{WIKI}]"
    assert_wrapped(resp, "400 Bad Request", overlord_400(message))
    assert state(fake_latest) == before


def test_mark_used_id_equal_to_datasource_is_wrapped_overlord_500(client_latest: FlaskClient, wiki: list[str]) -> None:
    resp = post_json(client_latest, f"{P}/{WIKI}/markUsed", {"segmentIds": [WIKI]})
    assert resp.status_code == 500
    message = resp.get_json()["message"]
    assert message.startswith(
        'org.apache.druid.rpc.HttpResponseException: Server error [500 Internal Server Error]; body: {"error":'
        '"Server error","message":"java.lang.StringIndexOutOfBoundsException'
    )


# ====================================================================== 2.4 markUnused


def test_mark_unused_interval_with_versions_marks_only_those_versions(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    other = fake_latest.add_segment(WIKI, "2015-09-12T10/2015-09-12T11", "v0")
    resp = post_json(client_latest, f"{P}/{WIKI}/markUnused", {"interval": DAY, "versions": ["v0"]})
    assert_update(resp, 1)
    assert other not in used(fake_latest)
    assert wiki[0] in used(fake_latest)


def test_mark_unused_interval_with_unknown_versions_is_zero(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUnused", {"interval": DAY, "versions": ["nope"]}), 0)


def test_mark_unused_interval_with_empty_versions_is_zero(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = state(fake_latest)
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUnused", {"interval": DAY, "versions": []}), 0)
    assert state(fake_latest) == before


def test_mark_unused_interval_and_empty_ids_acts_on_the_interval(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    resp = post_json(client_latest, f"{P}/{WIKI}/markUnused", {"interval": HOURS_00_03, "segmentIds": []})
    assert_update(resp, 2)
    assert used(fake_latest) == {wiki[3], wiki[5]}


def test_mark_unused_ids_count_existing_rows_and_drop_unparseable(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    body = {"segmentIds": [wiki[0], wiki[1], "junk", wiki_id(20)]}
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUnused", body), 2)
    assert updated_at(fake_latest, wiki[1]) != updated_at(fake_latest, wiki[4])


def test_mark_unused_fully_unused_datasource_is_200_without_204(
    fake_latest: FakeCoordinator, client_latest: FlaskClient
) -> None:
    ids = seed_wiki(fake_latest, hours=range(2), unused=(0, 1))
    assert_update(post_json(client_latest, f"{P}/{WIKI}/markUnused", {"segmentIds": ids}), 2)


# ====================================================================== 2.5 DELETE P/{ds}


def test_mark_all_unused_returns_segment_update_response(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(client_latest.delete(f"{P}/{WIKI}"), 4)
    assert used(fake_latest) == set()


def test_mark_all_unused_unknown_datasource_is_zero_false(client_latest: FlaskClient) -> None:
    assert_update(client_latest.delete(f"{P}/nope"), 0)


def test_mark_all_unused_kill_1_marks_everything_unused(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.delete(f"{P}/{WIKI}?kill=1&interval=2015-09-12_2015-09-13"), 4)


def test_mark_all_unused_kill_true_without_interval_is_uncaught_npe_with_no_page(client_latest: FlaskClient) -> None:
    # Druid 33.0.0: 500 with no body (Jetty's ErrorHandler writes no page for DELETE).
    resp = client_latest.delete(f"{P}/{WIKI}?kill=TRUE")
    assert resp.status == "500 Server Error"
    assert "Content-Type" not in resp.headers
    assert resp.get_data() == b""


# ====================================================================== 2.6 kill


def test_kill_is_200_empty_and_submits_a_task_with_versions_null(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    resp = client_latest.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13")
    assert resp.status_code == 200
    assert resp.get_data() == b""
    assert fake_latest.segment_ids(WIKI) == {wiki[0], wiki[2], wiki[3], wiki[5]}
    (task,) = client_latest.get("/druid/indexer/v1/tasks").get_json()
    payload = client_latest.get(f"/druid/indexer/v1/task/{task['id']}").get_json()["payload"]
    assert payload["versions"] is None
    assert "markAsUnused" not in payload


# ====================================================================== 2.7 DELETE P/{ds}/segments/{id}


def test_mark_segment_unused_used_row_is_one_true(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert_update(client_latest.delete(f"{P}/{WIKI}/segments/{wiki[0]}"), 1)
    assert wiki[0] not in used(fake_latest)


def test_mark_segment_unused_already_unused_is_one_true_and_resets_timestamp(
    fake_latest: FakeCoordinator, client_latest: FlaskClient, wiki: list[str]
) -> None:
    before = updated_at(fake_latest, wiki[1])
    assert_update(client_latest.delete(f"{P}/{WIKI}/segments/{wiki[1]}"), 1)
    assert updated_at(fake_latest, wiki[1]) != before


def test_mark_segment_unused_no_such_row_is_zero_false(client_latest: FlaskClient) -> None:
    assert_update(client_latest.delete(f"{P}/nope/segments/{wiki_id(3).replace(WIKI, 'nope')}"), 0)


def test_mark_segment_unused_unparseable_id_is_400_raw(client_latest: FlaskClient, wiki: list[str]) -> None:
    resp = client_latest.delete(f"{P}/{WIKI}/segments/junk")
    assert_raw(resp, 400, f"Could not parse Segment ID[junk] for DataSource[{WIKI}]")


def test_mark_segment_unused_accept_without_json_is_200(client_latest: FlaskClient, wiki: list[str]) -> None:
    assert_update(client_latest.delete(f"{P}/{WIKI}/segments/{wiki[0]}", headers={"Accept": "*/*"}), 1)


# ====================================================================== 3.8 read shapes


@pytest.fixture
def projected(fake_latest: FakeCoordinator) -> tuple[str, str]:
    """A used segment with projections ``a,b`` and an unused projection-aware one without any."""
    with_projections = fake_latest.add_segment("p", "2015/2016", "v1", projections=["a", "b"], num_rows=5)
    aware = fake_latest.add_segment("p", "2016/2017", "v1", projections=[], used=False)
    return with_projections, aware


@pytest.mark.parametrize(
    "path",
    [
        f"{M}/segments?datasources=p",
        f"{M}/datasources/p/segments?full",
        f"{P}/p/segments?full",
    ],
)
def test_data_segment_carries_projections_after_metrics(
    client_latest: FlaskClient, projected: tuple[str, str], path: str
) -> None:
    (segment,) = client_latest.get(path).get_json()
    assert list(segment) == DATA_SEGMENT_KEYS
    assert segment["projections"] == "a,b"


def test_data_segment_plus_of_projection_aware_segment_has_empty_projections(
    client_latest: FlaskClient, projected: tuple[str, str]
) -> None:
    (entry,) = client_latest.get(f"{M}/datasources/p/unusedSegments").get_json()
    assert list(entry)[:3] == ["dataSegment", "createdDate", "usedStatusLastUpdatedDate"]
    assert entry["dataSegment"]["projections"] == ""
    assert entry["createdDate"] == NOW


def test_data_segment_without_projections_omits_the_key(client_latest: FlaskClient, wiki: list[str]) -> None:
    (segment, *_) = client_latest.get(f"{M}/datasources/{WIKI}/segments?full").get_json()
    assert "projections" not in segment


def test_segment_status_in_cluster_keys_and_values(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    fake_latest.add_segment(WIKI, "2015-09-12/2015-09-13", "v1", num_rows=7)
    fake_latest.add_segment(WIKI, "2015-09-12T03/2015-09-12T04", "v0")
    rules = [{"type": "dropByInterval", "interval": "2015-09-13/2015-09-14"}, {"type": "loadForever"}]
    assert post_json(client_latest, f"/druid/coordinator/v1/rules/{WIKI}", rules).status_code == 200
    fake_latest.add_segment(WIKI, "2015-09-13/2015-09-14", "v1")
    body = client_latest.get(f"{M}/segments?includeOvershadowedStatus").get_json()
    status = [{k: e[k] for k in list(e)[:4]} for e in body]
    status_keys = ["overshadowed", "replicationFactor", "numRows", "realtime"]
    # The status keys first (measured on Druid 33.0.0 by tests/contract/test_differential.py).
    assert [list(e)[:4] for e in body] == [status_keys] * 3
    by_interval = {e["interval"]: s for e, s in zip(body, status)}
    assert by_interval["2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"] == {
        "overshadowed": False,
        "replicationFactor": 2,
        "numRows": 7,
        "realtime": False,
    }
    assert by_interval["2015-09-12T03:00:00.000Z/2015-09-12T04:00:00.000Z"] == {
        "overshadowed": True,
        "replicationFactor": 0,
        "numRows": None,
        "realtime": False,
    }
    assert by_interval["2015-09-13T00:00:00.000Z/2015-09-14T00:00:00.000Z"] == {
        "overshadowed": False,
        "replicationFactor": None,
        "numRows": None,
        "realtime": False,
    }


def test_unused_segments_limit_last_segment_id_and_sort_order(
    client_latest: FlaskClient, fake_latest: FakeCoordinator
) -> None:
    ids = sorted(seed_wiki(fake_latest, hours=range(5), unused=(0, 1, 2, 3, 4)))

    def listed(query: str) -> list[str]:
        resp = client_latest.get(f"{M}/datasources/{WIKI}/unusedSegments{query}")
        assert resp.status_code == 200
        return [e["dataSegment"]["identifier"] for e in resp.get_json()]

    assert listed("?limit=3") == ids[:3]
    assert listed(f"?limit=3&lastSegmentId={ids[2]}") == ids[3:]
    assert listed("?limit=0") == ids
    assert listed("?sortOrder=desc&limit=2") == ids[::-1][:2]
    assert listed(f"?sortOrder=DESC&lastSegmentId={ids[2]}") == ids[1::-1]
    assert listed("?interval=2015-09-12T01_2015-09-12T03") == ids[1:3]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=-1", "Invalid limit[-1] specified. Limit must be > 0."),
        ("lastSegmentId=junk", "Invalid lastSegmentId[junk] specified."),
        ("sortOrder=up", "Unexpected value[up] for SortOrder. Possible values are: [ASC, DESC]"),
        ("interval=2015-09-13_2015-09-12", "Invalid interval[2015-09-13/2015-09-12]: "),
    ],
)
def test_unused_segments_invalid_query_is_400_druid_exception(
    client_latest: FlaskClient, query: str, message: str
) -> None:
    resp = client_latest.get(f"{M}/datasources/{WIKI}/unusedSegments?{query}")
    assert resp.status_code == 400
    body = resp.get_json()
    assert list(body) == DRUIDERR_KEYS
    assert (body["errorCode"], body["persona"], body["category"]) == ("invalidInput", "USER", "INVALID_INPUT")
    assert body["errorMessage"].startswith(message)


def test_unused_segments_last_segment_id_equal_to_datasource_is_500_exception_occurred(
    client_latest: FlaskClient,
) -> None:
    resp = client_latest.get(f"{M}/datasources/{WIKI}/unusedSegments?lastSegmentId={WIKI}")
    assert resp.status_code == 500
    body = resp.get_json()
    assert body["error"] == "Exception occurred."
    assert body["message"].startswith("java.lang.StringIndexOutOfBoundsException")


def test_metadata_segment_unparseable_id_is_400_escaped_as_html4(client_latest: FlaskClient, wiki: list[str]) -> None:
    resp = client_latest.get(f"{M}/datasources/{WIKI}/segments/it's-é")
    assert_raw(resp, 400, f"Could not parse Segment ID[it's-&eacute;] for DataSource[{WIKI}]")


def test_metadata_segment_unused_found_only_with_include_unused_true(
    client_latest: FlaskClient, wiki: list[str]
) -> None:
    assert client_latest.get(f"{M}/datasources/{WIKI}/segments/{wiki[1]}").status_code == 404
    assert client_latest.get(f"{M}/datasources/{WIKI}/segments/{wiki[1]}?includeUnused=1").status_code == 404
    resp = client_latest.get(f"{M}/datasources/{WIKI}/segments/{wiki[1]}?includeUnused=TRUE")
    assert resp.status_code == 200
    assert resp.get_json()["identifier"] == wiki[1]


# ====================================================================== 3.9 status


def test_status_reports_druid_37(client_latest: FlaskClient) -> None:
    assert client_latest.get("/status").get_json()["version"] == "37.0.0"


# ====================================================================== fault injection (semantics 10.9)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", f"{P}/{WIKI}", None),
        ("POST", f"{P}/{WIKI}/markUsed", {"interval": DAY}),
        ("POST", f"{P}/{WIKI}/markUnused", {"interval": DAY}),
        ("DELETE", f"{P}/{WIKI}", None),
        ("POST", f"{P}/{WIKI}/segments/{wiki_id(1)}", None),
        ("DELETE", f"{P}/{WIKI}/segments/{wiki_id(0)}", None),
    ],
)
def test_write_endpoints_overlord_too_old_is_404_druid_exception_and_changes_nothing(
    fake_latest: FakeCoordinator, wiki: list[str], method: str, path: str, body: Any
) -> None:
    fake_latest.overlord_mode = "old"
    before = state(fake_latest)
    data = None if body is None else json.dumps(body)
    resp = fake_latest.client.open(path, method=method, data=data, headers=JSON_CT)
    assert resp.status_code == 404
    assert list(resp.get_json()) == DRUIDERR_KEYS
    assert resp.get_json() == {
        "error": "druidException",
        "errorCode": "general",
        "persona": "OPERATOR",
        "category": "NOT_FOUND",
        "errorMessage": "Could not update segments since Overlord is on an older version.",
        "context": {},
    }
    assert state(fake_latest) == before


def test_write_endpoints_overlord_too_old_still_validate_the_payload_first(
    fake_latest: FakeCoordinator, wiki: list[str]
) -> None:
    fake_latest.overlord_mode = "old"
    assert_raw(post_json(fake_latest.client, f"{P}/{WIKI}/markUsed", {}), 400, messages.INVALID_MARK_PAYLOAD_LATEST)
    resp = fake_latest.client.delete(f"{P}/{WIKI}/segments/junk")
    assert_raw(resp, 400, f"Could not parse Segment ID[junk] for DataSource[{WIKI}]")


def test_write_endpoint_overlord_unreachable_is_500_unknown_server_error(
    fake_latest: FakeCoordinator, wiki: list[str]
) -> None:
    fake_latest.overlord_mode = "unreachable"
    before = state(fake_latest)
    resp = fake_latest.client.post(f"{P}/{WIKI}", headers=JSON_CT)
    assert resp.status_code == 500
    assert resp.get_json() == {
        "error": "Unknown server error",
        "message": "org.apache.druid.rpc.ServiceNotAvailableException: Service [overlord] is not available",
    }
    assert state(fake_latest) == before


def test_overlord_paths_overlord_too_old_are_404(fake_latest: FakeCoordinator, wiki: list[str]) -> None:
    fake_latest.overlord_mode = "old"
    assert fake_latest.client.post(f"/druid/indexer/v1/datasources/{WIKI}").status_code == 404
    assert fake_latest.client.get(f"/druid/indexer/v1/datasources/{WIKI}").status_code == 404
