"""The real-client suite: programs nobody here wrote, driven unmodified against the fake.

Needs the ``clients`` extra (druidpy, Airflow 3 with ``apache-airflow-providers-apache-druid``), which lives in its
own virtualenv (``.ci/run`` builds it); ``tests/conftest.py`` leaves this directory out of the main suite unless
``FAKEDRUID_CLIENTS=1``. Run it with::

    FAKEDRUID_CLIENTS=1 VENV/bin/python -m pytest tests/clients

Every client talks to a :class:`Target`: the pytest fixture's server (``fake_coordinator``) or ``python -m fakedruid
serve`` in a subprocess, in each profile. Tests seed and inspect the fake through its admin API
(``/fakedruid/v1``), which both targets serve, so one test body covers both.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.serve_support import Served, serve

PROFILES = ("29", "latest")
#: What ``GET /status`` reports as ``version`` per profile.
STATUS_VERSION = {"29": "29.0.1", "latest": None}
#: Upper bound for one HTTP call or one client run; tests synchronise on events, this only stops a hung run.
TIMEOUT = 60


def pytest_configure(config: pytest.Config) -> None:
    """Point Airflow at a private home (SQLite metadata DB, our DAGs folder, no examples) before anything
    imports it: Airflow reads its configuration once, at import."""
    home = tempfile.mkdtemp(prefix="fakedruid-airflow-")
    config._fakedruid_airflow_home = home  # type: ignore[attr-defined]
    os.environ.update(
        {
            "AIRFLOW_HOME": home,
            "AIRFLOW__CORE__DAGS_FOLDER": os.path.join(os.path.dirname(__file__), "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        }
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The clients (Airflow, Starlette under it) warn about their own dependencies' deprecations; the suite's
    ``filterwarnings = error`` is for fakedruid's code, so those warnings are let through here."""
    for item in items:
        item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning"))
        item.add_marker(pytest.mark.filterwarnings("ignore::PendingDeprecationWarning"))
        # A UserWarning subclass, raised when Airflow's in-process execution API imports Starlette's test client.
        item.add_marker(pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated"))


def pytest_unconfigure(config: pytest.Config) -> None:
    home = getattr(config, "_fakedruid_airflow_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """Create Airflow's metadata database once per session (``airflow db migrate``), as a user's CI would."""
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        capture_output=True,
        timeout=300,
    )


class Target:
    """A running fake Coordinator+Overlord as a client sees it: a base URL, a profile, and the fake's admin API
    for seeding and inspecting state."""

    def __init__(self, kind: str, profile: str, url: str) -> None:
        self.kind = kind
        self.profile = profile
        self.url = url

    def __repr__(self) -> str:
        return f"Target({self.kind}, {self.profile}, {self.url})"

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        """One HTTP call (``body`` as JSON); the status and the raw body."""
        data = None if body is None else json.dumps(body).encode()
        headers = {} if body is None else {"Content-Type": "application/json"}
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """A call to the fake's admin API that must succeed; its JSON answer."""
        status, raw = self.call(method, "/fakedruid/v1" + path, body)
        assert 200 <= status < 300, (method, path, status, raw)
        return json.loads(raw) if raw else None

    def seed(self, *segments: dict[str, Any]) -> list[str]:
        """Seed DataSegment JSON objects (each may carry ``"used": false``); their ids."""
        return list(self.admin("POST", "/segments", list(segments))["segmentIds"])

    def segment_ids(self, datasource: str, *, used: bool | None = None) -> set[str]:
        """Ids of the datasource's stored segments (all, or only used / unused ones)."""
        state = self.admin("GET", "/state")
        return {
            s["identifier"]
            for s in state["segments"]
            if s["dataSource"] == datasource and (used is None or s["used"] is used)
        }

    def task_mode(self, *, hold: bool | None = None, fail_with: str | None = None) -> None:
        body: dict[str, Any] = {}
        if hold is not None:
            body["hold"] = hold
        if fail_with is not None:
            body["failWith"] = fail_with
        self.admin("POST", "/tasks/mode", body)

    def release(self) -> list[str]:
        return list(self.admin("POST", "/tasks/release", {})["released"])

    def requests(self) -> list[dict[str, Any]]:
        """The fake's request journal, oldest first."""
        return list(self.admin("GET", "/requests"))


@pytest.fixture(scope="session")
def served_targets() -> Iterator[dict[str, Served]]:
    """One ``python -m fakedruid serve`` subprocess per profile, started on first use."""
    with serve("--druid-version", "29") as s29, serve("--druid-version", "latest") as slatest:
        yield {"29": s29, "latest": slatest}


@pytest.fixture(params=[(kind, profile) for kind in ("fixture", "serve") for profile in PROFILES],
                ids=lambda p: f"{p[0]}-{p[1]}")
def druid(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The fake as a client sees it: the pytest fixture's server or the dev server, in each profile, empty."""
    kind, profile = request.param
    if kind == "fixture":
        fake = request.getfixturevalue("fake_coordinator")
        fake.configure(druid_version=profile)
        yield Target(kind, profile, fake.url)
        return
    served = request.getfixturevalue("served_targets")[profile]
    target = Target(kind, profile, served.url)
    target.admin("POST", "/reset")
    yield target
    target.admin("POST", "/reset")


@pytest.fixture(params=PROFILES)
def fixture_druid(request: pytest.FixtureRequest, fake_coordinator: Any) -> Target:
    """The pytest fixture's server only (for clients that take seconds per call, such as Airflow's)."""
    fake_coordinator.configure(druid_version=request.param)
    return Target("fixture", request.param, fake_coordinator.url)
