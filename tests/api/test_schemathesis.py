"""schemathesis against the live fake (a threaded server on 127.0.0.1), from the fake's own OpenAPI description.

Bounded: a few examples per operation, so the run stays within seconds. The checks: the fake never fails
(nothing recorded for ``check()``), a 500 only where Druid answers 500 (``x-druid-500``), JSON where the
description promises JSON, and 2xx bodies matching their schema. Operations the fake answers 501 are left out.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks

from fakedruid import FakeCoordinator
from fakedruid.api import openapi
from tests.support import NOW, seed_wiki

#: Examples per operation: about 90 operations per profile, so a few hundred requests in all
#: (``FAKEDRUID_SCHEMATHESIS_EXAMPLES`` raises it for a longer run).
EXAMPLES = int(os.environ.get("FAKEDRUID_SCHEMATHESIS_EXAMPLES", "4"))


@pytest.fixture(scope="module", params=["29", "latest"])
def live(request: pytest.FixtureRequest) -> Iterator[FakeCoordinator]:
    fake = FakeCoordinator(request.param, now=NOW, strict=False).start()
    yield fake
    fake.stop()


def _operations(fake: FakeCoordinator) -> list[Any]:
    # The description the live fake serves about itself.
    schema = schemathesis.openapi.from_url(f"{fake.url}/fakedruid/v1/openapi.json")
    return [
        op.ok()
        for op in schema.get_all_operations()
        if not openapi.not_implemented(op.ok().method, op.ok().path) and not op.ok().path.startswith("/fakedruid/")
    ]


def test_schemathesis_finds_no_failure(live: FakeCoordinator) -> None:
    failures: list[str] = []
    stats: collections.Counter[str] = collections.Counter()
    for operation in _operations(live):

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            live.reset()
            seed_wiki(live, hours=range(0, 3), unused=(2,))
            response = case.call(base_url=live.url, headers={"Accept": "application/json"})
            stats["examples"] += 1
            live.check()  # an exception inside the fake fails at once
            where = f"{case.method} {case.path} -> {response.status_code}"
            if response.status_code == 500 and not openapi.druid_500(case.method, case.path):
                failures.append(f"{where}: a 500 Druid does not send: {response.text[:200]}")
            try:
                case.validate_response(
                    response, checks=[checks.content_type_conformance, checks.response_schema_conformance]
                )
            except BaseException as exc:  # schemathesis raises a FailureGroup (an exception group)
                failures.append(f"{where}: {str(exc)[:300]}")

        run()
    print(f"schemathesis: {stats['examples']} examples, {len(failures)} failures")
    assert stats["examples"] >= len(_operations(live))
    assert failures == []
