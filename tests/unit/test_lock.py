"""One lock guards all state, and no thread ever takes it twice (issue 13): every Cluster action takes it once.

A non-reentrant lock that *raises* on re-entry (instead of deadlocking, as ``threading.Lock`` would) replaces the
cluster's lock; then every kind of request is answered in both profiles, plus the duties and task controls.
"""

from __future__ import annotations

import base64
import threading
from types import TracebackType

import pytest

from fakedruid import FakeCoordinator
from tests.support import NOW, WIKI, seed_wiki

C = "/druid/coordinator/v1"
O = "/druid/indexer/v1"
JSON = {"Accept": "application/json"}


class CheckingLock:
    """A lock that fails loudly when the thread holding it asks for it again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.owner: int | None = None
        self.acquisitions = 0

    def __enter__(self) -> bool:
        if self.owner == threading.get_ident():
            raise AssertionError("the cluster lock was taken re-entrantly")
        self._lock.acquire()
        self.owner = threading.get_ident()
        self.acquisitions += 1
        return True

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.owner = None
        self._lock.release()


def _checked(druid_version: str) -> tuple[FakeCoordinator, CheckingLock]:
    fake = FakeCoordinator(druid_version, now=NOW)
    lock = CheckingLock()
    fake.cluster.lock = lock  # type: ignore[assignment]
    fake.harness._lock = lock  # type: ignore[assignment]
    return fake, lock


def test_checking_lock_raises_on_reentry() -> None:
    lock = CheckingLock()
    with lock, pytest.raises(AssertionError, match="re-entrantly"), lock:
        pass


@pytest.mark.parametrize("druid_version", ["29", "latest"])
def test_every_endpoint_takes_the_lock_without_reentry(druid_version: str) -> None:
    fake, lock = _checked(druid_version)
    ids = seed_wiki(fake, hours=range(0, 4), unused=(3,))
    client = fake.client
    interval = {"interval": "2015-09-12T00:00:00.000Z/2015-09-12T02:00:00.000Z"}
    requests = [
        ("GET", f"{C}/datasources?full", None),
        ("GET", f"{C}/datasources?simple", None),
        ("GET", f"{C}/datasources/{WIKI}", None),
        ("GET", f"{C}/datasources/{WIKI}/intervals?full", None),
        ("GET", f"{C}/datasources/{WIKI}/segments/{ids[0]}", None),
        ("GET", f"{C}/loadstatus?full", None),
        ("GET", f"{C}/datasources/{WIKI}/loadstatus?forceMetadataRefresh=true&full", None),
        ("GET", f"{C}/metadata/datasources?full", None),
        ("GET", f"{C}/metadata/segments?includeOvershadowedStatus", None),
        ("GET", f"{C}/metadata/datasources/{WIKI}/segments/{ids[0]}", None),
        ("GET", f"{C}/rules", None),
        ("POST", f"{C}/rules/{WIKI}", [{"type": "loadForever", "tieredReplicants": {"_default_tier": 1}}]),
        ("GET", f"{C}/rules/history", None),
        ("POST", f"{C}/datasources/{WIKI}/markUnused", interval),
        ("POST", f"{C}/datasources/{WIKI}/markUsed", interval),
        ("POST", f"{C}/datasources/{WIKI}/markUnused", {"segmentIds": [ids[1]]}),
        ("POST", f"{C}/datasources/{WIKI}/markUsed", {"segmentIds": [ids[1]]}),
        ("DELETE", f"{C}/datasources/{WIKI}/segments/{ids[0]}", None),
        ("POST", f"{C}/datasources/{WIKI}/segments/{ids[0]}", None),
        ("DELETE", f"{C}/datasources/{WIKI}", None),
        ("POST", f"{C}/datasources/{WIKI}", None),
        ("DELETE", f"{C}/datasources/{WIKI}/intervals/2015-09-12_2015-09-13", None),
        ("POST", f"{O}/task", {"type": "kill", "dataSource": WIKI, "interval": "2015-09-12/2015-09-13"}),
        ("GET", f"{O}/tasks", None),
        ("POST", "/fakedruid/v1/duties", None),
        ("GET", "/fakedruid/v1/state", None),
        ("GET", "/fakedruid/v1/requests", None),
        ("POST", "/fakedruid/v1/reset", None),
    ]
    if druid_version == "latest":
        requests += [
            ("POST", f"{O}/datasources/{WIKI}/markUnused", interval),
            ("DELETE", f"{O}/datasources/{WIKI}", None),
        ]
    before = lock.acquisitions
    for method, path, body in requests:
        response = client.open(path, method=method, json=body, headers=JSON)
        assert response.status_code < 500, (method, path, response.get_data(as_text=True))
    fake.run_duties()
    fake.release_tasks()
    fake.check()  # a re-entry inside a request is recorded as a server error and raised here
    assert lock.acquisitions > before


@pytest.mark.parametrize("druid_version", ["29", "latest"])
def test_pages_and_pictures_take_the_lock_without_reentry(druid_version: str) -> None:
    # The timeline's pages, their JSON endpoints and the text timelines of the assertion helpers (issue 15).
    from fakedruid.api.pages import enable_landing_page

    fake, lock = _checked(druid_version)
    ids = seed_wiki(fake, hours=range(0, 4), unused=(3,))
    enable_landing_page(fake.app)
    client = fake.client
    client.post(f"{O}/task", json={"type": "kill", "dataSource": WIKI, "interval": "2015-09-12/2015-09-13"})
    client.post(f"{C}/datasources/{WIKI}/markUnused", json={"segmentIds": [ids[0]]}, headers=JSON)
    requests = [
        "/",
        "/fakedruid/",
        f"/fakedruid/datasources/{WIKI}",
        f"/fakedruid/datasources/{WIKI}?start=2015-09-12T01:00:00Z&end=2015-09-12T03:00:00Z",
        "/fakedruid/datasources/nothing",
        "/fakedruid/tasks",
        "/fakedruid/requests",
        "/fakedruid/audit",
        "/fakedruid/v1/version",
        f"/fakedruid/v1/datasources/{WIKI}/timeline",
        "/fakedruid/v1/datasources/nothing/timeline",
    ]
    before = lock.acquisitions
    for path in requests:
        response = client.get(path)
        assert response.status_code < 500, (path, response.get_data(as_text=True))
    assert WIKI in fake.timeline(WIKI)
    used = fake.segment_ids(WIKI, used=True)
    fake.assert_used(WIKI, used)
    fake.assert_unused(WIKI, fake.segment_ids(WIKI, used=False))
    with pytest.raises(AssertionError, match="expected used, but unused"):
        fake.assert_used(WIKI, [*used, ids[0]])
    with pytest.raises(AssertionError, match="unused, but not expected"):
        fake.assert_unused(WIKI, [])
    with pytest.raises(AssertionError, match="the fake's segment timelines"):
        fake.assert_called("DELETE", f"{C}/datasources/{WIKI}")
    fake.check()
    assert lock.acquisitions > before


@pytest.mark.parametrize("druid_version", ["29", "latest"])
def test_basic_security_takes_the_lock_without_reentry(druid_version: str) -> None:
    fake = FakeCoordinator(druid_version, now=NOW, basic_security=True, admin_password="adminpw")
    lock = CheckingLock()
    fake.cluster.lock = lock  # type: ignore[assignment]
    fake.harness._lock = lock  # type: ignore[assignment]
    assert fake.cluster.security is not None
    fake.cluster.security.lock = lock
    seed_wiki(fake, hours=range(0, 2))
    client = fake.client
    admin = {"Authorization": "Basic " + base64.b64encode(b"admin:adminpw").decode()}
    reader = {"Authorization": "Basic " + base64.b64encode(b"reader:readerpw").decode()}
    authn = "/druid-ext/basic-security/authentication/db/basic"
    authz = "/druid-ext/basic-security/authorization/db/basic"
    read_wiki = [{"resource": {"type": "DATASOURCE", "name": WIKI}, "action": "READ"}]
    calls = [
        ("POST", f"{authn}/users/reader", None, admin, 200),
        ("POST", f"{authn}/users/reader/credentials", {"password": "readerpw"}, admin, 200),
        ("POST", f"{authz}/users/reader", None, admin, 200),
        ("POST", f"{authz}/roles/wiki_reader", None, admin, 200),
        ("POST", f"{authz}/roles/wiki_reader/permissions", read_wiki, admin, 200),
        ("POST", f"{authz}/users/reader/roles/wiki_reader", None, admin, 200),
        ("GET", f"{authz}/users/reader?full", None, admin, 200),
        ("GET", f"{C}/metadata/datasources", None, reader, 200),
        ("GET", f"{C}/metadata/datasources", None, {}, 401),
        ("POST", f"{C}/datasources/{WIKI}/markUnused", {"interval": "2015-09-12/2015-09-13"}, reader, 403),
        ("GET", f"{O}/tasks", None, reader, 200),
    ]
    for method, path, body, headers, status in calls:
        before = lock.acquisitions
        answer = client.open(path, method=method, json=body, headers={**JSON, **headers})
        assert answer.status_code == status, (method, path, answer.get_data(as_text=True))
        if status == 200:
            assert lock.acquisitions > before, (method, path)
    assert client.get(f"{C}/metadata/datasources", headers=reader).get_json() == [WIKI]
    fake.check()
