"""The access table: which Druid endpoint needs which permission (fakedruid/api/access.py)."""

from __future__ import annotations

import pytest

from fakedruid.api import access
from fakedruid.api.access import Requirement, requirement

C = "/druid/coordinator/v1"
I = "/druid/indexer/v1"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/status/health", Requirement(access.UNSECURED, "READ")),
        ("GET", f"{C}/isLeader", Requirement(access.UNSECURED, "READ")),
        ("GET", "/status", Requirement(access.FIXED, "READ", "STATE", "STATE")),
        ("GET", f"{C}/datasources", Requirement(access.FILTERED, "READ")),
        ("GET", f"{C}/datasources/wiki", Requirement(access.DATASOURCE_IN_PATH, "READ", "wiki", "DATASOURCE")),
        ("DELETE", f"{C}/datasources/wiki", Requirement(access.DATASOURCE_IN_PATH, "WRITE", "wiki", "DATASOURCE")),
        ("POST", f"{C}/datasources/wiki/markUnused", Requirement(access.DATASOURCE_IN_PATH, "WRITE", "wiki", "DATASOURCE")),
        ("GET", f"{C}/datasources/a%2Fb/segments", Requirement(access.DATASOURCE_IN_PATH, "READ", "a/b", "DATASOURCE")),
        ("GET", f"{C}/metadata/datasources", Requirement(access.FILTERED, "READ")),
        ("GET", f"{C}/metadata/segments", Requirement(access.FILTERED, "READ")),
        # a POST that only reads still needs WRITE (AbstractResourceFilter.getAction)
        ("POST", f"{C}/metadata/datasources/w/segments", Requirement(access.DATASOURCE_IN_PATH, "WRITE", "w", "DATASOURCE")),
        ("GET", f"{C}/rules", Requirement(access.FIXED, "READ", "STATE", "STATE")),
        ("GET", f"{C}/rules/history", Requirement(access.FIXED, "READ", "STATE", "STATE")),
        ("POST", f"{C}/rules/wiki", Requirement(access.DATASOURCE_IN_PATH, "WRITE", "wiki", "DATASOURCE")),
        ("GET", f"{C}/rules/wiki/history", Requirement(access.DATASOURCE_IN_PATH, "READ", "wiki", "DATASOURCE")),
        ("GET", f"{C}/loadstatus", Requirement(access.FIXED, "READ", "STATE", "STATE")),
        ("POST", f"{C}/config", Requirement(access.FIXED, "WRITE", "CONFIG", "CONFIG")),
        ("POST", f"{I}/task", Requirement(access.TASK_BODY, "WRITE")),
        ("GET", f"{I}/task/kill_x/status", Requirement(access.TASK_IN_PATH, "READ", "kill_x", "DATASOURCE")),
        ("POST", f"{I}/task/kill_x/shutdown", Requirement(access.TASK_IN_PATH, "WRITE", "kill_x", "DATASOURCE")),
        ("GET", f"{I}/tasks", Requirement(access.FILTERED, "READ")),
        ("GET", f"{I}/completeTasks", Requirement(access.FILTERED, "READ")),
        ("POST", f"{I}/datasources/w/markUsed", Requirement(access.DATASOURCE_IN_PATH, "WRITE", "w", "DATASOURCE")),
        ("GET", "/druid-ext/basic-security/authorization/db/basic/roles", Requirement(access.SECURITY, "READ", "security", "CONFIG")),
        ("POST", "/fakedruid/v1/reset", Requirement(access.ADMIN, "WRITE")),
        ("HEAD", f"{C}/servers", Requirement(access.FIXED, "READ", "STATE", "STATE")),
    ],
)
def test_requirement(method: str, path: str, expected: Requirement) -> None:
    got = requirement(method, path)
    assert (got.kind, got.action, got.resource_name, got.resource_type) == (
        expected.kind,
        expected.action,
        expected.resource_name,
        expected.resource_type,
    )
    assert got.source


def test_every_rule_names_its_druid_source() -> None:
    assert all(rule.source for rule in access.RULES)


def test_forbidden_bodies_per_profile() -> None:
    assert access.forbidden_body(authorization_result=False) == {"Access-Check-Result": "Allowed:false, Message:"}
    assert access.forbidden_body(authorization_result=True) == {"Access-Check-Result": "Unauthorized"}
    assert access.security_forbidden_text(authorization_result=False) == "Access-Check-Result: Allowed:false, Message:"
