"""The runtime classpath of a Druid release, resolved with Maven into a per-version cache.

Layer: stdlib only; runs the ``mvn`` command.

Druid's binary tarball is not on Maven Central, but its ``lib/`` is the runtime closure of
``org.apache.druid:druid-services`` (``distribution/pom.xml`` depends on nothing else the Coordinator needs),
so a generated pom plus ``dependency:copy-dependencies`` rebuilds it. ``org.hyperic:sigar`` is a compile
dependency of druid-processing that is not on Central; it is excluded (only the Sigar monitors use it, and
they stay off). A generated global settings file mirrors every repository to the one Maven repository
(Central by default), so the extra repositories Druid's parent pom declares are never tried.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from fakedruid.real.errors import ToolMissing, VersionUnavailable
from fakedruid.real.jdk import parse_druid_version

__all__ = [
    "DEFAULT_REPOSITORY",
    "RECIPES",
    "Recipe",
    "cache_root",
    "extension_pom_xml",
    "pom_xml",
    "recipe_for",
    "resolve_classpath",
    "resolve_extension",
    "settings_xml",
]

DEFAULT_REPOSITORY = "https://repo.maven.apache.org/maven2"
#: Written last into a version's cache directory: its presence means ``lib/`` is complete.
COMPLETE_MARKER = "lib.complete"


@dataclass(frozen=True)
class Recipe:
    """How one Druid release's classpath differs from the plain runtime closure of ``druid-services``.

    :param exclusions: ``(groupId, artifactId)`` pairs left out of ``druid-services``'s dependencies.
    :param managed: ``(groupId, artifactId, version)`` pins (a ``dependencyManagement`` section).
    :param stubs: fully qualified names of empty Guice modules compiled into ``lib/fakedruid-stubs.jar``, for
        classes that Druid's service loading names but that live in an excluded artifact.
    :param overlord: False when the release's Overlord cannot run from the resolved jars: the cluster is then a
        Coordinator alone (``druid.coordinator.asOverlord.enabled=false``), without the task, kill-task and
        ingestion endpoints.
    """

    exclusions: tuple[tuple[str, str], ...] = ()
    managed: tuple[tuple[str, str, str], ...] = ()
    stubs: tuple[str, ...] = ()
    overlord: bool = True


#: Every release's exclusions: ``org.hyperic:sigar`` is not on Maven Central; only the Sigar monitors use it.
BASE_EXCLUSIONS: tuple[tuple[str, str], ...] = (("org.hyperic", "sigar"),)

#: Per-release recipes (releases not listed need none).
RECIPES: dict[str, Recipe] = {
    # Druid 37.0.0's pom asks for Jackson 2.20.2, but jackson-jaxrs-smile-provider 2.20.2 was never published
    # (the jaxrs providers stop at 2.19.x on Central), so the smile provider is pinned to 2.19.2 and the
    # artifacts it would drag back to 2.19.2 are pinned to 2.20.2. druid-sql and druid-multi-stage-query
    # (Calcite, the MSQ engine) are left out: the Coordinator-Overlord needs neither, and they double the
    # download. The MSQ modules the Overlord's service loading still names are replaced by empty stubs
    # (``StubModule.java``).
    # Druid 31.0.1: the reachable repository has druid-services and druid-server 31.0.1 but no
    # druid-indexing-service or druid-indexing-hadoop of any 31.x (both jump from 30.0.0 to 32.0.1), so the two
    # are pinned to 30.0.0 to complete the classpath. 31.0.1's CliOverlord needs classes 30.0.0 lacks
    # (org.apache.druid.guice.SupervisorModule, indexing.overlord.DruidOverlord, TaskQueryTool, the compaction
    # scheduler: jdeps --missing-deps), so no Overlord runs: the cluster is 31.0.1's Coordinator alone, whose
    # data-management, metadata and rules resources live in druid-server 31.0.1. The Coordinator's
    # SupervisorCleanupModule (druid-services) asks SupervisorModule for its Jackson modules only, and binds
    # CompactionScheduler to null: both are stubs (javap -c on druid-services 31.0.1).
    "31.0.1": Recipe(
        managed=(
            ("org.apache.druid", "druid-indexing-service", "30.0.0"),
            ("org.apache.druid", "druid-indexing-hadoop", "30.0.0"),
        ),
        stubs=("org.apache.druid.guice.SupervisorModule", "org.apache.druid.indexing.compact.CompactionScheduler"),
        overlord=False,
    ),
    "37.0.0": Recipe(
        exclusions=(("org.apache.druid", "druid-sql"), ("org.apache.druid", "druid-multi-stage-query")),
        managed=(
            ("com.fasterxml.jackson.jaxrs", "jackson-jaxrs-smile-provider", "2.19.2"),
            ("com.fasterxml.jackson.jaxrs", "jackson-jaxrs-base", "2.20.2"),
            ("com.fasterxml.jackson.jaxrs", "jackson-jaxrs-json-provider", "2.20.2"),
            ("com.fasterxml.jackson.core", "jackson-core", "2.20.2"),
            ("com.fasterxml.jackson.core", "jackson-databind", "2.20.2"),
            ("com.fasterxml.jackson.dataformat", "jackson-dataformat-smile", "2.20.2"),
            ("com.fasterxml.jackson.module", "jackson-module-jaxb-annotations", "2.20.2"),
        ),
        # CliOverlord, CliCoordinator, CliPeon and CliHistorical construct these with `new` (javap on
        # druid-services 37.0.0; the Historical's two Dart modules found when --historical failed to start).
        stubs=tuple(
            f"org.apache.druid.msq.guice.{name}"
            for name in (
                "MSQIndexingModule",
                "MSQDurableStorageModule",
                "MSQExternalDataSourceModule",
                "PeonMemoryManagementModule",
            )
        )
        + tuple(
            f"org.apache.druid.msq.dart.guice.{name}"
            for name in ("DartWorkerModule", "DartWorkerMemoryManagementModule")
        ),
    ),
}


def recipe_for(version: str) -> Recipe:
    """The recipe of Druid ``version`` (an empty one when the plain closure works)."""
    return RECIPES.get(version, Recipe())


def cache_root(env: dict[str, str] | None = None) -> Path:
    """The cache directory: ``FAKEDRUID_CACHE``, else ``$XDG_CACHE_HOME/fakedruid``, else ``~/.cache/fakedruid``."""
    env = dict(os.environ) if env is None else env
    if env.get("FAKEDRUID_CACHE"):
        return Path(env["FAKEDRUID_CACHE"]).expanduser()
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fakedruid"


def pom_xml(version: str) -> str:
    """The pom whose runtime dependencies are Druid ``version``'s ``lib/``.

    :raises VersionUnavailable: ``version`` is not a release number fakedruid runs.
    """
    parse_druid_version(version)
    recipe = recipe_for(version)
    v = escape(version)
    exclusions = "".join(
        f"\n        <exclusion><groupId>{escape(g)}</groupId><artifactId>{escape(a)}</artifactId></exclusion>"
        for g, a in BASE_EXCLUSIONS + recipe.exclusions
    )
    managed = ""
    if recipe.managed:
        rows = "".join(
            f"\n      <dependency><groupId>{escape(g)}</groupId><artifactId>{escape(a)}</artifactId>"
            f"<version>{escape(mv)}</version></dependency>"
            for g, a, mv in recipe.managed
        )
        managed = (
            f"\n  <dependencyManagement>\n    <dependencies>{rows}\n    </dependencies>\n  </dependencyManagement>"
        )
    dependency = f"""
      <groupId>org.apache.druid</groupId>
      <artifactId>druid-services</artifactId>
      <version>{v}</version>
      <exclusions>{exclusions}
      </exclusions>"""
    return _pom(f"the runtime classpath of Apache Druid {v}", "druid-classpath", v, dependency, managed)


def extension_pom_xml(version: str, name: str) -> str:
    """The pom whose runtime dependencies are the Druid extension ``name`` (e.g. ``druid-basic-security``) of
    release ``version``, without what Druid's ``lib/`` already has (an extension declares Druid itself as
    ``provided``, so the runtime scope leaves it out, as Druid's ``extensions/NAME/`` directory does).

    :raises VersionUnavailable: ``version`` is not a release number fakedruid runs, or ``name`` is not a
        plain artifact name.
    """
    parse_druid_version(version)
    if not name or not all(c.isalnum() or c in "-_." for c in name):
        raise VersionUnavailable(f"Unknown Druid extension [{name}]: expected an artifact name such as "
                                 "druid-basic-security")
    v, n = escape(version), escape(name)
    dependency = f"""
      <groupId>org.apache.druid.extensions</groupId>
      <artifactId>{n}</artifactId>
      <version>{v}</version>"""
    return _pom(f"the Druid extension {n} of Apache Druid {v}", f"druid-extension-{n}", v, dependency)


def _pom(title: str, artifact_id: str, version: str, dependency: str, managed: str = "") -> str:
    """A generated pom with one dependency (its elements ``dependency``, XML-escaped by the caller)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by fakedruid: {title}. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>fakedruid.real</groupId>
  <artifactId>{artifact_id}</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>{managed}
  <dependencies>
    <dependency>{dependency}
    </dependency>
  </dependencies>
</project>
"""


def settings_xml(repository: str = DEFAULT_REPOSITORY) -> str:
    """Maven global settings that send every repository's requests to ``repository``."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by fakedruid: resolve Druid only from one repository. -->
<settings>
  <mirrors>
    <mirror>
      <id>central</id>
      <mirrorOf>*</mirrorOf>
      <url>{escape(repository)}</url>
    </mirror>
  </mirrors>
</settings>
"""


def find_maven() -> str:
    """The ``mvn`` command (``FAKEDRUID_MVN`` or ``mvn`` on ``PATH``).

    :raises ToolMissing: Maven is not installed.
    """
    mvn = os.environ.get("FAKEDRUID_MVN") or shutil.which("mvn")
    if not mvn:
        raise ToolMissing(
            "Apache Maven (mvn) is not installed or not on PATH; fakedruid needs it to download Druid's classpath "
            "(Debian: apt-get install maven)"
        )
    return mvn


def version_dir(version: str, root: Path | None = None) -> Path:
    """The cache directory of one Druid version."""
    return (cache_root() if root is None else root) / "druid" / version


def lib_jars(lib: Path) -> list[Path]:
    """The jars of a resolved ``lib/``, sorted."""
    return sorted(lib.glob("*.jar"))


def _copy_dependencies(
    pom: str,
    target: Path,
    *,
    what: str,
    artifacts: str,
    java_home: Path | None,
    repository: str | None,
    log: IO[str] | None,
) -> list[Path]:
    """Write ``pom`` and the settings into ``target``'s parent, run ``dependency:copy-dependencies`` into
    ``target`` (staged, so a failed run leaves no half directory); returns the jars.

    ``-U`` makes Maven ask again for artifacts a previous run found missing (Maven caches a refusal).
    """
    mvn = find_maven()
    repository = repository or os.environ.get("FAKEDRUID_MAVEN_REPOSITORY") or DEFAULT_REPOSITORY
    workdir = target.parent
    workdir.mkdir(parents=True, exist_ok=True)
    pom_file = workdir / f"{target.name}.pom.xml"
    pom_file.write_text(pom, encoding="utf-8")
    (workdir / "settings.xml").write_text(settings_xml(repository), encoding="utf-8")
    staging = workdir / f"{target.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [
        mvn,
        "-B",
        "-q",
        "-U",
        "-f",
        str(pom_file),
        "-gs",
        str(workdir / "settings.xml"),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    env = dict(os.environ)
    if java_home is not None:
        env["JAVA_HOME"] = str(java_home)
    if log is not None:
        print(f"fakedruid: resolving {artifacts} with Maven from {repository}", file=log, flush=True)
    started = time.monotonic()
    proc = subprocess.run(
        cmd, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False
    )
    (workdir / f"{target.name}.maven.log").write_text(proc.stdout, encoding="utf-8")
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        errors = [line for line in proc.stdout.splitlines() if "[ERROR]" in line and line.strip() != "[ERROR]"]
        detail = "\n".join(errors[:3]) or proc.stdout[-2000:]
        raise VersionUnavailable(f"{what} does not resolve from {repository} ({artifacts}); Maven said:\n{detail}")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    jars = lib_jars(target)
    if log is not None:
        print(
            f"fakedruid: resolved {len(jars)} jars in {time.monotonic() - started:.0f} s into {target}",
            file=log,
            flush=True,
        )
    return jars


def resolve_classpath(
    version: str,
    *,
    java_home: Path | None = None,
    root: Path | None = None,
    repository: str | None = None,
    log: IO[str] | None = None,
) -> Path:
    """Resolve Druid ``version``'s runtime classpath into ``<cache>/druid/<version>/lib`` (once) and return it.
    A release with :data:`RECIPES` stubs also gets ``lib/fakedruid-stubs.jar`` (compiled with ``java_home``'s
    ``javac``).

    :param java_home: the JDK Maven runs on (Maven needs one; any works).
    :param root: the cache root (default :func:`cache_root`).
    :param repository: the Maven repository (default ``FAKEDRUID_MAVEN_REPOSITORY`` or Central).
    :param log: a text stream for progress lines (default: none).
    :raises ToolMissing: Maven is missing (or ``javac``, for a release that needs stubs).
    :raises VersionUnavailable: the version is unknown or does not resolve; the message carries Maven's error.
    """
    parse_druid_version(version)
    stubs = recipe_for(version).stubs
    vdir = version_dir(version, root)
    return _resolve_once(
        pom_xml(version),
        vdir / "lib",
        vdir / COMPLETE_MARKER,
        what=f"Druid {version}",
        artifacts=f"org.apache.druid:druid-services:{version} and its runtime dependencies",
        java_home=java_home,
        repository=repository,
        log=log,
        finish=(lambda lib: build_stubs(stubs, lib, java_home=java_home)) if stubs else None,
    )


def resolve_extension(
    version: str,
    name: str,
    *,
    java_home: Path | None = None,
    root: Path | None = None,
    repository: str | None = None,
    log: IO[str] | None = None,
) -> Path:
    """Resolve the Druid extension ``name`` of release ``version`` into
    ``<cache>/druid/<version>/extensions/<name>`` (once) and return that directory. Its jars go on the
    Coordinator's classpath, where Druid's service loading finds the extension's modules
    (``druid.extensions.searchCurrentClassloader``, true by default).

    :raises ToolMissing: Maven is missing.
    :raises VersionUnavailable: the version or extension is unknown or does not resolve.
    """
    pom = extension_pom_xml(version, name)
    edir = version_dir(version, root) / "extensions"
    return _resolve_once(
        pom,
        edir / name,
        edir / f"{name}.complete",
        what=f"The Druid extension {name} of Druid {version}",
        artifacts=f"org.apache.druid.extensions:{name}:{version} and its runtime dependencies",
        java_home=java_home,
        repository=repository,
        log=log,
    )


def _resolve_once(
    pom: str,
    target: Path,
    marker: Path,
    *,
    what: str,
    artifacts: str,
    java_home: Path | None,
    repository: str | None,
    log: IO[str] | None,
    finish: Callable[[Path], object] | None = None,
) -> Path:
    """``target`` resolved from ``pom`` (:func:`_copy_dependencies`), unless ``marker`` says it already is;
    ``finish`` then adds to it (the stub jar), and ``marker`` (its jars' names) is written last."""
    if marker.exists() and lib_jars(target):
        return target
    _copy_dependencies(
        pom, target, what=what, artifacts=artifacts, java_home=java_home, repository=repository, log=log
    )
    if finish is not None:
        finish(target)
    marker.write_text("\n".join(j.name for j in lib_jars(target)) + "\n", encoding="utf-8")
    return target


#: The Java source every stub module is generated from (its package line and class name are replaced).
STUB_SOURCE = "StubModule.java"
STUBS_JAR = "fakedruid-stubs.jar"


def stub_source(class_name: str) -> str:
    """The Java source of an empty Guice module named ``class_name`` (fully qualified), from
    ``StubModule.java``."""
    package, _, simple = class_name.rpartition(".")
    if not package or not simple.isidentifier():
        raise ValueError(f"Not a fully qualified class name: [{class_name}]")
    template = resources.files("fakedruid.real").joinpath(STUB_SOURCE).read_text(encoding="utf-8")
    text = template.replace("package org.apache.druid.fakedruid.stub;", f"package {package};")
    return text.replace("StubModule", simple)


def build_stubs(class_names: tuple[str, ...], lib: Path, *, java_home: Path | None) -> Path:
    """Compile empty Guice modules named ``class_names`` against ``lib`` into ``lib/fakedruid-stubs.jar``.

    :raises ToolMissing: the JDK has no ``javac`` or ``jar``.
    """
    bindir = (java_home / "bin") if java_home is not None else None
    javac = str(bindir / "javac") if bindir is not None else shutil.which("javac")
    jar = str(bindir / "jar") if bindir is not None else shutil.which("jar")
    if not javac or not jar or not Path(javac).exists() or not Path(jar).exists():
        raise ToolMissing(f"fakedruid needs a full JDK (javac and jar) to build {STUBS_JAR}; found {java_home}")
    with tempfile.TemporaryDirectory(prefix="fakedruid-stubs-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "classes"
        files = []
        for name in class_names:
            path = src / (name.replace(".", "/") + ".java")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(stub_source(name), encoding="utf-8")
            files.append(str(path))
        out.mkdir()
        for cmd in (
            [javac, "-nowarn", "-cp", f"{lib}/*", "-d", str(out), *files],
            [jar, "--create", "--file", str(lib / STUBS_JAR), "-C", str(out), "."],
        ):
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
            if proc.returncode != 0:
                raise ToolMissing(f"Building {STUBS_JAR} failed ({Path(cmd[0]).name}):\n{proc.stdout[-2000:]}")
    return lib / STUBS_JAR
