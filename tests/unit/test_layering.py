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


# ---------------------------------------------------------------------- import cycles (issue 13)


def _module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _all_imports(path: pathlib.Path, known: set[str]) -> set[str]:
    """Every fakedruid module ``path`` imports anywhere: top level, inside functions and under ``TYPE_CHECKING``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.add(candidate if candidate in known else base)
    return {name for name in out if name in known and name != here}


def _import_graph() -> dict[str, set[str]]:
    paths = modules_under(PACKAGE)
    known = {_module_name(p) for p in paths}
    return {_module_name(p): _all_imports(p, known) for p in paths}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_fakedruid_has_no_import_cycle_counting_type_checking_and_local_imports() -> None:
    cycles = _cycles(_import_graph())
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_import_cycle_check_finds_a_cycle() -> None:
    # The checker itself reports a cycle, so the test above can fail.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_import_graph_sees_the_model_edges() -> None:
    graph = _import_graph()
    assert "fakedruid.model.cluster" in graph["fakedruid.model.duties"]
    assert "fakedruid.model.tasks" in graph["fakedruid.model.cluster"]
    assert "fakedruid.model.cluster" not in graph["fakedruid.model.tasks"]


def test_model_dependencies_go_one_way_duties_cluster_tasks() -> None:
    graph = _import_graph()
    assert "fakedruid.model.duties" not in graph["fakedruid.model.cluster"]
    assert "fakedruid.model.cluster" not in graph["fakedruid.model.tasks"]
    assert "fakedruid.model.duties" not in graph["fakedruid.model.tasks"]


@pytest.mark.parametrize(
    "path",
    modules_under(PACKAGE / "api") + modules_under(PACKAGE / "render"),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_api_module_takes_no_lock(path: pathlib.Path) -> None:
    # The model takes its lock once per action; the api and the renderers never do (issues 13 and 15).
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"lock", "_lock", "acquire", "RLock", "Lock"}:
            pytest.fail(f"{path.name}:{node.lineno} uses .{node.attr}")
        if isinstance(node, ast.Name) and node.id in {"RLock", "Lock"}:
            pytest.fail(f"{path.name}:{node.lineno} uses {node.id}")


def test_harness_and_settings_import_no_framework_and_no_api() -> None:
    for name in ("harness.py", "settings.py"):
        imported = imported_modules(PACKAGE / name)
        assert not {n.split(".")[0] for n in imported} & FRAMEWORKS, name
        assert not any(n.startswith("fakedruid.api") for n in imported), name
@pytest.mark.parametrize("path", modules_under(PACKAGE / "render"), ids=lambda p: p.name)
def test_render_module_imports_only_stdlib_model_and_render(path: pathlib.Path) -> None:
    for name in imported_modules(path):
        top = name.split(".")[0]
        if top == "fakedruid":
            allowed = ("fakedruid.model", "fakedruid.errors", "fakedruid.render")
            assert name.startswith(allowed), f"{path.name} imports {name}"
        else:
            assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"
