"""Contract: edge cases a random request sequence rarely reaches (issue 10, item 2).

Layer: tests (contract). Every answer asserted here was measured on real Druid 28.0.0 (profile "29") and 33.0.0
(profile "latest"); where one of them answers otherwise, ``known_differences.py`` says how and why, and the test is
a strict xfail against that release only. Run against a real Druid with ``--druid-real 28.0.0`` or ``33.0.0``.

The Accept cases are the five of profile "29" (http-api 1.5): no header, ``*/*``, ``application/*``,
``text/plain`` and the docs' ``application/json, text/plain`` (the target's default header).
"""

from __future__ import annotations

import json

import pytest
import requests

from fakedruid.profiles import resolve_profile
from fakedruid.testing import DruidTarget
from tests.contract.helpers import (
    INVALID_PAYLOAD,
    OVERLORD,
    M,
    P,
    assert_update,
    before_30,
    before_32,
    bulk,
    forwards_500,
    located,
    segment_id,
    single,
)

R = "/druid/coordinator/v1/rules"
#: Accept values that name no JSON type; ``""`` sends no Accept header at all.
NO_JSON_ACCEPTS = ["", "*/*", "application/*", "text/plain"]
DOCS_ACCEPT = "application/json, text/plain"
HOUR_03 = "2015-09-12T03:00:00.000Z/2015-09-12T04:00:00.000Z"
EMPTY_INTERVAL = "2015-09-12T00:00:00.000Z/2015-09-12T00:00:00.000Z"
#: Joda's ETERNITY, as Druid writes it.
ETERNITY = "-146136543-09-08T08:23:32.096Z/146140482-04-24T15:36:27.903Z"


def _assert_empty(resp: requests.Response, status: int, reason: str, content_type: str | None = None) -> None:
    assert (resp.status_code, resp.reason) == (status, reason), resp.text[:300]
    assert resp.content == b""
    assert resp.headers.get("Content-Type") == content_type


#: The class Jackson names when a markUsed/markUnused payload does not map, per profile.
MARK_PAYLOAD = {
    "29": "org.apache.druid.server.http.DataSourcesResource$MarkDataSourceSegmentsPayload",
    "latest": "org.apache.druid.server.http.SegmentsToUpdateFilter",
    # Druid 30-31 (PR #16141): the filter was an inner class of DataSourcesResource (measured on 31.0.1).
    "31": "org.apache.druid.server.http.DataSourcesResource$SegmentsToUpdateFilter",
}
MARK_PAYLOAD["33"] = MARK_PAYLOAD["latest"]


def _assert_refused(resp: requests.Response, error: str) -> None:
    """Druid's 400 for a body Jackson could not map: ``{"error": <Jackson's message>}``."""
    assert resp.status_code == 400, resp.text[:300]
    assert resp.json() == {"error": error}


def _page_keys(resp: requests.Response) -> list[str]:
    """The keys of a Jetty JSON error page, in the order they were written."""
    return list(json.loads(resp.text, strict=False).keys())


# ---------------------------------------------------------------------- Accept on GET routes


@pytest.mark.parametrize("accept", ["", "*/*", "application/*", DOCS_ACCEPT])
def test_get_json_route_answers_json_for_acceptable_types(coordinator: DruidTarget, accept: str) -> None:
    resp = coordinator.get(f"{M}/datasources", headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json"
    assert isinstance(resp.json(), list)


@pytest.mark.parametrize("path", [f"{M}/datasources", R, "/status", f"{OVERLORD}/task/fd_none/status"])
def test_get_json_route_with_accept_text_plain_is_406(coordinator: DruidTarget, path: str) -> None:
    # @Produces(application/json) and an Accept that excludes it: Jersey's empty 406 before the resource runs.
    _assert_empty(coordinator.get(path, headers={"Accept": "text/plain"}), 406, "Not Acceptable")


def test_empty_json_answers_carry_the_json_type(coordinator: DruidTarget, datasource: str) -> None:
    # Jersey writes the @Produces type even when the resource returns no entity.
    _assert_empty(coordinator.get(f"{M}/datasources/{datasource}"), 404, "Not Found", "application/json")
    resp = coordinator.get(f"{P}/{datasource}/intervals")
    assert resp.status_code == 204
    assert resp.headers.get("Content-Type") == "application/json"


# ---------------------------------------------------------------------- Accept on POST and DELETE routes


@pytest.mark.parametrize("method", ["POST", "DELETE"])
@pytest.mark.parametrize("accept", NO_JSON_ACCEPTS)
def test_single_segment_update_accept_without_json(
    coordinator: DruidTarget, datasource: str, method: str, accept: str
) -> None:
    # Profile "29": no @Produces and a Map result: Jersey finds no writer after the change and answers its own
    # empty 500 (also Druid 33.0.0: ACCEPT_500_33). From 34 on (@Produces, PR #18140) text/plain is a 406.
    path = f"{P}/{datasource}/segments/{segment_id(datasource, 1)}"
    resp = coordinator.request(method, path, headers={"Accept": accept})
    if before_32(coordinator) or forwards_500(coordinator):
        _assert_empty(resp, 500, "Internal Server Error")
    elif accept == "text/plain":
        _assert_empty(resp, 406, "Not Acceptable")
    else:
        assert resp.status_code == 200
        assert resp.json() == single(coordinator, False)


@pytest.mark.parametrize("accept", ["", "*/*", "application/*", DOCS_ACCEPT])
def test_mark_all_unused_acceptable_types(coordinator: DruidTarget, datasource: str, accept: str) -> None:
    resp = coordinator.delete(f"{P}/{datasource}", headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.content == json.dumps(bulk(coordinator, 0), separators=(",", ":")).encode()


@pytest.mark.parametrize(
    "method, path",
    [("DELETE", "{P}/{ds}"), ("POST", "{P}/{ds}/markUnused"), ("POST", "{P}/{ds}/markUsed")],
)
def test_write_route_with_accept_text_plain_is_406(
    coordinator: DruidTarget, datasource: str, method: str, path: str
) -> None:
    # Refused before the body is read and before anything changes.
    resp = coordinator.request(method, path.format(P=P, ds=datasource), data="{", headers={"Accept": "text/plain"})
    _assert_empty(resp, 406, "Not Acceptable")


# ---------------------------------------------------------------------- Content-Type


@pytest.mark.parametrize("path", ["{P}/{ds}/markUnused", "{R}/{ds}"])
@pytest.mark.parametrize("content_type", ["", "text/plain"])
def test_json_body_without_json_content_type_is_415(
    coordinator: DruidTarget, datasource: str, path: str, content_type: str
) -> None:
    body = json.dumps({"interval": HOUR_03}) if "mark" in path else "[]"
    resp = coordinator.post(path.format(P=P, R=R, ds=datasource), data=body, headers={"Content-Type": content_type})
    _assert_empty(resp, 415, "Unsupported Media Type")


# ---------------------------------------------------------------------- Jetty's error pages


def test_unknown_path_page_as_json(coordinator: DruidTarget) -> None:
    resp = coordinator.get("/fd_nothing")
    assert (resp.status_code, resp.reason) == (404, "Not Found")
    assert resp.headers["Content-Type"] == "application/json"
    # HashMap order, Jetty's own quoting, one entry a line.
    assert resp.content == b'{\n"servlet":"default",\n"message":"Not Found",\n"url":"/fd_nothing",\n"status":"404"\n}'


def test_unknown_path_page_as_text(coordinator: DruidTarget) -> None:
    resp = coordinator.get("/fd_nothing", headers={"Accept": "text/plain"})
    assert resp.status_code == 404
    assert resp.headers["Content-Type"] == "text/plain;charset=iso-8859-1"
    lines = ["HTTP ERROR 404 Not Found", "URI: /fd_nothing", "STATUS: 404", "MESSAGE: Not Found", "SERVLET: default"]
    assert resp.text == "\n".join(lines) + "\n"


@pytest.mark.parametrize("accept", ["", "*/*"])
def test_unknown_path_page_as_html(coordinator: DruidTarget, accept: str) -> None:
    resp = coordinator.get("/fd_nothing", headers={"Accept": accept})
    assert resp.status_code == 404
    assert resp.headers["Content-Type"] == "text/html;charset=iso-8859-1"
    assert resp.text.startswith("<html>\n<head>\n")
    assert "<title>Error 404 Not Found</title>" in resp.text
    assert "<tr><th>URI:</th><td>/fd_nothing</td></tr>" in resp.text


def test_unknown_path_page_for_no_writable_type_has_no_body(coordinator: DruidTarget) -> None:
    _assert_empty(coordinator.get("/fd_nothing", headers={"Accept": "application/*"}), 404, "Not Found")


def test_unknown_path_under_jersey_is_empty_404(coordinator: DruidTarget) -> None:
    _assert_empty(coordinator.get("/druid/coordinator/v1/fd_nothing"), 404, "Not Found")


def test_wrong_method_is_405_with_allow(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.request("PUT", f"{P}/{datasource}/markUnused")
    _assert_empty(resp, 405, "Method Not Allowed")
    assert resp.headers["Allow"] == "POST,OPTIONS"


@pytest.mark.parametrize("path", ["/status", f"{M}/datasources", f"{R}/fd_x", f"{OVERLORD}/tasks"])
def test_options_and_trace_are_empty_405(coordinator: DruidTarget, path: str) -> None:
    for method in ("OPTIONS", "TRACE"):
        _assert_empty(coordinator.request(method, path), 405, "Method Not Allowed")


@pytest.mark.parametrize("path", ["/status", f"{M}/datasources"])
def test_head_is_405_page(coordinator: DruidTarget, path: str) -> None:
    # Druid's method filter refuses HEAD with Jetty's page: its type follows Accept, its body is not sent.
    resp = coordinator.request("HEAD", path)
    _assert_empty(resp, 405, "Method Not Allowed", "application/json")


def _page(resp: requests.Response) -> dict[str, str]:
    # Jetty 12 (Druid 37.0.0) writes the newline of Jackson's message raw: not strict JSON.
    page: dict[str, str] = json.loads(resp.text, strict=False)
    return page


def test_malformed_json_body_page_as_json(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data="{")
    assert (resp.status_code, resp.reason) == (500, "Server Error")
    assert resp.headers["Content-Type"] == "application/json"
    raw = resolve_profile(coordinator.profile).error_page_json_raw_controls
    assert (b"\n at [Source:" in resp.content, b"\\n at [Source:" in resp.content) == (raw, not raw)
    page = _page(resp)
    assert _page_keys(resp) == ["cause1", "servlet", "cause0", "message", "url", "status"]
    assert page["url"] == f"{P}/{datasource}/markUnused"
    assert page["status"] == "500"
    eof = "com.fasterxml.jackson.core.io.JsonEOFException: Unexpected end-of-input"
    assert page["cause1"].startswith(eof)
    assert page["cause0"] == page["message"] == "javax.servlet.ServletException: " + page["cause1"]


def test_malformed_json_body_jackson_message(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data="{")
    source = "[Source: (org.eclipse.jetty.server.HttpInputOverHTTP); line: 1, column: "
    if resolve_profile(coordinator.profile).jackson_source_redacted:
        source = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: "
    assert _page(resp)["cause1"] == (
        "com.fasterxml.jackson.core.io.JsonEOFException: Unexpected end-of-input: expected close marker for Object "
        f"(start marker at {source}1])\n at {source}2]"
    )


def test_malformed_json_body_without_writable_page_type(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data="{", headers={"Accept": "application/*"})
    _assert_empty(resp, 500, "Server Error")


@pytest.mark.parametrize("body", ["", "null"])
def test_empty_task_body_is_null_pointer_page(coordinator: DruidTarget, body: str) -> None:
    resp = coordinator.post(f"{OVERLORD}/task", data=body)
    assert (resp.status_code, resp.reason) == (500, "Server Error")
    method = "getDataSource" if before_32(coordinator) else "getDestinationResource"
    npe = (
        f"java.lang.NullPointerException: Cannot invoke &quot;org.apache.druid.indexing.common.task.Task.{method}()"
        "&quot; because &quot;task&quot; is null"
    )
    assert _page_keys(resp) == ["servlet", "cause0", "message", "url", "status"]
    assert resp.json() == {
        "servlet": "default",
        "cause0": npe,
        "message": npe,
        "url": f"{OVERLORD}/task",
        "status": "500",
    }


def test_request_line_over_8_kib_is_414(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.get(f"{P}/{datasource}/segments/{'y' * 9000}")
    # Jetty closes the connection after a bad message: the next test must not reuse it (seen once on 37.0.0 as
    # RemoteDisconnected in the test after this one).
    coordinator.close_connections()
    assert (resp.status_code, resp.reason) == (414, "URI Too Long")
    assert resp.headers["Content-Type"] == "text/html;charset=iso-8859-1"
    if resolve_profile(coordinator.profile).jetty12_bad_message_page:
        # Jetty 12 (Druid 37.0.0): the core error page for the URI /badMessage, HTML whatever the Accept.
        assert resp.headers["Cache-Control"] == "must-revalidate,no-cache,no-store"
        assert "<h2>HTTP ERROR 414 URI Too Long</h2>" in resp.text
        assert "<tr><th>URI:</th><td>/badMessage</td></tr>" in resp.text
        assert "SERVLET" not in resp.text
    else:
        assert resp.text == "<h1>Bad Message 414</h1><pre>reason: URI Too Long</pre>"


# ---------------------------------------------------------------------- markUsed / markUnused payloads


@pytest.mark.parametrize("endpoint", ["markUsed", "markUnused"])
@pytest.mark.parametrize(
    "body",
    ["", "null", "{}", '{"fd_unknown": 1}', json.dumps({"interval": HOUR_03, "segmentIds": ["fd_x_1"]})],
    ids=["empty", "null", "object", "unknown-field", "interval-and-ids"],
)
def test_mark_invalid_payload_is_400(coordinator: DruidTarget, datasource: str, endpoint: str, body: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/{endpoint}", data=body)
    assert resp.status_code == 400
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.text == INVALID_PAYLOAD[coordinator.profile]


@pytest.mark.parametrize("interval", [EMPTY_INTERVAL, ETERNITY], ids=["zero-length", "eternity"])
def test_mark_unused_unknown_datasource_odd_intervals(coordinator: DruidTarget, datasource: str, interval: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"interval": interval})
    if before_30(coordinator):
        # Not served: 204 before anything is read from the metadata store.
        assert resp.status_code == 204
        assert resp.headers.get("Content-Type") == "application/json"
    else:
        assert resp.status_code == 200
        assert resp.json() == bulk(coordinator, 0)


def test_mark_unused_array_body_is_mapping_error(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data="[]")
    payload = MARK_PAYLOAD[coordinator.profile]
    found = "Array value (token `JsonToken.START_ARRAY`)"
    error = located(coordinator, f"Cannot deserialize value of type `{payload}` from {found}", 1, 1)
    _assert_refused(resp, error)


# ---------------------------------------------------------------------- kill through the path


@pytest.mark.parametrize(
    "interval",
    [
        "2015-09-12T00:00:00.000Z_2015-09-13T00:00:00.000Z",
        "2015-09-12T00:00:00.000Z%2F2015-09-13T00:00:00.000Z",
        "2015-09-12_2015-09-13",
        ETERNITY.replace("/", "_"),
    ],
    ids=["underscore", "encoded-slash", "dates", "eternity"],
)
def test_kill_path_interval_forms(coordinator: DruidTarget, datasource: str, interval: str) -> None:
    resp = coordinator.delete(f"{P}/{datasource}/intervals/{interval}")
    _assert_empty(resp, 200, "OK", "application/json")


def _coordinator_kill_task_length(datasource: str, interval: str) -> int:
    """Bytes of the kill task JSON Druid 29.0.1's Coordinator sends the Overlord (``ClientKillUnusedSegmentsTaskQuery``:
    the type id, the creator properties with their nulls, then ``getType()`` again; the id is
    ``api-issued_kill_<ds>_<8 letters>_<start>_<end>_<now>``)."""
    start, end = interval.split("/")
    task_id = f"api-issued_kill_{datasource}_{'x' * 8}_{start}_{end}_{'2026-01-01T00:00:00.000Z'}"
    sent = (
        f'{{"type":"kill","id":"{task_id}","dataSource":"{datasource}","interval":"{interval}","markAsUnused":false,'
        '"batchSize":null,"limit":null,"maxUsedStatusLastUpdatedTime":null,"type":"kill"}'
    )
    return len(sent.encode())


@pytest.mark.parametrize(
    "interval", [EMPTY_INTERVAL, "10000-01-01T00:00:00.000Z/10000-01-01T00:00:00.000Z"], ids=["2015", "year-10000"]
)
def test_kill_zero_length_interval_is_refused_by_the_overlord(
    coordinator: DruidTarget, datasource: str, interval: str
) -> None:
    resp = coordinator.delete(f"{P}/{datasource}/intervals/{interval.replace('/', '_')}")
    # Jersey's reason phrase; Jetty 12 (Druid 37.0.0) writes its own.
    reason = "Server Error" if resolve_profile(coordinator.profile).jetty12_reason_phrases else "Internal Server Error"
    assert (resp.status_code, resp.reason) == (500, reason)
    # The Overlord's Jackson error is located at the closing "}" of the Coordinator's own task JSON.
    error = located(
        coordinator,
        "Cannot construct instance of `org.apache.druid.indexing.common.task.KillUnusedSegmentsTask`, problem: "
        "interval empty",
        1,
        _coordinator_kill_task_length(datasource, interval),
    )
    refused = json.dumps({"error": error}, separators=(",", ":"))
    assert resp.json() == {
        "error": "Exception occurred. Are you sure you have an indexing service?",
        "message": "java.lang.RuntimeException: org.apache.druid.rpc.HttpResponseException: Server error [400 Bad "
        f"Request]; body: {refused}",
    }


def test_kill_task_zero_length_interval_is_400(coordinator: DruidTarget, datasource: str) -> None:
    task = {"type": "kill", "dataSource": datasource, "interval": EMPTY_INTERVAL}
    resp = coordinator.post(f"{OVERLORD}/task", json=task)
    assert resp.status_code == 400
    # The constructor runs when the object ends: Jackson's parser stands on its closing "}".
    column = len(json.dumps(task).encode())
    assert resp.json() == {
        "error": located(
            coordinator,
            "Cannot construct instance of `org.apache.druid.indexing.common.task.KillUnusedSegmentsTask`, "
            "problem: interval empty",
            1,
            column,
        )
    }


# ---------------------------------------------------------------------- ids in paths


@pytest.mark.parametrize(
    "sid",
    [
        "{ds}_2015-09-12T01:00:00.000+05:30_2015-09-12T02:00:00.000Z_2023-08-10T04:12:03.860Z",
        "{ds}_2015-09-12T01%3A00%3A00.000Z_2015-09-12T02%3A00%3A00.000Z_2023-08-10T04%3A12%3A03.860Z",
    ],
    ids=["offset", "encoded-colons"],
)
def test_mark_segment_used_odd_but_parseable_ids(coordinator: DruidTarget, datasource: str, sid: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/segments/{sid.format(ds=datasource)}")
    assert_update(resp, coordinator, single(coordinator, False))


@pytest.mark.parametrize(
    "raw, decoded", [("a+b", "a+b"), ("a%20b", "a b"), ("y" * 5000, "y" * 5000)], ids=["plus", "space", "long"]
)
def test_mark_segment_unparseable_ids(coordinator: DruidTarget, datasource: str, raw: str, decoded: str) -> None:
    for method in ("POST", "DELETE"):
        resp = coordinator.request(method, f"{P}/{datasource}/segments/{raw}")
        if before_32(coordinator):
            assert resp.status_code == 200
            assert resp.json() == single(coordinator, False)
        else:
            assert resp.status_code == 400
            assert resp.text == f"Could not parse Segment ID[{decoded}] for DataSource[{datasource}]"


def test_mark_segment_id_with_encoded_slash(coordinator: DruidTarget, datasource: str) -> None:
    # Jersey matches the raw path: %2F stays inside the {segmentId} segment, then is decoded to "/".
    for method in ("POST", "DELETE"):
        resp = coordinator.request(method, f"{P}/{datasource}/segments/a%2Fb")
        if before_32(coordinator):
            assert resp.json() == single(coordinator, False)
        else:
            assert resp.status_code == 400
            assert resp.text == f"Could not parse Segment ID[a/b] for DataSource[{datasource}]"
    # The served view: no such segment, in both profiles.
    resp = coordinator.get(f"{P}/{datasource}/segments/a%2Fb")
    assert resp.status_code == 204
    assert resp.headers.get("Content-Type") == "application/json"


def test_segment_id_equal_to_datasource(coordinator: DruidTarget, datasource: str) -> None:
    # SegmentId.tryParse reads charAt(dataSource.length()): a runtime exception, so not wrapped by Jersey.
    resp = coordinator.delete(f"{P}/{datasource}/segments/{datasource}")
    _assert_empty(resp, 500, "Server Error")  # no page for DELETE
    if not before_32(coordinator):
        resp = coordinator.post(f"{P}/{datasource}/segments/{datasource}")
        error = f"java.lang.StringIndexOutOfBoundsException: String index out of range: {len(datasource)}"
        assert resp.json() == {
            "servlet": "default",
            "cause0": error,
            "message": error,
            "url": f"{P}/{datasource}/segments/{datasource}",
            "status": "500",
        }


# ---------------------------------------------------------------------- unknown ids


def test_unknown_ids(coordinator: DruidTarget, datasource: str) -> None:
    long_ds = "d" * 5000
    _assert_empty(coordinator.get(f"{M}/datasources/{long_ds}"), 404, "Not Found", "application/json")
    _assert_empty(
        coordinator.get(f"{M}/datasources/{datasource}/segments/{segment_id(datasource, 1)}"),
        404,
        "Not Found",
        "application/json",
    )
    resp = coordinator.get(f"{OVERLORD}/task/fd_none+x:y/status")
    assert resp.status_code == 404
    assert resp.text == "Cannot find any task with id: [fd_none+x:y]"
    resp = coordinator.get(f"{R}/{datasource}")
    assert resp.content == b"[]"


# ---------------------------------------------------------------------- exact bytes


def test_json_answers_are_compact(coordinator: DruidTarget, datasource: str) -> None:
    assert coordinator.get("/druid/coordinator/v1/isLeader").content == b'{"leader":true}'
    assert coordinator.get(f"{OVERLORD}/isLeader").content == b'{"leader":true}'
    expected = (
        b'{"numChangedSegments":0}'
        if before_32(coordinator)
        else (b'{"numChangedSegments":0,"segmentStateChanged":false}')
    )
    assert coordinator.delete(f"{P}/{datasource}").content == expected


def test_worker_config_unset_is_empty_200(coordinator: DruidTarget) -> None:
    _assert_empty(coordinator.get(f"{OVERLORD}/worker"), 200, "OK", "application/json")


# ---------------------------------------------------------------------- rules bodies


@pytest.mark.parametrize(
    "body, found",
    [
        ("{", "Object value (token `JsonToken.START_OBJECT`)"),
        ("{}", "Object value (token `JsonToken.START_OBJECT`)"),
        ('"x"', "String value (token `JsonToken.VALUE_STRING`)"),
    ],
    ids=["malformed-object", "object", "string"],
)
def test_rules_body_not_a_list(coordinator: DruidTarget, datasource: str, body: str, found: str) -> None:
    resp = coordinator.post(f"{R}/{datasource}", data=body)
    rule_list = "java.util.ArrayList<org.apache.druid.server.coordinator.rules.Rule>"
    error = located(coordinator, f"Cannot deserialize value of type `{rule_list}` from {found}", 1, 1)
    _assert_refused(resp, error)
    assert coordinator.get(f"{R}/{datasource}").content == b"[]"


def test_rules_entry_without_type(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{R}/{datasource}", data="[{}]")
    assert resp.status_code == 400
    # Jackson reads the whole object looking for the type id: located at its closing "}".
    assert resp.json() == {
        "error": located(
            coordinator,
            "Could not resolve subtype of [simple type, class org.apache.druid.server.coordinator.rules.Rule]: "
            "missing type id property 'type'",
            1,
            3,
            " (through reference chain: java.util.ArrayList[0])",
        )
    }


@pytest.mark.parametrize("type_id", ["loadPartialForever", "loadPartialByPeriod", "loadPartialByInterval"])
def test_rules_partial_load_type_is_unknown(coordinator: DruidTarget, datasource: str, type_id: str) -> None:
    # The partial-load rule types (PR #19374) are newer than 37.0.0: an unknown type id whose list ends at
    # loadForever, in every profile.
    resp = coordinator.post(f"{R}/{datasource}", json=[{"type": type_id, "tieredReplicants": {"_default_tier": 1}}])
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert f"Could not resolve type id '{type_id}' as a subtype of " in error
    assert (
        "known type ids = [broadcastByInterval, broadcastByPeriod, broadcastForever, dropBeforeByPeriod, "
        "dropByInterval, dropByPeriod, dropForever, loadByInterval, loadByPeriod, loadForever]"
    ) in error
    assert coordinator.get(f"{R}/{datasource}").content == b"[]"


LOAD_FOREVER_JSON = '{"tieredReplicants":{"_default_tier":2},"useDefaultTierForNull":true,"type":"loadForever"}'


@pytest.mark.parametrize(
    "body, stored",
    [("[null]", "[null]"), ('[{"type":"loadForever"}, null]', f"[{LOAD_FOREVER_JSON},null]")],
    ids=["null", "rule-then-null"],
)
def test_rules_null_entry_is_stored(coordinator: DruidTarget, datasource: str, body: str, stored: str) -> None:
    # Jackson reads a null element of the List<Rule> as null and nothing checks the elements (measured on 28.0.0
    # and 37.0.0): 200, and every rules read lists the null. The Coordinator fails on it later (README, "Known
    # differences": RunRules calls appliesTo on it when it has data servers).
    resp = coordinator.post(f"{R}/{datasource}", data=body)
    assert (resp.status_code, resp.content) == (200, b"")
    own = coordinator.eventually(lambda: _assert_rules(coordinator, datasource, stored))
    defaults = coordinator.get(f"{R}/_default").json()
    assert coordinator.get(f"{R}/{datasource}", params={"full": ""}).json() == own + defaults
    assert coordinator.get(R).json()[datasource] == own
    history = coordinator.get(f"{R}/{datasource}/history").json()
    assert [(e["key"], e["type"], e["payload"]) for e in history] == [(datasource, "rules", stored)]


def _assert_rules(coordinator: DruidTarget, datasource: str, stored: str) -> list[object]:
    resp = coordinator.get(f"{R}/{datasource}")
    assert (resp.status_code, resp.text) == (200, stored)
    return list(resp.json())


def test_rules_bad_period(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{R}/{datasource}", data='[{"type":"loadByPeriod","period":"P1X"}]')
    _assert_refused(
        resp,
        'Invalid format: "P1X" is malformed at "1X" (through reference chain: java.util.ArrayList[0]->'
        'org.apache.druid.server.coordinator.rules.PeriodLoadRule["period"])',
    )


def test_get_rules_keys_are_in_java_hash_map_order(coordinator: DruidTarget, datasource: str) -> None:
    # SQLMetadataRuleManager.poll folds the newest rule rows into a java.util.HashMap and keeps its iteration
    # order (ImmutableMap.copyOf): keys by bucket, not "_default" first (measured on 37.0.0 by the differential).
    assert coordinator.post(f"{R}/{datasource}", json=[]).status_code == 200
    coordinator.eventually(lambda: _assert_hash_map_order(coordinator, datasource))


def _assert_hash_map_order(coordinator: DruidTarget, datasource: str) -> None:
    from fakedruid.model.audit import java_hash_set_order

    keys = list(json.loads(coordinator.get(R).text))
    assert datasource in keys and "_default" in keys
    assert keys == java_hash_set_order(keys)


def test_rules_bad_interval_in_second_rule(coordinator: DruidTarget, datasource: str) -> None:
    body = '[{"type":"dropForever"},{"type":"loadByInterval","interval":"bad"}]'
    resp = coordinator.post(f"{R}/{datasource}", data=body)
    assert resp.status_code == 400
    # Intervals.of wraps Joda's error (a deserializer's exception: no location): 29.0.1 "Bad Interval[...]",
    # 31 and newer "Invalid interval[...]" (INTERVAL_WORDING_28 for 28.0.0's bare message).
    wording = "Bad Interval" if before_30(coordinator) else "Invalid interval"
    assert resp.json() == {
        "error": f"{wording}[bad]: [Format requires a '/' separator: bad] (through reference chain: "
        'java.util.ArrayList[1]->org.apache.druid.server.coordinator.rules.IntervalLoadRule["interval"])'
    }


# ---------------------------------------------------------------------- rules: Jackson reading a rule's fields

RULES_PACKAGE = "org.apache.druid.server.coordinator.rules"
_INT_WORD = {False: "int", True: "java.lang.Integer"}  # Jackson 2.12 (28.0.0) and 2.20 (37.0.0)


@pytest.mark.parametrize(
    ("body", "java_class", "problem", "column", "index"),
    [
        ('[{"type":"loadForever","tieredReplicants":{"hot":-1}}]', "ForeverLoadRule", "Value [-1] must be positive.", 53, 0),
        ('[{"type":"loadForever","tieredReplicants":{"hot":null}}]', "ForeverLoadRule", "Value must not be null.", 55, 0),
        ('[{"type":"loadForever","tieredReplicants":{"hot":""}}]', "ForeverLoadRule", "Value must not be null.", 53, 0),
        ('[{"type":"loadForever","tieredReplicants":{"hot":"-1"}}]', "ForeverLoadRule", "Value [-1] must be positive.", 55, 0),
        ('[{"type":"loadForever","tieredReplicants":{"hot":-1e0}}]', "ForeverLoadRule", "Value [-1] must be positive.", 55, 0),
        # Every creator property read: Jackson builds the rule at once, located at the next token.
        (
            '[{"type":"loadForever","tieredReplicants":{"hot":-1},"useDefaultTierForNull":true,"extra":1}]',
            "ForeverLoadRule",
            "Value [-1] must be positive.",
            83,
            0,
        ),
        ('[{"type":"loadForever","tieredReplicants":{"hot":-1},"extra":1}]', "ForeverLoadRule", "Value [-1] must be positive.", 63, 0),
        (
            '[{"type":"loadByPeriod","period":"P1D","includeFuture":true,"tieredReplicants":{"hot":-2},"useDefaultTierForNull":false}]',
            "PeriodLoadRule",
            "Value [-2] must be positive.",
            120,
            0,
        ),
        (
            '[{"type":"dropForever"},{"type":"loadByInterval","tieredReplicants":{"hot":-2},"interval":"2020/2021"}]',
            "IntervalLoadRule",
            "Value [-2] must be positive.",
            102,
            1,
        ),
        ('[{"tieredReplicants":{"hot":-2},"type":"loadForever"}]', "ForeverLoadRule", "Value [-2] must be positive.", 53, 0),
        ('[["loadForever",{"tieredReplicants":{"hot":-2}}]]', "ForeverLoadRule", "Value [-2] must be positive.", 47, 0),
        (
            '[{"type":"loadForever","tieredReplicants":{"a":1,"hot":-1,"b":null}}]',
            "ForeverLoadRule",
            "Value [-1] must be positive.",
            68,
            0,
        ),
    ],
    ids=[
        "negative", "null", "empty-string", "negative-string", "negative-float", "all-creator-properties",
        "extra-field", "period-rule", "second-rule", "type-last", "wrapper-array", "first-bad-tier",
    ],
)
def test_rules_bad_replica_count_is_the_constructor_problem(
    coordinator: DruidTarget, datasource: str, body: str, java_class: str, problem: str, column: int, index: int
) -> None:
    # LoadRule.validateTieredReplicants throws in the @JsonCreator: Jackson's "Cannot construct instance",
    # located where its parser stood, chained to the list element.
    resp = coordinator.post(f"{R}/{datasource}", data=body)
    tier = "hot" if '"hot"' in body else "_default_tier"
    head = (
        f"Cannot construct instance of `{RULES_PACKAGE}.{java_class}`, problem: Invalid number of replicas for tier "
        f"[{tier}]. {problem}"
    )
    chain = f" (through reference chain: java.util.ArrayList[{index}])"
    _assert_refused(resp, located(coordinator, head, 1, column, chain))
    assert coordinator.get(f"{R}/{datasource}").content == b"[]"


def _replicas_chain(tier: str | None = "hot") -> str:
    field = f'java.util.ArrayList[0]->{RULES_PACKAGE}.ForeverLoadRule["tieredReplicants"]'
    key = "" if tier is None else f'->java.util.LinkedHashMap["{tier}"]'
    return f" (through reference chain: {field}{key})"


@pytest.mark.parametrize(
    ("count", "head", "column", "to_key"),
    [
        ('"x"', 'Cannot deserialize value of type `{int}` from String "x": not a valid `{int}` value', 50, True),
        ('"1.7"', 'Cannot deserialize value of type `{int}` from String "1.7": not a valid `{int}` value', 50, True),
        ('"3_0"', 'Cannot deserialize value of type `{int}` from String "3_0": not a valid `{int}` value', 50, True),
        (
            '"99999999999"',
            'Cannot deserialize value of type `{int}` from String "99999999999": Overflow: numeric value '
            "(99999999999) out of range of {range} (-2147483648 -2147483647)",
            50,
            True,
        ),
        (
            '"99999999999999999999"',
            'Cannot deserialize value of type `{int}` from String "99999999999999999999": not a valid `{int}` value',
            50,
            True,
        ),
        ("true", "Cannot deserialize value of type `java.lang.Integer` from Boolean value (token `JsonToken.VALUE_TRUE`)", 50, True),
        ("[3]", "Cannot deserialize value of type `java.lang.Integer` from Array value (token `JsonToken.START_ARRAY`)", 50, True),
        ("{}", "Cannot deserialize value of type `java.lang.Integer` from Object value (token `JsonToken.START_OBJECT`)", 50, True),
        ("99999999999", "Numeric value (99999999999) out of range of int (-2147483648 - 2147483647)", 61, False),
        ("1e20 ", "Numeric value (1e20) out of range of int (-2147483648 - 2147483647)", 54, False),
        ("2147483647.5", "Numeric value (2147483647.5) out of range of int (-2147483648 - 2147483647)", 62, False),
    ],
    ids=[
        "letters", "decimal-string", "underscore", "int-overflow-string", "long-overflow-string", "boolean",
        "array", "object", "int-overflow", "float-overflow", "float-just-over",
    ],
)
def test_rules_replica_count_of_wrong_type(
    coordinator: DruidTarget, datasource: str, count: str, head: str, column: int, to_key: bool
) -> None:
    # A field deserializer's error is located at the value (a number the parser refused: just past it) and
    # chained to the map key; the parser's own overflow error is chained to the field only.
    jackson_220 = _jackson_220(coordinator)
    head = head.format(int=_INT_WORD[jackson_220], range="`java.lang.Integer`" if jackson_220 else "int")
    resp = coordinator.post(f"{R}/{datasource}", data=f'[{{"type":"loadForever","tieredReplicants":{{"hot":{count}}}}}]')
    _assert_refused(resp, located(coordinator, head, 1, column, _replicas_chain("hot" if to_key else None)))


def test_rules_replica_count_blank_string(coordinator: DruidTarget, datasource: str) -> None:
    # Jackson 2.12 refuses a blank string for an Integer; 2.20 reads it as null.
    resp = coordinator.post(f"{R}/{datasource}", data='[{"type":"loadForever","tieredReplicants":{"hot":"  "}}]')
    if _jackson_220(coordinator):
        head = (
            f"Cannot construct instance of `{RULES_PACKAGE}.ForeverLoadRule`, problem: Invalid number of replicas "
            "for tier [hot]. Value must not be null."
        )
        _assert_refused(resp, head)
    else:
        head = (
            "Cannot coerce blank String (all whitespace) to `java.lang.Integer` value (but could if coercion was "
            "enabled using `CoercionConfig`)"
        )
        _assert_refused(resp, located(coordinator, head, 1, 50, _replicas_chain()))


@pytest.mark.parametrize(
    ("value", "head"),
    [
        (
            '"x"',
            "Cannot construct instance of `java.util.LinkedHashMap` (although at least one Creator exists): no "
            "String-argument constructor/factory method to deserialize from String value ('x')",
        ),
        (
            "5",
            "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.Integer>` from "
            "Integer value (token `JsonToken.VALUE_NUMBER_INT`)",
        ),
        (
            "[]",
            "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.Integer>` from "
            "Array value (token `JsonToken.START_ARRAY`)",
        ),
        (
            "true",
            "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.Integer>` from "
            "Boolean value (token `JsonToken.VALUE_TRUE`)",
        ),
    ],
    ids=["string", "number", "array", "boolean"],
)
def test_rules_replicas_not_an_object(coordinator: DruidTarget, datasource: str, value: str, head: str) -> None:
    resp = coordinator.post(f"{R}/{datasource}", data=f'[{{"type":"loadForever","tieredReplicants":{value}}}]')
    _assert_refused(resp, located(coordinator, head, 1, 43, _replicas_chain(None)))


@pytest.mark.parametrize("value", ['""', '"  "'], ids=["empty", "blank"])
def test_rules_replicas_empty_string(coordinator: DruidTarget, datasource: str, value: str) -> None:
    resp = coordinator.post(f"{R}/{datasource}", data=f'[{{"type":"loadForever","tieredReplicants":{value}}}]')
    target = "java.util.LinkedHashMap" if _jackson_220(coordinator) else (
        "java.util.LinkedHashMap<java.lang.String,java.lang.Integer>"
    )
    head = (
        f'Cannot coerce empty String ("") to element of `{target}` (but could if coercion was enabled using '
        "`CoercionConfig`)"
    )
    _assert_refused(resp, located(coordinator, head, 1, 43, _replicas_chain(None)))


@pytest.mark.parametrize(
    ("rule", "stored"),
    [
        ('{"type":"loadForever","tieredReplicants":{"hot":"3"}}', '"tieredReplicants":{"hot":3}'),
        ('{"type":"loadForever","tieredReplicants":{"hot":" +4 "}}', '"tieredReplicants":{"hot":4}'),
        ('{"type":"loadForever","tieredReplicants":{"hot":"\\u0663"}}', '"tieredReplicants":{"hot":3}'),
        ('{"type":"loadForever","tieredReplicants":{"hot":1.7}}', '"tieredReplicants":{"hot":1}'),
        ('{"type":"loadForever","tieredReplicants":{"hot":-0.5}}', '"tieredReplicants":{"hot":0}'),
        ('{"type":"loadForever","useDefaultTierForNull":"false"}', '"tieredReplicants":{},"useDefaultTierForNull":false'),
        ('{"type":"loadForever","useDefaultTierForNull":0}', '"tieredReplicants":{},"useDefaultTierForNull":false'),
        ('{"type":"loadByPeriod","tieredReplicants":{"hot":1}}', '"period":null,"includeFuture":true'),
        ('{"type":"dropByPeriod","period":null}', '"period":null,"includeFuture":true,"type":"dropByPeriod"'),
        ('{"type":"loadByInterval","tieredReplicants":{"hot":1}}', '{"interval":null,"tieredReplicants"'),
        ('{"type":"dropByInterval"}', '[{"interval":null,"type":"dropByInterval"}]'),
        ('{"type":"dropBeforeByPeriod"}', '[{"period":null,"type":"dropBeforeByPeriod"}]'),
        ('{"type":"dropBeforeByPeriod","period":""}', '[{"period":null,"type":"dropBeforeByPeriod"}]'),
        ('{"type":"dropBeforeByPeriod","period":" \\t "}', '[{"period":null,"type":"dropBeforeByPeriod"}]'),
        ('{"type":"dropBeforeByPeriod","period":" P1D "}', '[{"period":"P1D","type":"dropBeforeByPeriod"}]'),
        ('{"type":"broadcastByInterval"}', '[{"interval":null,"type":"broadcastByInterval"}]'),
        ('{"type":"broadcastByPeriod"}', '[{"period":null,"includeFuture":true,"type":"broadcastByPeriod"}]'),
    ],
    ids=[
        "count-string", "count-signed-padded", "count-unicode-digit", "count-float", "count-negative-fraction",
        "boolean-string", "boolean-zero", "load-no-period", "drop-null-period", "load-no-interval", "drop-no-interval",
        "drop-before-no-period", "period-empty", "period-blank", "period-padded", "broadcast-no-interval",
        "broadcast-no-period",
    ],
)
def test_rules_fields_coerced_or_stored_null(coordinator: DruidTarget, datasource: str, rule: str, stored: str) -> None:
    # Jackson coerces scalars (ACCEPT_FLOAT_AS_INT, strings to numbers and booleans); a missing or null interval or
    # period is stored as null, and fails (or counts as zero) only when the Coordinator applies the rule.
    resp = coordinator.post(f"{R}/{datasource}", data=f"[{rule}]")
    assert (resp.status_code, resp.content) == (200, b"")
    text = coordinator.eventually(lambda: _stored_rules(coordinator, datasource))
    assert stored in text


def _stored_rules(coordinator: DruidTarget, datasource: str) -> str:
    resp = coordinator.get(f"{R}/{datasource}")
    assert resp.status_code == 200 and resp.text != "[]"
    return resp.text


@pytest.mark.parametrize(
    ("field", "value", "head", "column"),
    [
        (
            "useDefaultTierForNull",
            '"x"',
            'Cannot deserialize value of type `java.lang.Boolean` from String "x": only "true" or "false" recognized',
            48,
        ),
        (
            "useDefaultTierForNull",
            "[]",
            "Cannot deserialize value of type `java.lang.Boolean` from Array value (token `JsonToken.START_ARRAY`)",
            48,
        ),
    ],
    ids=["string", "array"],
)
def test_rules_boolean_of_wrong_type(
    coordinator: DruidTarget, datasource: str, field: str, value: str, head: str, column: int
) -> None:
    resp = coordinator.post(f"{R}/{datasource}", data=f'[{{"type":"loadForever","{field}":{value}}}]')
    chain = f' (through reference chain: java.util.ArrayList[0]->{RULES_PACKAGE}.ForeverLoadRule["{field}"])'
    _assert_refused(resp, located(coordinator, head, 1, column, chain))


def test_rules_interval_of_wrong_type_is_read_as_text(coordinator: DruidTarget, datasource: str) -> None:
    # JodaStuff.IntervalDeserializer parses getText() of any token; Joda's error is not located.
    resp = coordinator.post(f"{R}/{datasource}", data='[{"type":"dropByInterval","interval":5}]')
    wording = "Bad Interval" if before_30(coordinator) else "Invalid interval"  # as test_rules_bad_interval_in_...
    _assert_refused(
        resp,
        f"{wording}[5]: [Format requires a '/' separator: 5] (through reference chain: java.util.ArrayList[0]->"
        f'{RULES_PACKAGE}.IntervalDropRule["interval"])',
    )


# ---------------------------------------------------------------------- segmentIds of the wrong type


@pytest.mark.parametrize(
    "ids, message",
    [
        (
            "x",
            "Cannot construct instance of `java.util.HashSet` (although at least one Creator exists): no "
            "String-argument constructor/factory method to deserialize from String value ('x')",
        ),
        (
            "",
            'Cannot coerce empty String ("") to element of `java.util.HashSet<java.lang.String>` (but could if '
            "coercion was enabled using `CoercionConfig`)",
        ),
        (
            5,
            "Cannot deserialize value of type `java.util.HashSet<java.lang.String>` from Integer value (token "
            "`JsonToken.VALUE_NUMBER_INT`)",
        ),
        (
            {},
            "Cannot deserialize value of type `java.util.HashSet<java.lang.String>` from Object value (token "
            "`JsonToken.START_OBJECT`)",
        ),
        (
            ["a", {}],
            "Cannot deserialize value of type `java.util.HashSet<java.lang.Object>` from Object value "
            "(token `JsonToken.START_OBJECT`)",
        ),
        ([[]], "Cannot deserialize value of type `java.lang.String` from Array value (token `JsonToken.START_ARRAY`)"),
    ],
    ids=["string", "empty-string", "number", "object", "object-element", "array-element"],
)
def test_mark_unused_segment_ids_of_wrong_type(
    coordinator: DruidTarget, datasource: str, ids: object, message: str
) -> None:
    body = json.dumps({"segmentIds": ids})
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data=body)
    assert resp.status_code == 400
    if resolve_profile(coordinator.profile).jackson_collection_errors_raw_types:
        # Jackson 2.20 (Druid 37.0.0, measured) names raw types here.
        message = message.replace("<java.lang.String>` (but", "` (but").replace(
            "`java.util.HashSet<java.lang.Object>`", "`java.lang.String`"
        )
    # Located at the failing token: the value, or the last element (the bad one in each case here).
    column = body.rindex(json.dumps(ids[-1])) + 1 if isinstance(ids, list) else body.index(": ") + 3
    element = "->java.util.HashSet[" + str(len(ids) - 1) + "]" if isinstance(ids, list) else ""
    # The payload class: 28-29's MarkDataSourceSegmentsPayload, 30-31's inner SegmentsToUpdateFilter (31.0.1).
    chain = f' (through reference chain: {MARK_PAYLOAD[coordinator.profile]}["segmentIds"]{element})'
    assert resp.json() == {"error": located(coordinator, message, 1, column, chain)}


@pytest.mark.parametrize(
    "body, line, column",
    [
        ('{\n  "segmentIds":\n     5}', 3, 6),
        ('{\r\n"segmentIds":\r\r 5}', 4, 2),
        ('{"x":"ééé","segmentIds": 5}', 1, 29),
        ('{"x":"日本語","segmentIds": 5}', 1, 32),
        ('{"x":"😀","segmentIds": 5}', 1, 27),
        ('{"x":"\\"\\\\","segmentIds": 5}', 1, 27),
    ],
    ids=["lines", "carriage-returns", "two-byte", "three-byte", "four-byte", "escapes"],
)
def test_mapping_error_location_counts_lines_and_utf8_bytes(
    coordinator: DruidTarget, datasource: str, body: str, line: int, column: int
) -> None:
    # Measured on 28.0.0: UTF8StreamJsonParser counts lines at \n, \r and \r\n, and columns in bytes.
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data=body.encode())
    assert resp.status_code == 400
    head = (
        "Cannot deserialize value of type `java.util.HashSet<java.lang.String>` from Integer value (token "
        "`JsonToken.VALUE_NUMBER_INT`)"
    )
    chain = f' (through reference chain: {MARK_PAYLOAD[coordinator.profile]}["segmentIds"])'
    assert resp.json() == {"error": located(coordinator, head, line, column, chain)}


@pytest.mark.parametrize(
    "body, column",
    [('[{"type":"dropForever"}, {"a":1, "b":[1,2]}]', 43), ('[{"type":"dropForever"},\n 5]', None)],
    ids=["object", "scalar"],
)
def test_rules_entry_without_type_location(
    coordinator: DruidTarget, datasource: str, body: str, column: int | None
) -> None:
    resp = coordinator.post(f"{R}/{datasource}", data=body)
    assert resp.status_code == 400
    rule = "org.apache.druid.server.coordinator.rules.Rule"
    head = f"Could not resolve subtype of [simple type, class {rule}]: missing type id property 'type'"
    if column is None:
        # A scalar has no type id either: Jackson stands on it (line 2, column 2).
        line, column = 2, 2
    else:
        # An object without a type id: Jackson stands on its closing "}".
        line = 1
    chain = " (through reference chain: java.util.ArrayList[1])"
    assert resp.json() == {"error": located(coordinator, head, line, column, chain)}
    assert coordinator.get(f"{R}/{datasource}").content == b"[]"


def test_mark_unused_unparseable_interval(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUnused", json={"interval": "nope"})
    payload = MARK_PAYLOAD[coordinator.profile]
    wording = "Bad Interval" if before_30(coordinator) else "Invalid interval"
    _assert_refused(
        resp,
        f"{wording}[nope]: [Format requires a '/' separator: nope] (through reference chain: {payload}[\"interval\"])",
    )


# ---------------------------------------------------------------------- Jackson: scalars, wrapper arrays, integers
# Measured on 28.0.0 (Jackson 2.12) and 37.0.0 (Jackson 2.20).

KILL_CLASS = "org.apache.druid.indexing.common.task.KillUnusedSegmentsTask"
TASK_CLASS = "org.apache.druid.indexing.common.task.Task"
#: The Task subtypes of druid-indexing-service (Task.class) and index_sub: 28.0.0 still has the realtime tasks.
TASK_TYPES_28 = (
    "archive, compact, index, index_hadoop, index_parallel, index_realtime, index_realtime_appenderator, index_sub, "
    "kill, move, noop, partial_dimension_cardinality, partial_dimension_distribution, partial_index_generate, "
    "partial_index_generic_merge, partial_range_index_generate, restore, single_phase_sub_task"
)
TASK_TYPES_33 = TASK_TYPES_28.replace("index_realtime, index_realtime_appenderator, ", "")


def _jackson_220(target: DruidTarget) -> bool:
    """Druid 37.0.0 (profile "latest") reads JSON with Jackson 2.20; 28 to 33 with Jackson 2.12."""
    return target.profile == "latest"


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("7", "no int/Int-argument constructor/factory method to deserialize from Number value (7)"),
        (
            "2147483648",
            "no long/Long-argument constructor/factory method to deserialize from Number value (2147483648)",
        ),
        (
            "9223372036854775808",
            "no BigInteger-argument constructor/factory method to deserialize from Number value (9223372036854775808)",
        ),
        ("1e10", "no double/Double-argument constructor/factory method to deserialize from Number value (1.0E10)"),
        ("5e-324", "no double/Double-argument constructor/factory method to deserialize from Number value (4.9E-324)"),
        ("true", "no boolean/Boolean-argument constructor/factory method to deserialize from boolean value (true)"),
        ('" x "', "no String-argument constructor/factory method to deserialize from String value ('x')"),
    ],
    ids=["int", "long", "big-integer", "double", "smallest-double", "boolean", "string"],
)
def test_mark_payload_scalar_body_finds_no_single_argument_creator(
    coordinator: DruidTarget, datasource: str, body: str, found: str
) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUnused", data=body)
    payload = MARK_PAYLOAD[coordinator.profile]
    head = f"Cannot construct instance of `{payload}` (although at least one Creator exists): {found}"
    _assert_refused(resp, located(coordinator, head, 1, 1))


def test_mark_payload_blank_string_body_is_the_empty_string_coercion_error(
    coordinator: DruidTarget, datasource: str
) -> None:
    resp = coordinator.post(f"{P}/{datasource}/markUsed", data='" \\t "')
    payload = MARK_PAYLOAD[coordinator.profile]
    head = (
        f'Cannot coerce empty String ("") to `{payload}` value (but could if coercion was enabled using '
        "`CoercionConfig`)"
    )
    _assert_refused(resp, located(coordinator, head, 1, 1))


def test_task_as_wrapper_array_submits_a_kill_task(coordinator: DruidTarget, datasource: str) -> None:
    # Jackson's As-property type id falls back to a wrapper array: [type id, object]; the object's own type is
    # ignored.
    body = ["kill", {"type": "nope", "dataSource": datasource, "interval": "2000/2001"}]
    resp = coordinator.post(f"{OVERLORD}/task", json=body)
    assert resp.status_code == 200, resp.text[:300]
    task_id = resp.json()["task"]
    assert task_id.startswith(f"kill_{datasource}_")
    payload = coordinator.get(f"{OVERLORD}/task/{task_id}").json()["payload"]
    assert (payload["type"], payload["dataSource"]) == ("kill", datasource)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[]", ("type-id", "END_ARRAY", 2)),
        ("[1]", ("type-id", "VALUE_NUMBER_INT", 2)),
        ("[{}]", ("type-id", "START_OBJECT", 2)),
        (
            '["kill", 7]',
            (
                "head",
                f"Cannot construct instance of `{KILL_CLASS}` (although at least one Creator "
                "exists): no int/Int-argument constructor/factory method to deserialize from Number value (7)",
                10,
            ),
        ),
        (
            '["kill", null]',
            (
                "head",
                f"Cannot deserialize value of type `{KILL_CLASS}` from Null value (token `JsonToken.VALUE_NULL`)",
                10,
            ),
        ),
        ('["kill", {}, 3]', ("head", f"Cannot construct instance of `{KILL_CLASS}`, problem: dataSource", 11)),
        ('["nope"]', ("unknown", "nope", 8)),
        ('["nope", {}]', ("unknown", "nope", 10)),
    ],
    ids=["empty", "number", "object", "kill-number", "kill-null", "kill-no-datasource", "unknown", "unknown-object"],
)
def test_task_wrapper_array_errors(coordinator: DruidTarget, body: str, expected: tuple[str, str, int]) -> None:
    kind, text, column = expected
    new = _jackson_220(coordinator)
    if kind == "type-id" and new and text == "VALUE_NUMBER_INT":
        # Jackson 2.20 reads a number's text as the type id.
        kind, text = "unknown", "1"
    if kind == "type-id":
        need = "String, Number of Boolean value" if new else "JSON String"
        head = (
            f"Unexpected token ({text}), expected VALUE_STRING: need {need} that contains type id (for subtype of "
            f"{TASK_CLASS})"
        )
    elif kind == "unknown":
        # The cluster fakedruid starts runs the Overlord inside the Coordinator (service druid/coordinator); the
        # fake answers as an Overlord of its own would.
        service = "druid/overlord" if coordinator.is_fake else "druid/coordinator"
        known = TASK_TYPES_28 if before_32(coordinator) else TASK_TYPES_33
        head = (
            f"Please make sure to load all the necessary extensions and jars with type '{text}' on '{service}' "
            f"service. Could not resolve type id '{text}' as a subtype of `{TASK_CLASS}` known type ids = [{known}]"
        )
    else:
        head = text
    resp = coordinator.post(f"{OVERLORD}/task", data=body)
    _assert_refused(resp, located(coordinator, head, 1, column))


def test_task_wrapper_array_without_value_is_a_null_task(coordinator: DruidTarget) -> None:
    resp = coordinator.post(f"{OVERLORD}/task", data='["kill"]')
    assert (resp.status_code, resp.reason) == (500, "Server Error")
    method = "getDataSource" if before_32(coordinator) else "getDestinationResource"
    assert f"Task.{method}()&quot; because &quot;task&quot; is null" in resp.json()["message"]


def test_task_wrapper_array_must_end_after_the_value(coordinator: DruidTarget, datasource: str) -> None:
    task = json.dumps({"dataSource": datasource, "interval": "2000/2001"})
    resp = coordinator.post(f"{OVERLORD}/task", data=f'["kill", {task}, 3]')
    closing = "`JsonToken.END_ARRAY`" if _jackson_220(coordinator) else "END_ARRAY"
    head = (
        f"Unexpected token (VALUE_NUMBER_INT), expected END_ARRAY: expected closing {closing} after type "
        "information and deserialized value"
    )
    _assert_refused(resp, located(coordinator, head, 1, len(f'["kill", {task}, ') + 1))
    assert coordinator.get(f"{OVERLORD}/tasks", params={"datasource": datasource}).json() == []


@pytest.mark.parametrize("field", ["batchSize", "limit"])
@pytest.mark.parametrize("value", ['"x"', '"99999999999"', "99999999999"], ids=["string", "long-string", "long"])
def test_kill_task_integer_field_errors(coordinator: DruidTarget, datasource: str, field: str, value: str) -> None:
    prefix = f'{{"type":"kill","dataSource":"{datasource}","interval":"2000/2001","{field}":'
    body = f"{prefix}{value}}}"
    java = "java.lang.Integer" if _jackson_220(coordinator) else "int"
    if value == '"x"':
        head = f'Cannot deserialize value of type `{java}` from String "x": not a valid `{java}` value'
        column = len(prefix) + 1  # on the string
    elif value.startswith('"'):
        bound = "`java.lang.Integer`" if _jackson_220(coordinator) else "int"
        head = (
            f'Cannot deserialize value of type `{java}` from String "99999999999": Overflow: numeric value '
            f"(99999999999) out of range of {bound} (-2147483648 -2147483647)"
        )
        column = len(prefix) + 1
    else:
        head = "Numeric value (99999999999) out of range of int (-2147483648 - 2147483647)"
        column = len(body)  # after the number, on the closing "}"
    chain = f' (through reference chain: {KILL_CLASS}["{field}"])'
    resp = coordinator.post(f"{OVERLORD}/task", data=body)
    _assert_refused(resp, located(coordinator, head, 1, column, chain))


@pytest.mark.parametrize("accept", NO_JSON_ACCEPTS)
def test_rules_errors_without_json_accept(coordinator: DruidTarget, datasource: str, accept: str) -> None:
    # RulesResource has no @Produces: a Map answered with no media type finds no writer for a JSON-less Accept,
    # Jersey's empty 500. The resource's own "Rules cannot be null." is such a Map in every release; a mapping
    # error too before 32, whose exception mapper then began to answer application/json (measured on 28.0.0, 37.0.0).
    null_list = coordinator.post(f"{R}/{datasource}", data="null", headers={"Accept": accept})
    assert (null_list.status_code, null_list.content) == (500, b"")
    mapped = coordinator.post(f"{R}/{datasource}", data="7", headers={"Accept": accept})
    if before_32(coordinator):
        assert (mapped.status_code, mapped.content) == (500, b"")
    else:
        assert (mapped.status_code, mapped.headers["Content-Type"]) == (400, "application/json")
    assert coordinator.get(f"{R}/{datasource}").content == b"[]"
