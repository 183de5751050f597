"""Fixtures for tests that drive the Flask app through its test client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator
from tests.support import NOW

@pytest.fixture
def fake() -> Iterator[FakeCoordinator]:
    """A profile "29" coordinator with a frozen clock, served through the test client only."""
    coordinator = FakeCoordinator(now=NOW)
    yield coordinator
    coordinator.check()


@pytest.fixture
def client(fake: FakeCoordinator) -> FlaskClient:
    """The Flask test client of ``fake``."""
    return fake.client


@pytest.fixture
def fake_latest() -> Iterator[FakeCoordinator]:
    """A profile "latest" coordinator with a frozen clock."""
    coordinator = FakeCoordinator("latest", now=NOW)
    yield coordinator
    coordinator.check()


@pytest.fixture
def client_latest(fake_latest: FakeCoordinator) -> FlaskClient:
    """The Flask test client of ``fake_latest``."""
    return fake_latest.client
