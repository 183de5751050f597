"""Fidelity audit of the served-inventory read endpoints (http-api.md 3.1 to 3.5, 1.6, 1.8, 1.10; semantics 10.1).

Layer: api tests (Flask test client). Rows not pinned by ``test_datasources_read.py``: multi-tier placements
(tiers without servers, rules naming missing tiers, broadcast, more replicas than servers), the ``?full``
first-server quirk with several tiers, the DSRT examples, interval order with equal starts, every candidate
parsing of ``/segments/{id}``, percent-encoded ids and the ``{interval}`` path segment. Druid source:
``server/src/main/java/org/apache/druid/server/http/DataSourcesResource.java`` (DSR) and
``InventoryViewUtils.java``.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from fakedruid import FakeCoordinator
from tests.support import NOW

P = "/druid/coordinator/v1/datasources"
RULES = "/druid/coordinator/v1/rules"
H1 = "fakedruid-historical-1:8083"
H2 = "fakedruid-historical-2:8083"
HOT1 = "fakedruid-hot-historical-1:8083"
COLD = [f"fakedruid-cold-historical-{i}:8083" for i in (1, 2, 3)]
DAY1 = "2010-01-01T00:00:00.000Z/2010-01-02T00:00:00.000Z"
DAY22 = "2010-01-22T00:00:00.000Z/2010-01-23T00:00:00.000Z"


@pytest.fixture(params=["29", "latest"])
def tiered(request: pytest.FixtureRequest) -> Iterator[FakeCoordinator]:
    """Both profiles; servers in order: hot-1, the two default historicals, cold-1..3; tier "empty" has none."""
    fake = FakeCoordinator(request.param, now=NOW, tiers={"empty": 0, "hot": 1, "_default_tier": 2, "cold": 3})
    yield fake
    fake.check()


def post_rules(fake: FakeCoordinator, datasource: str, rules: list[dict[str, object]]) -> None:
    resp = fake.client.post(f"{RULES}/{datasource}", json=rules)
    assert resp.status_code == 200


def served_servers(fake: FakeCoordinator, datasource: str, segment_id: str) -> list[str] | None:
    resp = fake.client.get(f"{P}/{datasource}/segments/{quote(segment_id, safe='')}")
    return None if resp.status_code == 204 else resp.get_json()["servers"]


# ====================================================================== semantics 10.1 placement


def test_placement_replicas_above_server_count_uses_every_server_of_the_tier(tiered: FakeCoordinator) -> None:
    post_rules(tiered, "ds", [{"type": "loadForever", "tieredReplicants": {"cold": 5, "hot": 1}}])
    sid = tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1", size=10)
    assert served_servers(tiered, "ds", sid) == [HOT1, *COLD]
    assert tiered.client.get(f"{P}/ds").get_json() == {
        "tiers": {
            "hot": {"segmentCount": 1, "size": 10, "replicatedSize": 10},
            "cold": {"segmentCount": 1, "size": 10, "replicatedSize": 30},
        },
        "segments": {"count": 1, "size": 10, "replicatedSize": 40, "minTime": "2010-01-01T00:00:00.000Z",
                     "maxTime": "2010-01-02T00:00:00.000Z"},
    }


def test_placement_rule_naming_only_missing_or_empty_tiers_serves_nothing_answers_204(
    tiered: FakeCoordinator,
) -> None:
    post_rules(tiered, "ds", [{"type": "loadForever", "tieredReplicants": {"missing": 2, "empty": 1}}])
    sid = tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1")
    client = tiered.client
    assert client.get(P).get_json() == []
    for path in ("", "/intervals", "/intervals/2010_2011", "/segments", f"/segments/{sid}"):
        resp = client.get(f"{P}/ds{path}")
        assert (resp.status_code, resp.get_data()) == (204, b""), path
    assert client.get(f"{P}/ds/tiers").get_json() == []


def test_placement_zero_replica_tier_ignored_other_tier_loads(tiered: FakeCoordinator) -> None:
    post_rules(tiered, "ds", [{"type": "loadForever", "tieredReplicants": {"hot": 0, "_default_tier": 1}}])
    sid = tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1")
    assert served_servers(tiered, "ds", sid) == [H1]
    assert tiered.client.get(f"{P}/ds/tiers").get_json() == ["_default_tier"]


def test_placement_broadcast_rule_loads_on_every_server_of_every_tier(tiered: FakeCoordinator) -> None:
    post_rules(tiered, "ds", [{"type": "broadcastForever"}])
    sid = tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1", size=7)
    assert served_servers(tiered, "ds", sid) == [HOT1, H1, H2, *COLD]
    assert tiered.client.get(f"{P}/ds/tiers").get_json() == ["_default_tier", "cold", "hot"]
    body = tiered.client.get(f"{P}/ds").get_json()
    assert body["tiers"] == {
        "hot": {"segmentCount": 1, "size": 7, "replicatedSize": 7},
        "_default_tier": {"segmentCount": 1, "size": 7, "replicatedSize": 14},
        "cold": {"segmentCount": 1, "size": 7, "replicatedSize": 21},
    }
    assert body["segments"]["replicatedSize"] == 42


def test_placement_first_matching_rule_decides_per_segment(tiered: FakeCoordinator) -> None:
    post_rules(
        tiered,
        "ds",
        [
            {"type": "loadByInterval", "interval": "2010-01-01/2010-01-02", "tieredReplicants": {"missing": 1}},
            {"type": "dropByInterval", "interval": "2010-02-01/2010-03-01"},
            {"type": "loadForever", "tieredReplicants": {"cold": 1}},
        ],
    )
    not_loaded = tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1")
    dropped = tiered.add_segment("ds", "2010-02-01/2010-02-02", "v1")
    loaded = tiered.add_segment("ds", "2010-03-01/2010-03-02", "v1")
    assert tiered.client.get(f"{P}/ds/segments").get_json() == [loaded]
    assert served_servers(tiered, "ds", not_loaded) is None
    assert served_servers(tiered, "ds", dropped) is None
    assert served_servers(tiered, "ds", loaded) == [COLD[0]]


def test_placement_rule_change_is_seen_by_the_next_read(tiered: FakeCoordinator) -> None:
    sid = tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1")
    assert served_servers(tiered, "ds", sid) == [H1, H2]
    post_rules(tiered, "ds", [{"type": "dropForever"}])
    assert tiered.client.get(f"{P}/ds/segments").status_code == 204


def test_placement_mark_unused_is_seen_by_the_next_read(tiered: FakeCoordinator) -> None:
    sid = tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1")
    other = tiered.add_segment("ds", "2010-01-02/2010-01-03", "v1")
    resp = tiered.client.post(f"{P}/ds/markUnused", json={"segmentIds": [sid]})
    assert resp.status_code == 200
    assert tiered.client.get(f"{P}/ds/segments").get_json() == [other]


# ====================================================================== 1.10 DSRT simple-properties examples


@pytest.mark.parametrize("profile", ["29", "latest"])
def test_simple_properties_dsrt_one_server_one_segment(profile: str) -> None:
    fake = FakeCoordinator(profile, now=NOW, tiers={"tier1": 1})
    fake.client.post(f"{RULES}/_default", json=[{"type": "loadForever", "tieredReplicants": {"tier1": 1}}])
    fake.add_segment("wiki", "2010-01-01/P1D", "v1", size=10)
    assert fake.client.get(f"{P}/wiki").get_json() == {
        "tiers": {"tier1": {"segmentCount": 1, "size": 10, "replicatedSize": 10}},
        "segments": {"count": 1, "size": 10, "replicatedSize": 10, "minTime": "2010-01-01T00:00:00.000Z",
                     "maxTime": "2010-01-02T00:00:00.000Z"},
    }
    fake.check()


@pytest.mark.parametrize("profile", ["29", "latest"])
def test_simple_properties_dsrt_two_tiers_two_segments(profile: str) -> None:
    fake = FakeCoordinator(profile, now=NOW, tiers={"tier1": 1, "tier2": 1})
    fake.client.post(f"{RULES}/wiki", json=[{"type": "loadForever", "tieredReplicants": {"tier1": 1, "tier2": 1}}])
    fake.add_segment("wiki", "2010-01-01/P1D", "v1", size=10)
    fake.add_segment("wiki", "2010-01-22/P1D", "v1", size=20)
    expected = {
        "tiers": {
            "tier1": {"segmentCount": 2, "size": 30, "replicatedSize": 30},
            "tier2": {"segmentCount": 2, "size": 30, "replicatedSize": 30},
        },
        "segments": {"count": 2, "size": 30, "replicatedSize": 60, "minTime": "2010-01-01T00:00:00.000Z",
                     "maxTime": "2010-01-23T00:00:00.000Z"},
    }
    assert fake.client.get(f"{P}/wiki").get_json() == expected
    assert fake.client.get(f"{P}?simple").get_json() == [{"name": "wiki", "properties": expected}]
    fake.check()


# ====================================================================== 3.1 ?full first-server quirk


def test_list_datasources_full_each_name_from_its_own_first_server(tiered: FakeCoordinator) -> None:
    # InventoryViewUtils.getDataSources: one DruidDataSource per server, a name-ordered TreeSet keeps the first.
    post_rules(
        tiered,
        "a",
        [
            {"type": "loadByInterval", "interval": "2010-01-01/2010-01-02", "tieredReplicants": {"hot": 1}},
            {"type": "loadForever", "tieredReplicants": {"cold": 2}},
        ],
    )
    post_rules(tiered, "b", [{"type": "loadForever", "tieredReplicants": {"cold": 3, "empty": 1}}])
    on_hot = tiered.add_segment("a", "2010-01-01/2010-01-02", "v1")
    tiered.add_segment("a", "2010-01-02/2010-01-03", "v1")
    b_ids = [tiered.add_segment("b", "2010-01-01/2010-01-02", "v1"), tiered.add_segment("b", "2010-01-05/P1D", "v1")]
    body = tiered.client.get(f"{P}?full").get_json()
    assert [(d["name"], d["properties"]) for d in body] == [("a", {"client": "side"}), ("b", {"client": "side"})]
    assert [s["identifier"] for s in body[0]["segments"]] == [on_hot]
    assert [s["identifier"] for s in body[1]["segments"]] == b_ids
    # GET /datasources/{ds}?full merges every server (DSR getDataSource): properties {} and all segments.
    full_a = tiered.client.get(f"{P}/a?full").get_json()
    assert full_a["properties"] == {}
    assert len(full_a["segments"]) == 2


@pytest.mark.parametrize("query", ["?full=false", "?full=", "?full&simple", "?simple&full=0"])
def test_list_datasources_full_presence_flag_any_value_wins(tiered: FakeCoordinator, query: str) -> None:
    tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1")
    body = tiered.client.get(f"{P}{query}").get_json()
    assert body[0]["properties"] == {"client": "side"}


def test_list_datasources_flag_names_are_case_sensitive(tiered: FakeCoordinator) -> None:
    tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1")
    assert tiered.client.get(f"{P}?FULL&Simple").get_json() == ["ds"]


# ====================================================================== 3.3 interval order and DSRT examples


def test_get_intervals_order_newest_start_then_longest_end_in_every_form(tiered: FakeCoordinator) -> None:
    # Comparators.intervalsByStartThenEnd().reversed() for the TreeSet and both TreeMaps (DSR).
    tiered.add_segment("ds", "2010-01-01/2010-01-02", "v1", size=1)
    tiered.add_segment("ds", "2010-01-01/2010-01-03", "v0", size=2)
    tiered.add_segment("ds", "2010-01-03/2010-01-04", "v2", size=4)
    expected = [
        "2010-01-03T00:00:00.000Z/2010-01-04T00:00:00.000Z",
        "2010-01-01T00:00:00.000Z/2010-01-03T00:00:00.000Z",
        "2010-01-01T00:00:00.000Z/2010-01-02T00:00:00.000Z",
    ]
    client = tiered.client
    assert client.get(f"{P}/ds/intervals").get_json() == expected
    assert list(client.get(f"{P}/ds/intervals?simple").get_json()) == expected
    assert list(client.get(f"{P}/ds/intervals?full").get_json()) == expected
    assert client.get(f"{P}/ds/intervals/2010-01-01_2010-01-04?simple=false").get_json() == {
        expected[0]: {"size": 4, "count": 1},
        expected[1]: {"size": 2, "count": 1},
        expected[2]: {"size": 1, "count": 1},
    }
    assert list(client.get(f"{P}/ds/intervals/2010-01-01_2010-01-04?full=false&simple").get_json()) == expected


def test_get_intervals_dsrt_examples(tiered: FakeCoordinator) -> None:
    first = tiered.add_segment("wiki", "2010-01-01/P1D", "v1")
    second = tiered.add_segment("wiki", "2010-01-22/P1D", "v1")
    client = tiered.client
    assert client.get(f"{P}/wiki/intervals").get_json() == [DAY22, DAY1]
    assert client.get(f"{P}/wiki/intervals/2010-03-01_P1D").get_json() == []
    assert client.get(f"{P}/wiki/intervals/2010-01-01_P1D").get_json() == [first]
    assert client.get(f"{P}/wiki/intervals/2010-01-01_P1M").get_json() == [first, second]


def test_get_intervals_full_servers_per_tier_placement(tiered: FakeCoordinator) -> None:
    post_rules(tiered, "ds", [{"type": "loadForever", "tieredReplicants": {"cold": 2, "hot": 1}}])
    sid = tiered.add_segment("ds", "2010-01-01/P1D", "v1")
    body = tiered.client.get(f"{P}/ds/intervals?full").get_json()
    assert body[DAY1][sid]["servers"] == [HOT1, COLD[0], COLD[1]]
    assert body[DAY1][sid]["metadata"]["identifier"] == sid


def test_get_interval_literal_slash_is_unknown_path_404(tiered: FakeCoordinator) -> None:
    # Jersey's {interval} matches one path segment: "a/b" unencoded is no resource; "%2F" is the interval's "/".
    sid = tiered.add_segment("ds", "2010-01-01/P1D", "v1")
    assert tiered.client.get(f"{P}/ds/intervals/2010-01-01/2010-01-02").status_code == 404
    assert tiered.client.get(f"{P}/ds/intervals/2010-01-01%2F2010-01-02").get_json() == [sid]


def test_get_interval_trailing_slash_is_not_part_of_interval(tiered: FakeCoordinator) -> None:
    # Jersey 1 templates match one optional trailing "/".
    sid = tiered.add_segment("ds", "2010-01-01/P1D", "v1")
    assert tiered.client.get(f"{P}/ds/intervals/2010-01-01_2010-01-02/").get_json() == [sid]


# ====================================================================== 3.4 /segments/{id}


@pytest.mark.parametrize(
    ("version", "suffix"),
    [("v_2_3", "v_2_3"), ("v_0", "v_0"), ("v_-1", "v_-1"), ("v_+1", "v_+1")],
    ids=["two-underscores", "trailing-zero", "negative", "plus"],
)
def test_get_segment_versions_that_look_like_partitions_found(
    tiered: FakeCoordinator, version: str, suffix: str
) -> None:
    # iteratePossibleParsingsWithDataSource: a trailing number > 0 is tried as a partition first, then as part of
    # the version; 0, negative and "+1" (Ints.tryParse) are only ever part of the version.
    sid = tiered.add_segment("ds", "2010-01-01/P1D", version)
    assert sid.endswith(suffix)
    body = tiered.client.get(f"{P}/ds/segments/{sid}").get_json()
    assert (body["metadata"]["version"], body["metadata"]["shardSpec"]["partitionNum"]) == (version, 0)


def test_get_segment_leading_zero_partition_finds_parsed_segment(tiered: FakeCoordinator) -> None:
    # "_01" parses as partition 1 (Ints.tryParse), and SegmentId equality is structural.
    sid = tiered.add_segment("ds", "2010-01-01/P1D", "v", partition_num=1, partitions=2)
    tiered.add_segment("ds", "2010-01-01/P1D", "v", partition_num=0, partitions=2)
    assert sid.endswith("_v_1")
    body = tiered.client.get(f"{P}/ds/segments/{sid[:-1]}01").get_json()
    assert body["metadata"]["identifier"] == sid


def test_get_segment_offset_instants_match_utc_segment(tiered: FakeCoordinator) -> None:
    # DateTimes.ISO_DATE_TIME parses in UTC: the same instants written with an offset name the same segment.
    sid = tiered.add_segment("ds", "2010-01-01/P1D", "v1")
    alt = "ds_2010-01-01T01:00:00.000+01:00_2010-01-02T01:00:00.000+01:00_v1"
    body = tiered.client.get(f"{P}/ds/segments/{quote(alt, safe='')}").get_json()
    assert body["metadata"]["identifier"] == sid


@pytest.mark.parametrize("version", ["v 1", "v+1", "v%1", "v?x#y", "v%2F1", "vé_2", "v;x"])
def test_get_segment_percent_encoded_id_is_decoded(tiered: FakeCoordinator, version: str) -> None:
    sid = tiered.add_segment("my ds", "2010-01-01/P1D", version)
    resp = tiered.client.get(f"{P}/{quote('my ds', safe='')}/segments/{quote(sid, safe='')}")
    assert resp.status_code == 200
    assert resp.get_json() == {"metadata": resp.get_json()["metadata"], "servers": [H1, H2]}
    assert resp.get_json()["metadata"]["version"] == version


def test_get_segments_full_presence_flag_any_value(tiered: FakeCoordinator) -> None:
    sid = tiered.add_segment("ds", "2010-01-01/P1D", "v1")
    for query in ("?full=false", "?full="):
        body = tiered.client.get(f"{P}/ds/segments{query}").get_json()
        assert [s["identifier"] for s in body] == [sid]
    assert tiered.client.get(f"{P}/ds/segments?simple").get_json() == [sid]
