"""``fakedruid.strategies``: every strategy's output is accepted by the fake (invalid payloads rejected), its
arguments are checked when it is built, and it shrinks where its docstring says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from fakedruid import FakeCoordinator
from fakedruid import strategies as fds
from fakedruid.api import messages
from fakedruid.model.intervals import Interval, Period, format_instant, parse_instant, parse_interval
from fakedruid.model.rules import DropByPeriod, DropForever, LoadForever, rule_from_json, rule_to_json
from fakedruid.model.segment_ids import SegmentId, try_parse
from fakedruid.model.segments import DataSegment, data_segment_from_json, data_segment_to_json
from tests.support import DOC_HEADERS, NOW

P = "/druid/coordinator/v1/datasources"
DAY = 86_400_000

# One coordinator per profile for the whole module, reset by each example (building a Flask app per example
# would dominate the run time).
_FAKES = {profile: FakeCoordinator(profile, now=NOW) for profile in ("29", "latest")}


def _fresh(profile: str = "29") -> FakeCoordinator:
    fake = _FAKES[profile]
    fake.reset()
    return fake


def _minimal(strategy: st.SearchStrategy[Any], condition: Callable[[Any], bool] = lambda _: True) -> Any:
    return find(strategy, condition, settings=settings(database=None, max_examples=50))


#: Examples that talk to the fake are slower than pure ones; fewer suffice.
WITH_FAKE = settings(max_examples=30, deadline=None)


# ====================================================================== intervals


@given(fds.intervals(min_start="2020-01-01", max_end="2020-01-11", unit=fds.DAY, max_units=3))
def test_intervals_inside_bounds_aligned_and_parseable(interval: Interval) -> None:
    start = parse_instant("2020-01-01")
    assert start <= interval.start < interval.end <= parse_instant("2020-01-11")
    assert (interval.start - start) % DAY == 0 and (interval.end - interval.start) % DAY == 0
    assert interval.end - interval.start <= 3 * DAY
    assert parse_interval(str(interval)) == interval


def test_intervals_shrink_to_one_unit_at_min_start() -> None:
    interval = _minimal(fds.intervals(min_start="2020-01-01", unit=fds.HOUR))
    assert str(interval) == "2020-01-01T00:00:00.000Z/2020-01-01T01:00:00.000Z"


# ====================================================================== versions


@given(fds.versions())
def test_versions_iso_round_trip(version: str) -> None:
    assert format_instant(parse_instant(version)) == version
    assert "_" not in version


@given(fds.versions(style="short", max_size=3))
def test_versions_short_no_underscore(version: str) -> None:
    assert 1 <= len(version) <= 3
    assert "_" not in version and "/" not in version


def test_versions_shrink_towards_minimum() -> None:
    assert _minimal(fds.versions(min_value="2024-05-01")) == "2024-05-01T00:00:00.000Z"
    assert _minimal(fds.versions(style="short")) == "0"


# ====================================================================== segment ids


@given(fds.segment_ids(versions=fds.versions(style="short")))
def test_segment_ids_parse_back(sid: SegmentId) -> None:
    assert try_parse(sid.datasource, str(sid)) == sid


def test_segment_ids_shrink_to_partition_zero() -> None:
    sid = _minimal(fds.segment_ids(datasource="wiki"))
    assert str(sid) == "wiki_2020-01-01T00:00:00.000Z_2020-01-02T00:00:00.000Z_2024-01-01T00:00:00.000Z"


# ====================================================================== segments and timelines


@WITH_FAKE
@given(fds.data_segments(shard_spec_types=fds.SHARD_SPEC_TYPES))
def test_data_segments_accepted_by_fake(segment: DataSegment) -> None:
    fake = _fresh()
    obj = data_segment_to_json(segment)
    assert fake.add_segments([obj]) == [segment.id]
    assert data_segment_from_json(obj).id == segment.id
    assert try_parse(segment.datasource, segment.id) == segment.segment_id


def test_data_segments_shrink_to_numbered_zero_of_one() -> None:
    segment = _minimal(fds.data_segments(datasource="wiki"))
    assert segment.shard_spec.to_json() == {"type": "numbered", "partitionNum": 0, "partitions": 1}
    assert (segment.size, segment.dimensions, segment.metrics) == (0, (), ())


@WITH_FAKE
@given(fds.timelines(versions=fds.versions(style="short", max_size=2), max_segments=20))
def test_timelines_accepted_by_fake_together(segments: list[DataSegment]) -> None:
    fake = _fresh()
    assert len({s.datasource for s in segments}) == 1
    ids = fake.add_segments([data_segment_to_json(s) for s in segments])
    assert ids == [s.id for s in segments]
    assert len(set(ids)) == len(ids)


@given(fds.timelines(datasource="wiki"))
def test_timelines_same_version_never_overlaps_other_interval(segments: list[DataSegment]) -> None:
    for a in segments:
        for b in segments:
            if a.version == b.version and a.interval != b.interval:
                assert not a.interval.overlaps(b.interval)


@given(fds.timelines(datasource="wiki", max_versions=3))
def test_timelines_one_core_count_per_interval_and_version(segments: list[DataSegment]) -> None:
    cores: dict[tuple[Interval, str], set[int]] = {}
    for s in segments:
        cores.setdefault((s.interval, s.version), set()).add(s.shard_spec.num_core_partitions)
    assert all(len(c) == 1 for c in cores.values())


def test_timelines_reach_overshadowing() -> None:
    # The strategy is meant to exercise overshadowing: some generated set must contain an overshadowed segment.
    def has_overshadowed(segments: list[DataSegment]) -> bool:
        fake = _fresh()
        fake.add_segments([data_segment_to_json(s) for s in segments])
        return bool(fake.overshadowed_segment_ids("wiki"))

    assert _minimal(fds.timelines(datasource="wiki"), has_overshadowed)


def test_timelines_shrink_to_one_segment() -> None:
    segments = _minimal(fds.timelines(datasource="wiki"))
    assert len(segments) == 1
    assert segments[0].shard_spec.to_json() == {"type": "numbered", "partitionNum": 0, "partitions": 1}


# ====================================================================== rules


@given(fds.rules(tiers=("_default_tier", "hot")))
def test_rules_round_trip_through_druid_json(rule: Any) -> None:
    assert rule_from_json(rule_to_json(rule)) == rule


@WITH_FAKE
@given(fds.rule_lists())
def test_rule_lists_accepted_for_datasource(rules: list[Any]) -> None:
    fake = _fresh()
    fake.load_state({"rules": {"rules": {"wiki": [rule_to_json(r) for r in rules]}}})
    assert fake.cluster.rules.get("wiki") == rules


@WITH_FAKE
@given(fds.rule_lists(for_default=True))
def test_rule_lists_for_default_accepted_and_not_empty(rules: list[Any]) -> None:
    assert rules
    fake = _fresh()
    fake.load_state({"rules": {"rules": {"_default": [rule_to_json(r) for r in rules]}}})
    assert fake.cluster.rules.get("_default") == rules


def test_rules_shrink_to_rule_without_fields_or_first_type_with_defaults() -> None:
    assert _minimal(fds.rules()) == DropForever()
    assert _minimal(fds.rules(types=("loadForever", "loadByPeriod"))) == LoadForever()
    assert _minimal(fds.rules(types=("dropByPeriod",))) == DropByPeriod(Period(days=1))
    assert _minimal(fds.rule_lists()) == []
    assert _minimal(fds.rule_lists(for_default=True)) == [DropForever()]


# ====================================================================== mark payloads


@pytest.mark.parametrize("profile", ["29", "latest"])
@settings(WITH_FAKE, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mark_payloads_verdict_matches_fake(profile: str, data: st.DataObject) -> None:
    fake = _fresh(profile)
    fake.add_segment("wiki", "2020-01-01/2020-01-02", "v1")
    payload = data.draw(fds.mark_payloads(profile=profile))
    resp = fake.client.post(f"{P}/wiki/markUnused", data=payload.data, headers=DOC_HEADERS)
    if payload.valid:
        assert resp.status_code == 200, (payload, resp.get_data(as_text=True))
    else:
        assert resp.status_code == 400, payload
        if payload.problem == fds.INVALID_PAYLOAD:
            expected = messages.INVALID_MARK_PAYLOAD_29 if profile == "29" else messages.INVALID_MARK_PAYLOAD_LATEST
            assert resp.get_data(as_text=True) == expected
        else:
            assert payload.problem == fds.MAPPING_ERROR
            assert isinstance(resp.get_json()["error"], str)
    fake.check()


@given(fds.mark_payloads(profile="latest", valid=True))
def test_mark_payloads_valid_only(payload: fds.MarkPayload) -> None:
    assert payload.valid and payload.problem is None and payload.profile == "latest"


@given(fds.mark_payloads(profile="28", valid=False))
def test_mark_payloads_invalid_only_release_number_maps_to_profile(payload: fds.MarkPayload) -> None:
    assert not payload.valid and payload.problem is not None and payload.profile == "29"


@given(fds.mark_payloads(profile="30", valid=False))
def test_mark_payloads_release_30_maps_to_profile_31(payload: fds.MarkPayload) -> None:
    assert not payload.valid and payload.problem is not None and payload.profile == "31"


def test_mark_payloads_shrink() -> None:
    assert _minimal(fds.mark_payloads(valid=False)).body is None
    valid = _minimal(fds.mark_payloads(valid=True))
    assert valid.body == {"interval": "2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z"}
    assert valid.data == b'{"interval": "2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z"}'


# ====================================================================== argument checks


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: fds.datasource_names(prefix="a/b"), "must not contain '/'"),
        (lambda: fds.datasource_names(max_size=0), "max_size"),
        (lambda: fds.intervals(min_start="2020-01-02", max_end="2020-01-01"), "no whole unit"),
        (lambda: fds.intervals(min_start="yesterday"), "not an ISO-8601 date-time"),
        (lambda: fds.intervals(unit=0), "unit"),
        (lambda: fds.intervals(unit=1.5), "must be an integer"),  # type: ignore[arg-type]
        (lambda: fds.intervals(max_units=0), "max_units"),
        (lambda: fds.versions(style="uuid"), "style"),
        (lambda: fds.versions(min_value="2024-02-01", max_value="2024-01-01"), "must not be after"),
        (lambda: fds.versions(min_value="10000-01-01"), "0000 to 9999"),
        (lambda: fds.versions(style="short", max_size=0), "max_size"),
        (lambda: fds.segment_ids(datasource=""), "must not be empty"),
        (lambda: fds.segment_ids(intervals="2020/2021"), "hypothesis strategy"),  # type: ignore[arg-type]
        (lambda: fds.segment_ids(max_partition_num=-1), "max_partition_num"),
        (lambda: fds.data_segments(shard_spec_types=()), "non-empty"),
        (lambda: fds.data_segments(shard_spec_types="numbered"), "non-empty sequence"),
        (lambda: fds.data_segments(shard_spec_types=("numbered", "bucket_hash")), "bucket_hash"),
        (lambda: fds.data_segments(max_partitions=0), "max_partitions"),
        (lambda: fds.timelines(cells=0), "cells"),
        (lambda: fds.timelines(max_versions=0), "max_versions"),
        (lambda: fds.timelines(max_segments=0), "max_segments"),
        (lambda: fds.timelines(datasource="a/b"), "must not contain '/'"),
        (lambda: fds.timelines(versions=["v1"]), "hypothesis strategy"),  # type: ignore[arg-type]
        (lambda: fds.rules(types=()), "non-empty"),
        (lambda: fds.rules(types=("loadPartialForever",)), "loadPartialForever"),
        (lambda: fds.rules(tiers=("",)), "tier names"),
        (lambda: fds.rules(max_replicants=-1), "max_replicants"),
        (lambda: fds.rule_lists(min_size=3, max_size=2), "must not exceed"),
        (lambda: fds.rule_lists(for_default=True, max_size=0), "cannot be empty"),
        (lambda: fds.mark_payloads(profile="27"), "profile"),
        (lambda: fds.mark_payloads(valid="yes"), "valid"),  # type: ignore[arg-type]
        (lambda: fds.mark_payloads(ids=["a"]), "hypothesis strategy"),  # type: ignore[arg-type]
    ],
)
def test_strategy_bad_argument_is_invalid_argument_when_built(build: Callable[[], Any], match: str) -> None:
    # Raised by the call itself, before anything is drawn.
    with pytest.raises(InvalidArgument, match=match):
        build()


def test_strategies_module_not_imported_by_package() -> None:
    import subprocess
    import sys

    code = "import sys, fakedruid; print('hypothesis' in sys.modules, 'fakedruid.strategies' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
