"""Basic security against a real Druid running the ``druid-basic-security`` extension: 401, 403, filtered lists
and the extension's management API, the fake (``basic_security=True``, profiles "29" and "latest") next to a
real Druid that ``--druid-real-security VERSION`` boots (37.0.0: the release whose extension resolves from the
Maven repository here).

Users, roles and permissions are provisioned through Druid's own ``/druid-ext/basic-security/...`` endpoints on
every target, so the same calls set up the fake and the real cluster. Every test makes its own users and
datasources (uuid names): the real cluster keeps its users across tests.

Where the real release answers otherwise, :data:`SECURITY_DIFFERENCES` makes the test a strict xfail on it.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from fakedruid.profiles import resolve_profile
from fakedruid.testing import DruidTarget
from tests.contract.helpers import OVERLORD, M, new_datasource, segment_json, used_ids
from tests.contract.targets import TARGET_PARAMS, boot_real

ADMIN_PASSWORD = "password1"
INTERNAL_PASSWORD = "password2"
AUTHN = "/druid-ext/basic-security/authentication/db/basic"
AUTHZ = "/druid-ext/basic-security/authorization/db/basic"

#: The 401 of a request without credentials: PreResponseAuthorizationCheckFilter's QueryInterruptedException
#: (``host`` is DruidNode.getDefaultHost(), the machine's canonical host name; checked apart).
UNAUTHENTICATED = {"error": "Unauthorized request", "errorMessage": None, "errorClass": None}

#: Measured on a real Druid with the extension; each makes the test a strict xfail on that release. Empty: 37.0.0's
#: answers (Jetty 12's pages without the user name, the split at the first ':') are profile "latest"'s switches
#: ``auth_failure_names_user`` and ``basic_auth_splits_at_first_colon``.
SECURITY_DIFFERENCES: dict[str, dict[str, str]] = {}


@dataclass
class Secured:
    """One target with basic security on: ``admin`` (a DruidTarget sending admin's credentials)."""

    admin: DruidTarget
    kind: str

    @property
    def profile(self) -> str:
        return self.admin.profile

    def as_user(self, user: str | None, password: str | None = None) -> DruidTarget:
        """A target on the same server sending ``user``'s credentials (none for None)."""
        auth = None if user is None else (user, password or "")
        target = DruidTarget(self.admin.url, profile=self.admin.profile, auth=auth)
        return target

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        resp = self.admin.request(method, path, json=body)
        assert resp.status_code == 200, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp

    def user(self, permissions: list[dict[str, Any]], password: str | None = None) -> tuple[str, str]:
        """Create a user with a password and one role holding ``permissions``; returns (name, password)."""
        name = f"u_{uuid.uuid4().hex[:8]}"
        password = password or f"pw-{uuid.uuid4().hex[:6]}"
        role = f"r_{name}"
        self.ok("POST", f"{AUTHN}/users/{name}")
        self.ok("POST", f"{AUTHN}/users/{name}/credentials", {"password": password})
        self.ok("POST", f"{AUTHZ}/users/{name}")
        self.ok("POST", f"{AUTHZ}/roles/{role}")
        self.ok("POST", f"{AUTHZ}/users/{name}/roles/{role}")
        self.ok("POST", f"{AUTHZ}/roles/{role}/permissions", permissions)
        return name, password

    def reader_of_one(self) -> tuple[str, str, DruidTarget]:
        """Two seeded datasources and a target for a new user who may READ only the first: (mine, other, user)."""
        mine, other = new_datasource(), new_datasource()
        self.seed(mine, other)
        name, password = self.user([read(mine)])
        return mine, other, self.as_user(name, password)

    def seed(self, *datasources: str) -> None:
        self.admin.seed([segment_json(ds, h) for ds in datasources for h in (0, 1)])


def read(ds: str) -> dict[str, Any]:
    return {"resource": {"name": ds, "type": "DATASOURCE"}, "action": "READ"}


def write(ds: str) -> dict[str, Any]:
    return {"resource": {"name": ds, "type": "DATASOURCE"}, "action": "WRITE"}


def forbidden(profile: str) -> dict[str, str]:
    """ForbiddenExceptionMapper's 403 body per profile."""
    return {"Access-Check-Result": "Unauthorized" if profile != "29" else "Allowed:false, Message:"}


def _boot(version: str) -> DruidTarget:
    from fakedruid.real.config import basic_security_properties

    return boot_real(
        "--druid-real-security",
        version,
        extensions=["druid-basic-security"],
        properties=basic_security_properties(ADMIN_PASSWORD, INTERNAL_PASSWORD),
        credentials=("admin", ADMIN_PASSWORD),
    )


@pytest.fixture(scope="module")
def real_secured_target(pytestconfig: pytest.Config) -> Iterator[DruidTarget]:
    version = pytestconfig.getoption("--druid-real-security")
    target = _boot(version)
    yield target
    target.close()


@pytest.fixture(scope="module")
def fake_secured_targets() -> Iterator[dict[str, DruidTarget]]:
    started: dict[str, DruidTarget] = {}
    yield started
    for target in started.values():
        target.close()


@pytest.fixture(params=TARGET_PARAMS)
def secured(request: pytest.FixtureRequest) -> Iterator[Secured]:
    """The fake with basic security per profile, or the real Druid of ``--druid-real-security``."""
    kind, profile = request.param
    if kind == "real":
        version = request.config.getoption("--druid-real-security")
        if not version:
            pytest.skip("no real Druid with basic security: pass --druid-real-security VERSION (e.g. 37.0.0)")
        target: DruidTarget = request.getfixturevalue("real_secured_target")
        reason = SECURITY_DIFFERENCES.get(request.node.originalname, {}).get(version)
        if reason is not None:
            request.applymarker(pytest.mark.xfail(strict=True, reason=f"real Druid {version}: {reason}"))
        yield Secured(target, "real")
        return
    fakes = request.getfixturevalue("fake_secured_targets")
    if profile not in fakes:
        fakes[profile] = DruidTarget.start_fake(
            profile,
            auth=("admin", ADMIN_PASSWORD),
            host="127.0.0.1",
            basic_security=True,
            admin_password=ADMIN_PASSWORD,
            internal_client_password=INTERNAL_PASSWORD,
        )
    yield Secured(fakes[profile], "fake")
    fakes[profile].check()


# ---------------------------------------------------------------------- 401


@pytest.mark.parametrize(
    "path", [f"{M}/datasources", "/druid/coordinator/v1/rules", f"{OVERLORD}/tasks", AUTHN + "/users"]
)
def test_no_credentials_is_401_with_druids_json(secured: Secured, path: str) -> None:
    from fakedruid.api.access import default_host

    resp = secured.as_user(None).get(path)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == "Basic"
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert body == {**UNAUTHENTICATED, "host": body["host"]}
    # DruidNode.getDefaultHost(): the same machine, the same canonical host name.
    assert body["host"] == default_host()


def test_wrong_password_is_401_and_changes_nothing(secured: Secured) -> None:
    ds = new_datasource()
    secured.seed(ds)
    name, _ = secured.user([read(ds), write(ds)])
    resp = secured.as_user(name, "not-the-password").post(
        f"/druid/coordinator/v1/datasources/{ds}/markUnused", json={"interval": "2015-09-12/2015-09-13"}
    )
    assert resp.status_code == 401
    assert len(used_ids(secured.admin, ds)) == 2


@pytest.mark.parametrize("user", ["admin", "nobody_here"])
def test_unknown_user_or_wrong_password_is_401(secured: Secured, user: str) -> None:
    assert secured.as_user(user, "wrong").get(f"{M}/datasources").status_code == 401


def _failure_message(secured: Secured) -> str:
    if resolve_profile(secured.profile).auth_failure_names_user:
        return "User DB authentication failed username[admin]."  # Druid 28-33 (BasicHTTPAuthenticator)
    return "User authentication failed."  # measured on 37.0.0


def test_wrong_password_gets_jettys_error_page(secured: Secured) -> None:
    resp = secured.as_user("admin", "wrong").get(f"{M}/datasources", headers={"Accept": "*/*"})
    assert resp.status_code == 401
    assert resp.headers["Content-Type"] == "text/html;charset=iso-8859-1"
    assert f"<h2>HTTP ERROR 401 {_failure_message(secured)}</h2>" in resp.text


def test_wrong_password_page_as_json(secured: Secured) -> None:
    resp = secured.as_user("admin", "wrong").get(f"{M}/datasources", headers={"Accept": "application/json"})
    assert resp.status_code == 401
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.json() == {
        "servlet": "default",
        "message": _failure_message(secured),
        "url": f"{M}/datasources",
        "status": "401",
    }


def test_password_with_colon(secured: Secured) -> None:
    ds = new_datasource()
    name, password = secured.user([read(ds)], password="pa:ss:word")
    status = secured.as_user(name, password).get(f"{M}/datasources").status_code
    # Druid 37.0.0 splits user:password at the first ':' (200); older Druid's String.split(":") gives more than
    # two parts, a malformed header (401).
    assert status == (200 if resolve_profile(secured.profile).basic_auth_splits_at_first_colon else 401)


def test_user_with_empty_password_part(secured: Secured) -> None:
    # "admin:" is admin with an empty password on 37.0.0 (a wrong password, with its message); older Druid's split
    # drops the trailing empty part: malformed, a bare 401 ("Unauthorized").
    secret = base64.b64encode(b"admin:").decode()
    resp = secured.as_user(None).get(
        f"{M}/datasources", headers={"Authorization": f"Basic {secret}", "Accept": "application/json"}
    )
    assert resp.status_code == 401
    split_first = resolve_profile(secured.profile).basic_auth_splits_at_first_colon
    assert resp.json()["message"] == (_failure_message(secured) if split_first else "Unauthorized")


def test_health_stays_open(secured: Secured) -> None:
    resp = secured.as_user(None).get("/status/health")
    assert resp.status_code == 200
    assert resp.json() is True


def test_bad_basic_header_is_401(secured: Secured) -> None:
    resp = secured.as_user(None).get(f"{M}/datasources", headers={"Authorization": "Basic !!!notbase64"})
    assert resp.status_code == 401


# ---------------------------------------------------------------------- 403


def test_missing_read_is_403(secured: Secured) -> None:
    mine, other, user = secured.reader_of_one()
    resp = user.get(f"{M}/datasources/{other}/segments")
    assert resp.status_code == 403
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == forbidden(secured.profile)
    assert user.get(f"/druid/coordinator/v1/rules/{other}").status_code == 403
    assert user.get(f"{M}/datasources/{mine}/segments").status_code == 200


def test_missing_write_is_403_and_changes_nothing(secured: Secured) -> None:
    ds = new_datasource()
    secured.seed(ds)
    name, password = secured.user([read(ds)])
    user = secured.as_user(name, password)
    resp = user.post(f"/druid/coordinator/v1/datasources/{ds}/markUnused", json={"interval": "2015-09-12/2015-09-13"})
    assert resp.status_code == 403
    assert resp.json() == forbidden(secured.profile)
    assert len(used_ids(secured.admin, ds)) == 2
    before = secured.admin.get(f"/druid/coordinator/v1/rules/{ds}").json()
    rules = [{"type": "dropForever"}]
    assert user.post(f"/druid/coordinator/v1/rules/{ds}", json=rules).status_code == 403
    assert secured.admin.get(f"/druid/coordinator/v1/rules/{ds}").json() == before
    assert user.delete(f"/druid/coordinator/v1/datasources/{ds}").status_code == 403
    assert len(used_ids(secured.admin, ds)) == 2


def test_write_permission_allows_the_change(secured: Secured) -> None:
    ds = new_datasource()
    secured.seed(ds)
    name, password = secured.user([read(ds), write(ds)])
    user = secured.as_user(name, password)
    resp = user.post(f"/druid/coordinator/v1/datasources/{ds}/markUnused", json={"interval": "2015-09-12/2015-09-13"})
    assert resp.status_code == 200, resp.text
    secured.admin.eventually(lambda: used_ids(secured.admin, ds) == set() or None)


def test_state_endpoints_need_state_permission(secured: Secured) -> None:
    """``GET /druid/coordinator/v1/rules`` (all rules) is behind StateResourceFilter, not filtered."""
    ds = new_datasource()
    name, password = secured.user([read(ds)])
    resp = secured.as_user(name, password).get("/druid/coordinator/v1/rules")
    assert resp.status_code == 403
    assert resp.json() == forbidden(secured.profile)


# ---------------------------------------------------------------------- filtered lists


def test_datasource_lists_show_only_readable(secured: Secured) -> None:
    mine, other, user = secured.reader_of_one()
    listed = user.get(f"{M}/datasources")
    assert listed.status_code == 200
    assert mine in listed.json() and other not in listed.json()
    assert other in secured.admin.get(f"{M}/datasources").json()
    full = user.get(f"{M}/datasources", params={"full": ""})
    assert full.status_code == 200
    assert [d["name"] for d in full.json() if d["name"] in (mine, other)] == [mine]
    unused = user.get(f"{M}/datasources", params={"includeUnused": ""})
    assert mine in unused.json() and other not in unused.json()


def test_metadata_segments_show_only_readable(secured: Secured) -> None:
    mine, other, user = secured.reader_of_one()
    resp = user.get(f"{M}/segments", params=[("datasources", mine), ("datasources", other)])
    assert resp.status_code == 200
    assert {s["dataSource"] for s in resp.json()} == {mine}


def test_task_lists_show_only_readable(secured: Secured) -> None:
    mine, other = new_datasource(), new_datasource()
    name, password = secured.user([read(mine)])
    for ds in (mine, other):
        task = {"type": "kill", "dataSource": ds, "interval": "2000-01-01/2000-01-02"}
        assert secured.admin.post(f"{OVERLORD}/task", json=task).status_code == 200
    user = secured.as_user(name, password)
    seen = user.get(f"{OVERLORD}/tasks")
    assert seen.status_code == 200
    shown = {t["dataSource"] for t in seen.json()}
    assert mine in shown and other not in shown
    assert other in {t["dataSource"] for t in secured.admin.get(f"{OVERLORD}/tasks").json()}


# ---------------------------------------------------------------------- the management API


def test_management_api_answers(secured: Secured) -> None:
    name = f"m_{uuid.uuid4().hex[:8]}"
    created = secured.admin.post(f"{AUTHN}/users/{name}")
    assert created.status_code == 200
    assert created.content == b""
    assert created.headers["Content-Type"] == "application/json"
    assert name in secured.admin.get(f"{AUTHN}/users").json()
    again = secured.admin.post(f"{AUTHN}/users/{name}")
    assert again.status_code == 400
    assert again.json() == {"error": f"User [{name}] already exists."}
    user = secured.admin.get(f"{AUTHN}/users/{name}")
    assert user.status_code == 200
    assert user.json() == {"name": name, "credentials": None}
    assert secured.admin.post(f"{AUTHN}/users/{name}/credentials", json={"password": "x"}).status_code == 200
    assert set(secured.admin.get(f"{AUTHN}/users/{name}").json()["credentials"]) == {"salt", "hash", "iterations"}
    missing = secured.admin.get(f"{AUTHN}/users/nobody_{name}")
    assert missing.status_code == 400
    assert missing.json() == {"error": f"User [nobody_{name}] does not exist."}
    assert secured.admin.delete(f"{AUTHN}/users/{name}").status_code == 200
    assert secured.admin.get(f"{AUTHN}/users/{name}").status_code == 400


def test_authorization_api_answers(secured: Secured) -> None:
    ds = new_datasource()
    name, _ = secured.user([read(ds)])
    role = f"r_{name}"
    got = secured.admin.get(f"{AUTHZ}/users/{name}")
    assert got.status_code == 200
    assert got.json() == {"name": name, "roles": [role]}
    perms = secured.admin.get(f"{AUTHZ}/roles/{role}")
    assert perms.status_code == 200
    assert perms.json()["name"] == role
    assert [p["resourceAction"] for p in perms.json()["permissions"]] == [read(ds)]
    assert secured.admin.get(f"{AUTHZ}/roles/{role}", params={"full": ""}).json()["users"] == [name]
    assert secured.admin.get(f"{AUTHZ}/users/{name}", params={"full": ""}).json()["roles"][0]["name"] == role
    unknown = secured.admin.post(f"{AUTHZ}/users/{name}/roles/nope_{name}")
    assert unknown.status_code == 400
    assert unknown.json() == {"error": f"Role [nope_{name}] does not exist."}


def test_management_api_needs_security_permission(secured: Secured) -> None:
    ds = new_datasource()
    name, password = secured.user([read(ds), write(ds)])
    resp = secured.as_user(name, password).get(f"{AUTHN}/users")
    assert resp.status_code == 403
    assert resp.headers["Content-Type"].startswith("text/plain")
    message = "Unauthorized" if secured.profile != "29" else "Allowed:false, Message:"
    assert resp.text == f"Access-Check-Result: {message}"
    assert secured.as_user(name, password).post(f"{AUTHN}/users/x_{name}").status_code == 403
    assert secured.admin.get(f"{AUTHN}/users/x_{name}").status_code == 400


def test_default_users_exist(secured: Secured) -> None:
    users = secured.admin.get(f"{AUTHN}/users").json()
    assert {"admin", "druid_system"} <= set(users)
    assert secured.as_user("druid_system", INTERNAL_PASSWORD).get(f"{M}/datasources").status_code == 200


def test_basic_header_is_case_sensitive_base64(secured: Secured) -> None:
    token = base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
    ok = secured.as_user(None).get(f"{M}/datasources", headers={"Authorization": f"Basic {token}"})
    assert ok.status_code == 200
