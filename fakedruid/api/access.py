"""Which endpoint needs which permission: Druid's resource filters and list filtering, as one table.

Layer: api, but plain data and the stdlib only (no Flask), so the table is testable on its own. The request
hook that enforces it (401, 403) and the views that filter lists read it from here.

Druid decides per endpoint with a Jersey ``@ResourceFilters`` class or with
``AuthorizationUtils.filterAuthorizedResources`` inside the resource method. The action is ``READ`` for GET
and HEAD and ``WRITE`` for everything else (``server/.../http/security/AbstractResourceFilter.getAction``).
Sources (``server/src/main/java/org/apache/druid/server/...`` unless noted):

* ``http/security/DatasourceResourceFilter.java``: the path segment after ``datasources`` names a
  DATASOURCE (``DataSourcesResource``, ``MetadataResource``, the Overlord's ``OverlordDataSourcesResource``);
* ``http/security/RulesResourceFilter.java``: the segment after ``rules`` names a DATASOURCE;
* ``http/security/StateResourceFilter.java``: resource ``STATE`` of type STATE (``/rules``, ``/rules/history``,
  ``/leader``, ``/loadstatus``, ``/status``);
* ``http/security/ConfigResourceFilter.java``: resource ``CONFIG`` of type CONFIG (``/config...``);
* ``indexing-service/.../overlord/http/security/TaskResourceFilter.java``: the datasource of the task named
  after ``task``;
* ``BasicSecurityResourceFilter.java`` (druid-basic-security): resource ``security`` of type CONFIG;
* lists filtered to the datasources the user may READ: ``GET /datasources`` (``DataSourcesResource``),
  ``GET /metadata/datasources`` and ``GET /metadata/segments`` (``MetadataResource``), the Overlord's task
  lists (``OverlordResource.securedTaskStatusPlus``);
* unsecured paths: ``/status/health`` and ``/druid/coordinator/v1/isLeader``
  (``services/.../cli/CoordinatorJettyServerInitializer.java``), ``/druid/indexer/v1/isLeader``
  (``CliOverlord.UNSECURED_PATHS``).

The fake's own admin API (``/fakedruid/v1``) is not Druid's: it needs the ``admin`` user.
A Druid path not in the table (the fake answers most of those 501) is guarded like a STATE endpoint.
"""

from __future__ import annotations

import functools
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

# What a rule asks for.
UNSECURED = "unsecured"  # no credentials needed
DATASOURCE_IN_PATH = "datasource"  # READ/WRITE on the DATASOURCE named by the ``name`` group
TASK_IN_PATH = "task"  # READ/WRITE on the DATASOURCE of the task named by the ``name`` group
FIXED = "fixed"  # READ/WRITE on a fixed resource (``resource_name`` of ``resource_type``)
FILTERED = "filtered"  # authenticated; the answer lists only datasources the user may READ
TASK_BODY = "task_body"  # WRITE on the datasource of the submitted task, checked once the body is read
SECURITY = "security"  # BasicSecurityResourceFilter: CONFIG ``security``, its own 403 body
ADMIN = "admin"  # the fake's admin API: user ``admin`` only


@dataclass(frozen=True, slots=True)
class AccessRule:
    """One row: the endpoints a path pattern (and optionally methods) covers, and what they need."""

    pattern: re.Pattern[str]
    kind: str
    source: str
    methods: frozenset[str] | None = None
    resource_name: str = ""
    resource_type: str = ""


@dataclass(frozen=True, slots=True)
class Requirement:
    """What one request needs: ``kind`` (see the module constants), the resource and the action."""

    kind: str
    action: str
    resource_name: str = ""
    resource_type: str = ""
    source: str = ""


def _rule(
    path: str,
    kind: str,
    source: str,
    *,
    methods: tuple[str, ...] | None = None,
    name: str = "",
    type_: str = "",
) -> AccessRule:
    return AccessRule(
        re.compile(path), kind, source, None if methods is None else frozenset(methods), name, type_
    )


_COORD = "/druid/coordinator/v1"
_INDEXER = "/druid/indexer/v1"
# One path segment, as Jersey's ``@PathParam`` sees it (encoded slashes stay inside the segment).
_SEG = r"(?P<name>[^/]+)"

#: First match wins; order from the most specific to the most general.
RULES: tuple[AccessRule, ...] = (
    _rule(r"/status/health/?", UNSECURED, "CoordinatorJettyServerInitializer.UNSECURED_PATHS"),
    _rule(rf"{_COORD}/isLeader/?", UNSECURED, "CoordinatorJettyServerInitializer.UNSECURED_PATHS"),
    _rule(rf"{_INDEXER}/isLeader/?", UNSECURED, "CliOverlord.UNSECURED_PATHS"),
    _rule(r"/fakedruid/v1(/.*)?", ADMIN, "fakedruid (not Druid): the admin API needs user admin"),
    _rule(r"/druid-ext/basic-security/.*", SECURITY, "BasicSecurityResourceFilter"),
    # StatusResource.getProperties: @ResourceFilters(ConfigResourceFilter.class), unlike the rest of /status.
    _rule(r"/status/properties/?", FIXED, "StatusResource.getProperties + ConfigResourceFilter", name="CONFIG",
          type_="CONFIG"),
    _rule(r"/status/?", FIXED, "StatusResource + StateResourceFilter", name="STATE", type_="STATE"),
    _rule(r"/status/.*", FIXED, "StatusResource + StateResourceFilter", name="STATE", type_="STATE"),
    # DataSourcesResource
    _rule(rf"{_COORD}/datasources/?", FILTERED, "DataSourcesResource.getQueryableDataSources", methods=("GET",)),
    _rule(rf"{_COORD}/datasources/{_SEG}(/.*)?", DATASOURCE_IN_PATH, "DatasourceResourceFilter"),
    # MetadataResource
    _rule(rf"{_COORD}/metadata/datasources/?", FILTERED, "MetadataResource.getDataSources", methods=("GET",)),
    _rule(rf"{_COORD}/metadata/segments/?", FILTERED, "MetadataResource.getAllUsedSegments", methods=("GET",)),
    _rule(rf"{_COORD}/metadata/datasources/{_SEG}(/.*)?", DATASOURCE_IN_PATH, "DatasourceResourceFilter"),
    # RulesResource: the literal paths win over {dataSourceName} in JAX-RS matching.
    _rule(rf"{_COORD}/rules/?", FIXED, "RulesResource + StateResourceFilter", name="STATE", type_="STATE"),
    _rule(rf"{_COORD}/rules/history/?", FIXED, "RulesResource + StateResourceFilter", name="STATE", type_="STATE"),
    _rule(rf"{_COORD}/rules/{_SEG}(/.*)?", DATASOURCE_IN_PATH, "RulesResourceFilter"),
    # CoordinatorResource, CoordinatorDynamicConfigsResource
    _rule(rf"{_COORD}/config(/.*)?", FIXED, "ConfigResourceFilter", name="CONFIG", type_="CONFIG"),
    # OverlordResource
    _rule(rf"{_INDEXER}/task/?", TASK_BODY, "OverlordResource.taskPost", methods=("POST",)),
    _rule(rf"{_INDEXER}/task/{_SEG}(/.*)?", TASK_IN_PATH, "TaskResourceFilter"),
    _rule(
        rf"{_INDEXER}/(tasks|completeTasks|runningTasks|waitingTasks|pendingTasks)/?",
        FILTERED,
        "OverlordResource.securedTaskStatusPlus",
        methods=("GET",),
    ),
    _rule(rf"{_INDEXER}/datasources/{_SEG}(/.*)?", DATASOURCE_IN_PATH, "DatasourceResourceFilter"),
    # SqlTaskResource: the SQL layer authorizes while planning (WRITE on the target datasource, READ on EXTERNAL
    # for EXTERN and the input table functions); the view checks once the statement is read. /enabled only
    # authenticates (doGetEnabled sets the request's authorization attribute itself).
    _rule(r"/druid/v2/sql/task/?", TASK_BODY, "SqlTaskResource.doPost (authorized by the SQL planner)",
          methods=("POST",)),
    _rule(r"/druid/v2/sql/task/enabled/?", FILTERED, "SqlTaskResource.doGetEnabled (authentication only)",
          methods=("GET",)),
    # Everything else Druid serves on these prefixes is STATE (or CONFIG) guarded; the fake answers most 501.
    _rule(r"/druid/.*", FIXED, "StateResourceFilter (default for other Druid paths)", name="STATE", type_="STATE"),
)


def action_for(method: str) -> str:
    """``AbstractResourceFilter.getAction``: ``READ`` for GET and HEAD, ``WRITE`` otherwise."""
    return "READ" if method.upper() in ("GET", "HEAD") else "WRITE"


def requirement(method: str, path: str) -> Requirement:
    """What ``method path`` needs (``path`` as sent, percent-encoding intact).

    The resource name taken from a path segment is percent-decoded, as Jersey's ``PathSegment.getPath()`` is.
    A path no rule covers is :data:`UNSECURED` only if it is not a Druid or fake path (it is a 404 anyway).
    """
    action = action_for(method)
    for rule in RULES:
        if rule.methods is not None and method.upper() not in rule.methods:
            continue
        match = rule.pattern.fullmatch(path)
        if match is None:
            continue
        if rule.kind in (DATASOURCE_IN_PATH, TASK_IN_PATH):
            return Requirement(rule.kind, action, unquote(match.group("name")), "DATASOURCE", rule.source)
        if rule.kind == SECURITY:
            return Requirement(rule.kind, action, "security", "CONFIG", rule.source)
        return Requirement(rule.kind, action, rule.resource_name, rule.resource_type, rule.source)
    # Not a path Druid or the fake serves: authentication still applies (Druid's filters run for every path).
    return Requirement(FIXED, action, "STATE", "STATE", "no route (authentication only applies)")


# ------------------------------------------------------------------ the 401 and 403 answers (data)

#: ``PreResponseAuthorizationCheckFilter``: no credentials: 401, ``WWW-Authenticate: Basic`` and a
#: ``QueryInterruptedException("Unauthorized request", null, null, DruidNode.getDefaultHost())`` as JSON. The
#: same in Druid 28.0.0 and 37.0.0 (the filter's bytecode in both druid-server jars; measured on a running
#: 37.0.0, tests/contract/test_basic_security.py).
UNAUTHENTICATED_ERROR = "Unauthorized request"


@functools.lru_cache(maxsize=1)
def default_host() -> str:
    """``DruidNode.getDefaultHost()``: ``InetAddress.getLocalHost().getCanonicalHostName()``, the canonical name
    of the address this machine's host name resolves to (``localhost`` where it resolves to 127.0.0.1)."""
    try:
        return socket.gethostbyaddr(socket.gethostbyname(socket.gethostname()))[0]
    except OSError:
        return socket.gethostname()


def unauthenticated_body() -> dict[str, Any]:
    """The 401 body for a request without credentials."""
    return {"error": UNAUTHENTICATED_ERROR, "errorMessage": None, "errorClass": None, "host": default_host()}


def forbidden_message(*, authorization_result: bool) -> str:
    """The text a resource filter's ``ForbiddenException`` carries when the basic authorizer says no.

    Druid 28-29: ``Access.toString()`` of a denial with an empty message, ``Allowed:false, Message:``.
    Newer Druid (``AuthorizationResult``, PR #17564: from 32 or 33, not settled): ``getErrorMessage()``,
    ``Unauthorized`` (measured on 37.0.0).
    """
    return "Unauthorized" if authorization_result else "Allowed:false, Message:"


def forbidden_body(*, authorization_result: bool) -> dict[str, str]:
    """``ForbiddenExceptionMapper``'s JSON, ``{"Access-Check-Result": msg}``: the key is the same in the
    druid-server jars of 28.0.0 and 37.0.0, and a running 37.0.0 answers ``{"Access-Check-Result":
    "Unauthorized"}`` (tests/contract/test_basic_security.py). The 28-29 message is from 28.0.0's bytecode
    (``Access(false).toString()``), not measured: the extension does not resolve for 28-33 from the mirror."""
    return {"Access-Check-Result": forbidden_message(authorization_result=authorization_result)}


def security_forbidden_text(*, authorization_result: bool) -> str:
    """``BasicSecurityResourceFilter``'s 403 (served as ``text/plain``): ``Access-Check-Result: <message>``;
    measured on Druid 37.0.0: ``Access-Check-Result: Unauthorized``."""
    return f"Access-Check-Result: {forbidden_message(authorization_result=authorization_result)}"


#: The fake's own 403 for its admin API (not Druid's).
ADMIN_ONLY_MESSAGE = "fakedruid: the admin API /fakedruid/v1 needs the admin user"
