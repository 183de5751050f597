"""druidapi, Druid's own Python client (``examples/quickstart/jupyter-notebooks/druidapi`` in apache/druid; not on
PyPI), transcribed request by request and driven against the fake: ``TaskClient`` (``submit_task``,
``task_status`` polled as ``QueryTaskResult.join`` polls, ``tasks``, ``task``, ``task_reports``) and
``BasicAuthClient`` (``DruidClient.basic_security()``: user provisioning).

No druidapi code is copied here: :class:`DruidapiRequests` sends, for each helper, the request that helper sends,
and cites the druidapi function it comes from. What druidapi does on the wire (read from its source):

* ``rest.DruidRestClient``: one ``requests.Session`` per client, ``session.auth = auth`` when the client is made
  with credentials (Basic). URLs are ``endpoint + path``, with each ``{}`` argument passed through
  ``urllib.parse.quote`` (so a task id's ``:`` travels as ``%3A``).
* ``get``/``get_json``: ``session.get(url, params=params)``; ``post_only_json``/``post_json``:
  ``session.post(url, json=body, headers=headers, params=params)``; ``post`` (no body):
  ``session.post(url, data=None, headers=None)``; ``delete``: ``session.delete(url, params=..., headers=...)``.
* ``rest.check_error``: 200 and 202 pass; otherwise a JSON body's ``errorMessage`` or ``error`` becomes a
  ``ClientError``, anything else ``raise_for_status()``.

Not transcribed: ``TaskClient.shut_down_task``, which calls ``post_json(REQ_END_TASK, args=[task_id])`` without the
required ``body`` argument (a ``TypeError`` before any request) and names ``/task/{id}`` rather than
``/task/{id}/shutdown``; it cannot reach Druid as written.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.clients.conftest import TIMEOUT, Target

OVERLORD_BASE = "/druid/indexer/v1"  # druidapi/consts.py OVERLORD_BASE
BASIC_AUTH_BASE = "/druid-ext/basic-security"  # druidapi/basic_auth.py BASIC_AUTH_BASE
TERMINAL = ("SUCCESS", "FAILED")  # druidapi/consts.py SUCCESS_STATE, FAILED_STATE


class ClientError(Exception):
    """What ``rest.check_error`` raises for a Druid JSON error (druidapi/error.py ``ClientError``)."""


class DruidapiRequests:
    """The HTTP requests of druidapi's helpers, one method per helper, named after it."""

    def __init__(self, endpoint: str, auth: tuple[str, str] | None = None) -> None:
        # rest.py DruidRestClient.__init__: a Session, with auth set on it when given.
        self.endpoint = endpoint
        self.session = requests.Session()
        if auth:
            self.session.auth = auth

    def _url(self, req: str, *args: str) -> str:
        # rest.py build_url: endpoint + req, each argument quoted into a {} placeholder.
        return self.endpoint + req.format(*(quote(a) for a in args))

    @staticmethod
    def _check(r: requests.Response) -> None:
        # rest.py check_error.
        if r.status_code in (200, 202):
            return
        try:
            body = r.json()
        except ValueError:
            r.raise_for_status()
            raise
        msg = body.get("errorMessage") or body.get("error") if isinstance(body, dict) else None
        if msg:
            raise ClientError(msg)
        r.raise_for_status()

    def _get_json(self, req: str, *args: str, params: dict[str, Any] | None = None) -> Any:
        # rest.py get (require_ok) + get_json.
        r = self.session.get(self._url(req, *args), params=params, timeout=TIMEOUT)
        self._check(r)
        return r.json()

    def _post_only_json(self, req: str, body: Any, *args: str) -> requests.Response:
        # rest.py post_only_json (require_ok).
        r = self.session.post(self._url(req, *args), json=body, headers=None, params=None, timeout=TIMEOUT)
        self._check(r)
        return r

    def _post(self, req: str, *args: str) -> None:
        # rest.py post with body None (require_ok).
        self._check(self.session.post(self._url(req, *args), data=None, headers=None, timeout=TIMEOUT))

    def _delete(self, req: str, *args: str) -> None:
        # rest.py delete (require_ok).
        self._check(self.session.delete(self._url(req, *args), params=None, headers=None, timeout=TIMEOUT))

    # ---- tasks.py TaskClient

    def submit_task(self, payload: dict[str, Any]) -> Any:
        """tasks.py ``TaskClient.submit_task``: ``post_json(REQ_POST_TASK, payload)``, ``POST /task``."""
        return self._post_only_json(OVERLORD_BASE + "/task", payload).json()

    def task_status(self, task_id: str) -> Any:
        """tasks.py ``TaskClient.task_status``: ``get_json(REQ_TASK_STATUS, args=[task_id])``."""
        return self._get_json(OVERLORD_BASE + "/task/{}/status", task_id)

    def task(self, task_id: str) -> Any:
        """tasks.py ``TaskClient.task``: ``get_json(REQ_GET_TASK, args=[task_id])``."""
        return self._get_json(OVERLORD_BASE + "/task/{}", task_id)

    def task_reports(self, task_id: str) -> Any:
        """tasks.py ``TaskClient.task_reports`` (``require_ok=True``): ``get_json(REQ_TASK_REPORTS, ...)``."""
        return self._get_json(OVERLORD_BASE + "/task/{}/reports", task_id)

    def tasks(self, state: str | None = None, table: str | None = None, task_type: str | None = None,
              max: int | None = None) -> Any:  # druidapi names it max
        """tasks.py ``TaskClient.tasks``: ``GET /tasks`` with ``state``, ``datasource``, ``type``, ``max``."""
        params: dict[str, Any] = {}
        if state:
            params["state"] = state
        if table:
            params["datasource"] = table
        if task_type:
            params["type"] = task_type
        if max is not None:
            params["max"] = max
        return self._get_json(OVERLORD_BASE + "/tasks", params=params)

    def join(self, task_id: str) -> dict[str, Any]:
        """sql.py ``QueryTaskResult.join``/``status``: poll ``task_status`` until ``status.status`` is SUCCESS or
        FAILED (druidapi sleeps 0.5 s between polls; the fake's tasks have ended by the first poll, and the loop
        is bounded here)."""
        for _ in range(100):
            status = self.task_status(task_id)
            if status["status"]["status"] in TERMINAL:
                return dict(status)
        raise AssertionError(f"task {task_id} still running after 100 polls")

    # ---- basic_auth.py BasicAuthClient (druid.py DruidClient.basic_security(authenticator, authorizer=None))

    def add_user(self, user: str, password: str, authenticator: str = "basic") -> None:
        """basic_auth.py ``add_user``: ``create_authentication_user`` (``post`` no body), ``set_password``
        (``post_only_json {"password": ...}``), ``create_authorization_user`` (``post`` no body)."""
        self._post(BASIC_AUTH_BASE + "/authentication/db/{}/users/{}", authenticator, user)
        self._post_only_json(BASIC_AUTH_BASE + "/authentication/db/{}/users/{}/credentials", {"password": password},
                             authenticator, user)
        self._post(BASIC_AUTH_BASE + "/authorization/db/{}/users/{}", authenticator, user)

    def add_role(self, role: str, authenticator: str = "basic") -> None:
        """basic_auth.py ``add_role`` (``post`` no body; druidapi fills in the authenticator's name)."""
        self._post(BASIC_AUTH_BASE + "/authorization/db/{}/roles/{}", authenticator, role)

    def assign_role_to_user(self, role: str, user: str, authenticator: str = "basic") -> None:
        """basic_auth.py ``assign_role_to_user`` (``post`` no body)."""
        self._post(BASIC_AUTH_BASE + "/authorization/db/{}/users/{}/roles/{}", authenticator, user, role)

    def grant_permissions(self, role: str, triples: list[list[str]], authenticator: str = "basic") -> None:
        """basic_auth.py ``grant_permissions`` -> ``set_role_permissions``: ``post_only_json`` of
        ``[{"resource": {"type", "name"}, "action"}]`` (replacing the role's permissions)."""
        perms = [{"resource": {"type": t, "name": n}, "action": a} for t, n, a in triples]
        self._post_only_json(BASIC_AUTH_BASE + "/authorization/db/{}/roles/{}/permissions", perms,
                             authenticator, role)

    def users(self, authenticator: str = "basic") -> dict[str, Any]:
        """basic_auth.py ``users``: both user lists. druidapi labels them the wrong way round (``"authenticator"``
        holds ``authorization_users()``); transcribed as it is."""
        return {
            "authenticator": self._get_json(BASIC_AUTH_BASE + "/authorization/db/{}/users", authenticator),
            "authorizer": self._get_json(BASIC_AUTH_BASE + "/authentication/db/{}/users", authenticator),
        }

    def drop_user(self, user: str, authenticator: str = "basic") -> None:
        """basic_auth.py ``drop_user``: ``drop_authorization_user`` then ``drop_authentication_user``."""
        self._delete(BASIC_AUTH_BASE + "/authorization/db/{}/users/{}", authenticator, user)
        self._delete(BASIC_AUTH_BASE + "/authentication/db/{}/users/{}", authenticator, user)


ROWS = "\n".join(json.dumps({"ts": f"2024-05-0{d}T10:00:00Z", "page": p}) for d, p in ((1, "Main"), (2, "Talk")))


def index_parallel(datasource: str = "pages", data: str = ROWS) -> dict[str, Any]:
    return {
        "type": "index_parallel",
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": {"column": "ts", "format": "iso"},
                "dimensionsSpec": {"dimensions": ["page"]},
                "granularitySpec": {"segmentGranularity": "DAY"},
            },
            "ioConfig": {"type": "index_parallel", "inputSource": {"type": "inline", "data": data},
                         "inputFormat": {"type": "json"}},
        },
    }


def test_submit_task_index_parallel_then_poll_status(druid: Target) -> None:
    client = DruidapiRequests(druid.url)
    task_id = client.submit_task(index_parallel())["task"]
    # A task id has ':' in its timestamp; druidapi quotes it into the path.
    assert ":" in task_id
    status = client.join(task_id)
    assert (status["task"], status["status"]["status"], status["status"]["type"]) == (
        task_id, "SUCCESS", "index_parallel")
    assert any(r["path"].endswith("/status") and r["status"] == 200 for r in druid.requests())
    assert client.task(task_id)["payload"]["spec"]["dataSchema"]["dataSource"] == "pages"
    stats = client.task_reports(task_id)["ingestionStatsAndErrors"]["payload"]["rowStats"]["buildSegments"]
    assert stats["processed"] == 2
    assert len(druid.segment_ids("pages", used=True)) == 2


def test_tasks_filters_by_state_datasource_and_type(druid: Target) -> None:
    client = DruidapiRequests(druid.url)
    pages = client.submit_task(index_parallel())["task"]
    other = client.submit_task(index_parallel("edits"))["task"]
    client.join(pages)
    client.join(other)
    assert {t["id"] for t in client.tasks(state="complete")} == {pages, other}
    assert [t["id"] for t in client.tasks(state="complete", table="edits")] == [other]
    assert [t["id"] for t in client.tasks(task_type="index_parallel", table="pages")] == [pages]
    assert client.tasks(state="running") == []


def test_failed_task_is_reported_by_status(druid: Target) -> None:
    client = DruidapiRequests(druid.url)
    druid.task_mode(fail_with="Simulated failure")
    task_id = client.submit_task(index_parallel())["task"]
    status = client.join(task_id)["status"]
    assert (status["status"], status["errorMsg"]) == ("FAILED", "Simulated failure")
    assert druid.segment_ids("pages") == set()


def test_rejected_spec_raises_client_error_with_druids_text(druid: Target) -> None:
    client = DruidapiRequests(druid.url)
    spec = index_parallel()
    del spec["spec"]["ioConfig"]["inputFormat"]
    with pytest.raises(ClientError, match="inputFormat"):
        client.submit_task(spec)
    assert client.tasks() == []


def test_unknown_task_status_raises_http_error(druid: Target) -> None:
    # Druid's 404 for an unknown task is plain text, so check_error falls back to raise_for_status().
    with pytest.raises(requests.HTTPError) as missing:
        DruidapiRequests(druid.url).task_status("nope")
    assert missing.value.response.status_code == 404
    assert missing.value.response.text == "Cannot find any task with id: [nope]"


@pytest.mark.parametrize("profile", ["29", "latest"])
def test_basic_security_provisioning_then_ingest_as_the_new_user(fake_coordinator: Any, profile: str) -> None:
    """The BasicAuthClient docstring's pattern: admin adds a user and a role with permissions, then a second
    client acts as that user."""
    fake_coordinator.configure(druid_version=profile, basic_security=True, admin_password="priest")
    admin = DruidapiRequests(fake_coordinator.url, auth=("admin", "priest"))
    admin.add_user("bob", "secret")
    admin.add_role("ingester")
    admin.assign_role_to_user("ingester", "bob")
    admin.grant_permissions("ingester", [["DATASOURCE", "pages", "READ"], ["DATASOURCE", "pages", "WRITE"]])
    users = admin.users()
    # druidapi's labels are swapped: "authenticator" holds the authorizer's users, which include druid_system
    # (the authorizer creates it at start); the authenticator has it only with an internal client password.
    assert set(users["authenticator"]) == {"admin", "druid_system", "bob"}
    assert set(users["authorizer"]) == {"admin", "bob"}

    bob = DruidapiRequests(fake_coordinator.url, auth=("bob", "secret"))
    task_id = bob.submit_task(index_parallel())["task"]
    assert bob.join(task_id)["status"]["status"] == "SUCCESS"
    # No WRITE on "edits": the resource filters' 403. Its body is {"Access-Check-Result": ...} in both profiles
    # (measured on Druid 37.0.0 by tests/contract/test_basic_security.py), which check_error cannot read, so
    # druidapi raises requests' HTTPError.
    with pytest.raises(requests.HTTPError) as refused:
        bob.submit_task(index_parallel("edits"))
    assert refused.value.response.status_code == 403  # type: ignore[union-attr]
    assert set(refused.value.response.json()) == {"Access-Check-Result"}  # type: ignore[union-attr]
    # The lists show only what bob may read.
    admin.submit_task(index_parallel("edits"))
    assert {t["dataSource"] for t in bob.tasks()} == {"pages"}
    assert {t["dataSource"] for t in admin.tasks()} == {"pages", "edits"}

    admin.drop_user("bob")
    with pytest.raises((requests.HTTPError, ClientError)) as gone:
        bob.tasks()
    # A dropped user's credentials no longer authenticate: Jetty's 401 page (not JSON), so an HTTPError.
    assert isinstance(gone.value, requests.HTTPError) and gone.value.response.status_code == 401
