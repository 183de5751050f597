"""The path table of Druid's Coordinator and Overlord routes (``fakedruid.api.druid_paths``): every row well-formed.

The table is generated from Druid's jars by ``tools/extract_druid_paths.py``; these tests hold the generated rows
to the shape the lookup and the 501 dispatch rely on, and pin a few rows whose per-version presence is known from
Druid's source (each cited).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from fakedruid.api import druid_paths
from fakedruid.api.druid_paths import PROCESSES, PROFILE_VERSIONS, ROUTES, VERSIONS, Route

HTTP_METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}
SEGMENT = re.compile(r"[A-Za-z0-9._-]+|\{[A-Za-z_][A-Za-z0-9_]*\}")
SOURCE = re.compile(
    r"(server|indexing-service|processing|services|extensions-core/multi-stage-query)/src/main/java/org/apache/druid/"
    r"[\w/]+/\w+\.java"
)


def _row_id(route: Route) -> str:
    return f"{route.method} {route.path} {','.join(route.versions)}"


@pytest.mark.parametrize("route", ROUTES, ids=_row_id)
def test_row_well_formed(route: Route) -> None:
    assert route.method in HTTP_METHODS
    assert route.path.startswith("/") and route.path != "/"
    segments = route.path[1:].split("/")
    assert all(SEGMENT.fullmatch(s) for s in segments), route.path
    names = re.findall(r"\{(\w+)\}", route.path)
    assert len(names) == len(set(names)), "a template variable appears twice"
    assert route.processes and set(route.processes) <= set(PROCESSES)
    assert list(route.processes) == sorted(route.processes)
    assert route.versions and set(route.versions) <= set(VERSIONS)
    assert list(route.versions) == [v for v in VERSIONS if v in route.versions], "versions out of order"
    assert SOURCE.fullmatch(route.source), route.source
    # The declaring class is the source file's top-level class or nested in it.
    assert route.source_file.endswith(".java") and route.resource.startswith(route.source_file[: -len(".java")])
    assert route.java_method.isidentifier()
    assert all("/" in t for t in route.consumes + route.produces)


def test_no_route_twice_in_one_version() -> None:
    counts = Counter((r.method, r.path, v) for r in ROUTES for v in r.versions)
    assert [key for key, n in counts.items() if n > 1] == []


def test_every_version_and_process_has_routes() -> None:
    for version in VERSIONS:
        for process in PROCESSES:
            assert any(version in r.versions and process in r.processes for r in ROUTES), (version, process)
    assert set(PROFILE_VERSIONS) == {"29", "33", "latest"}
    assert sorted(v for vs in PROFILE_VERSIONS.values() for v in vs) == sorted(VERSIONS)


@pytest.mark.parametrize(
    ("method", "path", "profile", "resource"),
    [
        ("GET", "/druid/coordinator/v1/datasources", "29", "DataSourcesResource"),
        ("GET", "/status/properties", "29", "StatusResource"),
        ("GET", "/status/selfDiscovered/status", "latest", "SelfDiscoveryResource"),
        ("GET", "/druid/indexer/v1/leader", "29", "OverlordResource"),
        ("GET", "/druid/indexer/v1/isLeader", "latest", "OverlordResource"),
        ("GET", "/druid/indexer/v1/task/index_wiki_1/reports", "29", "OverlordResource"),
        ("POST", "/druid/indexer/v1/datasources/wiki/shutdownAllTasks", "29", "OverlordResource"),
        # OverlordDataSourcesResource.java is newer than Druid 29 (the Overlord's segment-update API).
        ("POST", "/druid/indexer/v1/datasources/wiki/markUnused", "latest", "OverlordDataSourcesResource"),
        # A literal segment beats a template one (Jersey), so history is not read as a supervisor id.
        ("GET", "/druid/indexer/v1/supervisor/history", "29", "SupervisorResource"),
    ],
)
def test_find_known_route(method: str, path: str, profile: str, resource: str) -> None:
    route = druid_paths.find(method, path, profile)
    assert route is not None and route.resource == resource


def test_find_prefers_literal_segments() -> None:
    history = druid_paths.find("GET", "/druid/indexer/v1/supervisor/history", "29")
    by_id = druid_paths.find("GET", "/druid/indexer/v1/supervisor/my_supervisor", "29")
    assert history is not None and history.path.endswith("/supervisor/history")
    assert by_id is not None and by_id.path.endswith("/supervisor/{id}")


@pytest.mark.parametrize(
    ("method", "path", "profile"),
    [
        # Not a Druid path at all.
        ("GET", "/druid/coordinator/v1/nope", "29"),
        # The Overlord's datasource API does not exist in Druid 28/29.
        ("POST", "/druid/indexer/v1/datasources/wiki/markUnused", "29"),
        # Druid 37 dropped the v1 lockedIntervals (only /lockedIntervals/v2 is left).
        ("POST", "/druid/indexer/v1/lockedIntervals", "latest"),
        # A template variable never spans a '/'.
        ("GET", "/druid/coordinator/v1/servers/a/b/c/d", "29"),
        # Nor is it empty.
        ("GET", "/druid/coordinator/v1/rules//history", "29"),
    ],
)
def test_find_unknown_route_is_none(method: str, path: str, profile: str) -> None:
    assert druid_paths.find(method, path, profile) is None


def test_find_ignores_one_trailing_slash() -> None:
    route = druid_paths.find("GET", "/druid/coordinator/v1/rules/", "29")
    assert route is not None and route.path == "/druid/coordinator/v1/rules"


def test_template_variable_matches_an_encoded_slash() -> None:
    # Jersey matches the raw path: %2F stays inside the {interval} segment.
    route = druid_paths.find("GET", "/druid/coordinator/v1/datasources/w/intervals/2015%2F2016", "29")
    assert route is not None and route.path.endswith("/intervals/{interval}")


def test_literal_template_wins_before_the_method_is_looked_at() -> None:
    # POST /rules/{dataSourceName} exists, but Jersey commits to the literal /rules/history, which has only GET.
    assert druid_paths.find("POST", "/druid/coordinator/v1/rules/history", "29") is None
    assert druid_paths.methods_for("/druid/coordinator/v1/rules/history", "29") == ("GET",)


def test_methods_for_path() -> None:
    assert druid_paths.methods_for("/druid/coordinator/v1/rules/wiki", "29") == ("GET", "POST")
    assert druid_paths.methods_for("/druid/coordinator/v1/nope", "latest") == ()


def test_flask_rule_of_template() -> None:
    route = druid_paths.find("GET", "/druid/coordinator/v1/datasources/wiki/segments/x", "29")
    assert route is not None
    assert route.flask_rule == "/druid/coordinator/v1/datasources/<dataSourceName>/segments/<segmentId>"


@pytest.mark.parametrize("profile", sorted(PROFILE_VERSIONS))
def test_fast_matcher_agrees_with_the_plain_scan(profile: str) -> None:
    samples = {re.sub(r"\{[^}]+\}", "x", r.path) for r in ROUTES}
    samples |= {s + "/" for s in samples} | {s + "/extra" for s in samples} | {"/", "/status/", "/nope"}
    for sample in sorted(samples):
        assert druid_paths.matching(sample, profile) == druid_paths.matching(
            sample, profile, exclude=lambda r: False
        ), sample
