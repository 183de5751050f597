"""Where a real Druid that ``--druid-real`` boots answers otherwise than the fake: measured, not guessed.

The differential machine (``test_differential.py``) lists its differences in ``differences.py``, which reuses
the reason texts defined here (FORWARD_500, NO_UNUSED_SEGMENTS_API) rather than repeating them.

Layer: tests (contract). Each entry makes the test a strict xfail against that release only (see
``conftest._mark_known_differences``), so the difference stays visible, and a fix on either side turns the
xfail into a failure that asks for the entry to go. They are for the measured-fidelity work to settle; the
fake is not changed here. Keys are test names, optionally with the parameter id (``name[real-markUsed]``).

Two causes are about the cluster, not about Druid's answers:

* :data:`NO_HISTORICAL`: the main cluster fakedruid starts has no Historical, so nothing is served (the fake's
  contract targets have one virtual Historical serving every used segment). The served-view tests are marked
  ``historical`` and run against a second cluster with one Historical (``--druid-real-historical``), where
  they match; only the state machine, which runs on the main cluster, keeps this entry. With a Historical,
  profile "29"'s 204 'datasource not served' no longer applies on 28.0.0, and six of those mark tests then
  reach their check of the unused rows (read from the metadata store on 28.0.0, see below).
* FORWARD_500 is Druid 33.0.0's own behaviour, not an artefact of the single-JVM coordinator-as-overlord
  cluster: apache/druid PR #18140 ("Fix mark used API response serialization", merged 2025-06-13, after 33.0.0)
  says these APIs apply the change and then fail to write the answer in any cluster since PR #17545 (its log:
  "A message body writer for ... SegmentUpdateResponse ... and MIME media type application/octet-stream was not
  found"), because ``OverlordDataSourcesResource`` and ``DataSourcesResource`` had no
  ``@Produces(APPLICATION_JSON)`` and the forwarded call names no JSON type (Jersey falls back to
  application/octet-stream; the Coordinator's OverlordClient request itself was not read). The fix adds
  ``@Produces``; it was merged after 33.0.0 was released (so from 34.0.0 on, not measured here). Profile "latest" follows the fixed releases (200 with the counts), so
  these entries stay as a 33.0.0-only difference.
* 28.0.0 stands in for profile "29" because druid-services 29.0.1 does not resolve from the Maven repository
  CI reaches; it lacks what Druid 29 added (``GET .../metadata/datasources/{ds}/unusedSegments``). Tests that
  only check state after a write read the unused rows from 28.0.0's metadata store instead
  (``helpers.unused_ids``); only the tests of that endpoint keep :data:`NO_UNUSED_SEGMENTS_API`, a stand-in gap.
"""

from __future__ import annotations

V28 = "28.0.0"
V33 = "33.0.0"
#: Druid 37.0.0 (run with its recipe, fakedruid/real/maven.py), measured with ``--druid-real 37.0.0``: 86 passed,
#: 11 recorded here. Forwarded writes answer 200 with the counts (the FORWARD_500 bug of 33.0.0 is fixed).
V37 = "37.0.0"
#: Druid 31.0.1 (profile "31"), measured as a Coordinator alone: its Overlord does not run from the jars the Maven
#: repository has (fakedruid/real/maven.py), so the task, kill and ingestion calls answer NO_OVERLORD_31.
V31 = "31.0.1"
NO_OVERLORD_31 = (
    "the 31.0.1 cluster has no Overlord (its CliOverlord needs druid-indexing-service 31.x, which the Maven "
    "repository lacks): the Coordinator's OverlordProxyServlet and OverlordClient answer 500 "
    "'ServiceNotAvailableException: Service [overlord] is not available'; a harness limit, not a Druid difference"
)

NO_HISTORICAL = (
    "needs a Historical serving the seeded segments; the real cluster has none, so the served view is empty"
)
NO_UNUSED_SEGMENTS_API = (
    "GET /druid/coordinator/v1/metadata/datasources/{ds}/unusedSegments does not exist in 28.0.0 (404; added in "
    "29), profile 29 answers it"
)
#: Druid 33.0.0 forwards these Coordinator calls to the Overlord (PR #17545); the Overlord's resource has no
#: @Produces and the forwarded request names no JSON Accept type, so Jersey finds no writer for
#: application/octet-stream: 500 after the change was applied.
FORWARD_500 = (
    "answers 500 {'error': 'Unknown server error', 'message': 'org.apache.druid.rpc.HttpResponseException: "
    "Server error [500 Internal Server Error]; no body'} (the Overlord applied the change, then failed to "
    "write its SegmentUpdateResponse for the forwarded call)"
)

#: Druid 37.0.0's metadata view keeps a datasource whose segments are all unused (after the poll).
ALL_UNUSED_VISIBLE_37 = (
    "keeps a datasource whose segments are all unused: GET .../metadata/datasources/{ds} answers 200 "
    "{'name': ds, 'properties': {'created': ...}, 'segments': []} and GET .../metadata/datasources still lists it "
    "(the fake, like 28.0.0 and 33.0.0: 404 and not listed)"
)
UNUSED_ROW_FINGERPRINT_37 = (
    "unusedSegments rows (DataSegmentPlus) end with one more key, indexingStateFingerprint (null here), after "
    "upgradedFromSegmentId"
)
#: Druid 28.0.0's Jackson mapping errors end with the parser location; the fake leaves it out (it keeps no token
#: positions); 33.0.0 writes no location, as the fake does.
MAPPING_LOCATION = (
    "the 400 error ends with Jackson's location '\\n at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); "
    "line: 1, column: N]' (N: the column of the failing token), which the fake does not write"
)
#: Druid 33.0.0 lacks @Produces on DataSourcesResource (added by PR #18140, in 34): an Accept without JSON on the
#: single-segment POST/DELETE is Jersey's empty 500, as in 28-29; profile "latest" follows 34+.
ACCEPT_500_33 = (
    "answers Jersey's empty '500 Internal Server Error' (no @Produces on DataSourcesResource until PR #18140 in "
    "34.0.0); profile latest follows 34+: 200 JSON, or 406 for text/plain"
)
#: Druid accepts a null entry in a rules list (and fails on it later); the fake refuses it with a 400.
NULL_RULE = (
    "accepts [null] with 200 and stores it (GET /rules then lists null; the Coordinator's RunRules fails on it later);"
    " the fake refuses it with 400 Cannot deserialize value of type `...Rule` from Null value"
)

REAL_DIFFERENCES: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ mark all unused, kill
    "test_mark_all_unused_counts_changed_segments": {
        V28: "counts already-unused rows too: 23, not 22 (28.0.0's SqlSegmentsMetadataManager."
        "markAsUnusedAllSegmentsInDataSource runs UPDATE ... WHERE dataSource = ? without AND used = true)",
        V37: ALL_UNUSED_VISIBLE_37,
    },
    "test_kill_deletes_only_unused_segments_inside_interval": {V33: FORWARD_500},
    # ------------------------------------------------------------------ mark all used
    "test_mark_all_used_unknown_datasource_is_200_with_zero": {V33: FORWARD_500},
    "test_mark_all_used_one_eligible_segment_counts_one": {V33: FORWARD_500},
    "test_mark_all_used_candidates_overshadow_each_other": {V33: FORWARD_500},
    "test_mark_all_used_nothing_unused_counts_zero": {V33: FORWARD_500},
    # ------------------------------------------------------------------ markUsed / markUnused by payload
    "test_mark_interval_with_empty_ids_profile_dependent[real-markUsed]": {V33: FORWARD_500},
    "test_mark_unknown_datasource_by_interval[real-markUsed]": {V33: FORWARD_500},
    "test_mark_used_doc_example_interval_restores_hours_03_and_04": {V33: FORWARD_500},
    "test_mark_used_by_ids_counts_only_unused_ones": {V33: FORWARD_500},
    "test_mark_used_by_ids_skips_overshadowed": {V33: FORWARD_500},
    "test_mark_used_datasource_not_served": {V33: FORWARD_500},
    "test_mark_used_interval_with_versions": {V33: FORWARD_500},
    # ------------------------------------------------------------------ reads
    "test_get_unused_segments_unknown_is_empty_list": {V28: NO_UNUSED_SEGMENTS_API},
    "test_get_unused_segments_lists_unused_rows": {V28: NO_UNUSED_SEGMENTS_API, V37: UNUSED_ROW_FINGERPRINT_37},
    "test_get_intervals_unparseable_interval_is_500": {
        V28: "the 500 body is Jetty's JSON-style error page {\"servlet\":\"default\",\"cause0\":"
        "\"java.lang.IllegalArgumentException: Format requires a '/' separator: 2015-09-12\",...,\"status\":\"500\"}, "
        "which does not say 'Invalid interval'",
    },
    # ------------------------------------------------------------------ one segment
    "test_mark_segment_used_unknown_id_is_false": {V33: FORWARD_500},
    "test_mark_segment_used_unused_segment_is_true": {V33: FORWARD_500},
    "test_mark_segment_used_already_used_is_true": {V33: FORWARD_500},
    "test_mark_segment_used_accept_without_json": {V33: FORWARD_500},
    "test_mark_segment_unused_unknown_segment_or_datasource_is_false": {V33: FORWARD_500},
    "test_mark_segment_unused_doc_example": {V33: FORWARD_500},
    "test_mark_segment_unused_already_unused_is_true": {V33: FORWARD_500},
    "test_mark_segment_unused_then_used_round_trip": {V33: FORWARD_500},
    # ------------------------------------------------------------------ the target's own tools
    "test_request_empty_header_value_removes_default": {V33: FORWARD_500},
    # ------------------------------------------------------------------ edge cases (test_edge_cases.py)
    "test_mark_unused_array_body_is_mapping_error": {V28: MAPPING_LOCATION},
    "test_rules_body_not_a_list": {V28: MAPPING_LOCATION},
    "test_rules_entry_without_type": {V28: MAPPING_LOCATION},
    "test_kill_task_zero_length_interval_is_400": {V28: MAPPING_LOCATION},
    "test_kill_zero_length_interval_is_refused_by_the_overlord": {
        V28: "the Overlord's 400 body inside the message ends with Jackson's location in the Coordinator's own task "
        "JSON ('\\n at [Source: ...; line: 1, column: 275]'), which the fake does not write",
    },
    "test_rules_null_entry": {V28: NULL_RULE, V33: NULL_RULE},
    "test_mark_unused_segment_ids_of_wrong_type": {V28: MAPPING_LOCATION},
    "test_rules_bad_interval_in_second_rule": {
        V28: "the error is Joda's bare text 'Format requires a '/' separator: bad (through reference chain: ...)' "
        "(28.0.0's Intervals.of does not wrap it in 'Invalid interval[...]: [...]')",
    },
    "test_mark_unused_unparseable_interval": {
        V28: "the error is Joda's bare text 'Format requires a '/' separator: nope (through reference chain: ...)': "
        "28.0.0's Intervals.of does not wrap it in 'Invalid interval[...]: [...]' as 33.0.0 does (profile 29 "
        "assumes 29 wraps it; 29.0.1 is not measured)",
    },
    "test_single_segment_update_accept_without_json": {V33: ACCEPT_500_33},
    "test_mark_segment_used_odd_but_parseable_ids": {V33: FORWARD_500},
    # ------------------------------------------------------------------ the state machine
    "test_write_endpoints_match_reference": {
        V28: NO_HISTORICAL,
        V33: FORWARD_500 + "; and " + NO_HISTORICAL,
        V37: NO_HISTORICAL,
    },
}

# ---- Druid 31.0.1 (profile "31"), measured with --druid-real 31.0.1: 31.0.1 runs as a Coordinator alone here, so
# whatever needs the Overlord is NO_OVERLORD_31; the rest are the causes already listed for 28.0.0 and 33.0.0.
_V31_DIFFERENCES: dict[str, str] = {
    "test_mark_unused_array_body_is_mapping_error": MAPPING_LOCATION,
    "test_rules_body_not_a_list": MAPPING_LOCATION,
    "test_rules_entry_without_type": MAPPING_LOCATION,
    "test_mark_unused_segment_ids_of_wrong_type": MAPPING_LOCATION,
    "test_mark_unused_versions_of_wrong_type": MAPPING_LOCATION,
    "test_rules_null_entry": NULL_RULE,
    "test_write_endpoints_match_reference": NO_HISTORICAL,
    "test_get_json_route_with_accept_text_plain_is_406[real-/druid/indexer/v1/task/fd_none/status]": NO_OVERLORD_31,
    "test_empty_task_body_is_null_pointer_page": NO_OVERLORD_31,
    "test_kill_path_interval_forms": NO_OVERLORD_31,
    "test_kill_zero_length_interval_is_refused_by_the_overlord": NO_OVERLORD_31,
    "test_kill_task_zero_length_interval_is_400": NO_OVERLORD_31,
    "test_unknown_ids": NO_OVERLORD_31,
    "test_json_answers_are_compact": NO_OVERLORD_31,
    "test_worker_config_unset_is_empty_200": NO_OVERLORD_31,
    "test_bad_spec_is_400_with_druids_text": NO_OVERLORD_31,
    "test_kill_unknown_datasource_is_200_empty": NO_OVERLORD_31,
    "test_kill_deletes_only_unused_segments_inside_interval": NO_OVERLORD_31,
    "test_kill_leaves_partly_overlapping_unused_segments": NO_OVERLORD_31,
    "test_kill_submits_a_visible_kill_task": NO_OVERLORD_31,
    "test_deprecated_kill_deletes_only_unused_segments": NO_OVERLORD_31,
    "test_overlord_datasources_api_exists_only_in_latest": NO_OVERLORD_31,
}
for _name, _reason in _V31_DIFFERENCES.items():
    REAL_DIFFERENCES.setdefault(_name, {})[V31] = _reason


def known_difference(name: str, original_name: str, version: str) -> str | None:
    """The recorded difference of a test (by full name, then by name without parameters) on a release."""
    for key in (name, original_name):
        entry = REAL_DIFFERENCES.get(key)
        if entry is not None and version in entry:
            return entry[version]
    return None
