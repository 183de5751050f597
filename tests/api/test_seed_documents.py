"""The seed documents' examples as tests (``/work/shared/seeds``: Druid's "Data management API" pages).

Each test sends the documented request with the documented headers (``Content-Type: application/json`` and
``Accept: application/json, text/plain``) against the documents' ``wikipedia_hour`` data: hourly segments of
2015-09-12, version ``2023-08-10T04:12:03.860Z`` (``tests.support.seed_wiki``).
"""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from tests.support import DOC_HEADERS, WIKI, seed_wiki, wiki_id

P = "/druid/coordinator/v1/datasources"
#: The interval of the older page's payload table.
EXAMPLE_INTERVAL = "2015-09-12T03:00:00.000Z/2015-09-12T05:00:00.000Z"


def test_doc_mark_segment_unused_by_id(fake: FakeCoordinator, client: FlaskClient) -> None:
    # "updates the segment wikipedia_hour_2015-09-12T16:00:00.000Z_..._2023-08-10T04:12:03.860Z ... as unused"
    seed_wiki(fake)
    segment = "wikipedia_hour_2015-09-12T16:00:00.000Z_2015-09-12T17:00:00.000Z_2023-08-10T04:12:03.860Z"
    assert segment == wiki_id(16)
    resp = client.delete(f"{P}/{WIKI}/segments/{segment}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": True}
    assert fake.segment_ids(WIKI, used=False) == {segment}


def test_doc_mark_segment_used_by_id(fake: FakeCoordinator, client: FlaskClient) -> None:
    # curl --request POST ".../datasources/wikipedia_hour/segments/wikipedia_hour_2015-09-12T18:00:00.000Z_..."
    seed_wiki(fake, unused=(18,))
    segment = "wikipedia_hour_2015-09-12T18:00:00.000Z_2015-09-12T19:00:00.000Z_2023-08-10T04:12:03.860Z"
    resp = client.post(f"{P}/{WIKI}/segments/{segment}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"segmentStateChanged": True}
    assert fake.segment_ids(WIKI, used=False) == set()


def test_doc_mark_unused_example_interval_marks_hours_03_and_04(fake: FakeCoordinator, client: FlaskClient) -> None:
    # Only segments completely inside the interval change; its end is exclusive, so hour 05 stays used.
    seed_wiki(fake)
    body = json.dumps({"interval": EXAMPLE_INTERVAL})
    resp = client.post(f"{P}/{WIKI}/markUnused", data=body, headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 2}
    assert fake.segment_ids(WIKI, used=False) == {wiki_id(3), wiki_id(4)}


def test_doc_mark_used_example_interval_restores_hours_03_and_04(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, unused=(2, 3, 4, 5))
    body = json.dumps({"interval": EXAMPLE_INTERVAL})
    resp = client.post(f"{P}/{WIKI}/markUsed", data=body, headers=DOC_HEADERS)
    assert resp.get_json() == {"numChangedSegments": 2}
    assert fake.segment_ids(WIKI, used=False) == {wiki_id(2), wiki_id(5)}


def test_doc_mark_unused_partially_overlapping_segments_not_affected(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    seed_wiki(fake)
    body = json.dumps({"interval": "2015-09-12T03:30:00.000Z/2015-09-12T05:30:00.000Z"})
    resp = client.post(f"{P}/{WIKI}/markUnused", data=body, headers=DOC_HEADERS)
    assert resp.get_json() == {"numChangedSegments": 1}
    assert fake.segment_ids(WIKI, used=False) == {wiki_id(4)}


def test_doc_mark_unused_placeholder_segment_ids_change_nothing(fake: FakeCoordinator, client: FlaskClient) -> None:
    # The payload table's example ids ["segmentId1", "segmentId2"] are not ids of wikipedia_hour: dropped.
    seed_wiki(fake)
    body = json.dumps({"segmentIds": ["segmentId1", "segmentId2"]})
    resp = client.post(f"{P}/{WIKI}/markUnused", data=body, headers=DOC_HEADERS)
    assert resp.get_json() == {"numChangedSegments": 0}


def test_doc_mark_payload_both_or_none_is_400(fake: FakeCoordinator, client: FlaskClient) -> None:
    # "if both or none are provided in the payload, the API would throw an error (400 BAD REQUEST)"
    seed_wiki(fake)
    for endpoint in ("markUsed", "markUnused"):
        for body in ({}, {"interval": EXAMPLE_INTERVAL, "segmentIds": [wiki_id(3)]}):
            resp = client.post(f"{P}/{WIKI}/{endpoint}", data=json.dumps(body), headers=DOC_HEADERS)
            assert resp.status_code == 400
    assert fake.segment_ids(WIKI, used=False) == set()


def test_doc_mark_all_used_one_eligible_segment(fake: FakeCoordinator, client: FlaskClient) -> None:
    # "wikipedia_hour contains one unused segment eligible to be marked as used" -> {"numChangedSegments": 1}
    seed_wiki(fake, unused=(7,))
    # An unused segment overshadowed by a used one is not eligible.
    fake.add_segment(WIKI, "2015-09-12T08/2015-09-12T09", "2023-01-01T00:00:00.000Z", used=False)
    resp = client.post(f"{P}/{WIKI}", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 1}


def test_doc_mark_all_unused_counts_changed_segments(fake: FakeCoordinator, client: FlaskClient) -> None:
    # "Marks as unused all segments belonging to a datasource. Returns {"numChangedSegments": ...}"
    seed_wiki(fake, unused=(0,))
    resp = client.delete(f"{P}/{WIKI}", headers=DOC_HEADERS)
    assert resp.get_json() == {"numChangedSegments": 22}
    assert fake.segment_ids(WIKI, used=True) == set()


def test_doc_kill_interval_deletes_only_unused_segments(fake: FakeCoordinator, client: FlaskClient) -> None:
    # "sends a kill task to permanently delete segments in wikipedia_hour from 2015-09-12 to 2015-09-13"
    seed_wiki(fake, unused=(1, 2, 3))
    resp = client.delete(f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_data() == b""
    assert fake.segment_ids(WIKI, used=False) == set()
    assert fake.segment_ids(WIKI) == {wiki_id(h) for h in range(23) if h not in (1, 2, 3)}


def test_doc_deprecated_kill_form_deletes_only_unused_segments(fake: FakeCoordinator, client: FlaskClient) -> None:
    # "@Deprecated. /druid/coordinator/v1/datasources/{dataSourceName}?kill=true&interval={myInterval}"
    seed_wiki(fake, unused=(1,))
    resp = client.delete(f"{P}/{WIKI}?kill=true&interval=2015-09-12_2015-09-13", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert fake.segment_ids(WIKI) == {wiki_id(h) for h in range(23) if h != 1}


def test_doc_kill_unknown_datasource_is_200(client: FlaskClient) -> None:
    # "this endpoint returns an HTTP 200 OK response code even if the datasource doesn't exist"
    resp = client.delete(f"{P}/no_such_datasource/intervals/2015-09-12_2015-09-13", headers=DOC_HEADERS)
    assert resp.status_code == 200


def test_doc_mark_all_used_unknown_datasource_is_200(client: FlaskClient) -> None:
    resp = client.post(f"{P}/no_such_datasource", headers=DOC_HEADERS)
    assert resp.status_code == 200
    assert resp.get_json() == {"numChangedSegments": 0}


def test_doc_mark_segment_unused_missing_segment_or_datasource_is_200(
    fake: FakeCoordinator, client: FlaskClient
) -> None:
    seed_wiki(fake, hours=range(2))
    for path in (f"{P}/{WIKI}/segments/{wiki_id(16)}", f"{P}/no_such_datasource/segments/{wiki_id(16)}"):
        resp = client.delete(path, headers=DOC_HEADERS)
        assert resp.status_code == 200
        assert resp.get_json() == {"segmentStateChanged": False}
