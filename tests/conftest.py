"""Shared test configuration for fakedruid's own suite."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from fakedruid.profiles import PROFILES

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
#: With --druid-real every example seeds a real Druid and waits for its poll: few examples, and no shrinking
#: (which replays a failing example dozens of times).
settings.register_profile(
    "real",
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)


def pytest_configure(config: pytest.Config) -> None:
    """Load the "real" Hypothesis profile when the session boots a real Druid."""
    if config.getoption("--druid-real", default=None):
        settings.load_profile("real")

#: The real-client suite (tests/clients) needs druidpy and Airflow, which live in their own virtualenv (.ci/run's
#: "clients" stage); it runs only where FAKEDRUID_CLIENTS=1 says they are installed.
collect_ignore = [] if os.environ.get("FAKEDRUID_CLIENTS") == "1" else ["clients"]


#: The contract suite's options that name a real Druid: (option, environment variable that is its default,
#: metavar, help).
_REAL_DRUID_OPTIONS = (
    (
        "--druid-url",
        "FAKEDRUID_DRUID_URL",
        None,
        "base URL of a real Druid Coordinator (or router) for the contract tests' 'real' target "
        "(env FAKEDRUID_DRUID_URL); without it the 'real' target is skipped",
    ),
    (
        "--druid-real",
        "FAKEDRUID_DRUID_REAL",
        "VERSION",
        "boot a real Druid VERSION (e.g. 28.0.0) from Maven Central's jars for the contract tests' 'real' "
        "target, once per session, seeded and reset like the fake (env FAKEDRUID_DRUID_REAL; needs Java and Maven: "
        "skipped with a message when they are missing, an error when CI is set)",
    ),
    # ---- issue 10 item 5: the served view against a real Druid with a Historical
    (
        "--druid-real-historical",
        "FAKEDRUID_DRUID_REAL_HISTORICAL",
        "VERSION",
        "for contract tests marked 'historical', boot a second real Druid VERSION with one Historical "
        "(lazily, once per session; env FAKEDRUID_DRUID_REAL_HISTORICAL); default: the --druid-real version",
    ),
    (
        "--druid-real-security",
        "FAKEDRUID_DRUID_REAL_SECURITY",
        "VERSION",
        "boot a real Druid VERSION with the druid-basic-security extension for "
        "tests/contract/test_basic_security.py's 'real' target (env FAKEDRUID_DRUID_REAL_SECURITY; 37.0.0 is the "
        "release whose extension resolves from Maven Central here; needs Java and Maven like --druid-real)",
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options of the contract suite (``tests/contract``): which real Druid to run it against, if any."""
    group = parser.getgroup("fakedruid-contract", "fakedruid contract tests against a real Druid")
    for name, env, metavar, help_text in _REAL_DRUID_OPTIONS:
        group.addoption(name, metavar=metavar, default=os.environ.get(env), help=help_text)
    group.addoption(
        "--druid-profile",
        default=os.environ.get("FAKEDRUID_DRUID_PROFILE"),
        choices=tuple(PROFILES),
        help="which fakedruid profile the real Druid answers as (env FAKEDRUID_DRUID_PROFILE); default: "
        "derived from the version GET /status reports",
    )
    # ---- differential machine (issue 10): where it writes its per-version fidelity record
    group.addoption(
        "--fidelity-record",
        metavar="DIR",
        default=None,
        help="write the differential machine's record of the behaviours it compared (tests/contract/"
        "test_differential.py) to DIR/<druid version>.json; python3 -m tools.gen_fidelity makes FIDELITY.md from them",
    )
