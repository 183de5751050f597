"""The Coordinator's served-inventory read endpoints (http-api.md sections 3.1 to 3.5).

The fake's served inventory is semantics.md 10.1: by default one tier ``_default_tier`` with two virtual
historicals, and every used, non-overshadowed segment loaded on both (the default rule loads 2 replicas).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakedruid import FakeCoordinator
from fakedruid.model.intervals import parse_interval
from fakedruid.model.rules import DropForever, LoadByInterval, LoadForever
from fakedruid.model.segments import data_segment_to_json
from fakedruid.model.servers import ServerLayout
from tests.support import WIKI, seed_wiki, wiki_id

P = "/druid/coordinator/v1/datasources"
H1 = "fakedruid-historical-1:8083"
H2 = "fakedruid-historical-2:8083"


def hour(h: int) -> str:
    return f"2015-09-12T{h:02d}:00:00.000Z/2015-09-12T{h + 1:02d}:00:00.000Z"


def segment_json(fake: FakeCoordinator, segment_id: str) -> dict[str, object]:
    record = fake.cluster.record(segment_id)
    assert record is not None
    return data_segment_to_json(record.segment)


def set_rules(fake: FakeCoordinator, datasource: str, rules: list[object]) -> None:
    fake.cluster.rules.set_rules(datasource, rules, now=0)  # type: ignore[arg-type]


def assert_no_content(resp: TestResponse) -> None:
    assert resp.status_code == 204
    assert resp.get_data() == b""


@pytest.fixture
def wiki(fake: FakeCoordinator) -> list[str]:
    """wikipedia_hour hours 00 to 02 (sizes 1000 to 1002), all used and served on both historicals."""
    return seed_wiki(fake, hours=range(3))


@pytest.fixture
def two_tiers(fake: FakeCoordinator) -> FakeCoordinator:
    """Servers: hot-1 first, then the two default historicals."""
    fake.cluster.layout = ServerLayout({"hot": 1, "_default_tier": 2})
    return fake


# ====================================================================== 3.1 GET /datasources


def test_list_datasources_served_names_sorted(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment("b", "2015/2016", "v1")
    fake.add_segment("a", "2015/2016", "v1")
    fake.add_segment("only_unused", "2015/2016", "v1", used=False)
    fake.add_segment("dropped", "2015/2016", "v1")
    set_rules(fake, "dropped", [DropForever()])
    resp = client.get(P)
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.get_json() == ["a", "b"]


def test_list_datasources_none_served_is_empty_list(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment("a", "2015/2016", "v1", used=False)
    assert client.get(P).get_json() == []


def test_list_datasources_without_servers_is_empty_list(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    fake.cluster.layout = ServerLayout({})
    assert client.get(P).get_json() == []


def test_list_datasources_simple_has_simple_properties(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    fake.add_segment("a", "2010-01-01/2010-01-02", "v1", size=10)
    resp = client.get(f"{P}?simple")
    assert resp.get_json() == [
        {
            "name": "a",
            "properties": {
                "tiers": {"_default_tier": {"segmentCount": 1, "size": 10, "replicatedSize": 20}},
                "segments": {"count": 1, "size": 10, "replicatedSize": 20,
                             "minTime": "2010-01-01T00:00:00.000Z", "maxTime": "2010-01-02T00:00:00.000Z"},
            },
        },
        {
            "name": WIKI,
            "properties": {
                "tiers": {"_default_tier": {"segmentCount": 3, "size": 3003, "replicatedSize": 6006}},
                "segments": {"count": 3, "size": 3003, "replicatedSize": 6006,
                             "minTime": "2015-09-12T00:00:00.000Z", "maxTime": "2015-09-12T03:00:00.000Z"},
            },
        },
    ]


@pytest.mark.parametrize("query", ["?full", "?full=false", "?full&simple", "?simple&full="])
def test_list_datasources_full_is_client_side_datasources(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], query: str
) -> None:
    resp = client.get(f"{P}{query}")
    assert resp.get_json() == [
        {"name": WIKI, "properties": {"client": "side"}, "segments": [segment_json(fake, i) for i in wiki]}
    ]


def test_list_datasources_full_lists_only_first_servers_segments(
    two_tiers: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    # Hour 00 is on hot-1 (the first server); hours 01 and 02 only on the default tier.
    set_rules(two_tiers, WIKI, [LoadByInterval(parse_interval(hour(0)), {"hot": 1}), LoadForever({"_default_tier": 1})])
    resp = client.get(f"{P}?full")
    assert resp.get_json() == [
        {"name": WIKI, "properties": {"client": "side"}, "segments": [segment_json(two_tiers, wiki[0])]}
    ]


# ====================================================================== 3.2 GET /datasources/{ds}


def test_get_datasource_simple_properties(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    resp = client.get(f"{P}/{WIKI}")
    assert resp.status_code == 200
    assert resp.get_json() == {
        "tiers": {"_default_tier": {"segmentCount": 3, "size": 3003, "replicatedSize": 6006}},
        "segments": {"count": 3, "size": 3003, "replicatedSize": 6006,
                     "minTime": "2015-09-12T00:00:00.000Z", "maxTime": "2015-09-12T03:00:00.000Z"},
    }


def test_get_datasource_simple_properties_per_tier(two_tiers: FakeCoordinator, client: FlaskClient) -> None:
    # DSRT: segments of 10 and 20 bytes, each on one server of tier1 and of tier2.
    two_tiers.cluster.layout = ServerLayout({"tier1": 1, "tier2": 1})
    set_rules(two_tiers, "ds", [LoadForever({"tier1": 1, "tier2": 1})])
    two_tiers.add_segment("ds", "2010-01-01/P1D", "v1", size=10)
    two_tiers.add_segment("ds", "2010-01-22/P1D", "v1", size=20)
    resp = client.get(f"{P}/ds")
    assert resp.get_json() == {
        "tiers": {"tier1": {"segmentCount": 2, "size": 30, "replicatedSize": 30},
                  "tier2": {"segmentCount": 2, "size": 30, "replicatedSize": 30}},
        "segments": {"count": 2, "size": 30, "replicatedSize": 60,
                     "minTime": "2010-01-01T00:00:00.000Z", "maxTime": "2010-01-23T00:00:00.000Z"},
    }


def test_get_datasource_only_served_segments_count(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    fake.add_segment(WIKI, "2015-09-12T05/2015-09-12T06", "v-unused", used=False, size=5)
    assert client.get(f"{P}/{WIKI}").get_json()["segments"]["count"] == 3


@pytest.mark.parametrize("query", ["?full", "?full=false"])
def test_get_datasource_full_lists_served_segments(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], query: str
) -> None:
    resp = client.get(f"{P}/{WIKI}{query}")
    assert resp.get_json() == {"name": WIKI, "properties": {}, "segments": [segment_json(fake, i) for i in wiki]}


@pytest.mark.parametrize("query", ["", "?full"])
def test_get_datasource_not_served_is_204(fake: FakeCoordinator, client: FlaskClient, query: str) -> None:
    fake.add_segment("unused_only", "2015/2016", "v1", used=False)
    assert_no_content(client.get(f"{P}/unused_only{query}"))
    assert_no_content(client.get(f"{P}/nope{query}"))


# ====================================================================== 3.3 GET /datasources/{ds}/intervals


def test_get_intervals_newest_first(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    resp = client.get(f"{P}/{WIKI}/intervals")
    assert resp.status_code == 200
    assert resp.get_json() == [hour(2), hour(1), hour(0)]


def test_get_intervals_same_start_longer_first(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment("ds", "2015-09-12/2015-09-13", "v1")
    fake.add_segment("ds", "2015-09-12/2015-09-12T12", "v2")
    fake.add_segment("ds", "2015-09-11/2015-09-12", "v1")
    assert client.get(f"{P}/ds/intervals").get_json() == [
        "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z",
        "2015-09-12T00:00:00.000Z/2015-09-12T12:00:00.000Z",
        "2015-09-11T00:00:00.000Z/2015-09-12T00:00:00.000Z",
    ]


def test_get_intervals_distinct_for_partitions(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment("ds", "2015-09-12/2015-09-13", "v1", partition_num=0, partitions=2, size=1)
    fake.add_segment("ds", "2015-09-12/2015-09-13", "v1", partition_num=1, partitions=2, size=2)
    assert client.get(f"{P}/ds/intervals").get_json() == ["2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z"]
    assert client.get(f"{P}/ds/intervals?simple").get_json() == {
        "2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z": {"size": 3, "count": 2}
    }


def test_get_intervals_simple_sizes_and_counts(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    body = client.get(f"{P}/{WIKI}/intervals?simple").get_json()
    assert body == {
        hour(2): {"size": 1002, "count": 1},
        hour(1): {"size": 1001, "count": 1},
        hour(0): {"size": 1000, "count": 1},
    }
    assert list(body) == [hour(2), hour(1), hour(0)]


@pytest.mark.parametrize("query", ["?full", "?full&simple", "?full=false"])
def test_get_intervals_full_segments_with_servers(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], query: str
) -> None:
    body = client.get(f"{P}/{WIKI}/intervals{query}").get_json()
    assert list(body) == [hour(2), hour(1), hour(0)]
    assert body[hour(1)] == {wiki[1]: {"metadata": segment_json(fake, wiki[1]), "servers": [H1, H2]}}


@pytest.mark.parametrize("query", ["", "?simple", "?full"])
def test_get_intervals_not_served_is_204(client: FlaskClient, query: str) -> None:
    assert_no_content(client.get(f"{P}/nope/intervals{query}"))


def test_get_interval_segments_contained_in_interval(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    resp = client.get(f"{P}/{WIKI}/intervals/2015-09-12T01_2015-09-12T03")
    assert resp.status_code == 200
    assert resp.get_json() == [wiki[1], wiki[2]]


def test_get_interval_partial_overlap_excluded(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    assert client.get(f"{P}/{WIKI}/intervals/2015-09-12T00:30_2015-09-12T02:30").get_json() == [wiki[1]]


def test_get_interval_slash_form_accepted(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    assert client.get(f"{P}/{WIKI}/intervals/2015-09-12T00%2FPT1H").get_json() == [wiki[0]]


def test_get_interval_period_form_covers_all(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    assert client.get(f"{P}/{WIKI}/intervals/2015-09-12_P1M").get_json() == wiki


def test_get_interval_none_contained_is_empty(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    base = f"{P}/{WIKI}/intervals/2015-10-01_P1D"
    assert client.get(base).get_json() == []
    assert client.get(f"{base}?simple").get_json() == {}
    assert client.get(f"{base}?full").get_json() == {}


def test_get_interval_simple_restricted_to_contained(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str]
) -> None:
    body = client.get(f"{P}/{WIKI}/intervals/2015-09-12T01_2015-09-12T03?simple").get_json()
    assert body == {hour(2): {"size": 1002, "count": 1}, hour(1): {"size": 1001, "count": 1}}


def test_get_interval_full_restricted_to_contained(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    body = client.get(f"{P}/{WIKI}/intervals/2015-09-12T02_2015-09-12T03?full").get_json()
    assert body == {hour(2): {wiki[2]: {"metadata": segment_json(fake, wiki[2]), "servers": [H1, H2]}}}


@pytest.mark.parametrize("query", ["", "?simple", "?full"])
def test_get_interval_not_served_is_204(client: FlaskClient, query: str) -> None:
    assert_no_content(client.get(f"{P}/nope/intervals/2015-09-12_2015-09-13{query}"))


@pytest.mark.parametrize("datasource", [WIKI, "nope"])
@pytest.mark.parametrize("interval", ["%3F%3F%3F", "2015-09-13_2015-09-12", "ETERNITY"])
def test_get_interval_bad_interval_is_uncaught_500(
    client: FlaskClient, wiki: list[str], datasource: str, interval: str
) -> None:
    resp = client.get(f"{P}/{datasource}/intervals/{interval}")
    assert resp.status_code == 500
    assert resp.mimetype == "text/html"
    assert "Bad Interval" in resp.get_data(as_text=True)


# ====================================================================== 3.4 GET /datasources/{ds}/segments


def test_get_segments_ids_in_id_order(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    fake.add_segment(WIKI, "2015-09-12T00/2015-09-12T01", "2000-01-01T00:00:00.000Z")  # overshadowed: not served
    resp = client.get(f"{P}/{WIKI}/segments")
    assert resp.status_code == 200
    assert resp.get_json() == wiki


def test_get_segments_full_data_segments(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    assert client.get(f"{P}/{WIKI}/segments?full").get_json() == [segment_json(fake, i) for i in wiki]


@pytest.mark.parametrize("query", ["", "?full"])
def test_get_segments_not_served_is_204(fake: FakeCoordinator, client: FlaskClient, query: str) -> None:
    seed_wiki(fake, hours=range(2), unused=(0, 1))
    assert_no_content(client.get(f"{P}/{WIKI}/segments{query}"))


def test_get_segment_served_with_servers(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    resp = client.get(f"{P}/{WIKI}/segments/{wiki[1]}")
    assert resp.status_code == 200
    assert resp.get_json() == {"metadata": segment_json(fake, wiki[1]), "servers": [H1, H2]}


def test_get_segment_servers_of_two_tiers(two_tiers: FakeCoordinator, client: FlaskClient) -> None:
    set_rules(two_tiers, "ds", [LoadForever({"hot": 1, "_default_tier": 1})])
    sid = two_tiers.add_segment("ds", "2015/2016", "v1")
    body = client.get(f"{P}/ds/segments/{sid}").get_json()
    assert body["servers"] == ["fakedruid-hot-historical-1:8083", H1]


def test_get_segment_second_parsing_is_tried(fake: FakeCoordinator, client: FlaskClient) -> None:
    # "..._v_1" parses first as version "v", partition 1 (not a segment), then as version "v_1".
    sid = fake.add_segment("ds", "2015-09-12/2015-09-13", "v_1")
    resp = client.get(f"{P}/ds/segments/{sid}")
    assert resp.status_code == 200
    assert resp.get_json()["metadata"]["version"] == "v_1"


def test_get_segment_first_parsing_is_found(fake: FakeCoordinator, client: FlaskClient) -> None:
    # "..._v_1" read as version "v", partition 1. (Both readings cannot exist at once: they print the same id.)
    sid = fake.add_segment("ds", "2015-09-12/2015-09-13", "v", partition_num=1, partitions=2)
    fake.add_segment("ds", "2015-09-12/2015-09-13", "v", partition_num=0, partitions=2)
    metadata = client.get(f"{P}/ds/segments/{sid}").get_json()["metadata"]
    assert (metadata["version"], metadata["shardSpec"]["partitionNum"]) == ("v", 1)


@pytest.mark.parametrize(
    "segment_id",
    [wiki_id(5), "junk", "other_2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z_v1"],
    ids=["unknown", "unparseable", "other-datasource"],
)
def test_get_segment_not_found_is_204(
    fake: FakeCoordinator, client: FlaskClient, wiki: list[str], segment_id: str
) -> None:
    fake.add_segment("other", "2015-09-12T00/2015-09-12T01", "v1")
    assert_no_content(client.get(f"{P}/{WIKI}/segments/{segment_id}"))


def test_get_segment_unused_is_204(fake: FakeCoordinator, client: FlaskClient, wiki: list[str]) -> None:
    sid = fake.add_segment(WIKI, "2015-09-12T05/2015-09-12T06", "v1", used=False)
    assert_no_content(client.get(f"{P}/{WIKI}/segments/{sid}"))


def test_get_segment_datasource_not_served_is_204(client: FlaskClient) -> None:
    assert_no_content(client.get(f"{P}/nope/segments/{wiki_id(1)}"))
    assert_no_content(client.get(f"{P}/nope/segments/nope"))


def test_get_segment_id_equal_to_served_datasource_is_uncaught_500(client: FlaskClient, wiki: list[str]) -> None:
    resp = client.get(f"{P}/{WIKI}/segments/{WIKI}")
    assert resp.status_code == 500
    assert "java.lang.StringIndexOutOfBoundsException" in resp.get_data(as_text=True)


# ====================================================================== 3.5 GET /datasources/{ds}/tiers


def test_get_tiers_default(client: FlaskClient, wiki: list[str]) -> None:
    resp = client.get(f"{P}/{WIKI}/tiers")
    assert resp.status_code == 200
    assert resp.get_json() == ["_default_tier"]


def test_get_tiers_sorted(two_tiers: FakeCoordinator, client: FlaskClient) -> None:
    set_rules(two_tiers, "ds", [LoadForever({"hot": 1, "_default_tier": 1})])
    two_tiers.add_segment("ds", "2015/2016", "v1")
    assert client.get(f"{P}/ds/tiers").get_json() == ["_default_tier", "hot"]


def test_get_tiers_only_tiers_serving_the_datasource(two_tiers: FakeCoordinator, client: FlaskClient) -> None:
    set_rules(two_tiers, "ds", [LoadForever({"hot": 1})])
    two_tiers.add_segment("ds", "2015/2016", "v1")
    assert client.get(f"{P}/ds/tiers").get_json() == ["hot"]


def test_get_tiers_not_served_is_empty_list(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.add_segment("unused_only", "2015/2016", "v1", used=False)
    resp = client.get(f"{P}/unused_only/tiers")
    assert resp.status_code == 200
    assert resp.get_json() == []
    assert client.get(f"{P}/nope/tiers").get_json() == []


def test_read_endpoints_latest_profile_same_shapes(fake_latest: FakeCoordinator, client_latest: FlaskClient) -> None:
    ids = seed_wiki(fake_latest, hours=range(2))
    assert client_latest.get(P).get_json() == [WIKI]
    assert client_latest.get(f"{P}/{WIKI}/segments").get_json() == ids
    assert client_latest.get(f"{P}/{WIKI}/intervals").get_json() == [hour(1), hour(0)]
    assert_no_content(client_latest.get(f"{P}/nope"))
