"""How the contract suite starts its targets: the parametrization of a target fixture and a real Druid's boot.

Layer: tests (contract). Shared by ``tests/contract/conftest.py`` (``coordinator``) and
``tests/contract/test_basic_security.py`` (``secured``).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest

from fakedruid.testing import DruidTarget

#: The params of a target fixture: a fake per profile (``fake``), then the real Druid (``real``), as
#: ``(kind, profile)``.
TARGET_PARAMS = [
    pytest.param(("fake", "29"), marks=pytest.mark.fake, id="fake-29"),
    pytest.param(("fake", "33"), marks=pytest.mark.fake, id="fake-33"),
    pytest.param(("fake", "latest"), marks=pytest.mark.fake, id="fake-latest"),
    pytest.param(("real", None), marks=pytest.mark.real, id="real"),
]


def boot_real(option: str, version: str, **options: Any) -> DruidTarget:
    """Boot a real Druid ``version`` (``DruidTarget.start_real`` with ``options``), asked for by the command-line
    ``option``. Java or Maven missing: a skip, or a failure when ``CI`` is set; a failed boot: a failure."""
    from fakedruid.real import RealDruidError, ToolMissing

    try:
        return DruidTarget.start_real(version, log=sys.stderr, **options)
    except ToolMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{option} {version}: {exc.message}", pytrace=False)
        pytest.skip(f"{option} {version}: {exc.message}")
    except RealDruidError as exc:
        pytest.fail(f"{option} {version}: {exc.message}", pytrace=False)


def skip_without_overlord(version: str, why: str) -> None:
    """Skip where a release runs as a Coordinator alone (``fakedruid.real.maven.Recipe.overlord``: 31.0.1, whose
    Overlord does not run from the jars the Maven repository has) and the test needs the Overlord."""
    from fakedruid.real.maven import recipe_for

    if not recipe_for(version).overlord:
        pytest.skip(f"{why}, which needs an Overlord: Druid {version} runs here as a Coordinator alone "
                    "(fakedruid/real/maven.py)")


#: The ``coordinator`` fixture's params: also profile "31" (Druid 30-31), whose data-management expectations were
#: measured on 31.0.1 (basic security was not, so ``test_basic_security.py`` keeps :data:`TARGET_PARAMS`).
COORDINATOR_PARAMS = [
    *TARGET_PARAMS[:1],
    pytest.param(("fake", "31"), marks=pytest.mark.fake, id="fake-31"),
    *TARGET_PARAMS[1:],
]
