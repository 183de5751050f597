"""Druid versions and the JDK each one runs on.

Layer: stdlib only.

Druid's supported Java versions (docs ``operations/java``, release notes): 28 to 37 run on Java 11 or 17
(Java 8 was dropped in 32; fakedruid asks for 17), 38 runs on 21 or 25 (17 dropped), 39 on 25 only
(21 dropped).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fakedruid.real.errors import ToolMissing, VersionUnavailable

__all__ = ["JDK_TABLE", "Jdk", "find_jdk", "java_versions_for", "parse_druid_version"]

#: (first Druid major, last Druid major, Java feature versions it runs on, newest first).
JDK_TABLE: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (28, 37, (17, 11)),
    (38, 38, (25, 21)),
    (39, 10_000, (25,)),
)

#: Where Debian and the Temurin packages install JDKs.
JVM_DIRS: tuple[str, ...] = ("/usr/lib/jvm",)

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def parse_druid_version(version: str) -> tuple[int, int, int]:
    """``"28.0.0"`` as ``(28, 0, 0)``.

    :raises VersionUnavailable: not of the form MAJOR.MINOR.PATCH, or older than 28 (fakedruid emulates 28+).
    """
    m = _VERSION.match(version)
    if m is None:
        raise VersionUnavailable(
            f"Unknown Druid version [{version}]: expected a release number such as 28.0.0 or 33.0.0"
        )
    parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if parts[0] < 28:
        raise VersionUnavailable(f"Unknown Druid version [{version}]: fakedruid runs Druid 28.0.0 and newer")
    return parts


def java_versions_for(version: str) -> tuple[int, ...]:
    """The Java feature versions Druid ``version`` runs on, preferred first."""
    major = parse_druid_version(version)[0]
    for first, last, javas in JDK_TABLE:
        if first <= major <= last:
            return javas
    raise AssertionError("JDK_TABLE covers every major from 28")  # pragma: no cover


@dataclass(frozen=True)
class Jdk:
    """A JDK found on this machine."""

    home: Path
    feature: int

    @property
    def java(self) -> Path:
        """The ``java`` launcher."""
        return self.home / "bin" / "java"


def jdk_feature(home: Path) -> int | None:
    """The Java feature version of the JDK at ``home`` (from its ``release`` file), or None if it is none."""
    try:
        text = (home / "release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    m = re.search(r'^JAVA_VERSION="(\d+)(?:\.(\d+))?', text, re.MULTILINE)
    if m is None or not (home / "bin" / "java").exists():
        return None
    feature = int(m.group(1))
    return int(m.group(2) or 0) if feature == 1 else feature  # "1.8.0" is Java 8


def candidate_homes(env: Mapping[str, str] | None = None, dirs: Sequence[str] = JVM_DIRS) -> list[Path]:
    """JDK homes to consider: ``JAVA_HOME`` first, then every directory under :data:`JVM_DIRS`."""
    env = os.environ if env is None else env
    homes: list[Path] = []
    if env.get("JAVA_HOME"):
        homes.append(Path(env["JAVA_HOME"]))
    for d in dirs:
        try:
            homes.extend(sorted(p for p in Path(d).iterdir() if p.is_dir() and not p.is_symlink()))
        except OSError:
            continue
    return homes


def find_jdk(version: str, homes: Sequence[Path] | None = None) -> Jdk:
    """The JDK to run Druid ``version`` on: the first of ``homes`` (default :func:`candidate_homes`) with the
    most preferred Java version that release supports.

    :raises ToolMissing: no JDK fits; the message names the Java versions ``version`` needs and those found.
    """
    wanted = java_versions_for(version)
    found: list[Jdk] = []
    for home in candidate_homes() if homes is None else homes:
        feature = jdk_feature(home)
        if feature is not None:
            found.append(Jdk(home, feature))
    for feature in wanted:
        for jdk in found:
            if jdk.feature == feature:
                return jdk
    seen = ", ".join(f"Java {j.feature} at {j.home}" for j in found) or "none"
    need = " or ".join(f"Java {f}" for f in wanted)
    raise ToolMissing(
        f"Druid {version} needs a JDK of {need}; found {seen}. Install one under /usr/lib/jvm or point JAVA_HOME "
        "at it (Druid 28-37: Java 17; Druid 38: Java 21 or 25; Druid 39+: Java 25)"
    )
