"""Shared set-up for the plugin's own tests.

pytester's in-process runs forget every module first imported during the run. fakedruid's modules are
imported here, before any run, so that every run and every later test share one copy of each class (a
``FakeDruidError`` raised in one run must be the class caught in the next).
"""

from __future__ import annotations

import fakedruid.api.errors  # noqa: F401
import fakedruid.api.hooks  # noqa: F401
import fakedruid.api.routes  # noqa: F401
import fakedruid.api.serving  # noqa: F401
import fakedruid.model.documents  # noqa: F401
import fakedruid.model.duties  # noqa: F401
