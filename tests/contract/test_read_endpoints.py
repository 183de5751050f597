"""Contract: the read endpoints that verify writes: served datasources (http-api 3.1 to 3.4) and the
metadata store (3.8)."""

from __future__ import annotations

from typing import Any

import pytest

from fakedruid.profiles import resolve_profile
from fakedruid.testing import DruidTarget
from tests.contract.helpers import (
    M,
    P,
    before_30,
    before_32,
    instant,
    seed_wiki,
    segment_id,
    segment_json,
    unused_ids,
    used_ids,
)

# ---------------------------------------------------------------------- unknown datasource (any target)


def test_get_datasources_unknown_not_listed(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.get(P)
    assert resp.status_code == 200
    assert datasource not in resp.json()


def test_get_datasource_unknown_is_204(coordinator: DruidTarget, datasource: str) -> None:
    for path in ("", "/intervals", "/segments", f"/segments/{segment_id(datasource, 0)}"):
        resp = coordinator.get(f"{P}/{datasource}{path}")
        assert resp.status_code == 204, path
        assert resp.content == b""


def test_get_metadata_datasource_unknown_is_404(coordinator: DruidTarget, datasource: str) -> None:
    for path in ("", "/segments", f"/segments/{segment_id(datasource, 0)}"):
        resp = coordinator.get(f"{M}/datasources/{datasource}{path}")
        assert resp.status_code == 404, path
        assert resp.content == b""


def test_get_unused_segments_unknown_is_empty_list(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.get(f"{M}/datasources/{datasource}/unusedSegments")
    assert resp.status_code == 200
    assert resp.json() == []


def test_get_tiers_unknown_is_empty_list(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.get(f"{P}/{datasource}/tiers")
    assert resp.status_code == 200
    assert resp.json() == []


def test_get_intervals_unparseable_interval_is_500(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.get(f"{P}/{datasource}/intervals/2015-09-12")
    assert resp.status_code == 500
    # Intervals.of's DruidException escapes the resource: Jetty's page names it (29.0.1 words it "Bad Interval").
    wording = "Bad Interval" if before_30(coordinator) else "Invalid interval"
    error = (
        f"org.apache.druid.error.DruidException: {wording}[2015-09-12]: "
        "[Format requires a &apos;/&apos; separator: 2015-09-12]"
    )
    assert resp.json()["message"] == error


def test_post_metadata_segments_unknown_datasource_is_empty_list(coordinator: DruidTarget, datasource: str) -> None:
    resp = coordinator.post(f"{M}/datasources/{datasource}/segments", json=[f"{instant(0)}/{instant(24)}"])
    assert resp.status_code == 200
    assert resp.json() == []


# ---------------------------------------------------------------------- seeded (fake only)


@pytest.mark.historical
@pytest.mark.fake_only
def test_get_datasources_lists_served_datasource(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2))
    assert datasource in coordinator.get(P).json()
    assert datasource in coordinator.get(f"{M}/datasources").json()


@pytest.mark.fake_only
def test_get_datasources_all_unused_not_listed(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(2), unused=(0, 1))
    assert datasource not in coordinator.get(P).json()
    assert datasource not in coordinator.get(f"{M}/datasources").json()
    assert datasource in coordinator.get(f"{M}/datasources", params={"includeUnused": ""}).json()


@pytest.mark.historical
@pytest.mark.fake_only
def test_get_datasource_simple_properties_count_served_segments(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(3), unused=(2,))
    body = coordinator.get(f"{P}/{datasource}").json()
    assert body["segments"]["count"] == 2
    assert body["segments"]["size"] == 1000 + 1001
    assert body["segments"]["minTime"] == instant(0)
    assert body["segments"]["maxTime"] == instant(2)


@pytest.mark.historical
@pytest.mark.fake_only
def test_get_intervals_newest_first(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(3))
    body = coordinator.get(f"{P}/{datasource}/intervals").json()
    assert body == [f"{instant(h)}/{instant(h + 1)}" for h in (2, 1, 0)]


@pytest.mark.historical
@pytest.mark.fake_only
def test_get_interval_lists_contained_segment_ids(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(4))
    body = coordinator.get(f"{P}/{datasource}/intervals/2015-09-12T01_2015-09-12T03").json()
    assert body == [segment_id(datasource, 1), segment_id(datasource, 2)]


@pytest.mark.historical
@pytest.mark.fake_only
def test_get_segments_lists_served_ids_in_id_order(coordinator: DruidTarget, datasource: str) -> None:
    ids = seed_wiki(coordinator, datasource, hours=range(3), unused=(1,))
    assert coordinator.get(f"{P}/{datasource}/segments").json() == [ids[0], ids[2]]


@pytest.mark.historical
@pytest.mark.fake_only
def test_get_segment_returns_metadata_and_servers(coordinator: DruidTarget, datasource: str) -> None:
    ids = seed_wiki(coordinator, datasource, hours=range(1))
    body: dict[str, Any] = coordinator.get(f"{P}/{datasource}/segments/{ids[0]}").json()
    assert body["metadata"]["identifier"] == ids[0]
    assert body["metadata"]["dimensions"] == "page,user"
    assert body["servers"]


@pytest.mark.historical
@pytest.mark.fake_only
def test_get_metadata_segments_include_overshadowed(coordinator: DruidTarget, datasource: str) -> None:
    # The metadata view lists every used segment; the served view leaves out overshadowed ones.
    seed_wiki(coordinator, datasource, hours=range(1))
    old = coordinator.seed([segment_json(datasource, 0, version="2023-01-01T00:00:00.000Z")])[0]
    assert old in used_ids(coordinator, datasource)
    assert old not in coordinator.get(f"{P}/{datasource}/segments").json()
    statuses = coordinator.get(
        f"{M}/segments", params={"datasources": datasource, "includeOvershadowedStatus": ""}
    ).json()
    assert {s["identifier"]: s["overshadowed"] for s in statuses} == {old: True, segment_id(datasource, 0): False}


@pytest.mark.fake_only
def test_get_metadata_segment_include_unused(coordinator: DruidTarget, datasource: str) -> None:
    ids = seed_wiki(coordinator, datasource, hours=range(2), unused=(1,))
    path = f"{M}/datasources/{datasource}/segments/{ids[1]}"
    assert coordinator.get(path).status_code == 404
    resp = coordinator.get(path, params={"includeUnused": "true"})
    assert resp.status_code == 200
    assert resp.json()["identifier"] == ids[1]


@pytest.mark.fake_only
def test_get_unused_segments_lists_unused_rows(coordinator: DruidTarget, datasource: str) -> None:
    ids = seed_wiki(coordinator, datasource, hours=range(3), unused=(0, 2))
    assert unused_ids(coordinator, datasource) == {ids[0], ids[2]}
    rows = coordinator.get(f"{M}/datasources/{datasource}/unusedSegments", params={"limit": "1"}).json()
    assert len(rows) == 1
    keys = ["dataSegment", "createdDate", "usedStatusLastUpdatedDate"]
    profile = resolve_profile(coordinator.profile)
    if profile.unused_rows_carry_segment_columns:
        # DataSegmentPlus of Druid 31.0.1 and 33.0.0 also writes these segments-table columns; none is set here.
        keys += ["used", "schemaFingerprint", "numRows", "upgradedFromSegmentId"]
    if profile.unused_rows_carry_indexing_state_fingerprint:
        keys += ["indexingStateFingerprint"]  # Druid 37.0.0, null here
    assert list(rows[0]) == keys
    if profile.unused_rows_carry_segment_columns:
        # 31.0.1 leaves used null in these rows (measured); 33.0.0 and 37.0.0 write the row's flag.
        used = None if before_32(coordinator) else False
        assert [rows[0][k] for k in keys[3:]] == [used] + [None] * (len(keys) - 4)


# ---------------------------------------------------------------------- load status (issue 10 item 5)


@pytest.mark.historical
@pytest.mark.fake_only
def test_loadstatus_counts_the_overshadowed_used_segment_as_unavailable(
    coordinator: DruidTarget, datasource: str
) -> None:
    # One Historical, the default rule (two replicas in _default_tier): the Coordinator never loads a used segment
    # that another overshadows, and the cluster-wide load status counts it (measured on 28.0.0 and 33.0.0: the
    # seed page's 24 used segments give 95.83 %).
    seed_wiki(coordinator, datasource, hours=range(3))
    coordinator.seed([segment_json(datasource, 0, version="2023-01-01T00:00:00.000Z")])
    L = "/druid/coordinator/v1/loadstatus"

    def status() -> None:
        assert coordinator.get(L).json()[datasource] == 75.0
        assert coordinator.get(L, params={"simple": ""}).json()[datasource] == 1
        # Each served segment lacks its second replica.
        assert coordinator.get(L, params={"full": ""}).json()["_default_tier"][datasource] == 3

    coordinator.eventually(status)


@pytest.mark.historical
@pytest.mark.fake_only
def test_datasource_loadstatus_counts_only_visible_segments(coordinator: DruidTarget, datasource: str) -> None:
    seed_wiki(coordinator, datasource, hours=range(3))
    coordinator.seed([segment_json(datasource, 0, version="2023-01-01T00:00:00.000Z")])
    path = f"{P}/{datasource}/loadstatus"
    day = {"forceMetadataRefresh": "true", "interval": f"{instant(0)}/{instant(24)}"}

    def status() -> None:
        assert coordinator.get(path, params=day).json() == {datasource: 100.0}
        assert coordinator.get(path, params={**day, "simple": ""}).json() == {datasource: 0}
        assert coordinator.get(path, params={**day, "full": ""}).json() == {"_default_tier": {datasource: 3}}

    coordinator.eventually(status)


@pytest.mark.fake_only
def test_datasource_loadstatus_no_used_segment_in_interval_is_200_with_text(
    coordinator: DruidTarget, datasource: str
) -> None:
    # DataSourcesResource builds a 204 with an entity; Jersey turns it into a 200 (measured on 28.0.0, 33.0.0).
    seed_wiki(coordinator, datasource, hours=range(1))
    resp = coordinator.get(f"{P}/{datasource}/loadstatus",
                           params={"forceMetadataRefresh": "false", "interval": "2010-01-01/2010-01-02"})
    assert resp.status_code == 200
    assert resp.text == "No used segment found for the given datasource and interval"
    assert resp.headers["Content-Type"].startswith("application/json")


@pytest.mark.historical
@pytest.mark.fake_only
def test_get_datasource_full_lists_served_segments(coordinator: DruidTarget, datasource: str) -> None:
    ids = seed_wiki(coordinator, datasource, hours=range(3), unused=(1,))

    def full() -> None:
        body = coordinator.get(f"{P}/{datasource}", params={"full": ""}).json()
        assert body["name"] == datasource
        assert sorted(s["identifier"] for s in body["segments"]) == sorted([ids[0], ids[2]])
        listed = {d["name"]: d for d in coordinator.get(P, params={"full": ""}).json()}
        assert sorted(s["identifier"] for s in listed[datasource]["segments"]) == sorted([ids[0], ids[2]])

    coordinator.eventually(full)


@pytest.mark.parametrize(
    "path",
    ["/druid/coordinator/v1/rules/{ds}/history?count=abc", "/druid/coordinator/v1/rules/{ds}/history?count=99999999999",
     "/druid/coordinator/v1/rules/{ds}/history?count=%2012", "/druid/indexer/v1/tasks?max=abc"],
    ids=["not-a-number", "over-int", "space", "tasks-max"],
)
def test_integer_parameter_that_does_not_convert_is_empty_404(
    coordinator: DruidTarget, datasource: str, path: str
) -> None:
    # Jersey converts the @QueryParam int before the resource method runs: 404, no body and, unlike the method's
    # own empty answers, no Content-Type (measured on 33.0.0).
    resp = coordinator.get(path.format(ds=datasource))
    assert (resp.status_code, resp.content) == (404, b"")
    assert resp.headers.get("Content-Type") is None


@pytest.mark.parametrize(
    "body, index, text",
    [("[5]", 0, "5"), ("[true]", 0, "true"), ("[{}]", 0, "{"), ("[1e3]", 0, "1e3"), ("[null, 5]", 1, "5")],
    ids=["number", "boolean", "object", "exponent", "after-null"],
)
def test_post_metadata_segments_non_string_interval_is_parsed_as_its_text(
    coordinator: DruidTarget, datasource: str, body: str, index: int, text: str
) -> None:
    # JodaStuff.IntervalDeserializer parses jsonParser.getText() of any token (measured on 28.0.0, whose text is
    # Joda's bare message; the fake writes Intervals.of's "Invalid interval[..]: [..]" of later releases).
    resp = coordinator.post(f"{M}/datasources/{datasource}/segments", data=body)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert f"Format requires a '/' separator: {text}" in error
    assert error.endswith(f" (through reference chain: java.util.ArrayList[{index}])")


def test_post_metadata_segments_null_interval_is_500(coordinator: DruidTarget, datasource: str) -> None:
    # A null element is kept; the metadata query dereferences it (measured on 28.0.0: a JDBI CallbackFailedException
    # around the NullPointerException, Jetty's 500 page).
    resp = coordinator.post(f"{M}/datasources/{datasource}/segments", data="[null]",
                            headers={"Accept": "application/json"})
    assert (resp.status_code, resp.reason) == (500, "Server Error")
    assert "java.lang.NullPointerException" in resp.json()["message"]


@pytest.mark.parametrize("body", ["", "null", "[]"], ids=["no-body", "null", "empty-list"])
def test_post_metadata_segments_without_intervals_is_500(coordinator: DruidTarget, datasource: str, body: str) -> None:
    # IndexerSQLMetadataStorageCoordinator.retrieveUsedSegmentsForIntervals: IAE("null/empty intervals"), uncaught
    # (measured on 28.0.0; http-api 3.8.4 guessed every used segment).
    resp = coordinator.post(f"{M}/datasources/{datasource}/segments", data=body,
                            headers={"Accept": "application/json"})
    assert (resp.status_code, resp.reason) == (500, "Server Error")
    assert resp.json()["message"] == "org.apache.druid.java.util.common.IAE: null/empty intervals"
