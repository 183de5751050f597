"""The druid-basic-security management API and the request gate (401, 403), through the Flask test client.

The coordinator is wired by hand here (``secured``); the CLI and constructor arguments come with the request
hooks of the redesigned request path.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from fakedruid.api import basic_security, security_gate
from fakedruid.model.security import BasicSecurity
from tests.support import NOW, WIKI, seed_wiki

BASE = "/druid-ext/basic-security"
AUTHN = f"{BASE}/authentication/db/basic"
AUTHZ = f"{BASE}/authorization/db/basic"


def auth(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


ADMIN = auth("admin", "priest")


def secured(fake: FakeCoordinator, **kwargs: object) -> BasicSecurity:
    security = BasicSecurity(admin_password="priest", credential_iterations=10, lock=fake.cluster.lock, **kwargs)  # type: ignore[arg-type]
    app = fake.app
    app.extensions["fakedruid_security"] = security
    app.extensions[security_gate.TASK_LOOKUP_KEY] = lambda tid: (
        None if fake.cluster.tasks.get(tid) is None else fake.cluster.tasks.get(tid).datasource  # type: ignore[union-attr]
    )
    app.register_blueprint(basic_security.bp)
    app.before_request_funcs.setdefault(None, []).insert(0, security_gate.enforce)
    return security


@pytest.fixture
def sfake() -> Iterator[FakeCoordinator]:
    coordinator = FakeCoordinator(now=NOW, strict=False)
    secured(coordinator)
    yield coordinator


@pytest.fixture
def sclient(sfake: FakeCoordinator) -> FlaskClient:
    return sfake.client


@pytest.fixture
def sclient_latest() -> FlaskClient:
    coordinator = FakeCoordinator("latest", now=NOW, strict=False)
    secured(coordinator)
    return coordinator.client


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
    assert (r.status_code, r.data, r.headers.get("Content-Type")) == (200, b"", None)
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
    assert r.get_json() == {"error": "Unauthorized", "errorMessage": None, "errorClass": None, "host": None}


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
    assert (r.status_code, r.get_json()) == (403, {"error": "Unauthorized"})


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
