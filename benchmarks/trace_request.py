"""Trace one data-management request through the fake and count the files it touches (issue 13).

Run: ``python3 benchmarks/trace_request.py``. Seeds one datasource, answers one ``POST .../markUnused`` with an
interval first (so the served view is cached), then traces a second, identical request with
:func:`sys.setprofile` and prints, for the files of the fake (``fakedruid/``) only: how many files the request
touched, how many distinct functions ran, and how many times control switched from one file to another
(consecutive events in the same file count once; time spent in Flask, Werkzeug or the stdlib in between is not
a switch). Targets: at most 7 files and 12 switches. ``-v`` lists the sequence of files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakedruid import FakeCoordinator  # noqa: E402

PACKAGE = str(ROOT / "fakedruid")
DATASOURCE = "wiki"
PATH = f"/druid/coordinator/v1/datasources/{DATASOURCE}/markUnused"
BODY = {"interval": "2020-01-01T00:00:00.000Z/2020-01-01T12:00:00.000Z"}
MAX_FILES, MAX_SWITCHES = 7, 12


def _seeded() -> FakeCoordinator:
    fake = FakeCoordinator(now="2020-06-01T00:00:00Z")
    for hour in range(23):
        fake.add_segment(DATASOURCE, f"2020-01-01T{hour:02d}:00:00Z/2020-01-01T{hour + 1:02d}:00:00Z", "v1")
    return fake


def trace() -> tuple[list[str], set[str]]:
    """The files of the fake in event order (repeats collapsed) and the functions that ran, for one request."""
    fake = _seeded()
    client = fake.client
    client.post(PATH, json=BODY)  # warm up: routing, the served view's cache
    fake.cluster.add_segment(DATASOURCE, "2020-01-01T00:00:00Z/2020-01-01T01:00:00Z", "v0")  # something to mark
    fake.cluster.served(DATASOURCE)  # cached again
    files: list[str] = []
    functions: set[str] = set()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event not in ("call", "return"):
            return
        filename = frame.f_code.co_filename
        if not filename.startswith(PACKAGE):
            return
        rel = str(Path(filename).relative_to(ROOT))
        functions.add(f"{rel}:{frame.f_code.co_name}")
        if not files or files[-1] != rel:
            files.append(rel)

    sys.setprofile(profile)
    try:
        response = client.post(PATH, json=BODY)
    finally:
        sys.setprofile(None)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"numChangedSegments": 1}, response.get_json()
    return files, functions


def main(argv: list[str] | None = None) -> int:
    verbose = "-v" in (sys.argv[1:] if argv is None else argv)
    files, functions = trace()
    distinct = sorted(set(files))
    switches = len(files) - 1
    print(f"POST {PATH} (interval), served view cached")
    print(f"  files of the fake touched: {len(distinct)} (target <= {MAX_FILES}): {', '.join(distinct)}")
    print(f"  distinct functions:        {len(functions)}")
    print(f"  switches between files:    {switches} (target <= {MAX_SWITCHES})")
    if verbose:
        print("  sequence: " + " -> ".join(Path(f).name for f in files))
        for name in sorted(functions):
            print(f"    {name}")
    met = len(distinct) <= MAX_FILES and switches <= MAX_SWITCHES
    print("  targets met" if met else "  TARGETS NOT MET")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
