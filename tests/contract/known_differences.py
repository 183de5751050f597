"""Where a real Druid that ``--druid-real`` boots answers otherwise than the fake: measured, not guessed.

The differential machine (``test_differential.py``) lists its differences in ``differences.py``, which reuses
the reason texts defined here (NO_UNUSED_SEGMENTS_API) rather than repeating them.

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
  reach their check of ``unusedSegments``, which 28.0.0 lacks (:data:`NO_UNUSED_SEGMENTS_API`).
* FORWARD_500 is Druid 33.0.0's own behaviour, not an artefact of the single-JVM coordinator-as-overlord
  cluster: apache/druid PR #18140 ("Fix mark used API response serialization", merged 2025-06-13, after 33.0.0)
  says these APIs apply the change and then fail to write the answer in any cluster since PR #17545, because
  ``OverlordDataSourcesResource`` had no ``@Produces(APPLICATION_JSON)`` on its mark-used and single-segment routes
  (33.0.0's jars, ``tools/extract_druid_paths.py``) and the forwarded call names no JSON type. Profile "33"
  answers it (switch ``forwarded_mark_used_500``), so it is no longer listed here.
* 28.0.0 stands in for profile "29" because druid-services 29.0.1 does not resolve from the Maven repository
  CI reaches; it lacks what Druid 29 added (``GET .../metadata/datasources/{ds}/unusedSegments``).
"""

from __future__ import annotations

V28 = "28.0.0"
V33 = "33.0.0"
#: Druid 37.0.0 (run with its recipe, fakedruid/real/maven.py), the release profile "latest" answers as: forwarded
#: writes answer 200 with the counts (the FORWARD_500 bug of 33.0.0 is fixed); what else 37.0.0 changed is profile
#: switches (docs/releases.md). Only the cluster layout (NO_HISTORICAL) is left here.
V37 = "37.0.0"

NO_HISTORICAL = (
    "needs a Historical serving the seeded segments; the real cluster has none, so the served view is empty"
)
NO_UNUSED_SEGMENTS_API = (
    "GET /druid/coordinator/v1/metadata/datasources/{ds}/unusedSegments does not exist in 28.0.0 (404; added in "
    "29), profile 29 answers it"
)
#: Druid 28.0.0's Jackson mapping errors end with the parser location; the fake leaves it out (it keeps no token
#: positions); 33.0.0 writes no location, as the fake does.
MAPPING_LOCATION = (
    "the 400 error ends with Jackson's location '\\n at [Source: (org.eclipse.jetty.server.HttpInputOverHTTP); "
    "line: 1, column: N]' (N: the column of the failing token), which the fake does not write"
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
    },
    "test_kill_deletes_only_unused_segments_inside_interval": {V28: NO_UNUSED_SEGMENTS_API},
    "test_kill_leaves_partly_overlapping_unused_segments": {V28: NO_UNUSED_SEGMENTS_API},
    "test_deprecated_kill_deletes_only_unused_segments": {V28: NO_UNUSED_SEGMENTS_API},
    # ------------------------------------------------------------------ mark all used
    # ------------------------------------------------------------------ markUsed / markUnused by payload
    "test_mark_used_doc_example_interval_restores_hours_03_and_04": {V28: NO_UNUSED_SEGMENTS_API},
    "test_mark_used_by_ids_counts_only_unused_ones": {V28: NO_UNUSED_SEGMENTS_API},
    "test_mark_used_by_ids_unknown_id_fails_and_changes_nothing": {V28: NO_UNUSED_SEGMENTS_API},
    "test_mark_unused_doc_example_interval_marks_hours_03_and_04": {V28: NO_UNUSED_SEGMENTS_API},
    "test_mark_unused_partially_overlapping_segments_not_affected": {V28: NO_UNUSED_SEGMENTS_API},
    "test_mark_unused_interval_end_is_exclusive": {V28: NO_UNUSED_SEGMENTS_API},
    # ------------------------------------------------------------------ reads
    "test_get_unused_segments_unknown_is_empty_list": {V28: NO_UNUSED_SEGMENTS_API},
    "test_get_unused_segments_lists_unused_rows": {V28: NO_UNUSED_SEGMENTS_API},
    "test_get_intervals_unparseable_interval_is_500": {
        V28: "the 500 body is Jetty's JSON-style error page {\"servlet\":\"default\",\"cause0\":"
        "\"java.lang.IllegalArgumentException: Format requires a '/' separator: 2015-09-12\",...,\"status\":\"500\"}, "
        "which does not say 'Invalid interval'",
    },
    # ------------------------------------------------------------------ one segment
    "test_mark_segment_used_id_of_other_datasource": {V28: NO_UNUSED_SEGMENTS_API},
    "test_mark_segment_unused_doc_example": {V28: NO_UNUSED_SEGMENTS_API},
    # ------------------------------------------------------------------ the target's own tools
    # ------------------------------------------------------------------ edge cases (test_edge_cases.py)
    "test_mark_unused_array_body_is_mapping_error": {V28: MAPPING_LOCATION},
    "test_rules_body_not_a_list": {V28: MAPPING_LOCATION},
    "test_rules_entry_without_type": {V28: MAPPING_LOCATION},
    "test_kill_task_zero_length_interval_is_400": {V28: MAPPING_LOCATION},
    "test_kill_zero_length_interval_is_refused_by_the_overlord": {
        V28: "the Overlord's 400 body inside the message ends with Jackson's location in the Coordinator's own task "
        "JSON ('\\n at [Source: ...; line: 1, column: 275]'), which the fake does not write",
    },
    "test_rules_null_entry": {V28: NULL_RULE, V33: NULL_RULE, V37: NULL_RULE},
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
    # ------------------------------------------------------------------ the state machine
    "test_write_endpoints_match_reference": {
        V28: NO_UNUSED_SEGMENTS_API + "; and " + NO_HISTORICAL,
        V33: NO_HISTORICAL,
        V37: NO_HISTORICAL,
    },
}


def known_difference(name: str, original_name: str, version: str) -> str | None:
    """The recorded difference of a test (by full name, then by name without parameters) on a release."""
    for key in (name, original_name):
        entry = REAL_DIFFERENCES.get(key)
        if entry is not None and version in entry:
            return entry[version]
    return None
