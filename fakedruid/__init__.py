"""fakedruid: an in-memory fake of the Apache Druid Coordinator's data-management API, for tests.

Public API. Never imports pytest or hypothesis (the strategies live in ``fakedruid.strategies``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fakedruid.errors import FakeDruidError
from fakedruid.harness import Fault, RecordedRequest, ServerError
from fakedruid.server import FakeCoordinator

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["FakeCoordinator", "FakeDruidError", "Fault", "RecordedRequest", "ServerError", "create_app"]
__version__ = "0.1.0"


def create_app(coordinator: FakeCoordinator) -> Flask:
    """The Flask application that answers as Druid for ``coordinator``."""
    from fakedruid.api import create_app as _create_app

    return _create_app(coordinator.state)
