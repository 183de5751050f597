"""The package's layers, checked by walking imports with ``ast`` (STYLE.md convention 1)."""

from __future__ import annotations

import ast
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "fakedruid"
FRAMEWORKS = {"flask", "werkzeug", "pytest", "hypothesis", "requests"}


def imported_modules(path: pathlib.Path) -> set[str]:
    """Every module ``path`` imports at run time (absolute imports; ``if TYPE_CHECKING:`` blocks do not run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            node.body = []
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def modules_under(folder: pathlib.Path) -> list[pathlib.Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("path", modules_under(PACKAGE / "model"), ids=lambda p: p.name)
def test_model_module_imports_only_stdlib_and_model(path: pathlib.Path) -> None:
    for name in imported_modules(path):
        top = name.split(".")[0]
        if top == "fakedruid":
            assert name.startswith(("fakedruid.model", "fakedruid.errors")), f"{path.name} imports {name}"
        else:
            assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"


@pytest.mark.parametrize("path", modules_under(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_allowed_modules_import_frameworks(path: pathlib.Path) -> None:
    rel = path.relative_to(PACKAGE).as_posix()
    tops = {name.split(".")[0] for name in imported_modules(path)}
    if rel == "strategies.py":
        allowed = {"hypothesis"}
    elif rel == "testing.py":
        allowed = {"requests", "pytest"}
    elif rel.startswith("api/") or rel == "server.py" or rel == "cli.py":
        allowed = {"flask", "werkzeug"}
    else:
        allowed = set()
    assert tops & FRAMEWORKS <= allowed, f"{rel} imports {sorted(tops & FRAMEWORKS - allowed)}"


def test_model_never_imports_api() -> None:
    for path in modules_under(PACKAGE / "model"):
        assert not any(n.startswith("fakedruid.api") for n in imported_modules(path)), path.name


def test_package_init_imports_no_test_framework() -> None:
    tops = {name.split(".")[0] for name in imported_modules(PACKAGE / "__init__.py")}
    assert not tops & {"pytest", "hypothesis"}


def test_plugin_module_imports_only_pytest_at_top_level() -> None:
    tree = ast.parse((ROOT / "conftest_plugin.py").read_text(encoding="utf-8"))
    top_level = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_level.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            top_level.add(node.module.split(".")[0])
    assert top_level <= {"pytest", "__future__", "os", "typing", "collections", "dataclasses"}, top_level


@pytest.mark.parametrize("path", modules_under(PACKAGE / "render"), ids=lambda p: p.name)
def test_render_module_imports_only_stdlib_model_and_render(path: pathlib.Path) -> None:
    for name in imported_modules(path):
        top = name.split(".")[0]
        if top == "fakedruid":
            assert name.startswith(("fakedruid.model", "fakedruid.errors", "fakedruid.render")), f"{path.name} imports {name}"
        else:
            assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"
