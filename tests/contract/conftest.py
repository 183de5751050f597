"""Fixtures of the contract suite: one ``coordinator`` target that is a fake (per profile) or a real Druid.

Contract tests talk HTTP through :class:`fakedruid.testing.DruidTarget` only, so the same test runs against
fakedruid under profiles "29", "31", "33" and "latest" and against a real Druid: one this session boots with
``--druid-real VERSION`` (or ``FAKEDRUID_DRUID_REAL``), seeded and reset like the fake, or an existing one named
by ``--druid-url`` (or ``FAKEDRUID_DRUID_URL``). Tests marked ``fake_only`` seed segments or reset state, which
an existing cluster does not allow: they are skipped against ``--druid-url`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from fakedruid.testing import DruidTarget, profile_for_version
from tests.contract.helpers import new_datasource
from tests.contract.known_differences import known_difference
from tests.contract.targets import COORDINATOR_PARAMS, boot_real, skip_without_overlord

#: The fake's profiles the suite runs under.
FAKE_PROFILES = ("29", "31", "33", "latest")

_NO_REAL = (
    "no real Druid configured: pass --druid-real VERSION (or set FAKEDRUID_DRUID_REAL) to boot one, or "
    "--druid-url (FAKEDRUID_DRUID_URL) for an existing one"
)
_FAKE_ONLY = "fake_only: seeds or resets state, which a real Druid given by --druid-url does not allow"


#: The virtual historicals of the fakes that ``historical`` tests use: one server, as the real Historical cluster
#: has (the default rule wants two replicas, so loadstatus counts under-replicated segments as Druid does).
HISTORICAL_TIERS = {"_default_tier": 1}
#: The fakes' layouts by marker: ``historical`` as the real Historical cluster, ``no_historical`` as the main real
#: cluster (no data server), unmarked tests the fake's default.
LAYOUTS: dict[str, dict[str, int]] = {"historical": HISTORICAL_TIERS, "no_historical": {}}


@pytest.fixture(scope="session")
def fake_druid_targets() -> Iterator[Callable[..., DruidTarget]]:
    """Start one in-process fake per profile on 127.0.0.1 (a free port) the first time a test asks for it; with
    ``layout`` (a key of :data:`LAYOUTS`) another one whose virtual historicals match that real cluster."""
    started: dict[tuple[str, str | None], DruidTarget] = {}

    def get(profile: str, layout: str | None = None) -> DruidTarget:
        if (profile, layout) not in started:
            options = {} if layout is None else {"tiers": LAYOUTS[layout]}
            started[profile, layout] = DruidTarget.start_fake(profile, host="127.0.0.1", **options)
        return started[profile, layout]

    yield get
    for target in started.values():
        target.close()


def _boot_real_druid(version: str, *, historical: bool = False) -> DruidTarget:
    """Boot a real Druid for the session. Java or Maven missing: a skip, or an error when ``CI`` is set."""
    return boot_real("--druid-real", version, historical=historical)


@pytest.fixture(scope="session")
def real_druid_target(pytestconfig: pytest.Config) -> Iterator[DruidTarget]:
    """The real Druid: booted once per session for ``--druid-real VERSION``, else the one named by
    ``--druid-url``; its profile from ``--druid-profile`` or ``GET /status``."""
    version = pytestconfig.getoption("--druid-real")
    if version:
        target = _boot_real_druid(version)
        profile = pytestconfig.getoption("--druid-profile")
        if profile is not None:
            target.profile = profile
        yield target
        target.close()
        return
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
    elif profile not in FAKE_PROFILES:
        raise pytest.UsageError(
            f"--druid-profile / FAKEDRUID_DRUID_PROFILE must be 29, 31, 33 or latest, got {profile!r}"
        )
    target.profile = profile
    yield target
    target.close()


# ---- issue 10 item 5: a second real cluster, with one Historical, for the tests marked ``historical``. The main
# real cluster has none (the differential machine and the other contract tests compare against that layout).
@pytest.fixture(scope="session")
def real_druid_historical_target(pytestconfig: pytest.Config) -> Iterator[DruidTarget]:
    """A real Druid with one Historical, booted the first time a ``historical`` test asks for it: the
    ``--druid-real-historical`` version, else the ``--druid-real`` one."""
    version = pytestconfig.getoption("--druid-real-historical") or pytestconfig.getoption("--druid-real")
    if not version:
        pytest.skip("historical: needs --druid-real VERSION or --druid-real-historical VERSION (a cluster it boots)")
    skip_without_overlord(version, "historical: the Historical's template segment is made by an ingestion task")
    target = _boot_real_druid(version, historical=True)
    yield target
    target.close()


def _druid_version(target: DruidTarget) -> str:
    """The release a real target runs (``GET /status``), cached on the target."""
    version = getattr(target, "_contract_druid_version", None)
    if version is None:
        version = str(target.get("/status").json().get("version"))
        target._contract_druid_version = version  # type: ignore[attr-defined]
    return version


def _mark_known_differences(request: pytest.FixtureRequest, target: DruidTarget) -> None:
    """A strict xfail where :data:`~tests.contract.known_differences.REAL_DIFFERENCES` records that this real
    release answers otherwise than the fake."""
    version = _druid_version(target)
    reason = known_difference(request.node.name, request.node.originalname, version)
    if reason is not None:
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"real Druid {version}: {reason}"))


@pytest.fixture(params=COORDINATOR_PARAMS)
def coordinator(request: pytest.FixtureRequest) -> Iterator[DruidTarget]:
    """The target of a contract test: a fresh fake of the parametrized profile, or the real Druid."""
    kind, profile = request.param
    if kind == "real":
        if request.node.get_closest_marker("historical") is not None:
            real: DruidTarget = request.getfixturevalue("real_druid_historical_target")
            _mark_known_differences(request, real)
            real.reset()
            yield real
            return
        if not (request.config.getoption("--druid-url") or request.config.getoption("--druid-real")):
            pytest.skip(_NO_REAL)
        real = request.getfixturevalue("real_druid_target")
        _mark_known_differences(request, real)
        if request.node.get_closest_marker("fake_only") is not None:
            if not real.can_seed:
                pytest.skip(_FAKE_ONLY)
            real.reset()
        yield real
        return
    layout = next((name for name in LAYOUTS if request.node.get_closest_marker(name) is not None), None)
    target = request.getfixturevalue("fake_druid_targets")(profile, layout)
    target.reset()
    yield target
    target.check()


@pytest.fixture
def datasource() -> str:
    """A datasource name no other test uses (``fd_<8 hex digits>``)."""
    return new_datasource()

