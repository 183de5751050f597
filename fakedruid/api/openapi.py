"""An OpenAPI 3.1 description of every endpoint an app serves, built from its URL map and a schema table.

Layer: api (reads a Flask app's ``url_map``; the table itself is plain data). :func:`build` walks the routes, so
the description cannot list a path the fake does not serve; :data:`OPERATIONS` adds what the routes do not
say (query parameters, bodies, answers). ``tests/api/test_openapi.py`` keeps the two in step: every route has
a row, every row has a route, and the checked-in ``openapi-<profile>.json`` files equal what :func:`build`
makes.

Answers are described loosely on purpose: the fake's contract is Druid's, and Druid's error answers vary in
shape (JSON, raw strings, Jetty pages); each operation lists its success answers and a ``default`` for the
rest. Bodies that Druid parses with Jackson are described by what a valid request holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from fakedruid.api import druid_paths
from fakedruid.profiles import Profile

OPENAPI_VERSION = "3.1.0"

# ------------------------------------------------------------------ reusable schemas

_STRING = {"type": "string"}
_ANY: dict[str, Any] = {}
_OBJECT = {"type": "object"}
_ARRAY_OF_STRINGS = {"type": "array", "items": _STRING}

COMPONENTS: dict[str, Any] = {
    "DataSegment": {
        "type": "object",
        "required": ["dataSource", "interval", "version"],
        "properties": {
            "dataSource": _STRING,
            "interval": _STRING,
            "version": _STRING,
            "loadSpec": _OBJECT,
            "dimensions": _STRING,
            "metrics": _STRING,
            "shardSpec": _OBJECT,
            "binaryVersion": {"type": ["integer", "null"]},
            "size": {"type": "integer"},
            "identifier": _STRING,
        },
    },
    "Rule": {"type": "object", "required": ["type"], "properties": {"type": _STRING}},
    "MarkPayload": {
        "type": "object",
        "description": "Exactly one of interval or segmentIds (versions only with interval, profile latest).",
        "properties": {
            "interval": _STRING,
            "segmentIds": _ARRAY_OF_STRINGS,
            "versions": _ARRAY_OF_STRINGS,
        },
    },
    "KillTask": {
        "type": "object",
        "required": ["type", "dataSource", "interval"],
        "properties": {
            "type": {"const": "kill"},
            "id": _STRING,
            "dataSource": _STRING,
            "interval": _STRING,
            "versions": _ARRAY_OF_STRINGS,
            "markAsUnused": {"type": "boolean"},
            "batchSize": {"type": "integer"},
            "limit": {"type": "integer"},
            "maxUsedStatusLastUpdatedTime": _STRING,
            "context": _OBJECT,
        },
    },
    "Error": {"type": "object", "properties": {"error": _STRING}},
    "ResourceAction": {
        "type": "object",
        "required": ["resource", "action"],
        "properties": {
            "resource": {
                "type": "object",
                "required": ["name", "type"],
                "properties": {"name": _STRING, "type": _STRING},
            },
            "action": {"enum": ["READ", "WRITE"]},
        },
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_SEGMENTS = {"type": "array", "items": _ref("DataSegment")}
_RULES = {"type": "array", "items": _ref("Rule")}

# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Op:
    """What the URL map does not say about one operation.

    :param summary: one line, Druid's wording where it has one.
    :param query: query parameters: name -> JSON schema (a presence flag is ``{"type": "string"}``).
    :param body: the request body's JSON schema, or None for no body.
    :param ok: the success answers: status -> JSON schema of the JSON body (None: no body or not JSON).
    :param needs: the profile switch (a :class:`~fakedruid.profiles.Profile` field) without which Druid has no
        such operation (None: every profile has it).
    :param druid_500: why Druid answers 500 for some inputs here (an uncaught exception), if it does; the fuzz
        and schemathesis runs accept a 500 only on such operations.
    """

    summary: str
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    ok: Mapping[int, Any] = field(default_factory=lambda: {200: _ANY})
    needs: str | None = None
    druid_500: str | None = None


_FLAG = _STRING
_FULL = {"full": _FLAG}
_FULL_SIMPLE = {"full": _FLAG, "simple": _FLAG}
_C = "/druid/coordinator/v1"
_I = "/druid/indexer/v1"
_F = "/fakedruid/v1"
_BS = "/druid-ext/basic-security"
_LATEST = "overlord_datasources_api"
_NOT_IMPLEMENTED = Op("Druid serves this; the fake answers 501 (not implemented)", ok={501: None})
_PARSE = "a JSON syntax error escapes Jackson: uncaught JsonParseException (http-api.md 1.4)"
_BAD_INTERVAL = "an unparseable interval: uncaught exception (http-api.md 1.3)"
_ID_IS_DATASOURCE = "a segment id equal to the datasource name: StringIndexOutOfBoundsException (semantics 5.2)"
_ACCEPT_QUIRK = "profile 29: Accept names no JSON type, no writer for java.util.Map (http-api.md 1.5)"

#: (METHOD, OpenAPI path) -> Op. Path parameter names are the URL map's.
OPERATIONS: dict[tuple[str, str], Op] = {
    # DataSourcesResource
    ("GET", f"{_C}/datasources"): Op("Served datasources (names, or objects with ?simple / ?full)", _FULL_SIMPLE),
    ("GET", f"{_C}/datasources/{{datasource}}"): Op("A served datasource", _FULL),
    ("POST", f"{_C}/datasources/{{datasource}}"): Op("Mark all non-overshadowed segments used"),
    ("DELETE", f"{_C}/datasources/{{datasource}}"): Op(
        "Mark all segments unused, or kill (?kill=true&interval=)", {"kill": _STRING, "interval": _STRING}
    ),
    ("POST", f"{_C}/datasources/{{datasource}}/markUsed"): Op(
        "Mark segments used", body=_ref("MarkPayload"), ok={200: _OBJECT, 204: None}
    ),
    ("POST", f"{_C}/datasources/{{datasource}}/markUnused"): Op(
        "Mark segments unused", body=_ref("MarkPayload"), ok={200: _OBJECT, 204: None}
    ),
    ("POST", f"{_C}/datasources/{{datasource}}/segments/{{segment_id}}"): Op("Mark one segment used"),
    ("DELETE", f"{_C}/datasources/{{datasource}}/segments/{{segment_id}}"): Op("Mark one segment unused"),
    ("GET", f"{_C}/datasources/{{datasource}}/segments/{{segment_id}}"): Op("A served segment"),
    ("GET", f"{_C}/datasources/{{datasource}}/segments"): Op("Served segments", _FULL),
    ("GET", f"{_C}/datasources/{{datasource}}/intervals"): Op("Intervals with served segments", _FULL_SIMPLE),
    ("GET", f"{_C}/datasources/{{datasource}}/intervals/{{interval}}"): Op(
        "Served segments in an interval (underscores for slashes)", _FULL_SIMPLE
    ),
    ("DELETE", f"{_C}/datasources/{{datasource}}/intervals/{{interval}}"): Op(
        "Kill unused segments in an interval", ok={200: None}
    ),
    ("GET", f"{_C}/datasources/{{datasource}}/tiers"): Op("Tiers serving the datasource", ok={200: _ARRAY_OF_STRINGS}),
    ("GET", f"{_C}/datasources/{{datasource}}/loadstatus"): Op(
        "Load status of a datasource",
        {"forceMetadataRefresh": _STRING, "interval": _STRING, "simple": _FLAG, "full": _FLAG,
         "computeUsingClusterView": _FLAG},
        # 200 is the load status object, or the raw text "No used segment found..." (Jersey's 200 for Druid's
        # 204 with an entity), so it has no schema.
        ok={200: None, 204: None},
    ),
    # CoordinatorResource
    ("GET", f"{_C}/isLeader"): Op("Whether this Coordinator leads", ok={200: _OBJECT, 404: _OBJECT}),
    ("GET", f"{_C}/leader"): Op("The leader's URL", ok={200: None}),
    ("GET", f"{_C}/loadstatus"): Op(
        "Load status of every datasource", {"simple": _FLAG, "full": _FLAG, "computeUsingClusterView": _FLAG},
        ok={200: _OBJECT},
    ),
    # MetadataResource
    ("GET", f"{_C}/metadata/datasources"): Op(
        "Datasources in the metadata store", {"includeUnused": _FLAG, "includeDisabled": _FLAG, "full": _FLAG}
    ),
    ("GET", f"{_C}/metadata/datasources/{{datasource}}"): Op("A datasource with its used segments", ok={200: _OBJECT}),
    ("GET", f"{_C}/metadata/datasources/{{datasource}}/segments"): Op("Used segments of a datasource", _FULL),
    ("POST", f"{_C}/metadata/datasources/{{datasource}}/segments"): Op(
        "Used segments in the given intervals", _FULL, body={"type": "array", "items": _STRING}
    ),
    ("GET", f"{_C}/metadata/datasources/{{datasource}}/segments/{{segment_id}}"): Op(
        "One segment from the metadata store", {"includeUnused": _STRING}, ok={200: _ref("DataSegment")}
    ),
    ("GET", f"{_C}/metadata/datasources/{{datasource}}/unusedSegments"): Op(
        "Unused segments, paged",
        {"interval": _STRING, "limit": _STRING, "lastSegmentId": _STRING, "sortOrder": _STRING},
        ok={200: {"type": "array"}},
    ),
    ("GET", f"{_C}/metadata/segments"): Op(
        "Every used segment",
        {"includeOvershadowedStatus": _FLAG, "includeRealtimeSegments": _FLAG, "datasources": _STRING},
        ok={200: {"type": "array"}},
    ),
    # RulesResource
    ("GET", f"{_C}/rules"): Op("Every datasource's rules", ok={200: _OBJECT}),
    ("GET", f"{_C}/rules/{{datasource}}"): Op("A datasource's rules", _FULL, ok={200: _RULES}),
    ("POST", f"{_C}/rules/{{datasource}}"): Op("Set a datasource's rules", body=_RULES, ok={200: None}),
    ("GET", f"{_C}/rules/history"): Op(
        "Rule audit history", {"interval": _STRING, "count": _STRING}, ok={200: {"type": "array"}}
    ),
    ("GET", f"{_C}/rules/{{datasource}}/history"): Op(
        "A datasource's rule audit history", {"interval": _STRING, "count": _STRING}, ok={200: {"type": "array"}}
    ),
    # StatusResource
    ("GET", "/status"): Op("Version and modules", ok={200: _OBJECT}),
    ("GET", "/status/health"): Op("Liveness", ok={200: {"type": "boolean"}}),
    ("GET", "/status/properties"): Op("The process's runtime properties", ok={200: _OBJECT}),
    ("GET", "/status/ready"): Op("Whether the process has announced itself (Druid 37)", ok={200: {"type": "boolean"}}),
    # SelfDiscoveryResource
    ("GET", "/status/selfDiscovered"): Op("200 with no body once the process has discovered itself", ok={200: None}),
    ("GET", "/status/selfDiscovered/status"): Op("Whether the process has discovered itself", ok={200: _OBJECT}),
    # OverlordResource
    ("POST", f"{_I}/task"): Op("Submit a task (kill tasks only)", body=_ref("KillTask"), ok={200: _OBJECT}),
    ("GET", f"{_I}/task/{{task_id}}"): Op("A task's payload", ok={200: _OBJECT}),
    ("GET", f"{_I}/task/{{task_id}}/status"): Op("A task's status", ok={200: _OBJECT}),
    ("POST", f"{_I}/task/{{task_id}}/shutdown"): Op("Shut a task down", ok={200: _OBJECT}),
    ("GET", f"{_I}/tasks"): Op(
        "Tasks", {"state": _STRING, "datasource": _STRING, "createdTimeInterval": _STRING, "max": _STRING,
                  "type": _STRING},
        ok={200: {"type": "array"}},
    ),
    ("GET", f"{_I}/completeTasks"): Op("Complete tasks", {"n": _STRING}, ok={200: {"type": "array"}}),
    ("GET", f"{_I}/runningTasks"): Op("Running tasks", {"type": _STRING}, ok={200: {"type": "array"}}),
    ("GET", f"{_I}/waitingTasks"): Op("Waiting tasks", ok={200: {"type": "array"}}),
    ("GET", f"{_I}/pendingTasks"): Op("Pending tasks", ok={200: {"type": "array"}}),
    ("POST", f"{_I}/datasources/{{datasource}}/shutdownAllTasks"): Op(
        "Shut down a datasource's active tasks (404, no body: none active)", ok={200: _OBJECT}
    ),
    ("GET", f"{_I}/leader"): Op("The Overlord leader's URL", ok={200: None}),
    ("GET", f"{_I}/isLeader"): Op("Whether this Overlord leads", ok={200: _OBJECT, 404: _OBJECT}),
    ("GET", f"{_I}/worker"): Op("The dynamic worker configuration (none set: 200, no body)", ok={200: None}),
    ("GET", f"{_I}/task/{{task_id}}/reports"): Op(
        "An ingestion task's report (kill task reports: 501)", ok={200: _OBJECT, 501: None}
    ),
    # SqlTaskResource (the Broker's MSQ task endpoint)
    ("POST", "/druid/v2/sql/task"): Op(
        "Submit an SQL INSERT / REPLACE as a query_controller task", body=_OBJECT, ok={202: _OBJECT, 200: _OBJECT}
    ),
    ("GET", "/druid/v2/sql/task/enabled"): Op("Whether SQL-based ingestion is enabled", ok={200: _OBJECT}),
    # OverlordDataSourcesResource (Druid 31+)
    ("POST", f"{_I}/datasources/{{datasource}}"): Op("Mark all non-overshadowed segments used", needs=_LATEST),
    ("DELETE", f"{_I}/datasources/{{datasource}}"): Op("Mark all segments unused", needs=_LATEST),
    ("POST", f"{_I}/datasources/{{datasource}}/markUsed"): Op(
        "Mark segments used", body=_ref("MarkPayload"), needs=_LATEST
    ),
    ("POST", f"{_I}/datasources/{{datasource}}/markUnused"): Op(
        "Mark segments unused", body=_ref("MarkPayload"), needs=_LATEST
    ),
    ("POST", f"{_I}/datasources/{{datasource}}/segments/{{segment_id}}"): Op("Mark one segment used", needs=_LATEST),
    ("DELETE", f"{_I}/datasources/{{datasource}}/segments/{{segment_id}}"): Op(
        "Mark one segment unused", needs=_LATEST
    ),
    # the fake's own admin API
    ("POST", f"{_F}/segments"): Op("Seed segments", body={"type": ["array", "object"]}),
    ("POST", f"{_F}/reset"): Op("Back to the empty start state"),
    ("GET", f"{_F}/state"): Op("The whole state document", ok={200: _OBJECT}),
    ("PUT", f"{_F}/state"): Op("Replace the state with a document", body=_OBJECT),
    ("GET", f"{_F}/clock"): Op("The fake's clock", ok={200: _OBJECT}),
    ("POST", f"{_F}/clock"): Op("Set or advance the clock", body=_OBJECT),
    ("POST", f"{_F}/duties"): Op("Run the Coordinator duties once", body=_OBJECT),
    ("GET", f"{_F}/config/kill"): Op("Kill duty settings", ok={200: _OBJECT}),
    ("POST", f"{_F}/config/kill"): Op("Change kill duty settings", body=_OBJECT),
    ("GET", f"{_F}/tasks/mode"): Op("Task running mode", ok={200: _OBJECT}),
    ("POST", f"{_F}/tasks/mode"): Op("Set the task running mode", body=_OBJECT),
    ("POST", f"{_F}/tasks/release"): Op("Release held tasks", body=_OBJECT),
    ("GET", f"{_F}/faults"): Op("Injected faults", ok={200: _ANY}),
    ("POST", f"{_F}/faults"): Op("Inject a fault", body=_OBJECT),
    ("DELETE", f"{_F}/faults"): Op("Clear faults"),
    ("GET", f"{_F}/requests"): Op("The request journal", ok={200: {"type": "array"}}),
    ("DELETE", f"{_F}/requests"): Op("Clear the request journal"),
    ("GET", f"{_F}/audit"): Op("Audit entries", {"type": _STRING, "key": _STRING}, ok={200: {"type": "array"}}),
    ("GET", f"{_F}/openapi.json"): Op("This description", ok={200: _OBJECT}),
    ("GET", f"{_F}/datasources/{{ds}}/timeline"): Op("A datasource's timeline document", ok={200: _OBJECT}),
    ("GET", f"{_F}/version"): Op("The fake's version", ok={200: _OBJECT}),
    # the fake's HTML pages
    ("GET", "/fakedruid/"): Op("The fake's overview page (HTML)", ok={200: None}),
    ("GET", "/fakedruid/audit"): Op("The audit page (HTML)", ok={200: None}),
    ("GET", "/fakedruid/datasources/{ds}"): Op("A datasource's page (HTML)", ok={200: None}),
    ("GET", "/fakedruid/requests"): Op("The request journal page (HTML)", ok={200: None}),
    ("GET", "/fakedruid/tasks"): Op("The tasks page (HTML)", ok={200: None}),
    # druid-basic-security (only with --basic-security)
    ("GET", f"{_BS}/authentication/loadStatus"): Op("Authenticator load status", ok={200: _OBJECT}),
    ("GET", f"{_BS}/authentication/refreshAll"): Op("Refresh caches", ok={200: None}),
    ("GET", f"{_BS}/authentication/db/{{authenticator}}/users"): Op("User names", ok={200: _ARRAY_OF_STRINGS}),
    ("GET", f"{_BS}/authentication/db/{{authenticator}}/users/{{user}}"): Op(
        "A user and its credentials' hash", ok={200: _OBJECT}
    ),
    ("POST", f"{_BS}/authentication/db/{{authenticator}}/users/{{user}}"): Op("Create a user", ok={200: None}),
    ("DELETE", f"{_BS}/authentication/db/{{authenticator}}/users/{{user}}"): Op("Delete a user", ok={200: None}),
    ("POST", f"{_BS}/authentication/db/{{authenticator}}/users/{{user}}/credentials"): Op(
        "Set a password",
        body={"type": "object", "required": ["password"],
              "properties": {"password": {"type": "string", "minLength": 1}, "iterations": {"type": "integer"}}},
        ok={200: None},
    ),
    ("GET", f"{_BS}/authentication/db/{{authenticator}}/cachedSerializedUserMap"): _NOT_IMPLEMENTED,
    ("POST", f"{_BS}/authentication/listen/{{authenticator}}"): Op("Cache listener (404 on the Coordinator)",
                                                                   ok={404: None}),
    ("GET", f"{_BS}/authorization/loadStatus"): Op("Authorizer load status", ok={200: _OBJECT}),
    ("GET", f"{_BS}/authorization/refreshAll"): Op("Refresh caches", ok={200: None}),
    ("GET", f"{_BS}/authorization/db/{{authorizer}}/users"): Op("User names", ok={200: _ARRAY_OF_STRINGS}),
    ("GET", f"{_BS}/authorization/db/{{authorizer}}/users/{{user}}"): Op(
        "A user and its roles", {"full": _FLAG, "simplifyPermissions": _FLAG}, ok={200: _OBJECT}
    ),
    ("POST", f"{_BS}/authorization/db/{{authorizer}}/users/{{user}}"): Op("Create a user", ok={200: None}),
    ("DELETE", f"{_BS}/authorization/db/{{authorizer}}/users/{{user}}"): Op("Delete a user", ok={200: None}),
    ("POST", f"{_BS}/authorization/db/{{authorizer}}/users/{{user}}/roles/{{role}}"): Op(
        "Assign a role", ok={200: None}
    ),
    ("DELETE", f"{_BS}/authorization/db/{{authorizer}}/users/{{user}}/roles/{{role}}"): Op(
        "Unassign a role", ok={200: None}
    ),
    ("GET", f"{_BS}/authorization/db/{{authorizer}}/roles"): Op("Role names", ok={200: _ARRAY_OF_STRINGS}),
    ("GET", f"{_BS}/authorization/db/{{authorizer}}/roles/{{role}}"): Op(
        "A role", {"full": _FLAG, "simplifyPermissions": _FLAG}, ok={200: _OBJECT}
    ),
    ("POST", f"{_BS}/authorization/db/{{authorizer}}/roles/{{role}}"): Op("Create a role", ok={200: None}),
    ("DELETE", f"{_BS}/authorization/db/{{authorizer}}/roles/{{role}}"): Op("Delete a role", ok={200: None}),
    ("POST", f"{_BS}/authorization/db/{{authorizer}}/roles/{{role}}/permissions"): Op(
        "Replace a role's permissions", body={"type": "array", "items": _ref("ResourceAction")}, ok={200: None}
    ),
    ("GET", f"{_BS}/authorization/db/{{authorizer}}/roles/{{role}}/permissions"): Op(
        "A role's permissions", ok={200: {"type": "array"}}
    ),
    ("GET", f"{_BS}/authorization/db/{{authorizer}}/groupMappings"): Op(
        "Group mapping names", ok={200: _ARRAY_OF_STRINGS}
    ),
    ("GET", f"{_BS}/authorization/db/{{authorizer}}/groupMappings/{{group}}"): Op(
        "A group mapping", {"full": _FLAG}, ok={200: _OBJECT}
    ),
    ("POST", f"{_BS}/authorization/db/{{authorizer}}/groupMappings/{{group}}"): Op(
        "Create a group mapping",
        body={"type": "object", "required": ["groupPattern"],
              "properties": {"groupPattern": _STRING, "roles": _ARRAY_OF_STRINGS}},
        ok={200: None},
    ),
    ("DELETE", f"{_BS}/authorization/db/{{authorizer}}/groupMappings/{{group}}"): Op(
        "Delete a group mapping", ok={200: None}
    ),
    ("POST", f"{_BS}/authorization/db/{{authorizer}}/groupMappings/{{group}}/roles/{{role}}"): Op(
        "Assign a role to a group mapping", ok={200: None}
    ),
    ("DELETE", f"{_BS}/authorization/db/{{authorizer}}/groupMappings/{{group}}/roles/{{role}}"): Op(
        "Unassign a role from a group mapping", ok={200: None}
    ),
    ("GET", f"{_BS}/authorization/db/{{authorizer}}/cachedSerializedUserMap"): _NOT_IMPLEMENTED,
}

#: Operations where Druid answers 500 for some inputs (each case pinned by the fidelity tests).
_DRUID_500: dict[tuple[str, str], str] = {
    ("POST", f"{_C}/datasources/{{datasource}}"): _ACCEPT_QUIRK,
    ("DELETE", f"{_C}/datasources/{{datasource}}"): "?kill=true with a bad interval: uncaught DruidException",
    ("POST", f"{_C}/datasources/{{datasource}}/markUsed"): _PARSE,
    ("POST", f"{_C}/datasources/{{datasource}}/markUnused"): _PARSE,
    ("POST", f"{_C}/datasources/{{datasource}}/segments/{{segment_id}}"): f"{_ID_IS_DATASOURCE}; {_ACCEPT_QUIRK}",
    ("DELETE", f"{_C}/datasources/{{datasource}}/segments/{{segment_id}}"): _ID_IS_DATASOURCE,
    ("GET", f"{_C}/datasources/{{datasource}}/segments/{{segment_id}}"): _ID_IS_DATASOURCE,
    ("GET", f"{_C}/datasources/{{datasource}}/intervals/{{interval}}"): _BAD_INTERVAL,
    ("DELETE", f"{_C}/datasources/{{datasource}}/intervals/{{interval}}"): _BAD_INTERVAL,
    ("GET", f"{_C}/datasources/{{datasource}}/loadstatus"): _BAD_INTERVAL,
    ("POST", f"{_C}/metadata/datasources/{{datasource}}/segments"): f"{_PARSE}; a null or empty list: uncaught IAE",
    ("GET", f"{_C}/metadata/datasources/{{datasource}}/segments/{{segment_id}}"): _ID_IS_DATASOURCE,
    ("GET", f"{_C}/metadata/datasources/{{datasource}}/unusedSegments"): (
        "profile 29: a bad interval, limit or sortOrder is an uncaught exception (profile latest: 400)"
    ),
    ("POST", f"{_C}/rules/{{datasource}}"): _PARSE,
    ("GET", f"{_C}/rules/history"): _BAD_INTERVAL,
    ("GET", f"{_C}/rules/{{datasource}}/history"): _BAD_INTERVAL,
    ("POST", f"{_I}/task"): f"{_PARSE}; a task Druid cannot build: NullPointerException",
    ("GET", f"{_I}/tasks"): f"?createdTimeInterval: {_BAD_INTERVAL}",
    ("POST", "/druid/v2/sql/task"): _PARSE,
    ("POST", f"{_I}/datasources/{{datasource}}/markUsed"): _PARSE,
    ("POST", f"{_I}/datasources/{{datasource}}/markUnused"): _PARSE,
    ("POST", f"{_I}/datasources/{{datasource}}/segments/{{segment_id}}"): _ID_IS_DATASOURCE,
    ("DELETE", f"{_I}/datasources/{{datasource}}/segments/{{segment_id}}"): _ID_IS_DATASOURCE,
    ("POST", f"{_BS}/authentication/db/{{authenticator}}/users/{{user}}/credentials"): (
        f"iterations below 1: PBEKeySpec's uncaught IllegalArgumentException; no body: NullPointerException; {_PARSE}"
    ),
    ("POST", f"{_BS}/authorization/db/{{authorizer}}/groupMappings/{{group}}"): (
        f"{_PARSE}; no body: NullPointerException"
    ),
    ("POST", f"{_BS}/authorization/db/{{authorizer}}/roles/{{role}}/permissions"): _PARSE,
}
for _key, _why in _DRUID_500.items():
    OPERATIONS[_key] = replace(OPERATIONS[_key], druid_500=_why)


def druid_500(method: str, path: str) -> str | None:
    """Why Druid answers ``method path`` (an OpenAPI path) with 500 for some inputs, or None if it never does."""
    op = OPERATIONS.get((method.upper(), path))
    return None if op is None else op.druid_500


def not_implemented(method: str, path: str) -> bool:
    """Whether the fake answers ``method path`` with 501 (a Druid endpoint it does not implement)."""
    return OPERATIONS.get((method.upper(), path)) is _NOT_IMPLEMENTED


_PARAM = re.compile(r"<(?:[a-zA-Z_]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def openapi_path(rule: str) -> str:
    """A Werkzeug rule (``/a/<path:x>``) as an OpenAPI path template (``/a/{x}``)."""
    return _PARAM.sub(r"{\1}", rule)


def routes(rules: Iterable[Any]) -> list[tuple[str, str]]:
    """``(METHOD, OpenAPI path)`` of every route (HEAD and OPTIONS, which Werkzeug adds, left out)."""
    out = set()
    for rule in rules:
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                out.add((method, openapi_path(rule.rule)))
    return sorted(out, key=lambda mp: (mp[1], mp[0]))


def _operation(method: str, path: str, op: Op, security: bool) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in re.findall(r"{([^}]+)}", path)
    ]
    params += [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in op.query.items()]
    responses: dict[str, Any] = {}
    for status, schema in op.ok.items():
        entry: dict[str, Any] = {"description": op.summary if status < 300 else f"HTTP {status}"}
        if schema is not None:
            entry["content"] = {"application/json": {"schema": schema}}
        responses[str(status)] = entry
    responses["default"] = {"description": "Druid's other answers (4xx/5xx, as Druid shapes them)"}
    out: dict[str, Any] = {
        "operationId": f"{method.lower()}_{re.sub(r'[^A-Za-z0-9]+', '_', path).strip('_')}",
        "summary": op.summary,
        "parameters": params,
        "responses": responses,
    }
    if op.druid_500 is not None:
        out["x-druid-500"] = op.druid_500
    if op.body is not None:
        out["requestBody"] = {"required": False, "content": {"application/json": {"schema": op.body}}}
    if security and not (path == "/status/health" or path.endswith("/isLeader")):
        out["security"] = [{"basic": []}]
    return out


def _in_profile(method: str, path: str, profile: Profile) -> bool:
    """Whether Druid serves ``method path`` in ``profile``, per the path table; the fake's own paths and the
    extensions' (not in the table) always count as served."""
    if path.startswith(("/fakedruid", _BS)):
        return True
    sample = re.sub(r"{[^}]+}", "x", path)
    return druid_paths.find(method, sample, profile.route_versions) is not None


def build(
    rules: Iterable[Any], *, profile: Profile, security: bool = False, table: Mapping[Any, Op] = OPERATIONS
) -> dict[str, Any]:
    """The OpenAPI 3.1 document for the given routes (a Flask app's ``url_map.iter_rules()``).

    :param profile: the behaviour profile; rows whose ``needs`` switch it lacks are left out, and ``info.version``
        is the Druid version it reports.
    :param security: whether basic security is on (adds its management API and the ``basic`` security scheme).
    :raises KeyError: a route has no row in ``table`` (the test in step with the routes catches this first).
    """
    paths: dict[str, dict[str, Any]] = {}
    for method, path in routes(rules):
        op = table[(method, path)]
        if op.needs is not None and not getattr(profile, op.needs):
            continue
        if not security and path.startswith(_BS):
            continue  # Druid without druid-basic-security has no such paths (the fake answers 404)
        if not _in_profile(method, path, profile):
            continue  # e.g. GET /status/ready in profile 29: the path table makes it a 404
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, op, security)
    components: dict[str, Any] = {"schemas": COMPONENTS}
    if security:
        components["securitySchemes"] = {"basic": {"type": "http", "scheme": "basic"}}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"fakedruid (Apache Druid {profile.druid_version} Coordinator and Overlord)",
            "version": profile.druid_version,
            "description": "The endpoints fakedruid serves; answers follow Apache Druid's.",
        },
        "paths": paths,
        "components": components,
    }

