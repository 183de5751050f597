"""The text timelines behind the fixture's assertion helpers (``FakeCoordinator.timeline``, ``assert_used``,
``assert_unused`` and ``assert_called``'s failure message).

Layer: render; stdlib and :mod:`fakedruid.model` only. The helpers raise plain :class:`AssertionError` with the
state pictured, so a failing test shows what it failed on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fakedruid.render.snapshot import TimelineSnapshot, snapshot_of, take_snapshot
from fakedruid.render.timeline_text import render_text

if TYPE_CHECKING:
    from fakedruid.model.cluster import Cluster, ClusterReader

__all__ = ["assert_segment_ids", "state_text", "timeline_text"]

#: Ids listed per kind of difference in a failure message.
_LIST_LIMIT = 20
#: Timelines in :func:`state_text`.
_TIMELINE_LIMIT = 3
_DATASOURCE_IN_PATH = re.compile(r"/datasources/([^/]+)")


def timeline_text(cluster: Cluster, datasource: str, *, width: int = 100) -> str:
    """The text timeline of ``datasource`` (every segment, used or not)."""
    return render_text(take_snapshot(cluster, datasource), width=width)


def state_text(cluster: Cluster, *, path: str | None = None, width: int = 100) -> str:
    """The timelines of the first few datasources, the one named in ``path`` (a request path) first."""

    def query(reader: ClusterReader) -> tuple[list[str], list[TimelineSnapshot]]:
        names = reader.datasource_names()
        match = _DATASOURCE_IN_PATH.search(path or "")
        if match and match.group(1) in names:
            names.remove(match.group(1))
            names.insert(0, match.group(1))
        return names, [snapshot_of(reader, name) for name in names[:_TIMELINE_LIMIT]]

    names, snaps = cluster.read(query)
    if not names:
        return "the fake holds no segments"
    texts = [render_text(snap, width=width) for snap in snaps]
    more = f"\n({len(names) - len(snaps)} more datasources not shown)" if len(names) > len(snaps) else ""
    return "the fake's segment timelines:\n" + "\n\n".join(texts) + more


def assert_segment_ids(cluster: Cluster, datasource: str, ids: Iterable[str], *, used: bool) -> None:
    """Pass when the datasource's used (or unused) segment ids are exactly ``ids``.

    :raises TypeError: when ``ids`` is one string rather than a collection of them.
    :raises AssertionError: naming the missing and unexpected ids, with the datasource's text timeline.
    """
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"ids must be a collection of segment id strings, not one string: [{ids!r}]")
    expected = {str(i) for i in ids}
    word = "used" if used else "unused"
    other = "unused" if used else "used"

    def query(reader: ClusterReader) -> tuple[set[str], set[str], TimelineSnapshot | None]:
        actual = reader.segment_ids(datasource, used=used)
        if actual == expected:  # passing costs no picture
            return actual, set(), None
        return actual, reader.segment_ids(datasource, used=not used), snapshot_of(reader, datasource)

    actual, opposite, snap = cluster.read(query)
    if snap is None:
        return
    picture = render_text(snap)
    missing = sorted(expected - actual)
    lines = [
        (
            f"fakedruid: the {word} segments of [{datasource}] are not the expected ones "
            f"(expected {len(expected)}, found {len(actual)} {word})"
        )
    ]
    lines += _listed(f"expected {word}, but {other}", [i for i in missing if i in opposite])
    lines += _listed(f"expected {word}, but no such segment", [i for i in missing if i not in opposite])
    lines += _listed(f"{word}, but not expected", sorted(actual - expected))
    lines.append(picture)
    raise AssertionError("\n".join(lines))


def _listed(title: str, ids: list[str]) -> list[str]:
    if not ids:
        return []
    out = [f"  {title} ({len(ids)}):"] + [f"    {i}" for i in ids[:_LIST_LIMIT]]
    if len(ids) > _LIST_LIMIT:
        out.append(f"    ... and {len(ids) - _LIST_LIMIT} more")
    return out
