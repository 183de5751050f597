"""The fake's own admin API under /fakedruid/v1 (http-api.md 0.3): seeding, reset, state documents, clock."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from fakedruid.model.intervals import parse_period
from fakedruid.model.rules import DropForever, LoadByPeriod
from fakedruid.model.documents import export_state
from tests.support import NOW, WIKI, WIKI_VERSION, seed_wiki, wiki_id

V1 = "/fakedruid/v1"


def _segment(hour: int, *, version: str = WIKI_VERSION, partition: int = 0, **extra: Any) -> dict[str, Any]:
    """DataSegment JSON of the wikipedia_hour segment starting at ``hour`` on 2015-09-12 (hour < 23)."""
    obj: dict[str, Any] = {
        "dataSource": WIKI,
        "interval": f"2015-09-12T{hour:02d}:00:00.000Z/2015-09-12T{hour + 1:02d}:00:00.000Z",
        "version": version,
        "loadSpec": {"type": "local", "path": f"/druid/segments/{WIKI}/{hour}/index.zip"},
        "dimensions": "channel,page,user",
        "metrics": "count,added",
        "shardSpec": {"type": "numbered", "partitionNum": partition, "partitions": 1},
        "binaryVersion": 9,
        "size": 4096 + hour,
    }
    obj.update(extra)
    return obj


def _state(fake: FakeCoordinator) -> dict[str, Any]:
    # A JSON round trip, so that later changes to the live state cannot alias the snapshot.
    return json.loads(json.dumps(export_state(fake.cluster)))


def _assert_bad_request(response: Any, phrase: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    assert phrase in response.get_data(as_text=True)


# ------------------------------------------------------------------ POST /fakedruid/v1/segments


def test_add_segments_valid_returns_ids_in_input_order(fake: FakeCoordinator, client: FlaskClient) -> None:
    response = client.post(f"{V1}/segments", json=[_segment(5), _segment(1), _segment(3)])

    assert response.status_code == 200
    assert response.json == {"segmentIds": [wiki_id(5), wiki_id(1), wiki_id(3)]}
    assert fake.segment_ids(WIKI, used=True) == {wiki_id(1), wiki_id(3), wiki_id(5)}


def test_add_segments_used_false_seeds_unused(fake: FakeCoordinator, client: FlaskClient) -> None:
    response = client.post(f"{V1}/segments", json=[_segment(1, used=False), _segment(2, used=True), _segment(3)])

    assert response.status_code == 200
    assert fake.segment_ids(WIKI, used=False) == {wiki_id(1)}
    assert fake.segment_ids(WIKI, used=True) == {wiki_id(2), wiki_id(3)}


def test_add_segments_dates_given_are_kept(fake: FakeCoordinator, client: FlaskClient) -> None:
    body = [
        _segment(1, createdDate="2023-08-10T04:13:00.000Z", usedStatusLastUpdatedDate=None),
        _segment(2),
    ]

    assert client.post(f"{V1}/segments", json=body).status_code == 200

    rows = {row["identifier"]: row for row in export_state(fake.cluster)["segments"]}
    assert rows[wiki_id(1)]["createdDate"] == "2023-08-10T04:13:00.000Z"
    assert rows[wiki_id(1)]["usedStatusLastUpdatedDate"] is None
    assert rows[wiki_id(2)]["createdDate"] == NOW
    assert rows[wiki_id(2)]["usedStatusLastUpdatedDate"] == NOW


def test_add_segments_empty_array_adds_nothing(fake: FakeCoordinator, client: FlaskClient) -> None:
    response = client.post(f"{V1}/segments", json=[])

    assert response.status_code == 200
    assert response.json == {"segmentIds": []}
    assert export_state(fake.cluster)["segments"] == []


def test_add_segments_any_content_type_is_read_as_json(fake: FakeCoordinator, client: FlaskClient) -> None:
    response = client.post(f"{V1}/segments", data=json.dumps([_segment(1)]), content_type="text/plain")

    assert response.status_code == 200
    assert response.json == {"segmentIds": [wiki_id(1)]}


_BAD_SEGMENT_BODIES: list[tuple[str, Any, str]] = [
    ("empty", b"", "The request body is empty"),
    ("malformed", b'[{"dataSource": ', "Malformed JSON"),
    ("not_utf8", b"\xff\xfe[]", "not UTF-8"),
    ("object", {"segments": []}, "must be a JSON array of DataSegment objects, got an object"),
    ("null", b"null", "got null"),
    ("element_not_object", [_segment(1), "x"], "segment [1]"),
    ("missing_datasource", [{k: v for k, v in _segment(1).items() if k != "dataSource"}], "[dataSource]"),
    ("bad_interval", [_segment(1, interval="2015-09-12T01/nope")], "[interval]"),
    ("missing_version", [_segment(1, version=None)], "[version]"),
    ("size_not_int", [_segment(1, size="big")], "[size]"),
    ("bad_shard_spec", [_segment(1, shardSpec="numbered")], "shardSpec"),
    ("used_not_bool", [_segment(1, used="false")], "[used]"),
    ("bad_created_date", [_segment(1, createdDate="yesterday")], "[createdDate]"),
    ("duplicate_in_body", [_segment(1), _segment(1)], f"[{wiki_id(1)}] already exists"),
    ("duplicate_of_stored", [_segment(2), _segment(0)], f"[{wiki_id(0)}] already exists"),
    (
        "same_version_conflict",
        [_segment(2, interval="2015-09-12T00:30:00.000Z/2015-09-12T01:30:00.000Z")],
        "with the same version",
    ),
]


@pytest.mark.parametrize(
    ("body", "phrase"), [case[1:] for case in _BAD_SEGMENT_BODIES], ids=[case[0] for case in _BAD_SEGMENT_BODIES]
)
def test_add_segments_bad_body_answers_400_and_changes_nothing(
    fake: FakeCoordinator, client: FlaskClient, body: Any, phrase: str
) -> None:
    seed_wiki(fake, hours=range(0, 1))
    before = _state(fake)
    data = body if isinstance(body, bytes) else json.dumps(body)

    response = client.post(f"{V1}/segments", data=data, content_type="application/json")

    _assert_bad_request(response, phrase)
    assert _state(fake) == before


def test_add_segments_good_then_bad_object_adds_none(fake: FakeCoordinator, client: FlaskClient) -> None:
    response = client.post(f"{V1}/segments", json=[_segment(1), _segment(2), {"dataSource": WIKI}])

    _assert_bad_request(response, "segment [2]")
    assert fake.segment_ids(WIKI) == set()


def test_add_segments_get_method_answers_405(client: FlaskClient) -> None:
    assert client.get(f"{V1}/segments").status_code == 405


# ------------------------------------------------------------------ POST /fakedruid/v1/reset


def test_reset_seeded_state_returns_to_fresh_state(fake: FakeCoordinator, client: FlaskClient) -> None:
    fresh = _state(fake)
    seed_wiki(fake, hours=range(0, 3), unused=(1,))
    with fake.cluster.lock:
        fake.cluster.rules.set_rules(WIKI, [DropForever()], now=fake.cluster.now())

    response = client.post(f"{V1}/reset")

    assert response.status_code == 200
    assert response.json == {}
    assert _state(fake) == fresh


def test_reset_frozen_clock_keeps_clock(client: FlaskClient) -> None:
    client.post(f"{V1}/reset")

    assert client.get(f"{V1}/clock").json == {"now": NOW}


# ------------------------------------------------------------------ GET and PUT /fakedruid/v1/state


def test_get_state_fresh_has_no_segments_and_default_rules(client: FlaskClient) -> None:
    response = client.get(f"{V1}/state")

    assert response.status_code == 200
    assert response.json == {
        "segments": [],
        "rules": {
            "default_key": "_default",
            "rules": {
                "_default": [
                    {"tieredReplicants": {"_default_tier": 2}, "useDefaultTierForNull": True, "type": "loadForever"}
                ]
            },
            "audit": [],
        },
    }


def test_get_state_seeded_lists_rows_with_used_flag_and_dates(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 2), unused=(1,))

    segments = client.get(f"{V1}/state").json["segments"]

    assert [(s["identifier"], s["used"]) for s in segments] == [(wiki_id(0), True), (wiki_id(1), False)]
    assert all(s["createdDate"] == NOW and s["usedStatusLastUpdatedDate"] == NOW for s in segments)


def _seed_varied(fake: FakeCoordinator) -> None:
    seed_wiki(fake, hours=range(0, 4), unused=(2,))
    fake.add_segment(WIKI, "2015-09-12T01/2015-09-12T02", "2015-01-01T00:00:00.000Z", size=7)
    fake.add_segment("other", "2016-01-01/2016-01-02", "v1", partition_num=1, partitions=2, num_rows=12)
    fake.add_segments([_segment(5, createdDate="2020-01-01T00:00:00.000Z", usedStatusLastUpdatedDate=None)])
    with fake.cluster.lock:
        fake.cluster.rules.set_rules(
            WIKI, [LoadByPeriod(parse_period("P1M"), tiered_replicants={"hot": 1}), DropForever()],
            author="me", comment="why", ip="10.0.0.1", now=fake.cluster.now(),
        )


def test_put_state_exported_document_round_trips(fake: FakeCoordinator, client: FlaskClient) -> None:
    _seed_varied(fake)
    document = client.get(f"{V1}/state").json
    client.post(f"{V1}/reset")

    response = client.put(f"{V1}/state", json=document)

    assert response.status_code == 200
    assert response.json == {"numSegments": len(document["segments"])}
    assert client.get(f"{V1}/state").json == document


def test_put_state_into_other_coordinator_gives_same_document(fake: FakeCoordinator, client: FlaskClient) -> None:
    _seed_varied(fake)
    document = client.get(f"{V1}/state").json
    other = FakeCoordinator("latest")

    assert other.client.put(f"{V1}/state", json=document).status_code == 200

    assert other.client.get(f"{V1}/state").json == document


def test_put_state_replaces_existing_segments_and_rules(fake: FakeCoordinator, client: FlaskClient) -> None:
    _seed_varied(fake)
    document = {"segments": [_segment(7, used=False)]}

    assert client.put(f"{V1}/state", json=document).status_code == 200

    state = _state(fake)
    assert [(s["identifier"], s["used"]) for s in state["segments"]] == [(wiki_id(7), False)]
    assert state["rules"] == FakeCoordinator().cluster.rules.to_state()


def test_put_state_empty_object_empties_state(fake: FakeCoordinator, client: FlaskClient) -> None:
    fresh = _state(fake)
    _seed_varied(fake)

    response = client.put(f"{V1}/state", json={})

    assert response.status_code == 200
    assert response.json == {"numSegments": 0}
    assert _state(fake) == fresh


_GOOD_RULES = {"default_key": "_default", "rules": {"_default": [{"type": "loadForever"}]}, "audit": []}

_BAD_STATE_BODIES: list[tuple[str, Any, str]] = [
    ("empty", b"", "The request body is empty"),
    ("malformed", b'{"segments": [', "Malformed JSON"),
    ("array", [], "must be a JSON object, got an array"),
    ("unknown_key", {"segments": [], "tasks": []}, "Unknown key(s) [tasks]"),
    ("segments_not_array", {"segments": {"a": 1}}, "[segments] must be a JSON array"),
    ("segment_not_object", {"segments": [_segment(1), 3]}, "segment [1]"),
    ("invalid_segment", {"segments": [_segment(1, interval="x")]}, "[interval]"),
    ("duplicate_segment", {"segments": [_segment(1), _segment(1)]}, "already exists"),
    (
        "same_version_conflict",
        {"segments": [_segment(1), _segment(1, interval="2015-09-12T01:30:00.000Z/2015-09-12T03:00:00.000Z")]},
        "with the same version",
    ),
    ("rules_not_object", {"rules": []}, "[rules] must be a JSON object"),
    ("rules_unknown_key", {"rules": {**_GOOD_RULES, "history": []}}, "Unknown key(s) [history] in [rules]"),
    ("default_key_not_string", {"rules": {**_GOOD_RULES, "default_key": 3}}, "[rules.default_key]"),
    ("rule_lists_not_object", {"rules": {"rules": [[]]}}, "[rules.rules] must be a JSON object"),
    ("rule_list_not_array", {"rules": {"rules": {WIKI: {"type": "dropForever"}}}}, f"[rules.rules.{WIKI}]"),
    ("unknown_rule_type", {"rules": {"rules": {WIKI: [{"type": "keepForever"}]}}}, f"[rules.rules.{WIKI}[0]]"),
    ("bad_rule_period", {"rules": {"rules": {WIKI: [{"type": "dropByPeriod", "period": "P1X"}]}}}, "[rules.rules"),
    ("empty_default_rules", {"rules": {"rules": {"_default": []}}}, "Cluster-level rules cannot be empty."),
    ("audit_not_array", {"rules": {**_GOOD_RULES, "audit": {}}}, "[rules.audit] must be a JSON array"),
    ("audit_entry_not_object", {"rules": {**_GOOD_RULES, "audit": [1]}}, "[rules.audit[0]]"),
    (
        "audit_entry_missing_key",
        {"rules": {**_GOOD_RULES, "audit": [{"payload": "[]", "audit_time": 0}]}},
        "misses [key]",
    ),
    (
        "audit_time_not_int",
        {"rules": {**_GOOD_RULES, "audit": [{"key": WIKI, "payload": "[]", "audit_time": "2024-01-01"}]}},
        "[audit_time]",
    ),
    (
        "audit_author_not_string",
        {"rules": {**_GOOD_RULES, "audit": [{"key": WIKI, "payload": "[]", "audit_time": 0, "author": 1}]}},
        "[author]",
    ),
    # A bad rules part must leave the segments alone even when the segments part is fine.
    ("good_segments_bad_rules", {"segments": [_segment(9)], "rules": {"rules": {"_default": []}}}, "cannot be empty"),
    # And a bad segments part must leave the rules alone.
    ("bad_segments_good_rules", {"segments": [{}], "rules": _GOOD_RULES}, "[dataSource]"),
]


@pytest.mark.parametrize(
    ("body", "phrase"), [case[1:] for case in _BAD_STATE_BODIES], ids=[case[0] for case in _BAD_STATE_BODIES]
)
def test_put_state_bad_document_answers_400_and_changes_nothing(
    fake: FakeCoordinator, client: FlaskClient, body: Any, phrase: str
) -> None:
    _seed_varied(fake)
    before = _state(fake)
    data = body if isinstance(body, bytes) else json.dumps(body)

    response = client.put(f"{V1}/state", data=data, content_type="application/json")

    _assert_bad_request(response, phrase)
    assert _state(fake) == before


def test_post_state_answers_405(client: FlaskClient) -> None:
    assert client.post(f"{V1}/state", json={}).status_code == 405


# ------------------------------------------------------------------ /fakedruid/v1/clock


def test_get_clock_frozen_returns_now(client: FlaskClient) -> None:
    response = client.get(f"{V1}/clock")

    assert response.status_code == 200
    assert response.json == {"now": NOW}


def test_set_clock_iso_moves_clock(fake: FakeCoordinator, client: FlaskClient) -> None:
    response = client.post(f"{V1}/clock", json={"now": "2030-01-02T03:04:05.006Z"})

    assert response.status_code == 200
    assert response.json == {"now": "2030-01-02T03:04:05.006Z"}
    assert client.get(f"{V1}/clock").json == {"now": "2030-01-02T03:04:05.006Z"}
    assert fake.cluster.now() == 1893553445006


def test_set_clock_offset_normalises_to_utc(client: FlaskClient) -> None:
    response = client.post(f"{V1}/clock", json={"now": "2030-01-02T03:04:05+02:00"})

    assert response.json == {"now": "2030-01-02T01:04:05.000Z"}


def test_set_clock_milliseconds_moves_clock(client: FlaskClient) -> None:
    response = client.post(f"{V1}/clock", json={"now": 0})

    assert response.status_code == 200
    assert response.json == {"now": "1970-01-01T00:00:00.000Z"}


def test_set_clock_system_clock_freezes_it() -> None:
    fake = FakeCoordinator()

    fake.client.post(f"{V1}/clock", json={"now": "2030-01-01T00:00:00.000Z"})

    assert fake.client.get(f"{V1}/clock").json == {"now": "2030-01-01T00:00:00.000Z"}


_BAD_CLOCK_BODIES: list[tuple[str, Any, str]] = [
    ("empty", b"", "The request body is empty"),
    ("malformed", b'{"now": ', "Malformed JSON"),
    ("string", "2030-01-01", "must be a JSON object"),
    ("missing_now", {}, "Missing field [now]"),
    ("unknown_field", {"now": "2030-01-01", "advance": 5}, "Unknown field(s) [advance]"),
    ("null", {"now": None}, "[now] must be an ISO-8601 date-time string or UTC milliseconds, got null"),
    ("boolean", {"now": True}, "got a boolean [true]"),
    ("float", {"now": 1.5}, "got a number [1.5]"),
    ("array", {"now": ["2030-01-01"]}, "got an array"),
    ("unparseable", {"now": "tomorrow"}, "Invalid instant [tomorrow]"),
    ("bad_month", {"now": "2030-13-01T00:00:00Z"}, "Invalid instant [2030-13-01T00:00:00Z]"),
]


@pytest.mark.parametrize(
    ("body", "phrase"), [case[1:] for case in _BAD_CLOCK_BODIES], ids=[case[0] for case in _BAD_CLOCK_BODIES]
)
def test_set_clock_bad_body_answers_400_and_keeps_clock(client: FlaskClient, body: Any, phrase: str) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body)

    response = client.post(f"{V1}/clock", data=data, content_type="application/json")

    _assert_bad_request(response, phrase)
    assert client.get(f"{V1}/clock").json == {"now": NOW}
