"""FIDELITY.md is what ``python3 -m tools.gen_fidelity`` writes from the committed differential records."""

from __future__ import annotations

from tools import gen_fidelity


def test_fidelity_md_is_generated_from_the_records() -> None:
    assert gen_fidelity.RECORDS.is_dir() and any(gen_fidelity.RECORDS.glob("*.json")), "no fidelity/*.json records"
    actual = gen_fidelity.OUTPUT.read_text(encoding="utf-8")
    assert actual == gen_fidelity.render(), "FIDELITY.md is stale: run python3 -m tools.gen_fidelity"
