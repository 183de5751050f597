"""The pictures' part of :class:`~fakedruid.server.FakeCoordinator`'s public API: ``timeline``, ``assert_used``
and ``assert_unused`` (issue 15), over its :attr:`cluster`.

Layer: render; stdlib and :mod:`fakedruid.model` only. The renderers are imported when first used, so that
``import fakedruid`` does not pay for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fakedruid.model.cluster import Cluster

__all__ = ["TimelineMethods"]


class TimelineMethods:
    """Text timelines and the segment assertions, for a class that has a :attr:`cluster`."""

    cluster: Cluster

    def timeline(self, datasource: str, *, width: int = 100) -> str:
        """The datasource's segments as a text timeline: one lane per version, newest on top (used, visible,
        served, overshadowed, unused and tombstone segments each drawn with their own character)."""
        from fakedruid.render.assertions import timeline_text

        return timeline_text(self.cluster, datasource, width=width)

    def timelines_text(self, *, path: str | None = None) -> str:
        """The text timelines of the first few datasources, the one named in the request ``path`` first (what a
        failing assertion of the fake shows)."""
        from fakedruid.render.assertions import state_text

        return state_text(self.cluster, path=path)

    def assert_used(self, datasource: str, ids: Iterable[str]) -> None:
        """Assert that the datasource's used segment ids are exactly ``ids``.

        :raises AssertionError: naming the differences, with the datasource's text timeline.
        """
        from fakedruid.render.assertions import assert_segment_ids

        assert_segment_ids(self.cluster, datasource, ids, used=True)

    def assert_unused(self, datasource: str, ids: Iterable[str]) -> None:
        """Assert that the datasource's unused segment ids are exactly ``ids``.

        :raises AssertionError: naming the differences, with the datasource's text timeline.
        """
        from fakedruid.render.assertions import assert_segment_ids

        assert_segment_ids(self.cluster, datasource, ids, used=False)
