"""The differential machine's step mix (tests/contract/test_differential.py), measured without a real Druid.

The machine runs derandomized, and no step's choice depends on an answer, so stub sides that answer every step
alike see the very steps the CI run against a real Druid sends. Each endpoint family must get a share near its
weight in ``STEP_FAMILIES``, and every read case must run: with one rule per family, Hypothesis's rule order
gave mark-all-unused 293 of 1,014 steps on 28.0.0 and some read cases one or two steps in 300 sequences.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

import tests.contract.test_differential as td
from tests.contract import differences as dif
from tests.contract.known_differences import V28, V33

pytestmark = pytest.mark.fake

#: The CI run's sequences (test_differential: 300 sequences of 5 steps under CI=true).
SEQUENCES = 300


class _Side:
    """A side that accepts every reset and seed (the machine reads only ``profile`` from it)."""

    def __init__(self, profile: str) -> None:
        self.profile = profile

    def reset(self, **options: Any) -> None:
        pass

    def seed(self, *args: Any, **kwargs: Any) -> None:
        pass


class _Counting(td.Differential):
    """Counts the steps per family and per read case instead of sending them."""

    def __init__(self, version: str, profile: str) -> None:
        super().__init__(_Side(profile), _Side(profile), version, td.Record())  # type: ignore[arg-type]
        self.steps: Counter[str] = Counter()

    def send(self, step: dif.Step, *, write: bool) -> tuple[dif.Answer, dif.Answer]:
        self.compared += 1
        case = step.case if step.case.startswith("?") or step.case == "plain" else "id"
        self.steps[f"{step.endpoint} {case}" if step.method == "GET" else f"{step.endpoint}"] += 1
        answer = dif.Answer(200, "application/json", None, b"")
        return answer, answer

    def settle(self, ds: str) -> None:
        pass

    def state(self, ds: str) -> None:
        pass


#: The endpoint each write family sends to.
_WRITES = {
    "mark_segment_used": "POST /datasources/{ds}/segments/{id}",
    "mark_segment_unused": "DELETE /datasources/{ds}/segments/{id}",
    "mark_all_used": "POST /datasources/{ds}",
    "mark_all_unused": "DELETE /datasources/{ds}",
    "mark_used_by_payload": "POST /datasources/{ds}/markUsed",
    "mark_unused_by_payload": "POST /datasources/{ds}/markUnused",
    "set_rules": "POST /rules/{ds}",
}
#: The number of read cases per read family.
_READS = {"read_metadata": 10, "read_served": 10, "read_rules": 5}


@pytest.mark.parametrize("version, profile", [(V28, "29"), (V33, "latest")])
def test_every_step_family_gets_its_share(version: str, profile: str) -> None:
    counting = _Counting(version, profile)
    td._run(td.machine_for(counting), SEQUENCES, 5)
    steps = sum(counting.steps.values())
    families = td._step_families(version == V33)
    for family, endpoint in _WRITES.items():
        share = families.count(family) / len(families)
        n = counting.steps[endpoint]
        if share == 0:
            assert n == 0, f"{family} is left out on {version}, but ran {n} times"
        else:
            assert share / 2 <= n / steps <= share * 2, f"{family}: {n} of {steps} steps, weight share {share:.2f}"
    reads = {k: v for k, v in counting.steps.items() if k.startswith("GET ")}
    assert len(reads) == sum(_READS.values()), sorted(reads)  # every read case ran
    read_share = sum(families.count(f) for f in _READS) / len(families)
    assert sum(reads.values()) / steps <= read_share * 1.5
    assert min(reads.values()) >= 5, sorted(reads.items(), key=lambda kv: kv[1])[:3]
