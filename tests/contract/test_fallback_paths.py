"""Contract: methods Jetty's ``DefaultServlet`` refuses on a path outside Jersey (``/fd_nothing``).

Layer: tests (contract). Measured on real Druid 33.0.0: ``OPTIONS``, ``PUT``, ``DELETE``, ``PATCH`` and ``TRACE``
are a 405 with no body, no ``Content-Type`` and no ``Allow`` (Jetty's ``ErrorHandler`` writes pages only for GET,
POST and HEAD); ``HEAD`` is the 405 page, whose type follows ``Accept``, without its body.
"""

from __future__ import annotations

import pytest

from fakedruid.testing import DruidTarget


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "DELETE", "PATCH", "TRACE"])
def test_other_methods_outside_jersey_are_empty_405(coordinator: DruidTarget, method: str) -> None:
    resp = coordinator.request(method, "/fd_nothing")
    assert (resp.status_code, resp.reason) == (405, "Method Not Allowed")
    assert resp.content == b""
    assert resp.headers.get("Content-Type") is None
    assert resp.headers.get("Allow") is None


def test_head_outside_jersey_is_the_405_page_without_body(coordinator: DruidTarget) -> None:
    resp = coordinator.request("HEAD", "/fd_nothing", headers={"Accept": "text/html"})
    assert (resp.status_code, resp.reason) == (405, "Method Not Allowed")
    assert resp.headers["Content-Type"] == "text/html;charset=iso-8859-1"
    assert resp.content == b""
