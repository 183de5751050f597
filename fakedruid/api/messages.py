"""Verbatim Druid strings, per profile (http-api.md section 6). Each is pinned by a test.

Layer: api. Keep every string that must match Druid here, not in views.
"""

from __future__ import annotations

INVALID_MARK_PAYLOAD_29 = "Invalid request payload, either interval or segmentIds array must be specified"
INVALID_MARK_PAYLOAD_LATEST = (
    "Invalid request payload. Specify either 'interval' or 'segmentIds', but not both. "
    "Optionally, include 'versions' only when 'interval' is provided."
)
CANNOT_FIND_SEGMENT_IDS = "Cannot find segment ids [{ids}]"
COULD_NOT_FIND_SEGMENT_IDS = "Could not find segment IDs[[{ids}]] for datasource[{ds}]"
COULD_NOT_PARSE_SEGMENT_IDS = "Could not parse segment IDs[[{ids}]] for datasource[{ds}]"
#: Druid 30-31's Coordinator (``SqlSegmentsMetadataQuery.retrieveSegmentsById``, druid-server 31.0.1).
COULD_NOT_PARSE_INVALID_SEGMENT_IDS = "Could not parse invalid segment IDs[[{ids}]]"
COULD_NOT_PARSE_SEGMENT_ID = "Could not parse Segment ID[{id}] for DataSource[{ds}]"
OVERLORD_TOO_OLD = "Could not update segments since Overlord is on an older version."
UPDATE_FAILED_29 = "Exception occurred."
UPDATE_FAILED_LATEST = "Unknown server error"
OVERLORD_SERVER_ERROR = "Server error"
KILL_FAILED = "Exception occurred. Are you sure you have an indexing service?"
NO_INDEXING_SERVICE = "no indexing service found"
#: The Overlord's 400 for a kill task over an empty interval (``KillUnusedSegmentsTask``'s constructor check).
KILL_INTERVAL_EMPTY = (
    "Cannot construct instance of `org.apache.druid.indexing.common.task.KillUnusedSegmentsTask`, problem: "
    "interval empty"
)
#: How the Coordinator's ``OverlordClient`` reports an Overlord 400 (the ``message`` of a failed kill).
OVERLORD_REFUSED_400 = (
    "java.lang.RuntimeException: org.apache.druid.rpc.HttpResponseException: Server error [400 Bad Request]; "
    "body: {body}"
)
FORCE_METADATA_REFRESH_REQUIRED = "Invalid request. forceMetadataRefresh must be specified"
NO_USED_SEGMENT_IN_INTERVAL = "No used segment found for the given datasource and interval"
REPLICANT_LOOKUP_NOT_READY = "Coordinator segment replicant lookup is not initialized yet. Try again later."
INVALID_LIMIT_29 = "Invalid limit[{limit}] specified. Limit must be > 0"
INVALID_LIMIT_LATEST = "Invalid limit[{limit}] specified. Limit must be > 0."
INVALID_LAST_SEGMENT_ID = "Invalid lastSegmentId[{id}] specified."
RULES_NULL = "Rules cannot be null."
CLUSTER_RULES_EMPTY = "Cluster-level rules cannot be empty."
HISTORY_LIMIT = "Limit must be greater than zero!"
TASK_EXISTS_29 = "Task[{id}] already exists!"
TASK_EXISTS_LATEST = "Task[{id}] already exists"
INVALID_TASK_STATE = "Invalid task state[{state}]. Must be one of [pending, waiting, running, complete]."
NOT_LEADER = "I am not leader"

#: The root cause when the Overlord cannot be reached: ``FutureUtils.getUnchecked`` wraps the RPC failure
#: (``server/.../rpc/ServiceNotAvailableException.java``) in a RuntimeException. End-to-end UNCONFIRMED.
OVERLORD_UNREACHABLE = (
    "java.lang.RuntimeException: org.apache.druid.rpc.ServiceNotAvailableException: "
    "Service [overlord] is not available"
)
TASK_NOT_FOUND = "Cannot find any task with id: [{id}]"
#: ``OverlordResource.doGetReports`` for a task with no report file (running, failed, or not a kill task).
NO_TASK_REPORTS = (
    "No task reports were found for this task. The task may not exist, or it may not have completed yet."
)
UNEXPECTED_SORT_ORDER = "Unexpected value[{value}] for SortOrder. Possible values are: [ASC, DESC]"

#: Druid 33.0.0's Coordinator re-wrapping the Overlord's empty 500 of a forwarded mark-used call (FORWARD_500).
FORWARDED_NO_BODY = "org.apache.druid.rpc.HttpResponseException: Server error [500 Internal Server Error]; no body"
