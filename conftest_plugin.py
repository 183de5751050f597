"""fakedruid's pytest plugin: the ``fake_coordinator`` fixture, its marker and its option.

Layer: the pytest entry point ``fakedruid`` (``pytest11`` in setup.cfg). pytest imports this module in every
session of every project where fakedruid is installed, so it imports only pytest at module level: fakedruid,
Flask and Werkzeug are imported inside the fixtures, by the tests that use them. Disable it with
``-p no:fakedruid``.

* ``fake_coordinator_server`` (session scope): one :class:`fakedruid.FakeCoordinator` serving real HTTP on
  127.0.0.1 on a free port, per test session (per worker under pytest-xdist).
* ``fake_coordinator`` (function scope): the same object, reset before the test (no segments, default rules,
  no tasks, empty request journal, no faults) and configured by the ``fake_coordinator`` marker; after the
  test the profile, clock, tiers, conflict mode and ``accept_quirk`` go back to the session's, and an
  exception raised in the server thread during the test fails it (``FakeCoordinator.check()``, as
  pytest-httpserver does).

One server serves every profile: a marker's ``druid_version`` switches the session server's profile for that
test only (the profile is read on each request).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # for annotations only: importing fakedruid here would load Flask in every pytest run
    from fakedruid import FakeCoordinator

#: The environment variable that sets the default Druid version when the option is not given.
ENV_DRUID_VERSION = "FAKEDRUID_DRUID_VERSION"
#: The default profile.
DEFAULT_DRUID_VERSION = "29"
_MARKER = "fake_coordinator"
_MARKER_HELP = (
    "fake_coordinator(druid_version=None, now=None, rules=None, segments=None, tiers=None, accept_quirk=None, "
    "strict=None): "
    "configure the fake_coordinator fixture for this test (fakedruid)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--fakedruid-druid-version``."""
    group = parser.getgroup("fakedruid", "fakedruid: a fake Apache Druid Coordinator")
    group.addoption(
        "--fakedruid-druid-version",
        dest="fakedruid_druid_version",
        default=None,
        metavar="VERSION",
        help=(
            "Druid version the fake_coordinator fixture answers as by default: '29' (default), 'latest' or a "
            f"release from 28 to 39. Also ${ENV_DRUID_VERSION}; the option wins."
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``fake_coordinator`` marker."""
    config.addinivalue_line("markers", _MARKER_HELP)


def _default_druid_version(config: pytest.Config) -> tuple[str, str]:
    """The session's Druid version and where it came from (for messages)."""
    option = config.getoption("fakedruid_druid_version", default=None)
    if option is not None:
        return option, f"--fakedruid-druid-version={option}"
    env = os.environ.get(ENV_DRUID_VERSION)
    if env is not None:
        return env, f"{ENV_DRUID_VERSION}={env}"
    return DEFAULT_DRUID_VERSION, "the default"


@pytest.fixture(scope="session")
def fake_coordinator_server(pytestconfig: pytest.Config) -> Iterator[FakeCoordinator]:
    """The session's FakeCoordinator, serving HTTP on 127.0.0.1 on a free port. Not reset between tests: use
    ``fake_coordinator``."""
    from fakedruid import FakeCoordinator
    from fakedruid.errors import FakeDruidError

    version, source = _default_druid_version(pytestconfig)
    problem: str | None = None
    try:
        server = FakeCoordinator(version)
    except FakeDruidError as exc:
        problem = exc.message
    if problem is not None:  # failed outside the except block, so the report shows no exception chain
        pytest.fail(f"fakedruid: {source}: {problem}", pytrace=False)
    server.start()
    try:
        yield server
    finally:
        server.stop()
    server.check()


@pytest.fixture
def fake_coordinator(
    request: pytest.FixtureRequest, fake_coordinator_server: FakeCoordinator
) -> Iterator[FakeCoordinator]:
    """The session's FakeCoordinator, reset and configured for this test by its ``fake_coordinator`` marker.

    Type :class:`fakedruid.FakeCoordinator`: ``.url``, ``.client``, seeding, ``.requests``,
    ``.assert_called``, ``.fail_next`` and the rest.
    """
    from fakedruid.errors import FakeDruidError

    server = fake_coordinator_server
    kwargs = _marker_kwargs(request.node)
    saved = server.save_settings()
    server.reset()
    problem: str | None = None
    try:
        server.configure(**kwargs)
    except FakeDruidError as exc:
        problem = exc.message
    if problem is not None:
        pytest.fail(f"@pytest.mark.{_MARKER}: {problem}", pytrace=False)
    try:
        yield server
        # Under the test's own settings (strict may be off for this test only).
        server.check()
    finally:
        # Wake requests still waiting on an injected delay, then give the session its settings back.
        server.clear_faults()
        server.restore_settings(saved)


def _marker_kwargs(node: pytest.Item) -> dict[str, Any]:
    """The keyword arguments of every ``fake_coordinator`` marker on the test, the closest winning.

    Fails the test (at setup) for positional arguments or unknown keywords, naming them.
    """
    from fakedruid.server import CONFIGURE_ARGUMENTS

    merged: dict[str, Any] = {}
    # iter_markers yields the closest marker first (function, then class, then module).
    for mark in reversed(list(node.iter_markers(_MARKER))):
        if mark.args:
            pytest.fail(
                f"@pytest.mark.{_MARKER} takes keyword arguments only, got positional {mark.args!r}; "
                f"use one of: {', '.join(CONFIGURE_ARGUMENTS)}",
                pytrace=False,
            )
        unknown = sorted(set(mark.kwargs) - set(CONFIGURE_ARGUMENTS))
        if unknown:
            pytest.fail(
                f"@pytest.mark.{_MARKER}: unknown argument(s) {', '.join(unknown)}; "
                f"expected some of: {', '.join(CONFIGURE_ARGUMENTS)}",
                pytrace=False,
            )
        merged.update(mark.kwargs)
    return merged
