"""IMPLEMENTED.md is what ``tools/gen_implemented.py`` writes from the path table and the fake's answers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_implemented_md_is_generated_from_the_path_table() -> None:
    spec = importlib.util.spec_from_file_location("gen_implemented", ROOT / "tools" / "gen_implemented.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    actual = (ROOT / "IMPLEMENTED.md").read_text(encoding="utf-8")
    assert actual == expected, "IMPLEMENTED.md is stale: run python3 tools/gen_implemented.py"
