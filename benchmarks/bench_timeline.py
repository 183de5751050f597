"""Render-time benchmark of the timeline page (issue 15: 10,000 segments must render in under a second).

Run: ``python3 benchmarks/bench_timeline.py``. Builds one datasource of 10,000 segments (2,500 hours; every
hour has two partitions of v1, every other hour a newer v2 over it, and one segment in 20 is marked unused) and
times, each as the fastest of 5 runs:

* the snapshot (the states, copied out of the cluster under its lock), the SVG and the text timeline;
* the whole page, ``GET /fakedruid/datasources/bench`` through the Flask test client, and one poll of the
  pages' live refresh, ``GET /fakedruid/v1/version``;
* the baseline, measured in the same run: ``GET /druid/coordinator/v1/datasources/bench/segments?full`` (the JSON
  of every used segment), since the machine is noisy;
* when Debian's chromium is installed (and ``websocket-client``), the page in headless chromium: navigation to the
  load event, which includes parsing and laying out the SVG.

It prints seconds, each server-side figure as a multiple of the baseline, and the drawing's element count.
"""

from __future__ import annotations

import sys
import time

sys.path.insert(0, ".")
sys.path.insert(0, "benchmarks")

from bench_model import timed  # noqa: E402

from fakedruid import FakeCoordinator  # noqa: E402
from fakedruid.model.intervals import MS_PER_HOUR, Interval, parse_instant  # noqa: E402
from fakedruid.model.segments import DataSegment  # noqa: E402
from fakedruid.model.shard_specs import numbered  # noqa: E402
from fakedruid.render.snapshot import take_snapshot  # noqa: E402
from fakedruid.render.svg import render_svg  # noqa: E402
from fakedruid.render.timeline_text import render_text  # noqa: E402

START = parse_instant("2020-01-01T00:00:00Z")
DS = "bench"


def build(n_segments: int = 10_000) -> FakeCoordinator:
    fake = FakeCoordinator(now="2030-01-01T00:00:00Z")
    segments = []
    hour = 0
    while len(segments) < n_segments:
        iv = Interval(START + hour * MS_PER_HOUR, START + (hour + 1) * MS_PER_HOUR)
        segments.extend(DataSegment(DS, iv, "v1", shard_spec=numbered(p, 2), size=1000, num_rows=10) for p in (0, 1))
        if hour % 2 == 0:
            segments.extend(DataSegment(DS, iv, "v2", shard_spec=numbered(p, 2), size=900, num_rows=9) for p in (0, 1))
        hour += 1
    fake.cluster.add_data_segments(segments[:n_segments])
    fake.cluster.mark_unused_by_ids(DS, [s.id for s in segments[:n_segments:20]])
    return fake


def browser_seconds(fake: FakeCoordinator) -> float | None:
    """Navigation to the load event of the timeline page in headless chromium, or None without one."""
    try:
        from tests.browser.chromium import Chromium, find_chromium
    except ImportError:
        return None
    executable = find_chromium()
    if executable is None:
        return None
    try:
        import websocket  # noqa: F401
    except ImportError:
        return None
    runs = []
    with fake, Chromium(executable) as browser:
        for _ in range(5):
            browser.navigate("about:blank")
            t0 = time.perf_counter()
            browser.navigate(f"{fake.url}/fakedruid/datasources/{DS}")
            # One frame after the load event: the SVG is laid out and painted.
            browser.evaluate("new Promise(r => requestAnimationFrame(() => r(1)))")
            runs.append(time.perf_counter() - t0)
    return min(runs)


def main() -> None:
    fake = build()
    client = fake.client
    snap = take_snapshot(fake.cluster, DS)
    svg = render_svg(snap)
    figures = {
        "baseline: GET segments?full": timed(lambda: client.get(f"/druid/coordinator/v1/datasources/{DS}/segments?full")),
        "snapshot": timed(lambda: take_snapshot(fake.cluster, DS)),
        "SVG": timed(lambda: render_svg(snap)),
        "text timeline": timed(lambda: render_text(snap)),
        "page (GET /fakedruid/datasources/bench)": timed(lambda: client.get(f"/fakedruid/datasources/{DS}")),
        "live-refresh poll (GET /fakedruid/v1/version)": timed(lambda: client.get("/fakedruid/v1/version")),
    }
    base = figures["baseline: GET segments?full"]
    rects, aggregates = svg.count("<rect"), svg.count('class="agg"')
    print(f"{len(snap.segments):,} segments; the SVG has {rects:,} rects, {aggregates:,} aggregates, {len(svg) / 1024:.0f} KiB")
    for name, seconds in figures.items():
        print(f"{name:47s} {seconds:8.3f} s  {seconds / base:6.2f} x baseline")
    in_browser = browser_seconds(fake)
    if in_browser is None:
        print("page in headless chromium: skipped (no chromium or websocket-client)")
    else:
        print(f"{'page in headless chromium (to first frame)':47s} {in_browser:8.3f} s")


if __name__ == "__main__":
    main()
