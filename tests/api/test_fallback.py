"""Requests no view answers: 501 for a Druid route the fake lacks, Jersey's 404/405 under Druid's API prefixes,
Jetty's page elsewhere, Druid's HEAD/OPTIONS filters, Jetty's reason phrases; and the path table agrees with the
routes the app serves (``fakedruid.api.fallback``, ``fakedruid.api.druid_paths``).

Expected bytes come from Druid 28.0.0 (a Coordinator running the Overlord), recorded with curl.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator, ServerError
from fakedruid.api import druid_paths

PROFILES = ("29", "latest")

#: Druid 28.0.0's answer to ``GET /nope`` (367 bytes).
JETTY_404_NOPE = (
    "<html>\n<head>\n"
    '<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n'
    "<title>Error 404 Not Found</title>\n"
    "</head>\n"
    "<body><h2>HTTP ERROR 404 Not Found</h2>\n"
    "<table>\n"
    "<tr><th>URI:</th><td>/nope</td></tr>\n"
    "<tr><th>STATUS:</th><td>404</td></tr>\n"
    "<tr><th>MESSAGE:</th><td>Not Found</td></tr>\n"
    "<tr><th>SERVLET:</th><td>default</td></tr>\n"
    "</table>\n\n"
    "</body>\n</html>\n"
)


@pytest.fixture(params=PROFILES)
def any_fake(request: pytest.FixtureRequest) -> FakeCoordinator:
    return FakeCoordinator(request.param)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/druid/coordinator/v1/nope"),
        ("POST", "/druid/indexer/v1/nope"),
        ("GET", "/status/nope"),
        ("DELETE", "/druid/coordinator/v1/rules/wiki/history/more"),
    ],
)
def test_unknown_path_under_a_jersey_prefix_is_an_empty_404(any_fake: FakeCoordinator, method: str, path: str) -> None:
    response = any_fake.client.open(path, method=method)
    assert response.status == "404 Not Found"
    assert response.data == b""
    assert "Content-Type" not in response.headers
    any_fake.check()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_path_elsewhere_is_jettys_404_page(any_fake: FakeCoordinator, method: str) -> None:
    response = any_fake.client.open("/nope", method=method)
    assert response.status == "404 Not Found"
    assert response.headers["Content-Type"] == "text/html;charset=iso-8859-1"
    assert response.headers["Cache-Control"] == "must-revalidate,no-cache,no-store"
    assert response.get_data(as_text=True) == JETTY_404_NOPE
    assert len(response.data) == 367


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/druid/coordinator/v1/leader", "HEAD,GET,OPTIONS"),
        ("DELETE", "/druid/indexer/v1/leader", "HEAD,GET,OPTIONS"),
        ("PUT", "/status", "HEAD,GET,OPTIONS"),
        ("PUT", "/druid/coordinator/v1/rules/wiki", "HEAD,POST,GET,OPTIONS"),
        ("PUT", "/druid/coordinator/v1/datasources/wiki", "HEAD,DELETE,POST,GET,OPTIONS"),
        ("GET", "/druid/indexer/v1/datasources/wiki/shutdownAllTasks", "POST,OPTIONS"),
    ],
)
def test_wrong_method_is_jerseys_empty_405_with_allow(
    any_fake: FakeCoordinator, method: str, path: str, allow: str
) -> None:
    response = any_fake.client.open(path, method=method)
    assert response.status == "405 Method Not Allowed"
    assert response.headers["Allow"] == allow
    assert response.data == b""
    assert "Content-Type" not in response.headers


def test_post_rules_history_is_405_and_sets_no_rules(any_fake: FakeCoordinator) -> None:
    # Jersey commits to the literal /history template (GET only) before it looks at the method.
    before = any_fake.client.get("/druid/coordinator/v1/rules").get_json()
    response = any_fake.client.post("/druid/coordinator/v1/rules/history", json=[{"type": "dropForever"}])
    assert (response.status_code, response.headers["Allow"]) == (405, "HEAD,GET,OPTIONS")
    assert any_fake.client.get("/druid/coordinator/v1/rules").get_json() == before


def test_profile_29_has_no_overlord_datasource_api(fake: FakeCoordinator, client: FlaskClient) -> None:
    sid = fake.add_segment("wiki", "2015-09-12/P1D", "v1")
    response = client.post("/druid/indexer/v1/datasources/wiki/markUnused", json={"interval": "2015/2016"})
    assert (response.status_code, response.data) == (404, b"")
    assert fake.segment_ids("wiki", used=True) == {sid}


def test_head_is_refused_with_jettys_405_page(any_fake: FakeCoordinator) -> None:
    response = any_fake.client.head("/status")
    assert response.status == "405 Method Not Allowed"
    assert response.headers["Content-Type"] == "text/html;charset=iso-8859-1"
    # The page Druid 28.0.0 sends for HEAD /status is 396 bytes (the body itself is not sent for HEAD).
    assert response.headers["Content-Length"] == "396"


def test_options_on_a_druid_path_is_an_empty_405_without_allow(any_fake: FakeCoordinator) -> None:
    response = any_fake.client.options("/druid/indexer/v1/leader")
    assert (response.status, response.data) == ("405 Method Not Allowed", b"")
    assert "Allow" not in response.headers


def test_options_elsewhere_is_a_404_under_jersey_and_an_empty_405_outside(any_fake: FakeCoordinator) -> None:
    assert any_fake.client.options("/druid/coordinator/v1/nope").status_code == 404
    # Jetty's DefaultServlet refuses OPTIONS, PUT and DELETE, and writes no page for them (Druid 28.0.0, 33.0.0).
    for method in ("OPTIONS", "PUT", "DELETE"):
        resp = any_fake.client.open("/nope", method=method)
        assert (resp.status_code, resp.get_data(), resp.headers.get("Content-Type")) == (405, b"", None)


def test_the_fakes_own_api_keeps_its_plain_answers(fake: FakeCoordinator, client: FlaskClient) -> None:
    missing = client.get("/fakedruid/v1/no-such-thing")
    assert (missing.status_code, missing.mimetype) == (404, "text/plain")
    assert "no such path /fakedruid/v1/no-such-thing" in missing.get_data(as_text=True)
    wrong = client.delete("/fakedruid/v1/reset")
    assert (wrong.status_code, wrong.mimetype) == (405, "text/plain")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/druid/indexer/v1/task/some_task/log"),
        ("POST", "/druid/indexer/v1/taskStatus"),
        ("DELETE", "/druid/indexer/v1/pendingSegments/wiki"),
        ("GET", "/druid/indexer/v1/worker/history"),
        ("POST", "/druid/indexer/v1/sampler"),
        ("GET", "/druid/coordinator/v1/loadqueue"),
        ("POST", "/druid/coordinator/v1/compaction/compact"),
        ("GET", "/druid/coordinator/v1/datasources/wiki/intervals/2015-09-12_2015-09-13/serverview"),
        ("GET", "/druid/coordinator/v1/lookups/config/"),
    ],
)
def test_druid_route_the_fake_lacks_is_501_in_strict_mode(any_fake: FakeCoordinator, method: str, path: str) -> None:
    if druid_paths.find(method, path, any_fake.profile.route_versions) is None:
        pytest.fail(f"{method} {path} is not a Druid route of {any_fake.profile.route_versions}")
    response = any_fake.client.open(path, method=method)
    assert response.status == "501 Not Implemented"
    assert response.get_data(as_text=True) == f"fakedruid does not implement {method} {path}"
    with pytest.raises(ServerError, match="does not implement"):
        any_fake.check()


@pytest.mark.parametrize(
    ("method", "path", "profile"),
    [
        ("GET", "/druid/coordinator/v1/config/cloneStatus", "latest"),
        ("GET", "/druid/indexer/v1/compaction/isSupervisorEnabled", "latest"),
        ("GET", "/status/ready", "latest"),
    ],
)
def test_route_only_newer_druid_has_is_404_in_profile_29(method: str, path: str, profile: str) -> None:
    assert druid_paths.find(method, path, "29") is None and druid_paths.find(method, path, profile) is not None
    fake = FakeCoordinator("29")
    assert (fake.client.open(path, method=method).status_code, fake.requests[-1].status) == (404, 404)
    fake.check()


# ---------------------------------------------------------------------- Jackson's bytes


def test_json_answers_are_compact_as_jackson_writes_them(any_fake: FakeCoordinator) -> None:
    any_fake.add_segments(
        [
            {"dataSource": "wiki", "interval": "2015-09-12/P1D", "version": "v1"},
            {"dataSource": "edits", "interval": "2015-09-12/P1D", "version": "v1"},
        ]
    )
    datasources = any_fake.client.get("/druid/coordinator/v1/datasources", headers={"Accept": "application/json"})
    assert datasources.data == b'["edits","wiki"]'
    marked = any_fake.client.post(
        "/druid/coordinator/v1/datasources/wiki/markUnused",
        json={"interval": "2015-09-12/2015-09-13"},
        headers={"Accept": "application/json"},
    )
    assert marked.data.startswith(b'{"numChangedSegments":1')
    assert b", " not in marked.data and b": " not in marked.data


# ---------------------------------------------------------------------- table and routes agree


def _sample(template: str) -> str:
    """A concrete path for a Flask rule or a Druid template: every variable becomes ``fd_x``."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "fd_x", template)


def _served_by_a_view(fake: FakeCoordinator, method: str, path: str) -> bool:
    adapter = fake.app.url_map.bind("localhost")
    try:
        adapter.match(path, method=method)
    except Exception:
        return False
    return True


def _druid_rules(fake: FakeCoordinator) -> list[tuple[str, str]]:
    return sorted(
        (method, rule.rule)
        for rule in fake.app.url_map.iter_rules()
        # The fake's own API, and druid-basic-security's resources (an extension's, outside the core path table;
        # tests/api/test_basic_security*.py cover them).
        if not rule.rule.startswith(("/fakedruid", "/druid-ext/basic-security"))
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    )


def test_every_route_the_app_serves_is_a_druid_route() -> None:
    fake = FakeCoordinator()
    stray = [
        (method, rule)
        for method, rule in _druid_rules(fake)
        if not any(druid_paths.find(method, _sample(rule), p) for p in PROFILES)
    ]
    assert stray == []


@pytest.mark.parametrize("profile", PROFILES)
def test_a_served_route_outside_the_profile_is_never_answered(profile: str) -> None:
    fake = FakeCoordinator(profile, strict=False)
    for method, rule in _druid_rules(fake):
        sample = _sample(rule)
        if druid_paths.find(method, sample, profile) is None:
            assert fake.client.open(sample, method=method).status_code in (404, 405), (method, rule)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_druid_route_of_the_profile_is_served_or_501(profile: str) -> None:
    fake = FakeCoordinator(profile, strict=False)
    for route in druid_paths.routes(profile):
        sample = _sample(route.path)
        # An Accept the route's @Produces admits: else Jersey's 406 comes first.
        accept = route.produces[0] if route.produces else "application/json"
        response = fake.client.open(sample, method=route.method, headers={"Accept": accept})
        assert response.status_code != 405, (route.method, route.path)
        if response.status_code == 404:
            # Only a view may say 404 for a Druid route (an unknown task, a datasource without segments).
            assert _served_by_a_view(fake, route.method, sample), (route.method, route.path)
        if not _served_by_a_view(fake, route.method, sample):
            assert response.status_code == 501, (route.method, route.path, response.status_code)
