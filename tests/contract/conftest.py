"""Fixtures of the contract suite: one ``coordinator`` target that is a fake (per profile) or a real Druid.

Contract tests talk HTTP through :class:`fakedruid.testing.DruidTarget` only, so the same test runs against
fakedruid under profiles "29" and "latest" and, with ``--druid-url`` (or ``FAKEDRUID_DRUID_URL``), against a
real Druid. Tests marked ``fake_only`` seed segments through the fake's admin API and are skipped against a
real Druid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from fakedruid.testing import DruidTarget, profile_for_version
from tests.contract.helpers import new_datasource

#: The fake's profiles the suite runs under.
FAKE_PROFILES = ("29", "latest")

_NO_REAL = "no real Druid configured: pass --druid-url or set FAKEDRUID_DRUID_URL"
_FAKE_ONLY = "fake_only: seeds segments through fakedruid's admin API, which a real Druid does not have"


@pytest.fixture(scope="session")
def fake_druid_targets() -> Iterator[Callable[[str], DruidTarget]]:
    """Start one in-process fake per profile on 127.0.0.1 (a free port) the first time a test asks for it."""
    started: dict[str, DruidTarget] = {}

    def get(profile: str) -> DruidTarget:
        if profile not in started:
            started[profile] = DruidTarget.start_fake(profile, host="127.0.0.1")
        return started[profile]

    yield get
    for target in started.values():
        target.close()


@pytest.fixture(scope="session")
def real_druid_target(pytestconfig: pytest.Config) -> Iterator[DruidTarget]:
    """The real Druid named by ``--druid-url``; its profile from ``--druid-profile`` or ``GET /status``."""
    url = pytestconfig.getoption("--druid-url")
    if not url:
        pytest.skip(_NO_REAL)
    profile = pytestconfig.getoption("--druid-profile")
    target = DruidTarget(url)
    if profile is None:
        resp = target.get("/status")
        try:
            profile = profile_for_version(str(resp.json()["version"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise pytest.UsageError(
                f"cannot tell which profile the Druid at {url} answers as ({exc}); pass --druid-profile"
            ) from exc
    elif profile not in ("29", "latest"):
        raise pytest.UsageError(f"--druid-profile / FAKEDRUID_DRUID_PROFILE must be 29 or latest, got {profile!r}")
    target.profile = profile
    yield target
    target.close()


@pytest.fixture(
    params=[
        pytest.param(("fake", "29"), marks=pytest.mark.fake, id="fake-29"),
        pytest.param(("fake", "latest"), marks=pytest.mark.fake, id="fake-latest"),
        pytest.param(("real", None), marks=pytest.mark.real, id="real"),
    ]
)
def coordinator(request: pytest.FixtureRequest) -> Iterator[DruidTarget]:
    """The target of a contract test: a fresh fake of the parametrized profile, or the real Druid."""
    kind, profile = request.param
    if kind == "real":
        if not request.config.getoption("--druid-url"):
            pytest.skip(_NO_REAL)
        if request.node.get_closest_marker("fake_only") is not None:
            pytest.skip(_FAKE_ONLY)
        yield request.getfixturevalue("real_druid_target")
        return
    target = request.getfixturevalue("fake_druid_targets")(profile)
    target.reset()
    yield target
    target.check()


@pytest.fixture
def datasource() -> str:
    """A datasource name no other test uses (``fd_<8 hex digits>``)."""
    return new_datasource()

