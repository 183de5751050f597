"""How long one durable write of the state takes at 100,000 segments: a full snapshot against a journal line.

Run: ``python3 benchmarks/bench_state_file.py [DIR]`` (DIR: where to write, default a temporary directory;
the figure depends on the disk). Builds the 100,000-segment datasource of ``bench_model.py`` and times, each
the fastest of 5 runs:

* ``export``: the state document (``Cluster.export_segments`` + rules), in memory;
* ``encode``: that document to compact JSON bytes;
* ``snapshot``: ``atomic_write`` of those bytes (temporary file, fsync, rename, fsync of the directory);
* ``full rewrite``: export + encode + snapshot, what a whole-document rewrite costs per acknowledged change;
* ``journal append``: one change appended and fsync-ed (what ``StateFile.append`` costs per change);
* ``commit 1 change``: what ``fakedruid serve --state-file`` pays per acknowledged change: one segment marked
  unused, then ``Persister.commit`` (the changed row and the rest of the state journaled and fsync-ed);
* ``baseline``: a plain unsynced write of the snapshot bytes, measured in the same run (the machine is noisy).

It prints seconds and each figure as a multiple of the journal append.
"""

from __future__ import annotations

import os
import sys
import tempfile

sys.path.insert(0, ".")
sys.path.insert(0, "benchmarks")

from bench_model import build, timed

from fakedruid.persistence import ClusterSource, Persister
from fakedruid.statefile import StateFile, atomic_write, encode


def main() -> None:
    cluster, _ = build(100_000)
    directory = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="fakedruid-bench-")
    path = os.path.join(directory, "state.json")

    def export() -> dict[str, object]:
        return {"segments": cluster.export_segments(), "rules": cluster.rules.to_state()}

    doc = export()
    data = encode(doc)
    state = StateFile(os.path.join(directory, "journal-bench.json"))
    change = {"op": "markUnused", "datasource": "bench", "interval": "2020-01-01/2020-01-02", "now": 0}

    persister = Persister(ClusterSource(cluster), StateFile(os.path.join(directory, "served.json")))
    persister.open()
    ids = sorted(cluster.segment_ids("bench", used=True))
    flips = iter(ids)

    def commit_one() -> None:
        cluster.mark_segment_unused("bench", next(flips))
        persister.commit()

    def plain() -> None:
        with open(path + ".plain", "wb") as handle:
            handle.write(data)

    figures = {
        "export": timed(export),
        "encode": timed(lambda: encode(doc)),
        "snapshot": timed(lambda: atomic_write(path, data)),
        "full rewrite": timed(lambda: atomic_write(path, encode(export()))),
        "journal append": timed(lambda: state.append(change), repeat=50),
        "commit 1 change": timed(commit_one, repeat=50),
        "baseline": timed(plain),
    }
    state.close()
    print(f"segments: {len(doc['segments'])}, snapshot size: {len(data) / 1e6:.1f} MB, directory: {directory}")
    print(f"{'operation':<16}{'seconds':>10}{'x journal append':>18}")
    for key, seconds in figures.items():
        print(f"{key:<16}{seconds:>10.4f}{seconds / figures['journal append']:>18.0f}")


if __name__ == "__main__":
    main()
