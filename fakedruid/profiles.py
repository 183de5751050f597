"""Behaviour profiles: every difference between the Druid versions fakedruid emulates, in one table.

Layer: shared; imports only the stdlib and ``fakedruid.errors``. Views and the error table read
``profile.<switch>``; the model never sees a profile name, only explicit arguments. A behaviour difference is
one switch, named after the behaviour (http-api.md section 0.1 lists them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fakedruid.errors import InvalidConfig


@dataclass(frozen=True, slots=True)
class Profile:
    """The switches of one Druid version family."""

    #: "29" (Druid 28 and 29), "31" (Druid 30 and 31), "33" (Druid 32 and 33) or "latest" (Druid 34 and newer,
    #: as 37.0.0).
    name: str
    #: What ``GET /status`` reports as ``version``.
    druid_version: str
    #: The Druid releases whose Coordinator and Overlord routes the profile serves: the path table's columns
    #: (``fakedruid.api.druid_paths``); a route in none of them is a 404, one the fake lacks a 501.
    route_versions: tuple[str, ...]
    #: ``GET /status/properties`` writes its keys sorted (``TreeMap``, Druid 37), else in ``HashMap`` order.
    properties_sorted: bool
    #: Success bodies are SegmentUpdateResponse ``{"numChangedSegments", "segmentStateChanged"}``.
    segment_update_response: bool
    #: ``versions`` in markUsed/markUnused bodies and kill tasks is honoured (else ignored as unknown).
    honours_versions: bool
    #: markUsed/markUnused answer 204 when no server serves the datasource.
    served_check_on_mark: bool
    #: Three Map-returning endpoints answer 500 when ``Accept`` names no JSON type (http-api 1.5).
    accept_quirk: bool
    #: The Overlord's ``/druid/indexer/v1/datasources/...`` data-management API exists (else 404 there).
    overlord_datasources_api: bool
    #: The Coordinator's segment updates go to the Overlord's API and its errors are re-wrapped (http-api 2, intro).
    segment_updates_via_overlord: bool
    #: Single mark-used parses the id with the path datasource (else: raw id, any datasource).
    single_mark_used_parses_id: bool
    #: An unparseable id on the single-segment write endpoints is a 400 (else ``false``).
    unparseable_single_id_is_400: bool
    #: markUsed by ids rejects unparseable ids first ("latest": Could not parse segment IDs).
    mark_used_ids_parsed: bool
    #: The metadata single-segment lookup parses the id up front and never falls back to other datasources.
    metadata_segment_parses_id: bool
    #: unusedSegments validation errors are 400 DruidException JSON (else an uncaught 500).
    unused_segments_errors_are_400: bool
    #: DataSegment JSON may carry ``projections``.
    segment_projections: bool
    #: Kill tasks accept the deprecated ``markAsUnused``.
    kill_mark_as_unused: bool
    #: ``GET /loadstatus?simple`` counts a segment whose load rule requires no replica as available
    #: (newer ``DruidCoordinator.getDatasourceToUnavailableSegmentCount``: ``required() == 0``).
    zero_replica_segments_available: bool
    #: Kill tasks stop at an empty or unkillable batch and count only deletable segments (semantics 8.3).
    kill_counts_killable_only: bool
    #: A duplicate task id answers DruidException JSON (else a legacy map with ``!``).
    task_exists_druid_exception: bool
    #: ``unusedSegments`` rows (DataSegmentPlus) also carry the segments-table columns ``used``,
    #: ``schemaFingerprint``, ``numRows`` and ``upgradedFromSegmentId`` (measured on Druid 33.0.0; 29's
    #: DataSegmentPlus has only ``dataSegment``, ``createdDate``, ``usedStatusLastUpdatedDate``).
    unused_rows_carry_segment_columns: bool
    #: 500 body ``error`` text of a failed segment update on the Coordinator.
    update_failure_error: str
    #: A denial's message is ``AuthorizationResult``'s ``Unauthorized`` (measured on 37.0.0; the class came with
    #: PR #17564, December 2024, so 32 or 33: not settled); else ``Access.toString()``, ``Allowed:false,
    #: Message:`` (28.0.0's bytecode, not measured). Both answer ``{"Access-Check-Result": <message>}`` (api/access.py).
    authorization_result: bool
    # ---- native ingestion tasks (measured on real Druid 28.0.0 and 33.0.0, tests/contract/test_ingestion.py)
    #: ``TaskStatus`` cuts ``errorMsg`` to this many characters and appends ``...`` (Druid 28; 33 keeps the
    #: fake's short messages whole); None: the newer cut, the middle of a message over 1024 characters
    #: (``api/overlord.py``, measured on 33.0.0 and 37.0.0).
    task_error_msg_limit: int | None
    #: The ``ingestionStatsAndErrors`` payload ends with ``recordsProcessed`` (``{}``) and, for a task that
    #: succeeded, ``segmentsPublished``, and the reports carry a ``taskContext`` report (Druid 33; 28 has neither).
    ingestion_report_extras: bool
    #: A task whose ``isReady`` throws fails with ``Encountered error[<cause>] while waiting for task to be
    #: ready...`` (Druid 33); else ``Failed while waiting for the task to be ready to run...`` (Druid 28).
    ready_failure_names_cause: bool
    # ------------------------------------------------------------------ edge cases (measured, issue 10)
    #: The ``Task`` method ``OverlordResource.getNeededResourceActionsForTask`` calls first, named by Java 17's
    #: ``NullPointerException`` when a task body is empty or ``null`` (28.0.0: ``getDataSource``; 33.0.0:
    #: ``getDestinationResource``).
    null_task_dereference: str
    #: ``CustomExceptionMapper`` writes Jackson's whole message: a mapping error Jackson raised on a token ends
    #: with ``\n at [Source: ...; line: L, column: C]`` and ``(through reference chain: ...)`` (28.0.0 measured;
    #: 29.0.1 and 31.0.1 have the same mapper); 33.0.0 keeps the first line, the bare message.
    mapping_errors_name_path: bool
    # ------------------------------------------------------------------ release line 30-31 (measured on 31.0.1)
    #: The Java class Jackson names in markUsed/markUnused mapping errors: 28-29's
    #: ``DataSourcesResource$MarkDataSourceSegmentsPayload``, 30-31's inner
    #: ``DataSourcesResource$SegmentsToUpdateFilter`` (PR #16141), the top-level ``SegmentsToUpdateFilter`` from 32.
    mark_payload_class: str
    #: markUsed by ids answers unknown and unparseable ids with a 400 DruidException (``invalidInput``; 31.0.1's
    #: ``SqlSegmentsMetadataManager``, or from 32 the Overlord's); else 28-29's 404 ``{"message": "Cannot find
    #: segment ids [...]"}``.
    unknown_ids_are_invalid_input: bool
    #: With ``unused_rows_carry_segment_columns``: an ``unusedSegments`` row's ``used`` is the row's flag
    #: (``false``, Druid 33.0.0); else ``null`` (measured on 31.0.1).
    unused_row_used_flag: bool
    # ---- Druid 37.0.0 against 33.0.0 (measured with --druid-real 37.0.0; docs/releases.md, issue 10 item 3)
    #: The metadata view shows a datasource with no used segment for 10 s after a mark-unused call filed ids of
    #: it (any id of the datasource, a row or not, already unused or not; an interval or mark-all call files the
    #: used segments it marks): ``GET .../metadata/datasources/{ds}`` answers 200 with ``"segments": []``,
    #: ``.../segments`` ``[]``, and the list, ``?full`` and ``?simple`` name it (37.0.0's segment metadata cache,
    #: measured; ``fakedruid.model.cluster.UNUSED_SYNC_BUFFER_MS``). 28.0.0 and 33.0.0 drop it at once (404).
    metadata_keeps_emptied_datasources: bool
    #: ``unusedSegments`` rows end with ``indexingStateFingerprint`` (null; 37.0.0).
    unused_rows_carry_indexing_state_fingerprint: bool
    #: Basic authentication splits the decoded ``user:password`` at the first ``:`` (37.0.0: a password may
    #: contain ``:``, ``user:`` is an empty password); else Java's ``String.split(":")`` must give two parts.
    basic_auth_splits_at_first_colon: bool
    #: A wrong password's 401 page names the user (``User DB authentication failed username[u].``, Druid 28-33,
    #: from the source) or not (``User authentication failed.``, measured on 37.0.0).
    auth_failure_names_user: bool
    #: Jetty 12 (37.0.0) answers a request line over 8 KiB with its core error page (HTML whatever the
    #: ``Accept``, URI ``/badMessage``, no SERVLET row); Jetty 9.4 with ``<h1>Bad Message 414</h1>``.
    jetty12_bad_message_page: bool
    #: A 500 that Jersey builds reads ``500 Server Error`` (Jetty 12 writes its own reason phrase; 37.0.0), not
    #: Jersey's ``Internal Server Error`` (Jetty 9.4 keeps it).
    jetty12_reason_phrases: bool
    #: Jetty 12's JSON error page writes control characters (a Jackson message's newline) unescaped (37.0.0).
    error_page_json_raw_controls: bool
    #: Jackson's parse-error locations read ``[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`
    #: disabled); line: L, column: C]`` (Jackson 2.20, 37.0.0) instead of naming Jetty's input stream.
    jackson_source_redacted: bool
    #: Jackson 2.20 (37.0.0) names raw types in collection errors of a payload: ``to element of
    #: `java.util.HashSet``` for an empty string, ``java.lang.String`` for an object element (28.0.0 and 33.0.0:
    #: ``java.util.HashSet<java.lang.String>`` and ``java.util.HashSet<java.lang.Object>``).
    jackson_collection_errors_raw_types: bool
    #: Jackson 2.20's wording (37.0.0; 28.0.0 and the 2.12.7.1 of 31.0.1 and 33.0.0's jars have Jackson 2.12): a
    #: wrapper array's type id (``["kill", {...}]``, ``[["loadForever"]]``) may be a number, boolean or null token
    #: (read as its text), its errors read ``need String, Number of Boolean value that contains type id`` and
    #: ``expected closing `JsonToken.END_ARRAY``` (2.12: ``need JSON String``, ``closing END_ARRAY``); an
    #: ``Integer`` property given a string names ``java.lang.Integer`` (2.12: ``int``). Measured with
    #: ``POST /druid/indexer/v1/task`` and ``POST /rules/{ds}``.
    jackson_220_wording: bool
    #: The task type ids Jackson lists for an unknown task ``type`` (``known type ids = [...]``): the ``Task``
    #: subtypes of druid-indexing-service without extensions (``Task.class`` of each release's jar, and the
    #: ``index_sub`` its module registers; measured on 28.0.0 and 37.0.0). The realtime tasks went in 33 or
    #: before (33.0.0's jar lacks them; 31's indexing-service jar does not resolve, so "31" keeps 29's list).
    task_type_ids: tuple[str, ...]
    #: Ingestion row stats carry ``thrownAwayByReason`` after ``thrownAway`` (``{"filtered": n}``: measured on 37.0.0
    #: for a row outside the intervals; a transformSpec filter's row is ``CUSTOM_FILTER("filtered")`` too, from
    #: ``processing/.../segment/incremental/InputRowFilterResult.java``, not measured).
    row_stats_thrown_away_by_reason: bool
    #: ``DataSegment.toString()`` (in a kill task's lock failure, ``errorMsg``) also writes ``projections``,
    #: ``totalRows`` and ``indexingStateFingerprint`` (measured on 37.0.0; 33.0.0 writes none of them).
    segment_string_37_fields: bool
    # ---- Druid 33.0.0 only (profile "33", measured with --druid-real 33.0.0)
    #: The Overlord's mark-used and single-segment routes lack ``@Produces`` (33.0.0, until PR #18140): called
    #: without a JSON ``Accept`` they make the change, then answer Jersey's empty 500. The Coordinator's forwarded
    #: call names no JSON type, so the Coordinator's mark-all-used, markUsed and single-segment POST/DELETE answer
    #: 500 ``{"error": "Unknown server error", "message": "...HttpResponseException: Server error [500 Internal
    #: Server Error]; no body"}`` once the change is made (FORWARD_500); those of them without ``@Produces``
    #: answer an empty 500 when ``Accept`` names no JSON type (ACCEPT_500_33).
    forwarded_mark_used_500: bool
    #: ``Intervals.of``'s error for an unparseable interval is ``<this>[<text>]: [<Joda's message>]``, a
    #: DruidException (29.0.1: ``Bad Interval``; 31.0.1 and 33.0.0: ``Invalid interval``; read from their
    #: druid-processing jars). Druid 28.0.0 writes Joda's bare ``IllegalArgumentException`` message instead.
    interval_error_prefix: str = "Invalid interval"


#: The newest Druid release the contract suite was run against (``--druid-real``): profile "latest" answers as the
#: releases after it whose changes on these endpoints are known (docs/releases.md), and ``GET /status`` reports
#: this version. The one place to change when a newer release is measured.
LATEST_VERIFIED_RELEASE = "37.0.0"
#: The Druid release lines ``--druid-version`` accepts (docs/releases.md records what each changed).
OLDEST_RELEASE, NEWEST_RELEASE = 28, 39

#: ``Task`` subtypes of druid-indexing-service 33.0.0 and 37.0.0 (``Task.class``) and ``index_sub``; 28.0.0's jar also
#: has the realtime tasks (profile field ``task_type_ids``).
_TASK_TYPES_33: tuple[str, ...] = (
    "archive", "compact", "index", "index_hadoop", "index_parallel", "index_sub", "kill", "move", "noop",
    "partial_dimension_cardinality", "partial_dimension_distribution", "partial_index_generate",
    "partial_index_generic_merge", "partial_range_index_generate", "restore", "single_phase_sub_task",
)  # fmt: skip
_TASK_TYPES_28: tuple[str, ...] = tuple(sorted((*_TASK_TYPES_33, "index_realtime", "index_realtime_appenderator")))

PROFILE_29 = Profile(
    name="29",
    druid_version="29.0.1",
    route_versions=("28.0.0", "29.0.1"),
    properties_sorted=False,
    segment_update_response=False,
    honours_versions=False,
    served_check_on_mark=True,
    accept_quirk=True,
    overlord_datasources_api=False,
    segment_updates_via_overlord=False,
    single_mark_used_parses_id=False,
    unparseable_single_id_is_400=False,
    mark_used_ids_parsed=False,
    metadata_segment_parses_id=False,
    unused_segments_errors_are_400=False,
    segment_projections=False,
    kill_mark_as_unused=True,
    zero_replica_segments_available=False,
    kill_counts_killable_only=False,
    task_exists_druid_exception=False,
    unused_rows_carry_segment_columns=False,
    update_failure_error="Exception occurred.",
    authorization_result=False,
    task_error_msg_limit=100,
    ingestion_report_extras=False,
    ready_failure_names_cause=False,
    null_task_dereference="getDataSource",
    mapping_errors_name_path=True,
    mark_payload_class="org.apache.druid.server.http.DataSourcesResource$MarkDataSourceSegmentsPayload",
    unknown_ids_are_invalid_input=False,
    unused_row_used_flag=False,
    metadata_keeps_emptied_datasources=False,
    unused_rows_carry_indexing_state_fingerprint=False,
    basic_auth_splits_at_first_colon=False,
    auth_failure_names_user=True,
    jetty12_bad_message_page=False,
    jetty12_reason_phrases=False,
    error_page_json_raw_controls=False,
    jackson_source_redacted=False,
    jackson_collection_errors_raw_types=False,
    jackson_220_wording=False,
    task_type_ids=_TASK_TYPES_28,
    row_stats_thrown_away_by_reason=False,
    segment_string_37_fields=False,
    forwarded_mark_used_500=False,
    interval_error_prefix="Bad Interval",
)

PROFILE_LATEST = Profile(
    name="latest",
    druid_version=LATEST_VERIFIED_RELEASE,
    route_versions=("37.0.0",),
    properties_sorted=True,
    segment_update_response=True,
    honours_versions=True,
    served_check_on_mark=False,
    accept_quirk=False,
    overlord_datasources_api=True,
    segment_updates_via_overlord=True,
    single_mark_used_parses_id=True,
    unparseable_single_id_is_400=True,
    mark_used_ids_parsed=True,
    metadata_segment_parses_id=True,
    unused_segments_errors_are_400=True,
    segment_projections=True,
    kill_mark_as_unused=False,
    zero_replica_segments_available=True,
    kill_counts_killable_only=True,
    task_exists_druid_exception=True,
    unused_rows_carry_segment_columns=True,
    update_failure_error="Unknown server error",
    authorization_result=True,
    task_error_msg_limit=None,
    ingestion_report_extras=True,
    ready_failure_names_cause=True,
    null_task_dereference="getDestinationResource",
    mapping_errors_name_path=False,
    mark_payload_class="org.apache.druid.server.http.SegmentsToUpdateFilter",
    unknown_ids_are_invalid_input=True,
    unused_row_used_flag=True,
    metadata_keeps_emptied_datasources=True,
    unused_rows_carry_indexing_state_fingerprint=True,
    basic_auth_splits_at_first_colon=True,
    auth_failure_names_user=False,
    jetty12_bad_message_page=True,
    jetty12_reason_phrases=True,
    error_page_json_raw_controls=True,
    jackson_source_redacted=True,
    jackson_collection_errors_raw_types=True,
    jackson_220_wording=True,
    task_type_ids=_TASK_TYPES_33,
    row_stats_thrown_away_by_reason=True,
    segment_string_37_fields=True,
    forwarded_mark_used_500=False,
    interval_error_prefix="Invalid interval",
)

#: The switches Druid 37.0.0 turned on (measured against 33.0.0): Jetty 12, Jackson 2.20, the metadata view and basic
#: security. The profiles of older releases take profile "29"'s values for all of them.
SWITCHES_OF_37: tuple[str, ...] = (
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
)
_BEFORE_37: dict[str, object] = {switch: getattr(PROFILE_29, switch) for switch in SWITCHES_OF_37}

# ---- Druid 30 and 31, measured on 31.0.1's Coordinator (fakedruid/real/maven.py: its Overlord does not run from
# the jars the Maven repository has, so the task, kill and ingestion switches are profile "29"'s, not measured).
# Measured on 31.0.1 like "29": the Coordinator writes the metadata store itself with Map bodies, the Accept quirk,
# raw single-segment ids, the metadata segment 404, unsorted properties, mapping errors with location and chain,
# none of 37.0.0's changes. The path table has no 30 or 31 column (tools/extract_druid_paths.py read 28.0.0,
# 29.0.1, 33.0.0 and 37.0.0), and OverlordDataSourcesResource arrived in 32 (PR #17545; not measured: no Overlord).
# Measured like "latest" or its own: below.
PROFILE_31 = dataclasses.replace(
    PROFILE_29,
    name="31",
    druid_version="31.0.1",
    honours_versions=True,
    served_check_on_mark=False,
    mark_used_ids_parsed=True,
    unused_segments_errors_are_400=True,
    unused_rows_carry_segment_columns=True,
    mark_payload_class="org.apache.druid.server.http.DataSourcesResource$SegmentsToUpdateFilter",
    unknown_ids_are_invalid_input=True,
    interval_error_prefix="Invalid interval",
)

# ---- profile "33": Druid 32 and 33, measured on 33.0.0 (issue 10 item 3). Profile "latest"'s switches, except where
# 33.0.0 was measured to answer otherwise: FORWARD_500 and ACCEPT_500_33, the metadata segment lookup's 404, and
# none of what 37.0.0 changed.
PROFILE_33 = dataclasses.replace(
    PROFILE_LATEST,
    name="33",
    druid_version="33.0.0",
    route_versions=("33.0.0",),
    properties_sorted=False,
    metadata_segment_parses_id=False,
    forwarded_mark_used_500=True,
    **_BEFORE_37,  # type: ignore[arg-type]
)

PROFILES: dict[str, Profile] = {"29": PROFILE_29, "31": PROFILE_31, "33": PROFILE_33, "latest": PROFILE_LATEST}

#: Plain Druid release numbers and the profile that answers as they do. 30 and 31 answer markUsed/markUnused
#: as 32+ do (no 204, ``versions``) but still write the metadata store from the Coordinator, with 29's bodies
#: (profile "31", measured on 31.0.1); from 32 on the Coordinator forwards to the Overlord: 32 and 33 as the
#: measured 33.0.0, 34 and newer (PR #18140's @Produces) as the measured 37.0.0 (docs/releases.md).
RELEASES: dict[str, str] = {
    str(n): ("29" if n <= 29 else "31" if n <= 31 else "33" if n <= 33 else "latest")
    for n in range(OLDEST_RELEASE, NEWEST_RELEASE + 1)
}


def resolve_profile(name: str | int | Profile) -> Profile:
    """The profile for ``"29"``, ``"31"``, ``"33"``, ``"latest"`` or a Druid release from 28 to 39 (``"35"``,
    ``"35.0.1"``).

    :raises InvalidConfig: for anything else; the message lists the accepted values.
    """
    if isinstance(name, Profile):
        return name
    key = str(name).strip().lower()
    if key in PROFILES:
        return PROFILES[key]
    major = key.split(".", 1)[0]
    if major in RELEASES and all(part.isdigit() for part in key.split(".")):
        return PROFILES[RELEASES[major]]
    raise InvalidConfig(
        f"Unknown druid_version [{name}]: use '29', '31', '33', 'latest' or a Druid release from {OLDEST_RELEASE} "
        f"to {NEWEST_RELEASE} (28 and 29 map to profile '29', 30 and 31 to '31', 32 and 33 to '33', 34 and newer "
        "to 'latest')"
    )
