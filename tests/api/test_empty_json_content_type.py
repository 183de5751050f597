"""Empty answers of JSON resources carry ``Content-Type: application/json`` (issue 10).

Measured on Druid 28.0.0 and 33.0.0 by the differential machine (``tests/contract/test_differential.py``):
Jersey writes the resource method's ``@Produces(APPLICATION_JSON)`` type even when the answer has no entity.
This contradicts http-api.md 0.2, whose ``EMPTY`` names no type. The rules POST has no ``@Produces`` and its
empty 200 has no ``Content-Type``, as in Druid.
"""

from __future__ import annotations

import pytest

from fakedruid import FakeCoordinator

P = "/druid/coordinator/v1/datasources"
M = "/druid/coordinator/v1/metadata"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", f"{M}/datasources/fd_none", 404),
        ("GET", f"{M}/datasources/fd_none/segments", 404),
        ("GET", f"{M}/datasources/fd_none/segments/fd_none_2020-01-01T00:00:00.000Z_2020-01-02T00:00:00.000Z_v", 404),
        ("GET", f"{P}/fd_none", 204),
        ("GET", f"{P}/fd_none/intervals", 204),
        ("GET", f"{P}/fd_none/segments", 204),
    ],
)
def test_empty_json_answer_has_json_content_type(method: str, path: str, status: int) -> None:
    with FakeCoordinator("29", tiers={}) as fake:
        resp = fake.client.open(path, method=method)
    assert resp.status_code == status
    assert resp.get_data() == b""
    assert resp.headers["Content-Type"] == "application/json"


def test_mark_used_not_served_204_has_json_content_type() -> None:
    with FakeCoordinator("29", tiers={}) as fake:
        resp = fake.client.post(f"{P}/fd_none/markUsed", json={"interval": "2020-01-01/2020-01-02"})
    assert (resp.status_code, resp.get_data()) == (204, b"")
    assert resp.headers["Content-Type"] == "application/json"


def test_rules_post_empty_200_has_no_content_type() -> None:
    with FakeCoordinator("29", tiers={}) as fake:
        resp = fake.client.post("/druid/coordinator/v1/rules/fd_none", json=[])
    assert (resp.status_code, resp.get_data()) == (200, b"")
    assert "Content-Type" not in resp.headers
