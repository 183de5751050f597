"""Scale benchmark of the model (issue: 100,000+ segments per datasource must stay fast).

Run: ``python3 benchmarks/bench_model.py``. Builds one datasource of N segments (hourly intervals, each with
10 numbered partitions of version v1, every other hour also 10 partitions of a newer v2) for N = 100,000 and
200,000, and times: the overshadowed ids (cold cache), mark-all-used (after marking everything unused) and
mark-unused-by-interval (half the hours), and the served view (cold cache). It prints seconds, the 200k/100k ratio of each operation (target:
at most 2.3, no quadratic step) and each time as a multiple of a baseline measured in the same run (a plain
Python pass over the same rows), since the machine is noisy. Each figure is the fastest of 5 runs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

sys.path.insert(0, ".")

from fakedruid.model.clock import FrozenClock  # noqa: E402
from fakedruid.model.cluster import Cluster  # noqa: E402
from fakedruid.model.intervals import MS_PER_HOUR, Interval, parse_instant  # noqa: E402
from fakedruid.model.segments import DataSegment  # noqa: E402
from fakedruid.model.shard_specs import numbered  # noqa: E402

START = parse_instant("2020-01-01T00:00:00Z")
PARTITIONS = 10


def build(n_segments: int) -> tuple[Cluster, int]:
    """A cluster with about ``n_segments`` segments in datasource "bench"; returns it and the hour count."""
    hours = round(n_segments / (PARTITIONS * 1.5))
    specs = [numbered(p, PARTITIONS) for p in range(PARTITIONS)]
    segments = []
    for h in range(hours):
        iv = Interval(START + h * MS_PER_HOUR, START + (h + 1) * MS_PER_HOUR)
        segments.extend(DataSegment("bench", iv, "v1", shard_spec=s, size=1) for s in specs)
        if h % 2 == 0:
            segments.extend(DataSegment("bench", iv, "v2", shard_spec=s, size=1) for s in specs)
    cluster = Cluster(clock=FrozenClock(START))
    cluster.add_data_segments(segments)
    return cluster, hours


def timed(fn: Callable[[], object], repeat: int = 5, setup: Callable[[], object] | None = None) -> float:
    """Fastest seconds of ``fn`` over ``repeat`` runs, each after ``setup`` (the least disturbed run)."""
    runs = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return min(runs)


def measure(n_segments: int) -> dict[str, float]:
    cluster, hours = build(n_segments)
    rows = cluster.records("bench")
    ds = cluster._datasources["bench"]  # the cache is private; clear it so each run is cold
    half = Interval(START, START + (hours // 2) * MS_PER_HOUR)
    out = {
        "segments": float(len(rows)),
        "baseline": timed(lambda: sum(1 for r in ds.records.values() if r.used and r.segment.size >= 0)),
        "overshadowed": timed(lambda: cluster.overshadowed_segment_ids("bench"), setup=ds.changed),
        "mark_all_used": timed(
            lambda: cluster.mark_used_in_interval("bench"), setup=lambda: cluster.mark_all_unused("bench")
        ),
        "served_view": timed(lambda: cluster.served("bench"), setup=ds.changed),
        "mark_unused_interval": timed(
            lambda: cluster.mark_unused_in_interval("bench", half), setup=lambda: cluster.mark_used_in_interval("bench")
        ),
    }
    return out


def main() -> None:
    small, large = measure(100_000), measure(200_000)
    print(f"{'operation':<22}{'100k s':>9}{'200k s':>9}{'200k/100k':>11}{'100k/baseline':>15}")
    for key in ("overshadowed", "mark_all_used", "mark_unused_interval", "served_view", "baseline"):
        print(
            f"{key:<22}{small[key]:>9.3f}{large[key]:>9.3f}{large[key] / small[key]:>11.2f}"
            f"{small[key] / small['baseline']:>15.1f}"
        )
    print(f"segments: {int(small['segments'])} and {int(large['segments'])}")


if __name__ == "__main__":
    main()
