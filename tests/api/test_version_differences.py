"""Every behaviour that differs between the profiles, as tables: one row per case, both answers side by side.

Each test is parametrized over profiles "29" and "latest"; the expected answer of each profile is written next
to the case, in the order of the spec's tables: http-api.md 0.1, 1.5, 1.10, 2.1 to 2.7, 3.8, 3.9, 4.3, 5.1,
5.4, 6 and the status summary of section 7, then the profile-specific items of the trap checklist
(semantics.md 11). Rows marked "same" belong to a two-column table but answer alike.

Answers are written with the spec's notation: ``JSON`` values as Python values, ``RAW(...)``, ``EMPTY``,
``JETTY(phrase)``, ``DRUIDERR(...)`` and ``WRAPPED(...)`` (the Coordinator's 500 around an Overlord error).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.test import TestResponse

from fakedruid import FakeCoordinator
from fakedruid.api import messages
from tests.support import DOC_HEADERS, NOW, WIKI, WIKI_VERSION, seed_wiki, wiki_id

P = "/druid/coordinator/v1/datasources"
M = "/druid/coordinator/v1/metadata"
O = "/druid/indexer/v1/datasources"
T = "/druid/indexer/v1"
DAY = "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"
#: Hours 00 to 03: holds used hours 00 and 02 and unused hour 01 of the ``wiki`` data.
X = "2015-09-12T00:00:00.000Z/2015-09-12T03:00:00.000Z"
#: A day segment of datasource "other" (seeded unused by the ``other`` fixture).
OTHER = "other_2015-09-12T00:00:00.000Z_2015-09-13T00:00:00.000Z_v1"
NO_JSON_ACCEPT = {"Content-Type": "application/json", "Accept": "*/*"}
INVALID_29 = messages.INVALID_MARK_PAYLOAD_29
INVALID_LATEST = messages.INVALID_MARK_PAYLOAD_LATEST


# ====================================================================== notation


@dataclass(frozen=True)
class RAW:
    """A Java string written unquoted under ``Content-Type: application/json``."""

    text: str


@dataclass(frozen=True)
class JETTY:
    """Jetty's HTML error page naming an uncaught exception; the phrase must appear in it."""

    phrase: str


@dataclass(frozen=True)
class _Empty:
    """No body."""


EMPTY = _Empty()


@dataclass(frozen=True)
class ANY:
    """Any body (the framework's own 404 page, a random task id)."""


@dataclass(frozen=True)
class ERROR:
    """A legacy ``{"error": ..., "message": ...}`` map: ``error`` exact, ``message`` starting with a prefix."""

    error: str
    message_prefix: str = ""


@dataclass(frozen=True)
class CONTAINS:
    """A JSON object whose single key holds a text containing the phrase (Jackson messages, UNCONFIRMED)."""

    key: str
    phrase: str


def DRUIDERR(  # noqa: N802
    message: str, code: str = "invalidInput", persona: str = "USER", category: str = "INVALID_INPUT"
) -> dict[str, Any]:
    """DruidException JSON, keys in ``ErrorResponse`` order."""
    return {
        "error": "druidException",
        "errorCode": code,
        "persona": persona,
        "category": category,
        "errorMessage": message,
        "context": {},
    }


def WRAPPED(status_line: str, overlord_body: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
    """The Coordinator's 500 body for an Overlord error answer (DSR ``updateSegmentsViaOverlord``)."""
    body = json.dumps(overlord_body, separators=(",", ":"))
    return {
        "error": "Unknown server error",
        "message": f"org.apache.druid.rpc.HttpResponseException: Server error [{status_line}]; body: {body}",
    }


def SUR(n: int) -> dict[str, Any]:  # noqa: N802
    """SegmentUpdateResponse."""
    return {"numChangedSegments": n, "segmentStateChanged": n > 0}


def assert_answer(resp: TestResponse, expected: tuple[int, Any]) -> None:
    """Check status and body against the notation above; JSON objects also by key order."""
    status, body = expected
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    text = resp.get_data(as_text=True)
    if isinstance(body, RAW):
        assert resp.mimetype == "application/json"
        assert text == body.text
    elif isinstance(body, JETTY):
        # Jetty's page in the form the Accept header asks for: HTML, or a JSON map for Accept: application/json.
        assert resp.mimetype in ("text/html", "application/json")
        assert body.phrase in (text if resp.mimetype == "text/html" else resp.get_json()["message"])
    elif isinstance(body, _Empty):
        assert resp.get_data() == b""
    elif isinstance(body, ANY):
        pass
    elif isinstance(body, ERROR):
        got = resp.get_json()
        assert list(got) == ["error", "message"]
        assert got["error"] == body.error
        assert got["message"].startswith(body.message_prefix)
    elif isinstance(body, CONTAINS):
        got = resp.get_json()
        assert list(got) == [body.key]
        assert body.phrase in got[body.key]
    else:
        assert resp.mimetype == "application/json"
        got = resp.get_json()
        assert got == body
        if isinstance(body, dict):
            assert list(got) == list(body)


def rows(*table: tuple[Any, ...]) -> pytest.MarkDecorator:
    """Parametrize over a two-column table: each row is ``(case_id, case, answer_29, answer_latest)``.

    The test receives ``druid_version``, ``case`` and ``expected`` (the answer of that profile).
    """
    params = []
    for case_id, case, answer_29, answer_latest in table:
        params.append(pytest.param("29", case, answer_29, id=f"{case_id}-29"))
        params.append(pytest.param("latest", case, answer_latest, id=f"{case_id}-latest"))
    return pytest.mark.parametrize(("druid_version", "case", "expected"), params)


def per_profile(answer_29: Any, answer_latest: Any) -> pytest.MarkDecorator:
    """Parametrize a single-case test over both profiles: ``druid_version`` and ``expected``."""
    return pytest.mark.parametrize(
        ("druid_version", "expected"),
        [pytest.param("29", answer_29, id="29"), pytest.param("latest", answer_latest, id="latest")],
    )


# ====================================================================== fixtures


@pytest.fixture
def coordinator(druid_version: str) -> Iterator[FakeCoordinator]:
    """A coordinator of the parametrized profile with a frozen clock."""
    fake = FakeCoordinator(druid_version, now=NOW)
    yield fake
    fake.check()


@pytest.fixture
def conflicted(druid_version: str) -> Iterator[FakeCoordinator]:
    """Conflict mode: a used day segment of "c" and an unused hour of the same version inside it."""
    fake = FakeCoordinator(druid_version, now=NOW, conflict_mode="druid")
    fake.add_segment("c", "2015-09-12/2015-09-13", "v1")
    fake.add_segment("c", "2015-09-12T03/2015-09-12T04", "v1", used=False)
    yield fake
    fake.check()


@pytest.fixture
def wiki(coordinator: FakeCoordinator) -> list[str]:
    """wikipedia_hour hours 00 to 05; hours 01 and 04 unused."""
    return seed_wiki(coordinator, hours=range(6), unused=(1, 4))


@pytest.fixture
def other(coordinator: FakeCoordinator) -> str:
    """An unused day segment of datasource "other"."""
    return coordinator.add_segment("other", "2015-09-12/2015-09-13", "v1", used=False)


def send(
    fake: FakeCoordinator, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> TestResponse:
    """One request with the headers the Druid docs recommend (``Accept`` naming JSON) unless told otherwise."""
    data = None if body is None else (body if isinstance(body, str) else json.dumps(body))
    return fake.client.open(path, method=method, data=data, headers=DOC_HEADERS if headers is None else headers)


def used(fake: FakeCoordinator, datasource: str = WIKI) -> set[str]:
    return fake.segment_ids(datasource, used=True)


def state(fake: FakeCoordinator) -> list[dict[str, Any]]:
    return fake.cluster.export_segments()


# ====================================================================== H 0.1: the profiles in one table


@per_profile(
    answer_29=((200, {"numChangedSegments": 3}), "all versions"),
    answer_latest=((200, SUR(1)), "v0 only"),
)
def test_versions_in_mark_body_ignored_or_honoured(
    coordinator: FakeCoordinator, wiki: list[str], expected: tuple[tuple[int, Any], str]
) -> None:
    v0 = coordinator.add_segment(WIKI, "2015-09-12T10/2015-09-12T11", "v0", used=False)
    answer, scope = expected
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/markUsed", {"interval": DAY, "versions": ["v0"]}), answer)
    assert v0 in used(coordinator)
    assert (wiki[1] in used(coordinator)) == (scope == "all versions")


@per_profile(answer_29=(200, {"numChangedSegments": 2}), answer_latest=(200, SUR(2)))
def test_bulk_success_body(coordinator: FakeCoordinator, wiki: list[str], expected: tuple[int, Any]) -> None:
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}"), expected)


@per_profile(answer_29=(200, {"segmentStateChanged": True}), answer_latest=(200, SUR(1)))
def test_single_segment_success_body(coordinator: FakeCoordinator, wiki: list[str], expected: tuple[int, Any]) -> None:
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/segments/{wiki[1]}"), expected)


@rows(
    ("markUsed-interval", ("markUsed", "interval"), ((204, EMPTY), 0), ((200, SUR(3)), 3)),
    ("markUnused-ids", ("markUnused", "ids"), ((204, EMPTY), 0), ((200, SUR(2)), 0)),
)
def test_datasource_not_served_on_mark(
    coordinator: FakeCoordinator, case: tuple[str, str], expected: tuple[tuple[int, Any], int]
) -> None:
    ids = seed_wiki(coordinator, hours=range(3), unused=(0, 1, 2))
    action, kind = case
    body = {"interval": DAY} if kind == "interval" else {"segmentIds": ids[:2]}
    before = state(coordinator)
    answer, used_after = expected
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/{action}", body), answer)
    assert len(used(coordinator)) == used_after
    if answer[0] == 204:
        assert state(coordinator) == before


@per_profile(
    answer_29=(404, {"message": f"Cannot find segment ids [{wiki_id(20)}]"}),
    answer_latest=(
        500,
        WRAPPED(
            "400 Bad Request", DRUIDERR(f"Could not find segment IDs[[{wiki_id(20)}]] for datasource[{WIKI}]")
        ),
    ),
)
def test_error_json_legacy_map_or_druid_exception(
    coordinator: FakeCoordinator, wiki: list[str], expected: tuple[int, Any]
) -> None:
    before = state(coordinator)
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki[1], wiki_id(20)]}), expected)
    assert state(coordinator) == before


@per_profile(answer_29=(404, ANY()), answer_latest=(200, SUR(2)))
def test_overlord_data_management_api_exists(
    coordinator: FakeCoordinator, wiki: list[str], expected: tuple[int, Any]
) -> None:
    assert_answer(send(coordinator, "POST", f"{O}/{WIKI}"), expected)


# ====================================================================== H 1.5: the Accept quirk (trap 15)


@rows(
    (
        "POST-ds",
        ("POST", f"{P}/{WIKI}", 1),
        (500, EMPTY),  # Jersey's own empty "500 Internal Server Error" (measured on 28.0.0 and 33.0.0)
        (200, SUR(2)),
    ),
    (
        "POST-segment",
        ("POST", f"{P}/{WIKI}/segments/{wiki_id(1)}", 1),
        (500, EMPTY),  # Jersey's own empty "500 Internal Server Error" (measured on 28.0.0 and 33.0.0)
        (200, SUR(1)),
    ),
    (
        "DELETE-segment",
        ("DELETE", f"{P}/{WIKI}/segments/{wiki_id(0)}", 0),
        (500, EMPTY),  # the same failure, but Jetty's ErrorHandler writes no page for DELETE
        (200, SUR(1)),
    ),
)
def test_accept_without_json_type_after_the_change(
    coordinator: FakeCoordinator, wiki: list[str], case: tuple[str, str, int], expected: tuple[int, Any]
) -> None:
    method, path, hour = case
    assert_answer(send(coordinator, method, path, headers=NO_JSON_ACCEPT), expected)
    # The change is applied in both profiles; only the answer differs.
    assert (wiki[hour] in used(coordinator)) == (method == "POST")


# ====================================================================== H 1.10: JSON shapes


@per_profile(
    answer_29=["dimensions", "metrics", "shardSpec"],
    answer_latest=["dimensions", "metrics", "projections", "shardSpec"],
)
def test_data_segment_projections(coordinator: FakeCoordinator, expected: list[str]) -> None:
    coordinator.add_segment("p", "2015/2016", "v1", projections=["a", "b"])
    (segment,) = send(coordinator, "GET", f"{M}/datasources/p/segments?full").get_json()
    keys = list(segment)
    assert keys[keys.index("dimensions") : keys.index("shardSpec") + 1] == expected


@per_profile(
    answer_29=["overshadowed", "replicationFactor", "numRows", "realtime"],
    # The spec lists handedOff for "latest"; Druid's SegmentStatusInCluster.java has no such key.
    answer_latest=["overshadowed", "replicationFactor", "numRows", "realtime"],
)
def test_segment_status_in_cluster_keys(coordinator: FakeCoordinator, wiki: list[str], expected: list[str]) -> None:
    body = send(coordinator, "GET", f"{M}/segments?includeOvershadowedStatus").get_json()
    # The status keys come first (measured on Druid 33.0.0 by tests/contract/test_differential.py).
    assert all(list(entry)[: len(expected)] == expected for entry in body)


# ====================================================================== H 2.1 POST P/{ds}


@per_profile(answer_29=(200, {"numChangedSegments": 0}), answer_latest=(200, SUR(0)))
def test_mark_all_used_unknown_datasource(coordinator: FakeCoordinator, expected: tuple[int, Any]) -> None:
    assert_answer(send(coordinator, "POST", f"{P}/nope"), expected)


@per_profile(
    answer_29=(500, ERROR("Exception occurred.", "java.lang.UnsupportedOperationException: ")),
    answer_latest=(
        500,
        ERROR(
            "Unknown server error",
            "org.apache.druid.rpc.HttpResponseException: Server error [500 Internal Server Error]; "
            'body: {"error":"Server error","message":"java.lang.UnsupportedOperationException: ',
        ),
    ),
)
def test_mark_all_used_internal_failure(conflicted: FakeCoordinator, expected: tuple[int, Any]) -> None:
    before = state(conflicted)
    assert_answer(send(conflicted, "POST", f"{P}/c"), expected)
    assert state(conflicted) == before


# ====================================================================== H 2.2 POST P/{ds}/segments/{id} (trap 4)


@rows(
    ("unused-row", "unused", ((200, {"segmentStateChanged": True}), True), ((200, SUR(1)), True)),
    ("already-used", "used", ((200, {"segmentStateChanged": True}), True), ((200, SUR(1)), True)),
    ("no-such-row", "missing", ((200, {"segmentStateChanged": False}), False), ((200, SUR(0)), False)),
    (
        "unparseable",
        "junk",
        ((200, {"segmentStateChanged": False}), False),
        ((400, RAW(f"Could not parse Segment ID[junk] for DataSource[{WIKI}]")), False),
    ),
    (
        "id-of-another-datasource",
        "other",
        ((200, {"segmentStateChanged": True}), True),
        ((400, RAW(f"Could not parse Segment ID[{OTHER}] for DataSource[{WIKI}]")), False),
    ),
)
def test_mark_segment_used(
    coordinator: FakeCoordinator,
    wiki: list[str],
    other: str,
    case: str,
    expected: tuple[tuple[int, Any], bool],
) -> None:
    target = {"unused": wiki[1], "used": wiki[0], "missing": wiki_id(20), "junk": "junk", "other": other}[case]
    answer, now_used = expected
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/segments/{target}"), answer)
    datasource = "other" if case == "other" else WIKI
    assert (target in used(coordinator, datasource)) == now_used


@per_profile(
    answer_29=((200, {"segmentStateChanged": True}), True),
    answer_latest=((400, RAW(f"Could not parse Segment ID[{wiki_id(1)}] for DataSource[nope]")), False),
)
def test_mark_segment_used_path_datasource_is_ignored_in_29(
    coordinator: FakeCoordinator, wiki: list[str], expected: tuple[tuple[int, Any], bool]
) -> None:
    answer, marked = expected
    assert_answer(send(coordinator, "POST", f"{P}/nope/segments/{wiki[1]}"), answer)
    assert (wiki[1] in used(coordinator)) == marked


# ====================================================================== H 2.3 markUsed: validity by example

_INVALID = ((400, RAW(INVALID_29)), (400, RAW(INVALID_LATEST)))


@rows(
    ("empty-body", "", *_INVALID),
    ("null", "null", *_INVALID),
    ("empty-object", {}, *_INVALID),
    ("empty-ids", {"segmentIds": []}, *_INVALID),
    ("interval-and-ids", {"interval": X, "segmentIds": [wiki_id(1)]}, *_INVALID),
    ("interval-and-empty-ids", {"interval": X, "segmentIds": []}, (400, RAW(INVALID_29)), (200, SUR(1))),
    ("versions-only", {"versions": ["v1"]}, *_INVALID),
    ("empty-versions-only", {"versions": []}, *_INVALID),
    (
        "ids-and-versions",
        {"segmentIds": [wiki_id(1)], "versions": ["v1"]},
        (200, {"numChangedSegments": 1}),
        (400, RAW(INVALID_LATEST)),
    ),
    ("interval-and-versions", {"interval": X, "versions": ["v1"]}, (200, {"numChangedSegments": 1}), (200, SUR(0))),
    ("interval-and-empty-versions", {"interval": X, "versions": []}, (200, {"numChangedSegments": 1}), (200, SUR(0))),
    ("unknown-fields", {"interval": X, "foo": [1]}, (200, {"numChangedSegments": 1}), (200, SUR(1))),
    (
        "bad-interval",
        {"interval": "2015-09-13/2015-09-12"},
        (400, CONTAINS("error", "Bad Interval[2015-09-13/2015-09-12]")),
        (400, CONTAINS("error", "Invalid interval[2015-09-13/2015-09-12]")),
    ),
)
def test_mark_used_payload_validity(
    coordinator: FakeCoordinator, wiki: list[str], case: Any, expected: tuple[int, Any]
) -> None:
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/markUsed", case), expected)


@rows(
    ("interval-and-empty-ids", {"interval": X, "segmentIds": []}, (400, RAW(INVALID_29)), (200, SUR(2))),
    (
        "ids-and-versions",
        {"segmentIds": [wiki_id(0)], "versions": ["v1"]},
        (200, {"numChangedSegments": 1}),
        (400, RAW(INVALID_LATEST)),
    ),
    ("interval-and-versions", {"interval": X, "versions": ["v1"]}, (200, {"numChangedSegments": 2}), (200, SUR(0))),
    ("interval-and-empty-versions", {"interval": DAY, "versions": []}, (200, {"numChangedSegments": 4}), (200, SUR(0))),
    ("versions-only", {"versions": [WIKI_VERSION]}, (400, RAW(INVALID_29)), (400, RAW(INVALID_LATEST))),
)
def test_mark_unused_payload_validity(
    coordinator: FakeCoordinator, wiki: list[str], case: Any, expected: tuple[int, Any]
) -> None:
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/markUnused", case), expected)


@rows(
    ("markUsed", "markUsed", (400, RAW(INVALID_29)), (400, RAW(INVALID_LATEST))),
    ("markUnused", "markUnused", (400, RAW(INVALID_29)), (400, RAW(INVALID_LATEST))),
)
def test_mark_payload_checked_before_the_served_check(
    coordinator: FakeCoordinator, case: str, expected: tuple[int, Any]
) -> None:
    assert_answer(send(coordinator, "POST", f"{P}/nope/{case}", {}), expected)


# ====================================================================== H 2.3 markUsed: answers


@rows(
    ("interval", {"interval": X}, (200, {"numChangedSegments": 1}), (200, SUR(1))),
    ("ids", {"segmentIds": [wiki_id(1), wiki_id(0)]}, (200, {"numChangedSegments": 1}), (200, SUR(1))),
    (
        "unknown-id",
        {"segmentIds": [wiki_id(1), wiki_id(20)]},
        (404, {"message": f"Cannot find segment ids [{wiki_id(20)}]"}),
        (
            500,
            WRAPPED(
                "400 Bad Request", DRUIDERR(f"Could not find segment IDs[[{wiki_id(20)}]] for datasource[{WIKI}]")
            ),
        ),
    ),
    (
        "unparseable-id",
        {"segmentIds": ["junk", wiki_id(1)]},
        (404, {"message": "Cannot find segment ids [junk]"}),
        (500, WRAPPED("400 Bad Request", DRUIDERR(f"Could not parse segment IDs[[junk]] for datasource[{WIKI}]"))),
    ),
    (
        "id-of-another-datasource",
        {"segmentIds": [OTHER]},
        (404, {"message": f"Cannot find segment ids [{OTHER}]"}),
        (500, WRAPPED("400 Bad Request", DRUIDERR(f"Could not parse segment IDs[[{OTHER}]] for datasource[{WIKI}]"))),
    ),
    ("unknown-datasource", {"interval": X, "datasource": "nope"}, (204, EMPTY), (200, SUR(0))),
)
def test_mark_used_answers(
    coordinator: FakeCoordinator, wiki: list[str], other: str, case: dict[str, Any], expected: tuple[int, Any]
) -> None:
    body = dict(case)
    datasource = body.pop("datasource", WIKI)
    before = state(coordinator)
    resp = send(coordinator, "POST", f"{P}/{datasource}/markUsed", body)
    assert_answer(resp, expected)
    if resp.status_code != 200:
        assert state(coordinator) == before


@per_profile(
    answer_29=(500, ERROR("Exception occurred.", "java.lang.UnsupportedOperationException: ")),
    answer_latest=(500, ERROR("Unknown server error", "org.apache.druid.rpc.HttpResponseException: Server error [500")),
)
def test_mark_used_internal_failure(conflicted: FakeCoordinator, expected: tuple[int, Any]) -> None:
    before = state(conflicted)
    assert_answer(send(conflicted, "POST", f"{P}/c/markUsed", {"interval": "2015-09-12/2015-09-13"}), expected)
    assert state(conflicted) == before


# ====================================================================== H 2.4 markUnused: answers


@rows(
    ("interval", {"interval": X}, (200, {"numChangedSegments": 2}), (200, SUR(2))),
    (
        "ids-count-existing-rows",
        {"segmentIds": [wiki_id(0), wiki_id(1)]},
        (200, {"numChangedSegments": 2}),
        (200, SUR(2)),
    ),
    (
        "all-ids-unparseable-or-unknown",
        {"segmentIds": ["junk", wiki_id(20)]},
        (200, {"numChangedSegments": 0}),
        (200, SUR(0)),
    ),
    (
        "internal-failure",
        {"segmentIds": [wiki_id(0), WIKI]},
        (500, ERROR("Exception occurred.", "java.lang.StringIndexOutOfBoundsException")),
        (
            500,
            ERROR(
                "Unknown server error",
                "org.apache.druid.rpc.HttpResponseException: Server error [500 Internal Server Error]; "
                'body: {"error":"Server error","message":"java.lang.StringIndexOutOfBoundsException',
            ),
        ),
    ),
)
def test_mark_unused_answers(
    coordinator: FakeCoordinator, wiki: list[str], case: Any, expected: tuple[int, Any]
) -> None:
    before = state(coordinator)
    resp = send(coordinator, "POST", f"{P}/{WIKI}/markUnused", case)
    assert_answer(resp, expected)
    if resp.status_code != 200:
        assert state(coordinator) == before


# ====================================================================== H 2.5 DELETE P/{ds}


@rows(
    ("mark-all-unused", WIKI, (200, {"numChangedSegments": 4}), (200, SUR(4))),
    ("unknown-datasource", "nope", (200, {"numChangedSegments": 0}), (200, SUR(0))),
)
def test_mark_all_unused(coordinator: FakeCoordinator, wiki: list[str], case: str, expected: tuple[int, Any]) -> None:
    assert_answer(send(coordinator, "DELETE", f"{P}/{case}"), expected)


# ====================================================================== H 2.7 DELETE P/{ds}/segments/{id}


@rows(
    ("used-row", "used", ((200, {"segmentStateChanged": True}), False), ((200, SUR(1)), False)),
    ("already-unused", "unused", ((200, {"segmentStateChanged": True}), False), ((200, SUR(1)), False)),
    ("no-such-row", "missing", ((200, {"segmentStateChanged": False}), False), ((200, SUR(0)), False)),
    (
        "unparseable",
        "junk",
        ((200, {"segmentStateChanged": False}), False),
        ((400, RAW(f"Could not parse Segment ID[junk] for DataSource[{WIKI}]")), False),
    ),
    (
        "id-of-another-datasource",
        "other",
        ((200, {"segmentStateChanged": False}), False),
        ((400, RAW(f"Could not parse Segment ID[{OTHER}] for DataSource[{WIKI}]")), False),
    ),
)
def test_mark_segment_unused(
    coordinator: FakeCoordinator, wiki: list[str], other: str, case: str, expected: tuple[tuple[int, Any], bool]
) -> None:
    target = {"used": wiki[0], "unused": wiki[1], "missing": wiki_id(20), "junk": "junk", "other": other}[case]
    answer, now_used = expected
    assert_answer(send(coordinator, "DELETE", f"{P}/{WIKI}/segments/{target}"), answer)
    assert (target in used(coordinator)) == now_used


# ====================================================================== H 3.8.5 metadata single segment (trap 20)


@rows(
    (
        "unparseable-id",
        f"{WIKI}/segments/<junk>",
        (404, EMPTY),
        (400, RAW(f"Could not parse Segment ID[&lt;junk&gt;] for DataSource[{WIKI}]")),
    ),
    (
        "id-of-another-datasource-falls-back-in-29",
        f"{WIKI}/segments/{OTHER}?includeUnused=true",
        (200, "other"),
        (400, RAW(f"Could not parse Segment ID[{OTHER}] for DataSource[{WIKI}]")),
    ),
    (
        "same: datasource-without-used-segments",
        f"nope/segments/{wiki_id(0).replace(WIKI, 'nope')}",
        (404, EMPTY),
        (404, EMPTY),
    ),
    ("same: unused-with-include-unused", f"{WIKI}/segments/{wiki_id(1)}?includeUnused=true", (200, WIKI), (200, WIKI)),
)
def test_metadata_segment(
    coordinator: FakeCoordinator, wiki: list[str], other: str, case: str, expected: tuple[int, Any]
) -> None:
    status, owner = expected
    resp = send(coordinator, "GET", f"{M}/datasources/{case}")
    if isinstance(owner, str):
        assert resp.status_code == status
        assert resp.get_json()["dataSource"] == owner
    else:
        assert_answer(resp, expected)


# ====================================================================== H 3.8.7 unusedSegments


@rows(
    (
        "negative-limit",
        "limit=-1",
        (500, JETTY("Invalid limit[-1] specified. Limit must be &gt; 0")),
        (400, DRUIDERR("Invalid limit[-1] specified. Limit must be > 0.")),
    ),
    (
        "unparseable-last-segment-id",
        "lastSegmentId=junk",
        (500, JETTY("DruidException: Invalid lastSegmentId[junk] specified.")),
        (400, DRUIDERR("Invalid lastSegmentId[junk] specified.")),
    ),
    (
        "bad-sort-order",
        "sortOrder=up",
        (500, JETTY("Unexpected value[up] for SortOrder")),
        (400, DRUIDERR("Unexpected value[up] for SortOrder. Possible values are: [ASC, DESC]")),
    ),
    (
        "bad-interval",
        "interval=2015-09-12_junk",
        (500, JETTY("DruidException: Bad Interval[2015-09-12/junk]")),
        (400, CONTAINS("errorMessage", "Invalid interval[2015-09-12/junk]")),
    ),
    ("same: limit-0-means-no-limit", "limit=0", (200, 2), (200, 2)),
)
def test_unused_segments_validation(
    coordinator: FakeCoordinator, wiki: list[str], case: str, expected: tuple[int, Any]
) -> None:
    resp = send(coordinator, "GET", f"{M}/datasources/{WIKI}/unusedSegments?{case}")
    status, body = expected
    if isinstance(body, int):
        assert resp.status_code == status
        assert len(resp.get_json()) == body
    elif isinstance(body, CONTAINS):
        assert resp.status_code == status
        got = resp.get_json()
        assert list(got) == list(DRUIDERR(""))
        assert body.phrase in got[body.key]
    else:
        assert_answer(resp, expected)


# ====================================================================== H 3.9 status


@per_profile(answer_29="29.0.1", answer_latest="37.0.0")
def test_status_version(coordinator: FakeCoordinator, expected: str) -> None:
    assert send(coordinator, "GET", "/status").get_json()["version"] == expected


# ====================================================================== H 5.1 kill task submission


def _kill(coordinator: FakeCoordinator, **fields: Any) -> TestResponse:
    body = {"type": "kill", "dataSource": WIKI, "interval": "2015-09-12/2015-09-13", **fields}
    return send(coordinator, "POST", f"{T}/task", body)


@per_profile(answer_29="used segments in the interval are marked unused, then killed", answer_latest="ignored")
def test_kill_task_mark_as_unused(coordinator: FakeCoordinator, wiki: list[str], expected: str) -> None:
    assert _kill(coordinator, markAsUnused=True).status_code == 200
    remaining = coordinator.segment_ids(WIKI)
    assert remaining == (set() if expected != "ignored" else {wiki[0], wiki[2], wiki[3], wiki[5]})


@per_profile(answer_29="ignored: every version is killed", answer_latest="only v0 is killed")
def test_kill_task_versions(coordinator: FakeCoordinator, wiki: list[str], expected: str) -> None:
    v0 = coordinator.add_segment(WIKI, "2015-09-12T10/2015-09-12T11", "2014-12-31T00:00:00.000Z", used=False)
    assert _kill(coordinator, versions=["2014-12-31T00:00:00.000Z"]).status_code == 200
    assert v0 not in coordinator.segment_ids(WIKI)
    assert (wiki[1] in coordinator.segment_ids(WIKI)) == (expected == "only v0 is killed")


@per_profile(
    answer_29=(400, CONTAINS("error", "limit[1] cannot be provided when markAsUnused is enabled.")),
    answer_latest=(200, ANY()),
)
def test_kill_task_limit_with_mark_as_unused(coordinator: FakeCoordinator, expected: tuple[int, Any]) -> None:
    assert_answer(_kill(coordinator, limit=1, markAsUnused=True), expected)


@per_profile(
    answer_29=(400, {"error": "Task[k1] already exists!"}),
    answer_latest=(400, DRUIDERR("Task[k1] already exists", code="entryAlreadyExists")),
)
def test_kill_task_id_already_exists(coordinator: FakeCoordinator, expected: tuple[int, Any]) -> None:
    assert _kill(coordinator, id="k1").status_code == 200
    assert_answer(_kill(coordinator, id="k1"), expected)


@per_profile(answer_29="markAsUnused: false, no versions", answer_latest="versions: null, no markAsUnused")
def test_coordinator_kill_task_payload(coordinator: FakeCoordinator, expected: str) -> None:
    assert send(coordinator, "DELETE", f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13").status_code == 200
    (task,) = send(coordinator, "GET", f"{T}/tasks").get_json()
    payload = send(coordinator, "GET", f"{T}/task/{task['id']}").get_json()["payload"]
    if expected.startswith("versions"):
        assert payload["versions"] is None
        assert "markAsUnused" not in payload
    else:
        # MarkAsUnused is written only when true (NON_DEFAULT) in the task JSON the Overlord echoes.
        assert payload.get("markAsUnused", False) is False
        assert "versions" not in payload


# ====================================================================== H 5.4 the Overlord's data-management API


@rows(
    ("POST-ds", ("POST", f"{O}/{WIKI}", None), (404, ANY()), (200, SUR(2))),
    ("DELETE-ds", ("DELETE", f"{O}/{WIKI}", None), (404, ANY()), (200, SUR(4))),
    ("POST-markUsed", ("POST", f"{O}/{WIKI}/markUsed", {"interval": X}), (404, ANY()), (200, SUR(1))),
    ("POST-markUnused", ("POST", f"{O}/{WIKI}/markUnused", {"interval": X}), (404, ANY()), (200, SUR(2))),
    ("POST-segment", ("POST", f"{O}/{WIKI}/segments/{wiki_id(1)}", None), (404, ANY()), (200, SUR(1))),
    ("DELETE-segment", ("DELETE", f"{O}/{WIKI}/segments/{wiki_id(0)}", None), (404, ANY()), (200, SUR(1))),
    (
        "unparseable-single-id-escaped",
        ("DELETE", f"{O}/{WIKI}/segments/<b>", None),
        (404, ANY()),
        (400, RAW(f"Could not parse Segment ID[&lt;b&gt;] for DataSource[{WIKI}]")),
    ),
    (
        "unknown-ids-answered-directly",
        ("POST", f"{O}/{WIKI}/markUsed", {"segmentIds": [wiki_id(20)]}),
        (404, ANY()),
        (400, DRUIDERR(f"Could not find segment IDs[[{wiki_id(20)}]] for datasource[{WIKI}]")),
    ),
    (
        "same: no-kill-route",
        ("DELETE", f"{O}/{WIKI}/intervals/2015-09-12_2015-09-13", None),
        (404, ANY()),
        (404, ANY()),
    ),
)
def test_overlord_data_management(
    coordinator: FakeCoordinator, wiki: list[str], case: tuple[str, str, Any], expected: tuple[int, Any]
) -> None:
    method, path, body = case
    assert_answer(send(coordinator, method, path, body), expected)


@per_profile(
    answer_29=(404, ANY()),
    answer_latest=(500, ERROR("Server error", "java.lang.UnsupportedOperationException: ")),
)
def test_overlord_internal_failure(conflicted: FakeCoordinator, expected: tuple[int, Any]) -> None:
    assert_answer(send(conflicted, "POST", f"{O}/c"), expected)


# ====================================================================== H 6 / S 10.9: messages under fault injection


@rows(
    (
        "no-overlord-client",
        ("missing", "DELETE", f"{P}/{WIKI}"),
        (200, {"error": "no indexing service found"}),
        (200, SUR(4)),
    ),
    (
        "overlord-too-old",
        ("old", "POST", f"{P}/{WIKI}"),
        (200, {"numChangedSegments": 2}),
        (404, DRUIDERR(messages.OVERLORD_TOO_OLD, code="general", persona="OPERATOR", category="NOT_FOUND")),
    ),
    (
        "overlord-unreachable",
        ("unreachable", "POST", f"{P}/{WIKI}/markUnused"),
        (200, {"numChangedSegments": 2}),
        (500, ERROR("Unknown server error", "org.apache.druid.rpc.ServiceNotAvailableException: ")),
    ),
)
def test_overlord_fault_on_segment_updates(
    coordinator: FakeCoordinator, wiki: list[str], case: tuple[str, str, str], expected: tuple[int, Any]
) -> None:
    mode, method, path = case
    coordinator.overlord_mode = mode
    body = {"interval": X} if path.endswith("markUnused") else None
    assert_answer(send(coordinator, method, path, body), expected)


# ====================================================================== H 7 status summary of the write endpoints


@rows(
    ("POST-ds-any-datasource", ("POST", f"{P}/nope", None, None), 200, 200),
    ("POST-segment-unparseable-id", ("POST", f"{P}/{WIKI}/segments/junk", None, None), 200, 400),
    ("markUsed-bad-payload", ("POST", f"{P}/{WIKI}/markUsed", {}, None), 400, 400),
    ("markUsed-not-served", ("POST", f"{P}/nope/markUsed", {"interval": X}, None), 204, 200),
    ("markUsed-unknown-ids", ("POST", f"{P}/{WIKI}/markUsed", {"segmentIds": [wiki_id(20)]}, None), 404, 500),
    ("markUsed-ok", ("POST", f"{P}/{WIKI}/markUsed", {"interval": X}, None), 200, 200),
    ("markUnused-bad-payload", ("POST", f"{P}/{WIKI}/markUnused", {}, None), 400, 400),
    ("markUnused-not-served", ("POST", f"{P}/nope/markUnused", {"interval": X}, None), 204, 200),
    ("markUnused-unknown-ids", ("POST", f"{P}/{WIKI}/markUnused", {"segmentIds": [wiki_id(20)]}, None), 200, 200),
    ("markUnused-ok", ("POST", f"{P}/{WIKI}/markUnused", {"interval": X}, None), 200, 200),
    ("DELETE-ds-mark-all", ("DELETE", f"{P}/{WIKI}", None, None), 200, 200),
    ("DELETE-ds-kill-without-interval", ("DELETE", f"{P}/{WIKI}?kill=true", None, None), 500, 500),
    ("DELETE-ds-kill-bad-interval", ("DELETE", f"{P}/{WIKI}?kill=true&interval=junk", None, None), 500, 500),
    ("kill-ok", ("DELETE", f"{P}/{WIKI}/intervals/2015-09-12_2015-09-13", None, None), 200, 200),
    ("kill-bad-interval", ("DELETE", f"{P}/{WIKI}/intervals/junk", None, None), 500, 500),
    ("DELETE-segment-unparseable-id", ("DELETE", f"{P}/{WIKI}/segments/junk", None, None), 200, 400),
    ("DELETE-segment-ok", ("DELETE", f"{P}/{WIKI}/segments/{wiki_id(0)}", None, None), 200, 200),
    ("Map-endpoint-Accept-without-JSON", ("POST", f"{P}/{WIKI}", None, NO_JSON_ACCEPT), 500, 200),
)
def test_write_endpoint_status_summary(
    coordinator: FakeCoordinator, wiki: list[str], case: tuple[str, str, Any, dict[str, str] | None], expected: int
) -> None:
    method, path, body, headers = case
    resp = send(coordinator, method, path, body, headers)
    assert resp.status_code == expected
    if path.endswith("/intervals/2015-09-12_2015-09-13"):
        assert resp.get_data() == b""


# ====================================================================== semantics 11: traps that name a profile


@per_profile(answer_29=(200, {"numChangedSegments": 2}), answer_latest=(200, SUR(0)))
def test_trap_6_empty_versions_mean_nothing_not_all(
    coordinator: FakeCoordinator, wiki: list[str], expected: tuple[int, Any]
) -> None:
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/markUsed", {"interval": DAY, "versions": []}), expected)


@per_profile(
    answer_29=[(204, EMPTY), (200, {"numChangedSegments": 3})],
    answer_latest=[(200, SUR(3)), (200, SUR(0))],
)
def test_trap_9_reviving_a_fully_unused_datasource(
    coordinator: FakeCoordinator, expected: list[tuple[int, Any]]
) -> None:
    seed_wiki(coordinator, hours=range(3), unused=(0, 1, 2))
    mark_used, revive_all = expected
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}/markUsed", {"interval": DAY}), mark_used)
    assert_answer(send(coordinator, "POST", f"{P}/{WIKI}"), revive_all)
    assert len(used(coordinator)) == 3


_OLD = f"{WIKI}_2015-09-12T03:00:00.000Z_2015-09-12T04:00:00.000Z_v1"


@rows(
    ("same: overshadowed-segment-is-marked", WIKI, (200, {"segmentStateChanged": True}), (200, SUR(1))),
    (
        "path-datasource-ignored-in-29",
        "nope",
        (200, {"segmentStateChanged": True}),
        (400, RAW(f"Could not parse Segment ID[{_OLD}] for DataSource[nope]")),
    ),
)
def test_trap_4_single_mark_used(coordinator: FakeCoordinator, case: str, expected: tuple[int, Any]) -> None:
    coordinator.add_segment(WIKI, "2015-09-12/2015-09-13", "v2")
    old = coordinator.add_segment(WIKI, "2015-09-12T03/2015-09-12T04", "v1", used=False)
    assert old == _OLD
    assert_answer(send(coordinator, "POST", f"{P}/{case}/segments/{old}"), expected)
    assert (old in used(coordinator)) == (expected[0] == 200)
