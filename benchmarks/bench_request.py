"""Speed of one request through the fake (issue 13), printed in one run with the targets.

Run: ``python3 benchmarks/bench_request.py``. Prints:

1. a data-management request (``POST .../markUnused`` with an interval, profile "29", on a small served
   datasource) through Flask's test client, against a no-op Flask route given the same JSON body through the
   same kind of client, measured in the same run: the ratio (target: at most 1.3);
2. ``import fakedruid`` minus ``import flask``, each timed in fresh subprocesses, fastest of N (target: at most
   60 ms);
3. the same markUnused request on a datasource of about 100,000 segments whose served view is not cached
   (target: under 300 ms), fastest of 5;
4. the model's other 100,000-segment figures of ``bench_model.py`` (the README's table), for comparison.

Each figure is the fastest of several runs, since the machine is noisy.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask, Response  # noqa: E402

from benchmarks.bench_model import MS_PER_HOUR, START, build, measure  # noqa: E402
from fakedruid import FakeCoordinator  # noqa: E402
from fakedruid.model.intervals import format_instant  # noqa: E402

RATIO_TARGET, IMPORT_TARGET_MS, MARK_100K_TARGET_MS = 1.3, 60.0, 300.0
PATH = "/druid/coordinator/v1/datasources/wiki/markUnused"
BODY = {"interval": "2020-01-01T00:00:00.000Z/2020-01-01T12:00:00.000Z"}


def best(fn: Callable[[], object], *, repeat: int, number: int = 1, setup: Callable[[], object] | None = None) -> float:
    """Fastest seconds per call of ``fn`` over ``repeat`` rounds of ``number`` calls."""
    runs = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - t0) / number)
    return min(runs)


def request_ratio() -> tuple[float, float]:
    """Seconds per markUnused request through the fake and per request to a no-op route."""
    fake = FakeCoordinator(now="2020-06-01T00:00:00Z")
    for hour in range(23):
        fake.add_segment("wiki", f"2020-01-01T{hour:02d}:00:00Z/2020-01-01T{hour + 1:02d}:00:00Z", "v1")
    fake.record_requests = True
    client = fake.client

    noop = Flask("noop")

    @noop.post(PATH)
    def _noop() -> Response:
        return Response("{}", mimetype="application/json")

    noop_client = noop.test_client()
    assert client.post(PATH, json=BODY).status_code == 200
    assert noop_client.post(PATH, json=BODY).status_code == 200

    def fake_request() -> None:
        client.post(PATH, json=BODY)
        fake.clear_requests()  # keep the journal from growing over the run

    def noop_request() -> None:
        noop_client.post(PATH, json=BODY)

    # Interleaved rounds, so both see the same machine load.
    fake_s = noop_s = float("inf")
    for _ in range(7):
        fake_s = min(fake_s, best(fake_request, repeat=1, number=300))
        noop_s = min(noop_s, best(noop_request, repeat=1, number=300))
    return fake_s, noop_s


def _import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def import_cost(rounds: int = 15) -> tuple[float, float]:
    """Fastest seconds to import fakedruid and flask, each in fresh interpreters."""
    fakedruid_s = flask_s = float("inf")
    for _ in range(rounds):
        fakedruid_s = min(fakedruid_s, _import_seconds("fakedruid"))
        flask_s = min(flask_s, _import_seconds("flask"))
    return fakedruid_s, flask_s


def mark_unused_100k() -> tuple[float, int]:
    """Seconds for markUnused by interval (half the hours) on ~100,000 segments, the served view not cached."""
    fake = FakeCoordinator(now="2030-01-01T00:00:00Z")
    cluster, hours = build(100_000)
    fake.cluster.add_data_segments(r.segment for r in cluster.records("bench"))
    interval = f"{format_instant(START)}/{format_instant(START + (hours // 2) * MS_PER_HOUR)}"
    client = fake.client
    path = "/druid/coordinator/v1/datasources/bench/markUnused"

    def request() -> None:
        response = client.post(path, json={"interval": interval})
        assert response.status_code == 200, response.get_data(as_text=True)

    # Each run starts with every segment used again (which also drops the served view's cache).
    seconds = best(request, repeat=5, setup=lambda: fake.cluster.mark_used_in_interval("bench"))
    return seconds, len(fake.cluster.segment_ids("bench"))


def main() -> int:
    fake_s, noop_s = request_ratio()
    ratio = fake_s / noop_s
    fakedruid_s, flask_s = import_cost()
    extra_ms = (fakedruid_s - flask_s) * 1000
    mark_s, n_segments = mark_unused_100k()
    model = measure(100_000)

    met = [ratio <= RATIO_TARGET, extra_ms <= IMPORT_TARGET_MS, mark_s * 1000 < MARK_100K_TARGET_MS]
    print(f"markUnused request vs no-op route: {fake_s * 1e6:.0f} us / {noop_s * 1e6:.0f} us = {ratio:.2f}x "
          f"(target <= {RATIO_TARGET}) {'met' if met[0] else 'NOT MET'}")
    print(f"import fakedruid - import flask:   {fakedruid_s * 1000:.1f} ms - {flask_s * 1000:.1f} ms = "
          f"{extra_ms:.1f} ms (target <= {IMPORT_TARGET_MS:.0f} ms) {'met' if met[1] else 'NOT MET'}")
    print(f"markUnused by interval, {n_segments} segments, served view not cached: {mark_s * 1000:.0f} ms "
          f"(target < {MARK_100K_TARGET_MS:.0f} ms) {'met' if met[2] else 'NOT MET'}")
    print(f"model at {int(model['segments'])} segments (README table): "
          + ", ".join(f"{k} {model[k]:.3f} s" for k in ("overshadowed", "mark_all_used", "mark_unused_interval",
                                                        "served_view")))
    return 0 if all(met) else 1


if __name__ == "__main__":
    raise SystemExit(main())
