"""Where a real Druid that ``--druid-real`` boots answers otherwise than the fake: measured, not guessed.

The differential machine (``test_differential.py``) lists its differences in ``differences.py``, which reuses
the reason texts defined here (NO_UNUSED_SEGMENTS_API) rather than repeating them.

Layer: tests (contract). Each entry makes the test a strict xfail against that release only (see
``conftest._mark_known_differences``), so the difference stays visible, and a fix on either side turns the
xfail into a failure that asks for the entry to go. They are for the measured-fidelity work to settle; the
fake is not changed here. Keys are test names, optionally with the parameter id (``name[real-markUsed]``).

Causes about the cluster, not about Druid's answers:

* The main cluster fakedruid starts has no Historical, so nothing is served. The served-view tests are marked
  ``historical`` and run against a second cluster with one Historical (``--druid-real-historical``), their fakes
  with one virtual Historical; the state machine is marked ``no_historical`` and its fakes have no data server
  (``tiers={}``), as the main cluster. No entry is left for the layout. With a Historical, profile "29"'s 204
  'datasource not served' no longer applies on 28.0.0, and six of those mark tests then reach their check of the
  unused rows (read from the metadata store on 28.0.0, see below).
* FORWARD_500 is Druid 33.0.0's own behaviour, not an artefact of the single-JVM coordinator-as-overlord
  cluster: apache/druid PR #18140 ("Fix mark used API response serialization", merged 2025-06-13, after 33.0.0)
  says these APIs apply the change and then fail to write the answer in any cluster since PR #17545, because
  ``OverlordDataSourcesResource`` had no ``@Produces(APPLICATION_JSON)`` on its mark-used and single-segment routes
  (33.0.0's jars, ``tools/extract_druid_paths.py``) and the forwarded call names no JSON type. Profile "33"
  answers it (switch ``forwarded_mark_used_500``), so it is no longer listed here.
* 28.0.0 stands in for profile "29" because druid-services 29.0.1 does not resolve from the Maven repository
  CI reaches; it lacks what Druid 29 added (``GET .../metadata/datasources/{ds}/unusedSegments``). Tests that
  only check state after a write read the unused rows from 28.0.0's metadata store instead
  (``helpers.unused_ids``); only the tests of that endpoint keep :data:`NO_UNUSED_SEGMENTS_API`, a stand-in gap.
"""

from __future__ import annotations

V28 = "28.0.0"
V33 = "33.0.0"
#: Druid 37.0.0 (run with its recipe, fakedruid/real/maven.py), the release profile "latest" answers as: forwarded
#: writes answer 200 with the counts (the FORWARD_500 bug of 33.0.0 is fixed); what else 37.0.0 changed is profile
#: switches (docs/releases.md). No entry is left for it.
V37 = "37.0.0"
#: Druid 31.0.1 (profile "31"), measured as a Coordinator alone: its Overlord does not run from the jars the Maven
#: repository has (fakedruid/real/maven.py), so the task, kill and ingestion calls answer NO_OVERLORD_31.
V31 = "31.0.1"
NO_OVERLORD_31 = (
    "the 31.0.1 cluster has no Overlord (its CliOverlord needs druid-indexing-service 31.x, which the Maven "
    "repository lacks): the Coordinator's OverlordProxyServlet and OverlordClient answer 500 "
    "'ServiceNotAvailableException: Service [overlord] is not available'; a harness limit, not a Druid difference"
)

#: A stand-in gap too (28 is not 29): the route was added in 29.
NO_UNUSED_SEGMENTS_API = (
    "28 is not 29: GET /druid/coordinator/v1/metadata/datasources/{ds}/unusedSegments does not exist in 28.0.0 "
    "(404; added in "
    "29), profile 29 answers it"
)
# ---------------------------------------------------------------------- 28 is not 29 (stand-in gap)
# Not divergences of the fake: 28.0.0 stands in for 29.0.1 (whose druid-services does not resolve), and on these
# points 29.0.1 answers otherwise than 28.0.0, as read from 29.0.1's jars (druid-processing, druid-server and
# druid-indexing-service 29.0.1 resolve; ``javap -c``). Profile "29" follows 29.0.1.

#: ``Intervals.of`` in 28.0.0 is a bare ``new Interval(text, ISOChronology.getInstanceUTC())``; 29.0.1 catches
#: the IllegalArgumentException into ``InvalidInput.exception(e, "Bad Interval[%s]: [%s]", text, e.getMessage())``
#: (31.0.1 and 33.0.0: ``"Invalid interval[%s]: [%s]"``).
INTERVAL_WORDING_28 = (
    "28 is not 29: the error is Joda's bare IllegalArgumentException text 'Format requires a '/' separator: ...'; "
    "29.0.1's Intervals.of wraps it as DruidException 'Bad Interval[<text>]: [<Joda's text>]' (javap of "
    "druid-processing-29.0.1.jar), which profile 29 writes"
)
#: 29.0.1's Coordinator builds ``ClientKillUnusedSegmentsTaskQuery(id, ds, interval, false, null, null, null)`` with
#: a seventh property, ``maxUsedStatusLastUpdatedTime`` (javap of druid-server-29.0.1.jar), written as null.
KILL_TASK_JSON_28 = (
    "28 is not 29: the Overlord's location is the closing '}' of the Coordinator's task JSON, which in 28.0.0 lacks "
    "'\"maxUsedStatusLastUpdatedTime\":null,' (36 bytes): column 267 + 2 x the datasource's UTF-8 bytes (measured "
    "with datasources of 1, 4 and 30 characters and year-10000 intervals), where 29.0.1's is 303 + 2 x"
)
#: 28.0.0's ``SqlSegmentsMetadataQuery.markSegmentsUnused(dataSource, null)`` runs ``UPDATE ... WHERE dataSource =
#: :dataSource``; 29.0.1's adds ``AND used = true`` (javap -constants of both druid-server jars).
COUNTS_UNUSED_28 = (
    "28 is not 29: counts already-unused rows too: 23, not 22 (28.0.0's UPDATE ... WHERE dataSource = :dataSource "
    "has no 'AND used = true', which 29.0.1's has)"
)

REAL_DIFFERENCES: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ mark all unused, kill
    "test_mark_all_unused_counts_changed_segments": {
        V28: COUNTS_UNUSED_28,
    },
    # ------------------------------------------------------------------ mark all used
    # ------------------------------------------------------------------ markUsed / markUnused by payload
    # ------------------------------------------------------------------ reads
    "test_get_unused_segments_unknown_is_empty_list": {V28: NO_UNUSED_SEGMENTS_API},
    "test_get_unused_segments_lists_unused_rows": {V28: NO_UNUSED_SEGMENTS_API},
    "test_get_intervals_unparseable_interval_is_500": {
        V28: INTERVAL_WORDING_28 + "; 28.0.0's Jetty page names java.lang.IllegalArgumentException: Format requires a "
        "&apos;/&apos; separator: 2015-09-12 (29.0.1: org.apache.druid.error.DruidException: Bad Interval[...]: [...])",
    },
    # ------------------------------------------------------------------ one segment
    # ------------------------------------------------------------------ the target's own tools
    # ------------------------------------------------------------------ edge cases (test_edge_cases.py)
    "test_kill_zero_length_interval_is_refused_by_the_overlord": {V28: KILL_TASK_JSON_28},
    "test_rules_bad_interval_in_second_rule": {V28: INTERVAL_WORDING_28},
    "test_rules_interval_of_wrong_type_is_read_as_text": {V28: INTERVAL_WORDING_28},
    "test_mark_unused_unparseable_interval": {V28: INTERVAL_WORDING_28},
}

# ---- Druid 31.0.1 (profile "31"), measured with --druid-real 31.0.1: 31.0.1 runs as a Coordinator alone here, so
# whatever needs the Overlord is NO_OVERLORD_31; the rest are causes already listed for 28.0.0 and 33.0.0.
_V31_DIFFERENCES: dict[str, str] = {
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
    "test_integer_parameter_that_does_not_convert_is_empty_404[real-tasks-max]": NO_OVERLORD_31,
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
