"""Real Apache Druid on demand: resolve a release's jars from Maven, run a Coordinator-Overlord with ZooKeeper
and Derby on 127.0.0.1, seed it like the fake, reset it between tests, stop it cleanly.

Layer: stdlib only (plus ``fakedruid.model`` for validating seeds); needs a JDK and Maven at run time, never at
import time. ``fakedruid real-druid start`` (:mod:`fakedruid.cli`) and the contract suite's ``--druid-real``
use :class:`RealDruid`.
"""

from __future__ import annotations

from fakedruid.real.cluster import RealDruid, load_seed_file
from fakedruid.real.errors import (
    RealDruidError,
    StartFailed,
    ToolMissing,
    VersionUnavailable,
)
from fakedruid.real.jdk import find_jdk, java_versions_for

__all__ = [
    "RealDruid",
    "RealDruidError",
    "StartFailed",
    "ToolMissing",
    "VersionUnavailable",
    "find_jdk",
    "java_versions_for",
    "load_seed_file",
]
