"""Behaviour profiles (``fakedruid.profiles``): name resolution and the table of switches.

Also guards the rule that behaviour differences live in the Profile table only: no view compares a profile
name or a version literal.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from fakedruid.errors import FakeDruidError, InvalidConfig
from fakedruid.profiles import (
    LATEST_VERIFIED_RELEASE,
    PROFILE_29,
    PROFILE_31,
    PROFILE_33,
    PROFILE_LATEST,
    PROFILES,
    RELEASES,
    SWITCHES_OF_37,
    Profile,
    resolve_profile,
)

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_MESSAGE = (
    "Unknown druid_version [{name}]: use '29', '31', '33', 'latest' or a Druid release from 28 to 39 "
    "(28 and 29 map to profile '29', 30 and 31 to '31', 32 and 33 to '33', 34 and newer to 'latest')"
)


# ---------------------------------------------------------------------- resolution


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("29", PROFILE_29),
        ("latest", PROFILE_LATEST),
        ("LATEST", PROFILE_LATEST),
        (" latest ", PROFILE_LATEST),
        (29, PROFILE_29),
    ],
)
def test_resolve_profile_by_name_returns_the_profile(name: str | int, expected: Profile) -> None:
    assert resolve_profile(name) is expected


@pytest.mark.parametrize("release", [28, 29])
def test_resolve_profile_release_28_and_29_is_profile_29(release: int) -> None:
    assert resolve_profile(release) is PROFILE_29
    assert resolve_profile(str(release)) is PROFILE_29


@pytest.mark.parametrize("release", [30, 31, "31.0.1", "30.0.0"])
def test_resolve_profile_release_30_and_31_is_profile_31(release: int | str) -> None:
    assert resolve_profile(release) is PROFILE_31
    assert resolve_profile("31") is PROFILE_31


@pytest.mark.parametrize("release", [32, 33])
def test_resolve_profile_release_32_and_33_is_profile_33(release: int) -> None:
    assert resolve_profile(release) is PROFILE_33
    assert resolve_profile(str(release)) is PROFILE_33


@pytest.mark.parametrize("release", [34, 35, 36, 37, 38])
def test_resolve_profile_release_34_to_38_is_profile_latest(release: int) -> None:
    assert resolve_profile(release) is PROFILE_LATEST
    assert resolve_profile(str(release)) is PROFILE_LATEST


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("28.0.1", PROFILE_29),
        ("29.0.1", PROFILE_29),
        ("31.0.1", PROFILE_31),
        ("33.0.0", PROFILE_33),
        ("37.0.0", PROFILE_LATEST),
    ],
)
def test_resolve_profile_full_release_number_uses_its_major(name: str, expected: Profile) -> None:
    assert resolve_profile(name) is expected


def test_resolve_profile_passes_a_profile_through() -> None:
    custom = dataclasses.replace(PROFILE_LATEST, druid_version="35.0.0")
    assert resolve_profile(custom) is custom


@pytest.mark.parametrize(
    "name", ["27", "40", 27, 40, "0.23", "v33", "33.", "33.x", "", "bogus", "2", "-29", "latest-1"]
)
def test_resolve_profile_unknown_value_raises_invalid_config_listing_accepted_values(name: str | int) -> None:
    with pytest.raises(InvalidConfig) as info:
        resolve_profile(name)
    assert str(info.value) == EXPECTED_MESSAGE.format(name=name)


def test_resolve_profile_error_is_a_value_error_and_a_fake_druid_error() -> None:
    with pytest.raises(ValueError):
        resolve_profile("27")
    with pytest.raises(FakeDruidError):
        resolve_profile("27")


def test_releases_cover_28_to_39_and_name_known_profiles() -> None:
    assert sorted(RELEASES, key=int) == [str(n) for n in range(28, 40)]


@pytest.mark.parametrize("release", ["34", "35.0.0", "36.0.1", "37.0.0", "38", "39.0.0"])
def test_releases_after_the_latest_verified_resolve_to_latest(release: str) -> None:
    assert resolve_profile(release) is PROFILE_LATEST


def test_latest_reports_the_latest_verified_release() -> None:
    assert PROFILE_LATEST.druid_version == LATEST_VERIFIED_RELEASE
    assert set(RELEASES.values()) == set(PROFILES)


# ---------------------------------------------------------------------- the table of switches


def test_profiles_are_keyed_by_their_names() -> None:
    assert {name: p.name for name, p in PROFILES.items()} == {"29": "29", "31": "31", "33": "33", "latest": "latest"}


def test_profiles_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PROFILE_29.accept_quirk = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("profile", "version"),
    [(PROFILE_29, "29.0.1"), (PROFILE_31, "31.0.1"), (PROFILE_33, "33.0.0"), (PROFILE_LATEST, "37.0.0")],
)
def test_profile_reports_its_druid_version(profile: Profile, version: str) -> None:
    assert profile.druid_version == version


def test_profiles_every_switch_differs_between_the_profiles() -> None:
    # A switch with the same value in every profile describes no difference: it belongs nowhere in this table.
    same = [
        f.name
        for f in dataclasses.fields(Profile)
        if len({repr(getattr(p, f.name)) for p in PROFILES.values()}) == 1
    ]
    assert same == []


def test_profile_33_is_latest_but_for_what_33_0_0_was_measured_to_answer() -> None:
    differ = {
        f.name for f in dataclasses.fields(Profile) if getattr(PROFILE_33, f.name) != getattr(PROFILE_LATEST, f.name)
    }
    # 37.0.0's changes are off, FORWARD_500 (with ACCEPT_500_33) on, the metadata segment lookup a 404, unsorted
    # status properties (HashMap), and 33.0.0's own path table.
    assert differ == {
        "name", "druid_version", "route_versions", "properties_sorted", "metadata_segment_parses_id",
        "metadata_keeps_emptied_datasources", "unused_rows_carry_indexing_state_fingerprint",
        "basic_auth_splits_at_first_colon", "auth_failure_names_user", "jetty12_bad_message_page",
        "jetty12_reason_phrases", "error_page_json_raw_controls", "jackson_source_redacted",
        "jackson_collection_errors_raw_types", "jackson_220_wording", "row_stats_thrown_away_by_reason",
        "segment_string_37_fields", "forwarded_mark_used_500",
    }


@pytest.mark.parametrize(
    ("switch", "value_29", "value_latest"),
    [
        ("segment_update_response", False, True),
        ("honours_versions", False, True),
        ("served_check_on_mark", True, False),
        ("accept_quirk", True, False),
        ("overlord_datasources_api", False, True),
        ("segment_updates_via_overlord", False, True),
        ("single_mark_used_parses_id", False, True),
        ("unparseable_single_id_is_400", False, True),
        ("mark_used_ids_parsed", False, True),
        ("metadata_segment_parses_id", False, True),
        ("unused_segments_errors_are_400", False, True),
        ("segment_projections", False, True),
        ("kill_mark_as_unused", True, False),
        ("kill_counts_killable_only", False, True),
        ("zero_replica_segments_available", False, True),
        ("task_exists_druid_exception", False, True),
        ("unused_rows_carry_segment_columns", False, True),
        ("update_failure_error", "Exception occurred.", "Unknown server error"),
        ("authorization_result", False, True),
        ("interval_error_prefix", "Bad Interval", "Invalid interval"),
        ("metadata_keeps_emptied_datasources", False, True),
        ("unused_rows_carry_indexing_state_fingerprint", False, True),
        ("basic_auth_splits_at_first_colon", False, True),
        ("auth_failure_names_user", True, False),
        ("jetty12_bad_message_page", False, True),
        ("jetty12_reason_phrases", False, True),
        ("error_page_json_raw_controls", False, True),
        ("jackson_source_redacted", False, True),
        ("jackson_collection_errors_raw_types", False, True),
        ("jackson_220_wording", False, True),
        ("row_stats_thrown_away_by_reason", False, True),
        ("segment_string_37_fields", False, True),
        ("forwarded_mark_used_500", False, False),
    ],
)
def test_profile_switch_has_the_documented_value(switch: str, value_29: object, value_latest: object) -> None:
    assert (getattr(PROFILE_29, switch), getattr(PROFILE_LATEST, switch)) == (value_29, value_latest)


def test_profile_switches_are_all_listed_above() -> None:
    listed = {
        "name",
        "druid_version",
        "route_versions",
        "properties_sorted",
        "segment_update_response",
        "honours_versions",
        "served_check_on_mark",
        "accept_quirk",
        "overlord_datasources_api",
        "segment_updates_via_overlord",
        "single_mark_used_parses_id",
        "unparseable_single_id_is_400",
        "mark_used_ids_parsed",
        "metadata_segment_parses_id",
        "unused_segments_errors_are_400",
        "segment_projections",
        "kill_mark_as_unused",
        "kill_counts_killable_only",
        "zero_replica_segments_available",
        "task_exists_druid_exception",
        "unused_rows_carry_segment_columns",
        "update_failure_error",
        "authorization_result",
        "task_error_msg_limit",
        "task_type_ids",
        "ingestion_report_extras",
        "ready_failure_names_cause",
        "null_task_dereference",
        "mapping_errors_name_path",
        "mark_payload_class",
        "unknown_ids_are_invalid_input",
        "unused_row_used_flag",
        "interval_error_prefix",
        "metadata_keeps_emptied_datasources",
        "unused_rows_carry_indexing_state_fingerprint",
        "basic_auth_splits_at_first_colon",
        "auth_failure_names_user",
        "jetty12_bad_message_page",
        "jetty12_reason_phrases",
        "error_page_json_raw_controls",
        "jackson_source_redacted",
        "jackson_collection_errors_raw_types",
        "jackson_220_wording",
        "row_stats_thrown_away_by_reason",
        "segment_string_37_fields",
        "forwarded_mark_used_500",
    }
    assert {f.name for f in dataclasses.fields(Profile)} == listed


# ---------------------------------------------------------------------- no scattered version checks


def _sources() -> list[Path]:
    return sorted((ROOT / "fakedruid" / "api").glob("*.py")) + [ROOT / "fakedruid" / "server.py"]


def _version_checks(path: Path) -> list[str]:
    """Comparisons against a profile name or a version literal, and reads of ``.name`` on a profile."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Constant) and o.value in ("29", "latest") for o in operands):
                found.append(f"{path.name}:{node.lineno}: compares with a profile name")
        if isinstance(node, ast.Attribute) and node.attr == "name":
            owner = node.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if "profile" in owner_name.lower():
                found.append(f"{path.name}:{node.lineno}: reads the profile name")
    return found


def test_views_and_server_branch_on_switches_not_on_profile_names() -> None:
    problems = [problem for path in _sources() for problem in _version_checks(path)]
    assert problems == []


def test_profile_31_takes_each_switch_from_29_or_latest() -> None:
    # Measured on 31.0.1: a release line between the two. Only its identity and the class Jackson names in
    # mapping errors (an inner class in 30-31) are its own.
    own = {"name", "druid_version", "mark_payload_class"}
    mixed = [
        f.name
        for f in dataclasses.fields(Profile)
        if f.name not in own
        and getattr(PROFILE_31, f.name) not in (getattr(PROFILE_29, f.name), getattr(PROFILE_LATEST, f.name))
    ]
    assert mixed == []
    assert PROFILE_31.served_check_on_mark is False and PROFILE_31.honours_versions is True
    assert PROFILE_31.segment_updates_via_overlord is False and PROFILE_31.segment_update_response is False


def test_profile_31_has_none_of_37_0_0s_changes_nor_33_0_0s_forward_500() -> None:
    # 31.0.1 runs Jetty 9.4 and Jackson before 2.20, writes "Invalid interval" (its druid-processing jar) and
    # does not forward segment updates to the Overlord.
    assert {s: getattr(PROFILE_31, s) for s in SWITCHES_OF_37} == {s: getattr(PROFILE_29, s) for s in SWITCHES_OF_37}
    assert PROFILE_31.interval_error_prefix == "Invalid interval"
    assert PROFILE_31.forwarded_mark_used_500 is False


def test_switches_of_37_are_those_29_and_latest_answer_differently() -> None:
    assert SWITCHES_OF_37
    assert [s for s in SWITCHES_OF_37 if getattr(PROFILE_29, s) == getattr(PROFILE_LATEST, s)] == []
    assert {s: getattr(PROFILE_33, s) for s in SWITCHES_OF_37} == {s: getattr(PROFILE_29, s) for s in SWITCHES_OF_37}


def test_releases_map_each_line_to_its_profile() -> None:
    expected = {28: "29", 29: "29", 30: "31", 31: "31", 32: "33", 33: "33"}
    expected.update({n: "latest" for n in range(34, 40)})
    assert RELEASES == {str(n): name for n, name in expected.items()}


def test_every_profile_sets_every_field_in_its_source() -> None:
    # A default must not stand in for a measured value: each Profile(...) call names every field.
    tree = ast.parse((ROOT / "fakedruid" / "profiles.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Profile"]
    assert calls
    fields = {f.name for f in dataclasses.fields(Profile)}
    for call in calls:
        assert {k.arg for k in call.keywords} == fields


def test_task_type_ids_are_the_task_subtypes_of_each_release() -> None:
    # Task.class of druid-indexing-service 28.0.0 has the realtime tasks; 33.0.0's and 37.0.0's do not.
    assert "index_realtime" in PROFILE_29.task_type_ids
    assert "index_realtime" not in PROFILE_LATEST.task_type_ids
    assert PROFILE_33.task_type_ids == PROFILE_LATEST.task_type_ids
    assert set(PROFILE_29.task_type_ids) - set(PROFILE_LATEST.task_type_ids) == {
        "index_realtime",
        "index_realtime_appenderator",
    }
