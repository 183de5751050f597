"""The README's code blocks are the tested ones: the pytest examples verbatim, the Python API example run."""

from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MARK = "# --- README snippet starts here ---\n"


def readme_python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("name", ["test_readme_quickstart.py", "test_readme_marker.py", "test_readme_ingest.py"])
def test_readme_pytest_example_is_the_tested_file(name: str) -> None:
    snippet = (ROOT / "tests" / "examples" / name).read_text(encoding="utf-8").split(MARK, 1)[1]
    assert snippet.strip() in [block.strip() for block in readme_python_blocks()]


@pytest.mark.parametrize(
    "name", ["test_readme_airflow.py", "test_readme_ingest_dag.py", "dags/druid_ingest_pipeline.py"]
)
def test_readme_airflow_example_is_the_tested_file(name: str) -> None:
    # The test itself runs in the real-client suite (tests/clients), where Airflow is installed.
    snippet = (ROOT / "tests" / "clients" / name).read_text(encoding="utf-8").split(MARK, 1)[1]
    assert snippet.strip() in [block.strip() for block in readme_python_blocks()]


def test_readme_python_api_example_runs() -> None:
    (block,) = [b for b in readme_python_blocks() if b.startswith("from fakedruid import FakeCoordinator")]
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    fake = namespace["fake"]
    assert fake.segment_ids("wiki") == set()  # type: ignore[attr-defined]  # the example ends with reset()
