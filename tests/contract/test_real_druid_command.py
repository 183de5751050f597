"""``fakedruid real-druid start`` end to end: the listening line, the seed document's curl examples, and a
SIGTERM that leaves no process behind. Runs only with ``--druid-real VERSION`` (it boots a second cluster).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from fakedruid.testing import DOC_HEADERS, eventually

pytestmark = pytest.mark.real

ROOT = Path(__file__).resolve().parents[2]
DOC_ID = "wikipedia_hour_2015-09-12T06:00:00.000Z_2015-09-12T07:00:00.000Z_2023-08-10T04:12:03.860Z"


def _processes_in(workdir: Path) -> list[int]:
    """Pids of processes whose working directory is ``workdir`` (the JVMs run there)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == workdir:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@pytest.fixture
def started(pytestconfig: pytest.Config, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    version = pytestconfig.getoption("--druid-real")
    if not version:
        pytest.skip("boots a real Druid: pass --druid-real VERSION")
    if not Path("/proc/self/cwd").exists():
        pytest.skip("needs /proc to find the started processes")
    workdir = tmp_path / "druid"
    proc = subprocess.Popen(
        [sys.executable, "-m", "fakedruid", "real-druid", "start", "--version", version, "--port", "0",
         "--workdir", str(workdir), "--seed", str(ROOT / "examples" / "wikipedia_hour.json")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the cluster is ready (or the command died)
        assert line.startswith(f"real druid {version} listening on http://127.0.0.1:"), line
        yield proc, line.split()[-1], workdir
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=120)
        if proc.stdout is not None:
            proc.stdout.close()


def test_start_seeds_serves_the_doc_examples_and_stops_cleanly(
    started: tuple[subprocess.Popen[str], str, Path],
) -> None:
    proc, url, workdir = started
    coordinator = f"{url}/druid/coordinator/v1"
    assert _processes_in(workdir), "the JVMs run in the working directory"
    used = requests.get(f"{coordinator}/metadata/datasources/wikipedia_hour/segments", timeout=30).json()
    assert DOC_ID in used
    # The seed document's example: mark one segment unused.
    resp = requests.delete(f"{coordinator}/datasources/wikipedia_hour/segments/{DOC_ID}", headers=DOC_HEADERS,
                           timeout=30)
    assert resp.status_code in (200, 500)  # 33.0.0's forwarded call answers 500 after the change (see README)

    def gone() -> None:
        ids = requests.get(f"{coordinator}/metadata/datasources/wikipedia_hour/segments", timeout=30).json()
        assert DOC_ID not in ids

    eventually(gone, timeout=30, interval=0.5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 0
    assert _processes_in(workdir) == []
