"""The calls of druidapi's ``BasicAuthClient`` (``coord.basic_security(...)``, Druid's
``examples/quickstart/jupyter-notebooks/druidapi/druidapi/basic_auth.py``) against the live fake, unchanged:
the same paths, methods and bodies, over HTTP with ``requests``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from fakedruid import FakeCoordinator
from tests.support import NOW

BASE = "/druid-ext/basic-security"


class BasicAuthCalls:
    """druidapi's request for each ``BasicAuthClient`` method (authenticator and authorizer both ``basic``)."""

    def __init__(self, url: str, auth: tuple[str, str], name: str = "basic") -> None:
        self.url, self.auth, self.name = url, auth, name

    def _call(self, method: str, path: str, json: object = None, *, expect_json: bool = False) -> object:
        r = requests.request(method, self.url + path, json=json, auth=self.auth, timeout=30)
        r.raise_for_status()  # druidapi raises on any error status
        return r.json() if expect_json else None

    def authentication_status(self) -> object:
        return self._call("GET", f"{BASE}/authentication/loadStatus", expect_json=True)

    def authorization_status(self) -> object:
        return self._call("GET", f"{BASE}/authorization/loadStatus", expect_json=True)

    def add_user(self, user: str, password: str) -> None:
        self._call("POST", f"{BASE}/authentication/db/{self.name}/users/{user}")
        self._call("POST", f"{BASE}/authentication/db/{self.name}/users/{user}/credentials", {"password": password})
        self._call("POST", f"{BASE}/authorization/db/{self.name}/users/{user}")

    def add_role(self, role: str) -> None:
        self._call("POST", f"{BASE}/authorization/db/{self.name}/roles/{role}")

    def assign_role_to_user(self, role: str, user: str) -> None:
        self._call("POST", f"{BASE}/authorization/db/{self.name}/users/{user}/roles/{role}")

    def grant_permissions(self, role: str, triples: list[list[str]]) -> None:
        perms = [{"resource": {"type": t, "name": n}, "action": a} for t, n, a in triples]
        self._call("POST", f"{BASE}/authorization/db/{self.name}/roles/{role}/permissions", perms)

    def role_permissions(self, role: str) -> object:
        return self._call("GET", f"{BASE}/authorization/db/{self.name}/roles/{role}/permissions", expect_json=True)

    def users(self) -> object:
        return {
            "authenticator": self._call("GET", f"{BASE}/authentication/db/{self.name}/users", expect_json=True),
            "authorizer": self._call("GET", f"{BASE}/authorization/db/{self.name}/users", expect_json=True),
        }

    def revoke_role_from_user(self, role: str, user: str) -> None:
        self._call("DELETE", f"{BASE}/authorization/db/{self.name}/users/{user}/roles/{role}")

    def drop_user(self, user: str) -> None:
        self._call("DELETE", f"{BASE}/authorization/db/{self.name}/users/{user}")
        self._call("DELETE", f"{BASE}/authentication/db/{self.name}/users/{user}")

    def drop_role(self, role: str) -> None:
        self._call("DELETE", f"{BASE}/authorization/db/{self.name}/roles/{role}")


@pytest.fixture
def live() -> Iterator[FakeCoordinator]:
    with FakeCoordinator(now=NOW, basic_security=True, admin_password="password") as fake:
        yield fake


def test_druidapi_basic_auth_workflow(live: FakeCoordinator) -> None:
    ac = BasicAuthCalls(live.url, ("admin", "password"))
    assert ac.authentication_status() == {"basic": True}
    assert ac.authorization_status() == {"basic": True}
    ac.add_user("bob", "secret")
    ac.add_role("myRole")
    ac.assign_role_to_user("myRole", "bob")
    ac.grant_permissions("myRole", [["DATASOURCE", "foo", "READ"]])
    assert ac.role_permissions("myRole") == [
        {"resourceAction": {"resource": {"name": "foo", "type": "DATASOURCE"}, "action": "READ"},
         "resourceNamePattern": "foo"}
    ]
    assert ac.users() == {"authenticator": ["admin", "bob"], "authorizer": ["admin", "druid_system", "bob"]}
    live.add_segment("foo", "2015-09-12/2015-09-13", "v1")
    live.add_segment("bar", "2015-09-12/2015-09-13", "v1")
    bob = requests.get(f"{live.url}/druid/coordinator/v1/datasources", auth=("bob", "secret"), timeout=30)
    assert bob.json() == ["foo"]
    ac.revoke_role_from_user("myRole", "bob")
    ac.drop_role("myRole")
    ac.drop_user("bob")
    assert ac.users() == {"authenticator": ["admin"], "authorizer": ["admin", "druid_system"]}
    assert requests.get(f"{live.url}/status", auth=("bob", "secret"), timeout=30).status_code == 401
