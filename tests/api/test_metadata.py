"""MetadataResource: ``/druid/coordinator/v1/metadata/...`` (http-api.md section 3.8)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from fakedruid.model.rules import rules_from_json
from tests.support import NOW, WIKI, WIKI_VERSION, seed_wiki, wiki_id

M = "/druid/coordinator/v1/metadata"
DS1 = "datasource1"


@pytest.fixture(params=["29", "latest"])
def any_fake(request: pytest.FixtureRequest) -> Iterator[FakeCoordinator]:
    """A coordinator of each profile (for behaviour both profiles share)."""
    coordinator = FakeCoordinator(request.param, now=NOW)
    yield coordinator
    coordinator.check()


def set_rules(fake: FakeCoordinator, ds: str, rules: list[dict[str, Any]]) -> None:
    cluster = fake.cluster
    with cluster.lock:
        cluster.rules.set_rules(ds, rules_from_json(rules, datasource=ds), now=cluster.now())


def ids(body: list[dict[str, Any]]) -> list[str]:
    return [s["identifier"] for s in body]


def seed_overshadowed(fake: FakeCoordinator, ds: str = WIKI) -> tuple[str, str]:
    """Two used segments over one day; v1 is overshadowed by v2. Returns (v1 id, v2 id)."""
    old = fake.add_segment(ds, "2015-09-12/2015-09-13", "v1")
    new = fake.add_segment(ds, "2015-09-12/2015-09-13", "v2")
    return old, new


def seed_mrt_unused(fake: FakeCoordinator) -> list[str]:
    """MRT's six unused segments: 3 days from 2012-10-24, 2 partitions each, in segment-id order."""
    out = []
    for day in (24, 25, 26):
        for part in (0, 1):
            out.append(
                fake.add_segment(
                    DS1, f"2012-10-{day}/2012-10-{day + 1}", "v1", partition_num=part, partitions=2, used=False, size=500
                )
            )
    return out


# ------------------------------------------------------------------ 3.8.1 GET M/datasources


def test_datasources_answers_names_with_used_segments_sorted(any_fake: FakeCoordinator) -> None:
    any_fake.add_segment("b_ds", "2015-01-01/2015-01-02", "v1")
    any_fake.add_segment("a_ds", "2015-01-01/2015-01-02", "v1")
    any_fake.add_segment("c_unused", "2015-01-01/2015-01-02", "v1", used=False)
    resp = any_fake.client.get(f"{M}/datasources")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.get_json() == ["a_ds", "b_ds"]


def test_datasources_empty_store_answers_empty_list(client: FlaskClient) -> None:
    assert client.get(f"{M}/datasources").get_json() == []


@pytest.mark.parametrize("flag", ["includeUnused", "includeDisabled", "includeUnused=false", "includeDisabled="])
def test_datasources_include_unused_answers_every_name(any_fake: FakeCoordinator, flag: str) -> None:
    any_fake.add_segment("b_ds", "2015-01-01/2015-01-02", "v1")
    any_fake.add_segment("c_unused", "2015-01-01/2015-01-02", "v1", used=False)
    any_fake.add_segment("a_ds", "2015-01-01/2015-01-02", "v1")
    assert any_fake.client.get(f"{M}/datasources?{flag}").get_json() == ["a_ds", "b_ds", "c_unused"]


def test_datasources_full_answers_immutable_datasources(fake: FakeCoordinator, client: FlaskClient) -> None:
    old, new = seed_overshadowed(fake)
    fake.add_segment(WIKI, "2015-09-13/2015-09-14", "v1", used=False)
    fake.add_segment("a_ds", "2015-01-01/2015-01-02", "v1")
    resp = client.get(f"{M}/datasources?full")
    assert resp.status_code == 200
    body = resp.get_json()
    assert [d["name"] for d in body] == ["a_ds", WIKI]
    assert all(list(d) == ["name", "properties", "segments"] for d in body)
    assert body[1]["properties"] == {"created": NOW}
    # Every used segment, overshadowed included, in segment-id order.
    assert ids(body[1]["segments"]) == [old, new]


def test_datasources_full_and_include_unused_answers_names(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment("a_ds", "2015-01-01/2015-01-02", "v1")
    fake.add_segment("c_unused", "2015-01-01/2015-01-02", "v1", used=False)
    assert client.get(f"{M}/datasources?full&includeUnused").get_json() == ["a_ds", "c_unused"]


def test_datasources_full_segment_json_has_druid_keys(fake: FakeCoordinator, client: FlaskClient) -> None:
    sid = fake.add_segment(
        WIKI, "2015-09-12/2015-09-13", WIKI_VERSION, size=4096, dimensions="page,user", metrics="count,added"
    )
    segment = client.get(f"{M}/datasources?full").get_json()[0]["segments"][0]
    assert segment == {
        "dataSource": WIKI,
        "interval": "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z",
        "version": WIKI_VERSION,
        "loadSpec": None,
        "dimensions": "page,user",
        "metrics": "count,added",
        "shardSpec": {"type": "numbered", "partitionNum": 0, "partitions": 1},
        "binaryVersion": 9,
        "size": 4096,
        "identifier": sid,
    }
    assert list(segment)[-1] == "identifier"


def test_datasources_full_projections_only_in_profile_latest(fake: FakeCoordinator, fake_latest: FakeCoordinator) -> None:
    for f in (fake, fake_latest):
        f.add_segment(WIKI, "2015-09-12/2015-09-13", "v1", projections=["p1", "p2"])
    old = fake.client.get(f"{M}/datasources?full").get_json()[0]["segments"][0]
    new = fake_latest.client.get(f"{M}/datasources?full").get_json()[0]["segments"][0]
    assert "projections" not in old
    assert new["projections"] == "p1,p2"
    assert list(new).index("projections") == list(new).index("metrics") + 1


# ------------------------------------------------------------------ 3.8.2 GET M/datasources/{ds}


def test_datasource_unknown_answers_404_empty(any_fake: FakeCoordinator) -> None:
    resp = any_fake.client.get(f"{M}/datasources/nothing")
    assert resp.status_code == 404
    assert resp.data == b""


def test_datasource_only_unused_segments_answers_404(any_fake: FakeCoordinator) -> None:
    seed_wiki(any_fake, hours=range(0, 2), unused=(0, 1))
    assert any_fake.client.get(f"{M}/datasources/{WIKI}").status_code == 404


def test_datasource_answers_immutable_datasource_with_used_segments(any_fake: FakeCoordinator) -> None:
    old, new = seed_overshadowed(any_fake)
    any_fake.add_segment(WIKI, "2015-09-13/2015-09-14", "v1", used=False)
    resp = any_fake.client.get(f"{M}/datasources/{WIKI}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert list(body) == ["name", "properties", "segments"]
    assert body["name"] == WIKI
    assert body["properties"] == {"created": NOW}
    assert ids(body["segments"]) == [old, new]


# ------------------------------------------------------------------ 3.8.3 GET M/datasources/{ds}/segments


def test_datasource_segments_unknown_answers_404_empty(any_fake: FakeCoordinator) -> None:
    resp = any_fake.client.get(f"{M}/datasources/nothing/segments")
    assert resp.status_code == 404
    assert resp.data == b""


def test_datasource_segments_only_unused_answers_404(any_fake: FakeCoordinator) -> None:
    seed_wiki(any_fake, hours=range(0, 1), unused=(0,))
    assert any_fake.client.get(f"{M}/datasources/{WIKI}/segments?full").status_code == 404


def test_datasource_segments_answers_used_ids_in_segment_id_order(any_fake: FakeCoordinator) -> None:
    ids_ = seed_wiki(any_fake, hours=range(0, 4), unused=(2,))
    old, new = seed_overshadowed(any_fake)
    resp = any_fake.client.get(f"{M}/datasources/{WIKI}/segments")
    assert resp.status_code == 200
    # Segment-id order: start, then end, then version.
    assert resp.get_json() == [ids_[0], old, new, ids_[1], ids_[3]]


def test_datasource_segments_full_answers_data_segments(any_fake: FakeCoordinator) -> None:
    ids_ = seed_wiki(any_fake, hours=range(0, 2))
    body = any_fake.client.get(f"{M}/datasources/{WIKI}/segments?full=false").get_json()
    assert ids(body) == ids_
    assert body[0]["size"] == 1000


def test_datasource_segments_ignores_include_overshadowed_status(client: FlaskClient, fake: FakeCoordinator) -> None:
    ids_ = seed_wiki(fake, hours=range(0, 1))
    assert client.get(f"{M}/datasources/{WIKI}/segments?includeOvershadowedStatus").get_json() == ids_


# ------------------------------------------------------------------ 3.8.4 POST M/datasources/{ds}/segments


def post_intervals(client: FlaskClient, ds: str, body: Any, query: str = "") -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{M}/datasources/{ds}/segments{query}", data=data, content_type="application/json")


def test_post_segments_answers_used_segments_overlapping_intervals(any_fake: FakeCoordinator) -> None:
    ids_ = seed_wiki(any_fake, hours=range(0, 6), unused=(4,))
    # 01:30/03:00 overlaps hours 1 and 2; 05:00/06:00 is hour 5; hour 0 abuts nothing asked; hour 4 is unused.
    resp = post_intervals(any_fake.client, WIKI, ["2015-09-12T01:30/2015-09-12T03:00", "2015-09-12T04:00/PT2H"])
    assert resp.status_code == 200
    assert resp.get_json() == [ids_[1], ids_[2], ids_[5]]


def test_post_segments_abutting_interval_answers_empty(any_fake: FakeCoordinator) -> None:
    seed_wiki(any_fake, hours=range(0, 1))
    resp = post_intervals(any_fake.client, WIKI, ["2015-09-12T01:00/2015-09-12T02:00"])
    assert resp.get_json() == []


def test_post_segments_includes_overshadowed(any_fake: FakeCoordinator) -> None:
    old, new = seed_overshadowed(any_fake)
    assert post_intervals(any_fake.client, WIKI, ["2015-09-12/2015-09-13"]).get_json() == [old, new]


def test_post_segments_full_answers_data_segments(any_fake: FakeCoordinator) -> None:
    ids_ = seed_wiki(any_fake, hours=range(0, 2))
    body = post_intervals(any_fake.client, WIKI, ["2015-09-12/2015-09-13"], "?full").get_json()
    assert ids(body) == ids_
    assert body[0]["dataSource"] == WIKI


@pytest.mark.parametrize("body", [[], "", "null"])
def test_post_segments_null_or_empty_list_is_uncaught_500(any_fake: FakeCoordinator, body: object) -> None:
    # retrieveUsedSegmentsForIntervals throws IAE("null/empty intervals") (IndexerSQLMetadataStorageCoordinator).
    seed_wiki(any_fake, hours=range(0, 2))
    resp = post_intervals(any_fake.client, WIKI, body)
    assert resp.status_code == 500
    assert "null/empty intervals" in resp.get_data(as_text=True)


def test_post_segments_unknown_datasource_answers_empty_list(any_fake: FakeCoordinator) -> None:
    resp = post_intervals(any_fake.client, "nothing", ["2015-09-12/2015-09-13"])
    assert resp.status_code == 200
    assert resp.get_json() == []


def test_post_segments_bad_interval_answers_400_error_map(any_fake: FakeCoordinator) -> None:
    resp = post_intervals(any_fake.client, WIKI, ["2015-09-12/2015-09-13", "2015-09-13/2015-09-12"])
    assert resp.status_code == 400
    body = resp.get_json()
    assert list(body) == ["error"]
    # 29.0.1's Intervals.of says "Bad Interval", 31 and newer "Invalid interval" (switch interval_error_prefix).
    assert f"{any_fake.profile.interval_error_prefix}[2015-09-13/2015-09-12]" in body["error"]


def test_post_segments_underscore_interval_in_body_answers_400(client: FlaskClient) -> None:
    # JSON bodies do not convert '_' (semantics 4.6).
    resp = post_intervals(client, WIKI, ["2015-09-12_2015-09-13"])
    assert resp.status_code == 400
    assert "Bad Interval" in resp.get_json()["error"]


@pytest.mark.parametrize("body", [{"interval": "2015-09-12/2015-09-13"}, "\"2015-09-12/2015-09-13\""])
def test_post_segments_body_of_wrong_type_answers_400(client: FlaskClient, body: Any) -> None:
    resp = post_intervals(client, WIKI, body)
    assert resp.status_code == 400
    assert "Cannot deserialize" in resp.get_json()["error"]


def test_post_segments_number_element_is_parsed_as_interval_text(client: FlaskClient) -> None:
    # JodaStuff.IntervalDeserializer parses the token's text (measured on Druid 28.0.0); profile "29" words the
    # error as 29.0.1's Intervals.of does (switch interval_error_prefix).
    resp = post_intervals(client, WIKI, [5])
    assert resp.status_code == 400
    assert resp.get_json()["error"] == (
        "Bad Interval[5]: [Format requires a '/' separator: 5] (through reference chain: java.util.ArrayList[0])"
    )


def test_post_segments_text_content_type_answers_415(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    resp = client.post(f"{M}/datasources/{WIKI}/segments", data="[]", content_type="text/plain")
    assert resp.status_code == 415


# ------------------------------------------------------------------ 3.8.5 GET M/datasources/{ds}/segments/{id}


def get_segment(client: FlaskClient, ds: str, sid: str, query: str = "") -> Any:
    return client.get(f"{M}/datasources/{ds}/segments/{sid}{query}")


def test_segment_datasource_without_used_segments_answers_404(any_fake: FakeCoordinator) -> None:
    ids_ = seed_wiki(any_fake, hours=range(0, 1), unused=(0,))
    for query in ("", "?includeUnused=true"):
        resp = get_segment(any_fake.client, WIKI, ids_[0], query)
        assert resp.status_code == 404
        assert resp.data == b""


def test_segment_used_answers_data_segment(any_fake: FakeCoordinator) -> None:
    ids_ = seed_wiki(any_fake, hours=range(0, 2))
    resp = get_segment(any_fake.client, WIKI, ids_[1])
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["identifier"] == ids_[1]
    assert body["size"] == 1001


def test_segment_overshadowed_used_answers_data_segment(any_fake: FakeCoordinator) -> None:
    old, _ = seed_overshadowed(any_fake)
    assert get_segment(any_fake.client, WIKI, old).get_json()["identifier"] == old


def test_segment_unused_without_flag_answers_404(any_fake: FakeCoordinator) -> None:
    ids_ = seed_wiki(any_fake, hours=range(0, 2), unused=(1,))
    resp = get_segment(any_fake.client, WIKI, ids_[1])
    assert resp.status_code == 404
    assert resp.data == b""


@pytest.mark.parametrize("value", ["true", "TRUE", "True"])
def test_segment_unused_with_include_unused_true_answers_data_segment(any_fake: FakeCoordinator, value: str) -> None:
    ids_ = seed_wiki(any_fake, hours=range(0, 2), unused=(1,))
    resp = get_segment(any_fake.client, WIKI, ids_[1], f"?includeUnused={value}")
    assert resp.status_code == 200
    assert resp.get_json()["identifier"] == ids_[1]


@pytest.mark.parametrize("query", ["?includeUnused", "?includeUnused=1", "?includeUnused=yes", "?includeUnused=false"])
def test_segment_unused_include_unused_not_true_answers_404(any_fake: FakeCoordinator, query: str) -> None:
    # A Boolean, not a presence flag (http-api 1.6).
    ids_ = seed_wiki(any_fake, hours=range(0, 2), unused=(1,))
    assert get_segment(any_fake.client, WIKI, ids_[1], query).status_code == 404


def test_segment_unknown_id_answers_404(any_fake: FakeCoordinator) -> None:
    seed_wiki(any_fake, hours=range(0, 1))
    assert get_segment(any_fake.client, WIKI, wiki_id(5)).status_code == 404


def test_segment_profile_29_tries_every_candidate_parsing(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment(WIKI, "2015-09-13/2015-09-14", "v1")  # the datasource has used segments
    # Version "ver_1", partition 0: the preferred parsing (version "ver", partition 1) names no segment.
    sid = fake.add_segment(WIKI, "2015-09-12/2015-09-13", "ver_1")
    resp = get_segment(client, WIKI, sid)
    assert resp.status_code == 200
    assert resp.get_json()["version"] == "ver_1"


def test_segment_profile_29_unparseable_id_answers_404(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    resp = get_segment(client, WIKI, "garbage")
    assert resp.status_code == 404
    assert resp.data == b""


def test_segment_profile_29_falls_back_to_raw_id_of_other_datasource(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    other = fake.add_segment("other", "2015-01-01/2015-01-02", "v1")
    resp = get_segment(client, WIKI, other)
    assert resp.status_code == 200
    assert resp.get_json()["dataSource"] == "other"


def test_segment_profile_29_fallback_finds_unused_of_other_datasource_with_flag(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    other = fake.add_segment("other", "2015-01-01/2015-01-02", "v1", used=False)
    assert get_segment(client, WIKI, other).status_code == 404
    assert get_segment(client, WIKI, other, "?includeUnused=true").get_json()["identifier"] == other


def test_segment_profile_29_fallback_needs_used_segments_in_path_datasource(fake: FakeCoordinator, client: FlaskClient) -> None:
    other = fake.add_segment("other", "2015-01-01/2015-01-02", "v1")
    assert get_segment(client, "nothing", other).status_code == 404


def test_segment_profile_29_id_equal_to_datasource_answers_jetty_500(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    resp = get_segment(client, WIKI, WIKI)
    assert resp.status_code == 500
    assert "java.lang.StringIndexOutOfBoundsException" in resp.data.decode()


def test_segment_profile_latest_unparseable_id_answers_400_raw(client_latest: FlaskClient) -> None:
    # The parse comes before the existence check.
    resp = get_segment(client_latest, WIKI, "garbage")
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    assert resp.data.decode() == f"Could not parse Segment ID[garbage] for DataSource[{WIKI}]"


def test_segment_profile_latest_parse_error_escapes_html(client_latest: FlaskClient) -> None:
    resp = client_latest.get(f"{M}/datasources/a%26b/segments/%3Cx%3E%22y%22")
    assert resp.status_code == 400
    assert resp.data.decode() == "Could not parse Segment ID[&lt;x&gt;&quot;y&quot;] for DataSource[a&amp;b]"


def test_segment_profile_latest_other_datasource_id_answers_400(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    seed_wiki(fake_latest, hours=range(0, 1))
    other = fake_latest.add_segment("other", "2015-01-01/2015-01-02", "v1")
    resp = get_segment(client_latest, WIKI, other)
    assert resp.status_code == 400
    assert resp.data.decode() == f"Could not parse Segment ID[{other}] for DataSource[{WIKI}]"


def test_segment_profile_latest_ambiguous_id_found_through_store(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    fake_latest.add_segment(WIKI, "2015-09-13/2015-09-14", "v1")
    sid = fake_latest.add_segment(WIKI, "2015-09-12/2015-09-13", "ver_1")
    # tryParse reads "..._ver_1" as version "ver", partition 1: no such segment in the polled view, but the
    # store is queried by the printed id, which is the same string.
    resp = get_segment(client_latest, WIKI, sid)
    assert resp.status_code == 200
    assert resp.get_json()["version"] == "ver_1"


def test_segment_profile_latest_id_equal_to_datasource_answers_jetty_500(client_latest: FlaskClient) -> None:
    resp = get_segment(client_latest, WIKI, WIKI)
    assert resp.status_code == 500
    assert "java.lang.StringIndexOutOfBoundsException" in resp.data.decode()


def test_segment_profile_latest_has_projections(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    sid = fake_latest.add_segment(WIKI, "2015-09-12/2015-09-13", "v1", projections=["p"])
    assert get_segment(client_latest, WIKI, sid).get_json()["projections"] == "p"


# ------------------------------------------------------------------ 3.8.6 GET M/segments


def seed_mrt_used(fake: FakeCoordinator) -> list[str]:
    """MRT's example: four used segments, the last overshadowed; rules give replication 2, null, 1."""
    s0 = fake.add_segment(DS1, "2012-10-24/2012-10-25", "v1", num_rows=20)
    s1 = fake.add_segment(DS1, "2012-10-25/2012-10-26", "v1")
    s2 = fake.add_segment(DS1, "2012-10-26/2012-10-28", "v2")
    s3 = fake.add_segment(DS1, "2012-10-27/2012-10-28", "v1")  # overshadowed by s2
    set_rules(
        fake,
        DS1,
        [
            {"type": "loadByInterval", "interval": "2012-10-24/2012-10-25", "tieredReplicants": {"_default_tier": 2}},
            {"type": "dropByInterval", "interval": "2012-10-25/2012-10-26"},
            {"type": "loadForever", "tieredReplicants": {"_default_tier": 1}},
        ],
    )
    return [s0, s1, s2, s3]


def test_segments_answers_all_used_segments(any_fake: FakeCoordinator) -> None:
    wiki = seed_wiki(any_fake, hours=range(0, 3), unused=(1,))
    other = any_fake.add_segment("a_other", "2015-01-01/2015-01-02", "v1")
    old, new = seed_overshadowed(any_fake, "z_ds")
    resp = any_fake.client.get(f"{M}/segments")
    assert resp.status_code == 200
    assert ids(resp.get_json()) == [other, wiki[0], wiki[2], old, new]


def test_segments_datasources_filter_selects_one(any_fake: FakeCoordinator) -> None:
    wiki = seed_wiki(any_fake, hours=range(0, 2))
    any_fake.add_segment("other", "2015-01-01/2015-01-02", "v1")
    assert ids(any_fake.client.get(f"{M}/segments?datasources={WIKI}").get_json()) == wiki


def test_segments_datasources_filter_repeated_selects_several(any_fake: FakeCoordinator) -> None:
    wiki = seed_wiki(any_fake, hours=range(0, 1))
    a = any_fake.add_segment("a", "2015-01-01/2015-01-02", "v1")
    any_fake.add_segment("b", "2015-01-01/2015-01-02", "v1")
    resp = any_fake.client.get(f"{M}/segments?datasources=a&datasources={WIKI}&datasources=nothing")
    assert ids(resp.get_json()) == [a, wiki[0]]


def test_segments_include_realtime_without_overshadowed_status_answers_400_empty(any_fake: FakeCoordinator) -> None:
    seed_wiki(any_fake, hours=range(0, 1))
    resp = any_fake.client.get(f"{M}/segments?includeRealtimeSegments")
    assert resp.status_code == 400
    assert resp.data == b""


def test_segments_overshadowed_status_mrt_example_profile_29(fake: FakeCoordinator, client: FlaskClient) -> None:
    s = seed_mrt_used(fake)
    body = client.get(f"{M}/segments?includeOvershadowedStatus").get_json()
    assert [e["identifier"] for e in body] == s
    assert [e["overshadowed"] for e in body] == [False, False, False, True]
    assert [e["replicationFactor"] for e in body] == [2, None, 1, 0]
    assert [e["numRows"] for e in body] == [20, None, None, None]
    assert [e["realtime"] for e in body] == [False] * 4
    assert all("handedOff" not in e for e in body)


def test_segments_overshadowed_status_mrt_example_profile_latest(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    s = seed_mrt_used(fake_latest)
    body = client_latest.get(f"{M}/segments?includeOvershadowedStatus").get_json()
    assert [e["identifier"] for e in body] == s
    assert [e["overshadowed"] for e in body] == [False, False, False, True]
    assert [e["replicationFactor"] for e in body] == [2, None, 1, 0]
    # Druid's SegmentStatusInCluster.java has no handedOff key (the spec's "latest" column is corrected).
    assert all("handedOff" not in e for e in body)


def test_segments_overshadowed_status_keys_unwrapped_profile_29(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    entry = client.get(f"{M}/segments?includeOvershadowedStatus").get_json()[0]
    # The status keys first (measured on Druid 33.0.0 by tests/contract/test_differential.py).
    assert list(entry) == [
        "overshadowed", "replicationFactor", "numRows", "realtime", "dataSource", "interval", "version", "loadSpec",
        "dimensions", "metrics", "shardSpec", "binaryVersion", "size", "identifier",
    ]  # fmt: skip
    # Nulls are written, not omitted.
    assert entry["numRows"] is None
    assert entry["replicationFactor"] == 2


def test_segments_overshadowed_status_keys_unwrapped_profile_latest(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    seed_wiki(fake_latest, hours=range(0, 1))
    entry = client_latest.get(f"{M}/segments?includeOvershadowedStatus").get_json()[0]
    assert list(entry)[:4] == ["overshadowed", "replicationFactor", "numRows", "realtime"]
    assert len(entry) == 14


def test_segments_overshadowed_status_broadcast_rule_replication_factor_null(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    set_rules(fake, WIKI, [{"type": "broadcastForever"}])
    entry = client.get(f"{M}/segments?includeOvershadowedStatus").get_json()[0]
    assert entry["replicationFactor"] is None


def test_segments_overshadowed_status_no_matching_rule_replication_factor_null(fake: FakeCoordinator, client: FlaskClient) -> None:
    seed_wiki(fake, hours=range(0, 1))
    set_rules(fake, "_default", [{"type": "loadByInterval", "interval": "2000-01-01/2000-01-02"}])
    entry = client.get(f"{M}/segments?includeOvershadowedStatus").get_json()[0]
    assert entry["replicationFactor"] is None


def test_segments_overshadowed_status_and_realtime_answers_published_only(any_fake: FakeCoordinator) -> None:
    s = seed_mrt_used(any_fake)
    body = any_fake.client.get(f"{M}/segments?includeOvershadowedStatus&includeRealtimeSegments").get_json()
    assert [e["identifier"] for e in body] == s
    assert all(e["realtime"] is False for e in body)


def test_segments_overshadowed_status_with_datasources_filter(any_fake: FakeCoordinator) -> None:
    seed_mrt_used(any_fake)
    wiki = seed_wiki(any_fake, hours=range(0, 1))
    body = any_fake.client.get(f"{M}/segments?includeOvershadowedStatus=false&datasources={WIKI}").get_json()
    assert [e["identifier"] for e in body] == wiki
    assert body[0]["overshadowed"] is False


# ------------------------------------------------------------------ 3.8.7 GET M/datasources/{ds}/unusedSegments


def unused(client: FlaskClient, ds: str = DS1, query: str = "") -> Any:
    return client.get(f"{M}/datasources/{ds}/unusedSegments{query}")


def test_unused_segments_answers_data_segment_plus(any_fake: FakeCoordinator) -> None:
    sid = any_fake.add_segment(
        DS1, "2012-10-24/2012-10-25", "v1", used=False, created_date="2024-01-02T03:04:05.678Z"
    )
    any_fake.add_segment(DS1, "2012-10-25/2012-10-26", "v1")
    resp = unused(any_fake.client)
    assert resp.status_code == 200
    body = resp.get_json()
    assert len(body) == 1
    keys = ["dataSegment", "createdDate", "usedStatusLastUpdatedDate"]
    if any_fake.profile.unused_rows_carry_segment_columns:
        # Druid 33.0.0's DataSegmentPlus also writes these segments-table columns (measured).
        keys += ["used", "schemaFingerprint", "numRows", "upgradedFromSegmentId"]
    if any_fake.profile.unused_rows_carry_indexing_state_fingerprint:
        keys += ["indexingStateFingerprint"]  # Druid 37.0.0 (measured)
    assert list(body[0]) == keys
    if any_fake.profile.unused_rows_carry_segment_columns:
        assert [body[0][k] for k in keys[3:]] == [False] + [None] * (len(keys) - 4)
    assert body[0]["dataSegment"]["identifier"] == sid
    assert body[0]["createdDate"] == "2024-01-02T03:04:05.678Z"
    assert body[0]["usedStatusLastUpdatedDate"] == NOW


def test_unused_segments_null_last_updated_answers_null(any_fake: FakeCoordinator) -> None:
    any_fake.add_segment(DS1, "2012-10-24/2012-10-25", "v1", used=False, used_status_last_updated=None)
    assert unused(any_fake.client).get_json()[0]["usedStatusLastUpdatedDate"] is None


def test_unused_segments_unknown_datasource_answers_empty_list(any_fake: FakeCoordinator) -> None:
    resp = unused(any_fake.client, "nothing")
    assert resp.status_code == 200
    assert resp.get_json() == []


def test_unused_segments_mrt_all(any_fake: FakeCoordinator) -> None:
    s = seed_mrt_unused(any_fake)
    assert [e["dataSegment"]["identifier"] for e in unused(any_fake.client).get_json()] == s


def test_unused_segments_mrt_interval_contains(any_fake: FakeCoordinator) -> None:
    s = seed_mrt_unused(any_fake)
    body = unused(any_fake.client, query="?interval=2012-10-24_P2D").get_json()
    assert [e["dataSegment"]["identifier"] for e in body] == s[:4]


def test_unused_segments_interval_excludes_partly_overlapping(any_fake: FakeCoordinator) -> None:
    seed_mrt_unused(any_fake)
    body = unused(any_fake.client, query="?interval=2012-10-24T12:00_2012-10-26").get_json()
    assert [e["dataSegment"]["interval"] for e in body] == ["2012-10-25T00:00:00.000Z/2012-10-26T00:00:00.000Z"] * 2


def test_unused_segments_mrt_limit(any_fake: FakeCoordinator) -> None:
    s = seed_mrt_unused(any_fake)
    body = unused(any_fake.client, query="?interval=2012-10-24_P2D&limit=3").get_json()
    assert [e["dataSegment"]["identifier"] for e in body] == s[:3]


def test_unused_segments_mrt_limit_and_last_segment_id(any_fake: FakeCoordinator) -> None:
    s = seed_mrt_unused(any_fake)
    body = unused(any_fake.client, query=f"?interval=2012-10-24_P2D&limit=3&lastSegmentId={s[2]}").get_json()
    assert [e["dataSegment"]["identifier"] for e in body] == [s[3]]


def test_unused_segments_limit_zero_means_no_limit(any_fake: FakeCoordinator) -> None:
    s = seed_mrt_unused(any_fake)
    assert len(unused(any_fake.client, query="?limit=0").get_json()) == len(s)


def test_unused_segments_sort_order_desc(any_fake: FakeCoordinator) -> None:
    s = seed_mrt_unused(any_fake)
    body = unused(any_fake.client, query="?sortOrder=DESC").get_json()
    assert [e["dataSegment"]["identifier"] for e in body] == s[::-1]


@pytest.mark.parametrize("order", ["ASC", "asc", "Asc"])
def test_unused_segments_sort_order_asc_any_case(any_fake: FakeCoordinator, order: str) -> None:
    s = seed_mrt_unused(any_fake)
    body = unused(any_fake.client, query=f"?sortOrder={order}").get_json()
    assert [e["dataSegment"]["identifier"] for e in body] == s


def test_unused_segments_desc_last_segment_id_keeps_smaller_ids(any_fake: FakeCoordinator) -> None:
    s = seed_mrt_unused(any_fake)
    body = unused(any_fake.client, query=f"?sortOrder=desc&lastSegmentId={s[3]}&limit=2").get_json()
    assert [e["dataSegment"]["identifier"] for e in body] == [s[2], s[1]]


def test_unused_segments_orders_ids_as_strings(any_fake: FakeCoordinator) -> None:
    p0, p2, p10 = (
        any_fake.add_segment(DS1, "2012-10-24/2012-10-25", "v1", partition_num=n, partitions=11, used=False)
        for n in (0, 2, 10)
    )
    # As strings, "..._v1" < "..._v1_10" < "..._v1_2" (numeric partition order would put 2 first).
    body = unused(any_fake.client, query="?sortOrder=ASC").get_json()
    assert [e["dataSegment"]["identifier"] for e in body] == [p0, p10, p2]
    body = unused(any_fake.client, query=f"?lastSegmentId={p10}").get_json()
    assert [e["dataSegment"]["identifier"] for e in body] == [p2]


def test_unused_segments_non_integer_limit_answers_404(any_fake: FakeCoordinator) -> None:
    assert unused(any_fake.client, query="?limit=abc").status_code == 404


def test_unused_segments_negative_limit_profile_29_answers_jetty_500(client: FlaskClient) -> None:
    resp = unused(client, query="?limit=-1")
    assert resp.status_code == 500
    assert resp.mimetype == "text/html"
    page = resp.data.decode()
    assert "org.apache.druid.error.DruidException: Invalid limit[-1] specified. Limit must be &gt; 0<" in page


def test_unused_segments_negative_limit_profile_latest_answers_400(client_latest: FlaskClient) -> None:
    resp = unused(client_latest, query="?limit=-1")
    assert resp.status_code == 400
    assert resp.mimetype == "application/json"
    assert json.loads(resp.data) == {
        "error": "druidException",
        "errorCode": "invalidInput",
        "persona": "USER",
        "category": "INVALID_INPUT",
        "errorMessage": "Invalid limit[-1] specified. Limit must be > 0.",
        "context": {},
    }


def test_unused_segments_bad_last_segment_id_profile_29_answers_jetty_500(client: FlaskClient) -> None:
    resp = unused(client, query="?lastSegmentId=invalid")
    assert resp.status_code == 500
    assert "org.apache.druid.error.DruidException: Invalid lastSegmentId[invalid] specified." in resp.data.decode()


def test_unused_segments_bad_last_segment_id_profile_latest_answers_400(client_latest: FlaskClient) -> None:
    resp = unused(client_latest, query="?lastSegmentId=invalid")
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["errorCode"] == "invalidInput"
    assert body["errorMessage"] == "Invalid lastSegmentId[invalid] specified."


def test_unused_segments_last_segment_id_of_other_datasource_answers_error(fake: FakeCoordinator, fake_latest: FakeCoordinator) -> None:
    other = "other_2012-10-24T00:00:00.000Z_2012-10-25T00:00:00.000Z_v1"
    assert unused(fake.client, query=f"?lastSegmentId={other}").status_code == 500
    assert unused(fake_latest.client, query=f"?lastSegmentId={other}").status_code == 400


def test_unused_segments_last_segment_id_equal_to_datasource_profile_29_answers_jetty_500(client: FlaskClient) -> None:
    resp = unused(client, query=f"?lastSegmentId={DS1}")
    assert resp.status_code == 500
    assert resp.mimetype == "text/html"
    assert "java.lang.StringIndexOutOfBoundsException" in resp.data.decode()


def test_unused_segments_last_segment_id_equal_to_datasource_profile_latest_answers_500_map(client_latest: FlaskClient) -> None:
    resp = unused(client_latest, query=f"?lastSegmentId={DS1}")
    assert resp.status_code == 500
    body = resp.get_json()
    assert list(body) == ["error", "message"]
    assert body["error"] == "Exception occurred."
    assert body["message"].startswith("java.lang.StringIndexOutOfBoundsException")


def test_unused_segments_bad_interval_profile_29_answers_jetty_500(client: FlaskClient) -> None:
    resp = unused(client, query="?interval=2015_2014")
    assert resp.status_code == 500
    assert "Bad Interval[2015/2014]" in resp.data.decode()


def test_unused_segments_bad_interval_profile_latest_answers_400(client_latest: FlaskClient) -> None:
    resp = unused(client_latest, query="?interval=2015_2014")
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["errorCode"] == "invalidInput"
    assert "interval[2015/2014]" in body["errorMessage"]
    assert "The end instant must be greater than the start instant" in body["errorMessage"]


def test_unused_segments_bad_sort_order_profile_29_answers_jetty_500(client: FlaskClient) -> None:
    resp = unused(client, query="?sortOrder=sideways")
    assert resp.status_code == 500
    assert "SortOrder" in resp.data.decode()


def test_unused_segments_bad_sort_order_profile_latest_answers_400(client_latest: FlaskClient) -> None:
    resp = unused(client_latest, query="?sortOrder=sideways")
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["errorCode"] == "invalidInput"
    assert "SortOrder" in body["errorMessage"]


def test_unused_segments_limit_checked_before_interval(client: FlaskClient, client_latest: FlaskClient) -> None:
    assert "Invalid limit" in unused(client, query="?limit=-2&interval=bad").data.decode()
    assert "Invalid limit[-2]" in unused(client_latest, query="?limit=-2&interval=bad").get_json()["errorMessage"]


def test_unused_segments_profile_latest_has_projections(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    fake_latest.add_segment(DS1, "2012-10-24/2012-10-25", "v1", used=False, projections=["p"])
    assert unused(client_latest).get_json()[0]["dataSegment"]["projections"] == "p"


def test_segments_overshadowed_status_replication_factor_null_without_servers() -> None:
    # A cluster with no data server has no replication status: null, as Druid 33.0.0 with no Historical answers
    # (tests/contract/test_differential.py); an overshadowed segment still has 0 (MetadataResource).
    with FakeCoordinator("29", tiers={}) as fake:
        seed_wiki(fake, hours=range(0, 1))
        entry = fake.client.get(f"{M}/segments?includeOvershadowedStatus").get_json()[0]
    assert (entry["overshadowed"], entry["replicationFactor"]) == (False, None)
