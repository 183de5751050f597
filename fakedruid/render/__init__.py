"""Pictures of the fake's state: the segment timeline as text (for failing assertions and the CLI) and as
server-rendered HTML and SVG pages (for the dev server).

Layer: render; imports only the stdlib and :mod:`fakedruid.model` (never Flask, pytest or hypothesis). The
renderers are pure functions over a :class:`~fakedruid.render.snapshot.TimelineSnapshot`, which
:func:`~fakedruid.render.snapshot.take_snapshot` copies out of a :class:`~fakedruid.model.cluster.Cluster` in one
``Cluster.read`` query (never taking the lock itself); nothing here changes state.
:class:`~fakedruid.render.methods.TimelineMethods` is ``FakeCoordinator``'s part (``timeline``, ``assert_used``,
``assert_unused``).
"""

from __future__ import annotations
