"""The druid-basic-security management API and the request gate (401, 403), through the Flask test client."""

from __future__ import annotations

import base64

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from fakedruid.api import access
from tests.support import NOW, WIKI, seed_wiki

BASE = "/druid-ext/basic-security"
AUTHN = f"{BASE}/authentication/db/basic"
AUTHZ = f"{BASE}/authorization/db/basic"


def auth(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


ADMIN = auth("admin", "priest")


@pytest.fixture
def sfake() -> FakeCoordinator:
    return FakeCoordinator(now=NOW, strict=False, basic_security=True, admin_password="priest")


@pytest.fixture
def sclient(sfake: FakeCoordinator) -> FlaskClient:
    return sfake.client


@pytest.fixture
def sclient_latest() -> FlaskClient:
    return FakeCoordinator("latest", now=NOW, strict=False, basic_security=True, admin_password="priest").client


def add_user(client: FlaskClient, user: str, password: str, *grants: tuple[str, str, str]) -> dict[str, str]:
    """Create a user with one role holding ``grants`` (type, name regex, action); returns its headers."""
    for path in (f"{AUTHN}/users/{user}", f"{AUTHZ}/users/{user}", f"{AUTHZ}/roles/{user}_role"):
        assert client.post(path, headers=ADMIN).status_code == 200
    r = client.post(f"{AUTHN}/users/{user}/credentials", json={"password": password}, headers=ADMIN)
    assert r.status_code == 200
    perms = [{"resource": {"type": t, "name": n}, "action": a} for t, n, a in grants]
    assert client.post(f"{AUTHZ}/roles/{user}_role/permissions", json=perms, headers=ADMIN).status_code == 200
    assert client.post(f"{AUTHZ}/users/{user}/roles/{user}_role", headers=ADMIN).status_code == 200
    return auth(user, password)


# ------------------------------------------------------------------ the management API


def test_druidapi_add_user_flow_succeeds_with_empty_200s(sclient: FlaskClient) -> None:
    r = sclient.post(f"{AUTHN}/users/bob", headers=ADMIN)
    # Measured on Druid 37.0.0: the empty 200 still says application/json (@Produces on the resource).
    assert (r.status_code, r.data, r.headers.get("Content-Type")) == (200, b"", "application/json")
    bob = add_user(sclient, "carol", "secret", ("DATASOURCE", "wiki.*", "READ"))
    assert sclient.get("/druid/coordinator/v1/datasources", headers=bob).status_code == 200
    assert sclient.get(f"{AUTHN}/users", headers=ADMIN).get_json() == ["admin", "bob", "carol"]


def test_get_authenticator_user_shows_hash_and_salt_not_the_password(sclient: FlaskClient) -> None:
    add_user(sclient, "bob", "hunter2")
    r = sclient.get(f"{AUTHN}/users/bob", headers=ADMIN)
    body = r.get_json()
    assert r.status_code == 200 and body["name"] == "bob"
    assert set(body["credentials"]) == {"salt", "hash", "iterations"}
    assert b"hunter2" not in r.data


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("get", f"{AUTHN}/users/ghost", "User [ghost] does not exist."),
        ("delete", f"{AUTHN}/users/ghost", "User [ghost] does not exist."),
        ("post", f"{AUTHN}/users/admin", "User [admin] already exists."),
        ("get", f"{BASE}/authentication/db/other/users", "Basic authenticator with name [other] does not exist."),
        ("get", f"{BASE}/authorization/db/other/roles", "Basic authorizer with name [other] does not exist."),
        ("get", f"{AUTHZ}/roles/ghost", "Role [ghost] does not exist."),
        ("post", f"{AUTHZ}/users/admin/roles/ghost", "Role [ghost] does not exist."),
        ("post", f"{AUTHZ}/users/ghost/roles/admin", "User [ghost] does not exist."),
        ("post", f"{AUTHZ}/users/admin/roles/admin", "User [admin] already has role [admin]."),
        ("delete", f"{AUTHZ}/users/admin/roles/druid_system", "User [admin] does not have role [druid_system]."),
        ("get", f"{AUTHZ}/groupMappings/g", "Group mapping [g] does not exist."),
    ],
)
def test_management_errors_are_400_with_druids_message(
    sclient: FlaskClient, method: str, path: str, message: str
) -> None:
    r = getattr(sclient, method)(path, headers=ADMIN)
    assert (r.status_code, r.get_json()) == (400, {"error": message})


def test_bad_regex_in_permissions_is_400_and_keeps_the_old_ones(sclient: FlaskClient) -> None:
    sclient.post(f"{AUTHZ}/roles/r", headers=ADMIN)
    perms = [{"resource": {"type": "DATASOURCE", "name": "("}, "action": "READ"}]
    r = sclient.post(f"{AUTHZ}/roles/r/permissions", json=perms, headers=ADMIN)
    assert (r.status_code, r.get_json()) == (
        400,
        {"error": "Invalid permission, resource name regex[(] does not compile."},
    )
    assert sclient.get(f"{AUTHZ}/roles/r/permissions", headers=ADMIN).get_json() == []


def test_permissions_with_unknown_action_is_a_mapping_error(sclient: FlaskClient) -> None:
    sclient.post(f"{AUTHZ}/roles/r", headers=ADMIN)
    perms = [{"resource": {"type": "DATASOURCE", "name": "x"}, "action": "DELETE"}]
    r = sclient.post(f"{AUTHZ}/roles/r/permissions", json=perms, headers=ADMIN)
    assert r.status_code == 400 and "not one of the values accepted for Enum class: [READ, WRITE]" in r.get_json()["error"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [({}, "Cannot assign null password."), ({"password": ""}, "Cannot assign empty password.")],
)
def test_credentials_without_password_is_a_mapping_error(sclient: FlaskClient, body: dict[str, str], problem: str) -> None:
    sclient.post(f"{AUTHN}/users/bob", headers=ADMIN)
    r = sclient.post(f"{AUTHN}/users/bob/credentials", json=body, headers=ADMIN)
    assert r.status_code == 400 and r.get_json()["error"].endswith(problem)


def test_credentials_with_zero_iterations_is_an_uncaught_500(sclient: FlaskClient) -> None:
    sclient.post(f"{AUTHN}/users/bob", headers=ADMIN)
    r = sclient.post(f"{AUTHN}/users/bob/credentials", json={"password": "x", "iterations": 0}, headers=ADMIN)
    assert r.status_code == 500 and b"invalid iterationCount value" in r.data


def test_role_and_user_reads(sclient: FlaskClient) -> None:
    assert sclient.get(f"{AUTHZ}/roles", headers=ADMIN).get_json() == ["admin", "druid_system"]
    assert sclient.get(f"{AUTHZ}/users/admin", headers=ADMIN).get_json() == {"name": "admin", "roles": ["admin"]}
    full = sclient.get(f"{AUTHZ}/roles/admin?full", headers=ADMIN).get_json()
    assert full["users"] == ["admin"] and full["groups"] == []
    simple = sclient.get(f"{AUTHZ}/roles/admin?simplifyPermissions", headers=ADMIN).get_json()
    assert simple["users"] is None
    assert simple["permissions"][0] == {"resource": {"name": ".*", "type": "DATASOURCE"}, "action": "READ"}
    assert sclient.get(f"{BASE}/authorization/loadStatus", headers=ADMIN).get_json() == {"basic": True}


# ------------------------------------------------------------------ 401


def test_no_credentials_is_the_json_401_challenge(sclient: FlaskClient) -> None:
    r = sclient.get("/druid/coordinator/v1/datasources")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Basic"
    # Measured on Druid 37.0.0; host is DruidNode.getDefaultHost(), the machine's canonical host name.
    assert r.headers["Content-Type"] == "application/json;charset=utf-8"
    assert r.get_json() == {
        "error": "Unauthorized request", "errorMessage": None, "errorClass": None, "host": access.default_host()
    }


def test_wrong_password_is_jettys_401_page_naming_the_user(sclient: FlaskClient) -> None:
    r = sclient.get("/druid/coordinator/v1/datasources", headers=auth("admin", "wrong"))
    assert r.status_code == 401
    assert r.headers["Content-Type"].startswith("text/html")
    assert b"User DB authentication failed username[admin]." in r.data


@pytest.mark.parametrize("headers", [auth("ghost", "x"), {"Authorization": "Basic !!!!"}, auth("admin", "a:b")])
def test_unknown_user_or_malformed_credentials_is_a_bare_401_page(sclient: FlaskClient, headers: dict[str, str]) -> None:
    r = sclient.get("/druid/coordinator/v1/datasources", headers=headers)
    assert r.status_code == 401 and b"HTTP ERROR 401 Unauthorized" in r.data


@pytest.mark.parametrize("path", ["/status/health", "/druid/coordinator/v1/isLeader"])
def test_unsecured_paths_need_no_credentials(sclient: FlaskClient, path: str) -> None:
    assert sclient.get(path).status_code == 200


# ------------------------------------------------------------------ 403 and refused writes change nothing


def test_datasource_read_without_permission_is_403_profile_29(sfake: FakeCoordinator, sclient: FlaskClient) -> None:
    seed_wiki(sfake, hours=range(0, 2))
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", "other", "READ"))
    r = sclient.get(f"/druid/coordinator/v1/datasources/{WIKI}", headers=bob)
    assert (r.status_code, r.get_json()) == (403, {"Access-Check-Result": "Allowed:false, Message:"})


def test_datasource_403_profile_latest(sclient_latest: FlaskClient) -> None:
    bob = add_user(sclient_latest, "bob", "pw")
    r = sclient_latest.get(f"/druid/coordinator/v1/metadata/datasources/{WIKI}", headers=bob)
    assert (r.status_code, r.get_json()) == (403, {"Access-Check-Result": "Unauthorized"})


def test_write_with_only_read_permission_is_403_and_changes_nothing(
    sfake: FakeCoordinator, sclient: FlaskClient
) -> None:
    seed_wiki(sfake, hours=range(0, 3))
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", WIKI, "READ"))
    before = sclient.get(f"/druid/coordinator/v1/metadata/datasources/{WIKI}/segments", headers=ADMIN).get_json()
    r = sclient.delete(f"/druid/coordinator/v1/datasources/{WIKI}", headers=bob)
    assert r.status_code == 403
    after = sclient.get(f"/druid/coordinator/v1/metadata/datasources/{WIKI}/segments", headers=ADMIN).get_json()
    assert after == before and len(after) == 3
    assert sclient.get(f"/druid/coordinator/v1/datasources/{WIKI}", headers=bob).status_code == 200


def test_rules_post_needs_datasource_write(sfake: FakeCoordinator, sclient: FlaskClient) -> None:
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", WIKI, "READ"))
    rules = [{"type": "loadForever"}]
    assert sclient.post(f"/druid/coordinator/v1/rules/{WIKI}", json=rules, headers=bob).status_code == 403
    assert sclient.get(f"/druid/coordinator/v1/rules/{WIKI}", headers=ADMIN).get_json() == []
    assert sclient.get("/druid/coordinator/v1/rules", headers=bob).status_code == 403  # STATE


def test_management_api_needs_config_security(sclient: FlaskClient) -> None:
    bob = add_user(sclient, "bob", "pw", ("CONFIG", "security", "READ"))
    assert sclient.get(f"{AUTHZ}/roles", headers=bob).status_code == 200
    r = sclient.post(f"{AUTHZ}/roles/evil", headers=bob)
    assert (r.status_code, r.get_data(as_text=True)) == (403, "Access-Check-Result: Allowed:false, Message:")
    assert r.headers["Content-Type"].startswith("text/plain")  # measured on Druid 37.0.0
    assert "evil" not in sclient.get(f"{AUTHZ}/roles", headers=ADMIN).get_json()


def test_admin_api_needs_the_admin_user(sclient: FlaskClient) -> None:
    bob = add_user(sclient, "bob", "pw", *[(t, ".*", a) for t in ("DATASOURCE", "STATE", "CONFIG") for a in ("READ", "WRITE")])
    assert sclient.get("/fakedruid/v1/clock", headers=bob).status_code == 403
    assert sclient.get("/fakedruid/v1/clock", headers=ADMIN).status_code == 200


def test_encoded_slash_in_a_datasource_name_is_one_resource_name(sclient: FlaskClient) -> None:
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", "a/b", "READ"))
    r = sclient.get("/druid/coordinator/v1/datasources/a%2Fb", headers=bob, environ_overrides={"RAW_URI": "/druid/coordinator/v1/datasources/a%2Fb"})
    assert r.status_code != 403


def test_task_endpoints_authorize_on_the_tasks_datasource(sfake: FakeCoordinator, sclient: FlaskClient) -> None:
    seed_wiki(sfake, hours=range(0, 2), unused=(0, 1))
    task = {"type": "kill", "dataSource": WIKI, "interval": "2015-09-12/2015-09-13"}
    task_id = sclient.post("/druid/indexer/v1/task", json=task, headers=ADMIN).get_json()["task"]
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", "other", "READ"))
    assert sclient.get(f"/druid/indexer/v1/task/{task_id}/status", headers=bob).status_code == 403
    assert sclient.get(f"/druid/indexer/v1/task/{task_id}/status", headers=ADMIN).status_code == 200
    # An unknown task is TaskResourceFilter's 404, whoever asks.
    assert sclient.get("/druid/indexer/v1/task/nope/status", headers=bob).status_code == 404


def test_without_basic_security_the_extension_paths_do_not_exist() -> None:
    client = FakeCoordinator(now=NOW).client
    assert client.get(f"{AUTHZ}/roles").status_code == 404
    assert client.get("/druid/coordinator/v1/datasources").status_code == 200  # no credentials needed


def test_authenticator_and_authorizer_names_are_configurable() -> None:
    fake = FakeCoordinator(
        now=NOW, basic_security=True, admin_password="pw", authenticator_name="db1", authorizer_name="az1"
    )
    headers = auth("admin", "pw")
    assert fake.client.get(f"{BASE}/authentication/db/db1/users", headers=headers).get_json() == ["admin"]
    assert fake.client.get(f"{BASE}/authorization/db/az1/roles", headers=headers).status_code == 200
    r = fake.client.get(f"{BASE}/authorization/db/basic/roles", headers=headers)
    assert (r.status_code, r.get_json()) == (400, {"error": "Basic authorizer with name [basic] does not exist."})


def test_internal_client_password_logs_in_druid_system() -> None:
    fake = FakeCoordinator(now=NOW, basic_security=True, internal_client_password="sys")
    assert fake.client.get("/status", headers=auth("druid_system", "sys")).status_code == 200
    assert fake.client.get("/status", headers=auth("admin", "sys")).status_code == 401  # no admin password


def test_security_arguments_without_basic_security_are_refused() -> None:
    with pytest.raises(Exception, match="need basic_security=True"):
        FakeCoordinator(admin_password="x")


def test_configure_turns_basic_security_on_and_restore_turns_it_off() -> None:
    fake = FakeCoordinator(now=NOW)
    saved = fake.save_settings()
    fake.configure(basic_security=True, admin_password="pw")
    assert fake.client.get("/status").status_code == 401
    assert fake.client.get("/status", headers=auth("admin", "pw")).status_code == 200
    fake.restore_settings(saved)
    assert fake.client.get("/status").status_code == 200


def test_reset_returns_the_user_database_to_its_start(sfake: FakeCoordinator, sclient: FlaskClient) -> None:
    add_user(sclient, "bob", "pw")
    sfake.reset()
    assert sclient.get(f"{AUTHN}/users", headers=ADMIN).get_json() == ["admin"]


@pytest.mark.fake_coordinator(basic_security=True, admin_password="marker-pw")
def test_marker_turns_basic_security_on(fake_coordinator: FakeCoordinator) -> None:
    import requests

    assert requests.get(f"{fake_coordinator.url}/status", timeout=10).status_code == 401
    ok = requests.get(f"{fake_coordinator.url}/status", auth=("admin", "marker-pw"), timeout=10)
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/druid/coordinator/v1/datasources",
        "/druid/coordinator/v1/datasources?simple",
        "/druid/coordinator/v1/datasources?full",
        "/druid/coordinator/v1/metadata/datasources",
        "/druid/coordinator/v1/metadata/datasources?includeUnused",
        "/druid/coordinator/v1/metadata/datasources?full",
        "/druid/coordinator/v1/metadata/segments",
        "/druid/coordinator/v1/metadata/segments?includeOvershadowedStatus",
    ],
)
def test_lists_show_only_readable_datasources(sfake: FakeCoordinator, sclient: FlaskClient, path: str) -> None:
    for name in ("alpha", "beta", "gamma"):
        sfake.add_segment(name, "2015-09-12/2015-09-13", "v1")
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", "alpha|gamma", "READ"))

    def names(body: list[object]) -> set[str]:
        out = set()
        for item in body:
            if isinstance(item, str):
                out.add(item)
            elif isinstance(item, dict):
                out.add(str(item.get("name") or item.get("dataSource") or item["dataSegment"]["dataSource"]))
        return out

    assert names(sclient.get(path, headers=ADMIN).get_json()) == {"alpha", "beta", "gamma"}
    r = sclient.get(path, headers=bob)
    assert r.status_code == 200 and names(r.get_json()) == {"alpha", "gamma"}
    nobody = add_user(sclient, "nobody", "pw")
    assert sclient.get(path, headers=nobody).get_json() == []


def test_task_lists_show_only_tasks_of_readable_datasources(sfake: FakeCoordinator, sclient: FlaskClient) -> None:
    for name in ("alpha", "beta"):
        sfake.add_segment(name, "2015-09-12/2015-09-13", "v1", used=False)
        task = {"type": "kill", "dataSource": name, "interval": "2015-09-12/2015-09-13"}
        assert sclient.post("/druid/indexer/v1/task", json=task, headers=ADMIN).status_code == 200
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", "beta", "READ"))
    for path in ("/druid/indexer/v1/tasks", "/druid/indexer/v1/completeTasks"):
        assert {t["dataSource"] for t in sclient.get(path, headers=ADMIN).get_json()} == {"alpha", "beta"}
        assert {t["dataSource"] for t in sclient.get(path, headers=bob).get_json()} == {"beta"}


def test_rules_list_needs_state_read_and_is_not_filtered(sfake: FakeCoordinator, sclient: FlaskClient) -> None:
    # RulesResource.getRules is behind StateResourceFilter and answers every datasource's rules.
    sclient.post("/druid/coordinator/v1/rules/alpha", json=[{"type": "loadForever"}], headers=ADMIN)
    bob = add_user(sclient, "bob", "pw", ("STATE", "STATE", "READ"))
    assert set(sclient.get("/druid/coordinator/v1/rules", headers=bob).get_json()) == {"_default", "alpha"}


def test_task_submission_needs_write_on_its_datasource(sfake: FakeCoordinator, sclient: FlaskClient) -> None:
    sfake.add_segment("alpha", "2015-09-12/2015-09-13", "v1", used=False)
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", "alpha", "READ"))
    task = {"type": "kill", "dataSource": "alpha", "interval": "2015-09-12/2015-09-13"}
    r = sclient.post("/druid/indexer/v1/task", json=task, headers=bob)
    assert (r.status_code, r.get_json()) == (403, {"Access-Check-Result": "Allowed:false, Message:"})
    assert sclient.get("/druid/indexer/v1/tasks", headers=ADMIN).get_json() == []
    assert sfake.segment_ids("alpha", used=False)  # nothing killed


def test_status_properties_needs_config_read_the_rest_of_status_state_read(sclient: FlaskClient) -> None:
    # StatusResource.getProperties is behind ConfigResourceFilter; /status and SelfDiscoveryResource behind
    # StateResourceFilter.
    state = add_user(sclient, "stateonly", "pw", ("STATE", "STATE", "READ"))
    config = add_user(sclient, "configonly", "pw", ("CONFIG", "CONFIG", "READ"))
    assert sclient.get("/status/properties", headers=state).status_code == 403
    assert sclient.get("/status/properties", headers=config).status_code == 200
    for path in ("/status", "/status/selfDiscovered/status"):
        assert sclient.get(path, headers=state).status_code == 200
        assert sclient.get(path, headers=config).status_code == 403


# ------------------------------------------------------------------ SQL-based ingestion (SqlTaskResource)

INSERT_ALPHA = """
INSERT INTO alpha
SELECT TIME_PARSE(ts) AS __time, page
FROM TABLE(inline(data => '{"ts": "2024-05-01T10:00:00Z", "page": "Main"}', format => 'json'))
EXTEND (ts VARCHAR, page VARCHAR)
PARTITIONED BY DAY
"""
# SqlTaskResource.doPost's ForbiddenException branch, read from Druid's source (not measured).
SQL_FORBIDDEN = {"taskId": "forbidden", "state": "FAILED", "error": {
    "error": "druidException", "errorCode": "forbidden", "persona": "USER", "category": "FORBIDDEN",
    "errorMessage": "Unauthorized", "context": {}}}


@pytest.mark.parametrize(
    "grants",
    [
        [("DATASOURCE", "alpha", "WRITE")],  # no READ on EXTERNAL
        [("EXTERNAL", "EXTERNAL", "READ")],  # no WRITE on the datasource
        [("DATASOURCE", "alpha", "READ"), ("EXTERNAL", "EXTERNAL", "READ")],
        [("DATASOURCE", "other", "WRITE"), ("EXTERNAL", "EXTERNAL", "READ")],
    ],
)
def test_sql_task_without_write_and_external_read_is_403(
    sfake: FakeCoordinator, sclient: FlaskClient, grants: list[tuple[str, str, str]]
) -> None:
    bob = add_user(sclient, "bob", "pw", *grants)
    r = sclient.post("/druid/v2/sql/task", json={"query": INSERT_ALPHA}, headers=bob)
    assert (r.status_code, r.get_json()) == (403, SQL_FORBIDDEN)
    assert sclient.get("/druid/indexer/v1/tasks", headers=ADMIN).get_json() == []
    assert sfake.segment_ids("alpha") == set()


def test_sql_task_with_write_and_external_read_runs(sfake: FakeCoordinator, sclient: FlaskClient) -> None:
    bob = add_user(sclient, "bob", "pw", ("DATASOURCE", "alpha", "WRITE"), ("DATASOURCE", "alpha", "READ"),
                   ("EXTERNAL", "EXTERNAL", "READ"))
    r = sclient.post("/druid/v2/sql/task", json={"query": INSERT_ALPHA}, headers=bob)
    assert r.status_code == 202 and r.get_json()["state"] == "RUNNING"
    status = sclient.get(f"/druid/indexer/v1/task/{r.get_json()['taskId']}/status", headers=bob)
    assert status.get_json()["status"]["status"] == "SUCCESS"
    assert len(sfake.segment_ids("alpha")) == 1


def test_sql_task_needs_credentials(sclient: FlaskClient) -> None:
    r = sclient.post("/druid/v2/sql/task", json={"query": INSERT_ALPHA})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Basic"
    bob = add_user(sclient, "bob", "pw")
    assert sclient.get("/druid/v2/sql/task/enabled", headers=bob).get_json() == {"enabled": True}
