"""Druid paths the fake knows but does not implement answer 501 naming them; unknown paths 404 (http-api 0.3, 1.7)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from fakedruid import FakeCoordinator, ServerError


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/druid/coordinator/v1/datasources/wiki/handoffComplete"),
        ("GET", "/druid/coordinator/v1/datasources/wiki/intervals/2015-09-12_2015-09-13/serverview"),
        ("POST", "/druid/coordinator/v1/metadata/dataSourceInformation"),
        ("GET", "/druid/coordinator/v1/config"),
        ("GET", "/druid/coordinator/v1/servers"),
        ("GET", "/druid/coordinator/v1/lookups/config"),
        ("POST", "/druid/indexer/v1/supervisor"),
        ("GET", "/druid/indexer/v1/task/some-task/segments"),
    ],
)
@pytest.mark.parametrize("druid_version", ["29", "latest"])
def test_known_druid_path_not_implemented_is_501_naming_it(method: str, path: str, druid_version: str) -> None:
    fake = FakeCoordinator(druid_version)
    response = fake.client.open(path, method=method)
    assert response.status_code == 501
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == f"fakedruid does not implement {method} {path}"
    with pytest.raises(ServerError, match=f"does not implement {method} {path}"):
        fake.check()
    fake.check()  # reported once


def test_not_implemented_allowed_when_not_strict() -> None:
    fake = FakeCoordinator(strict=False)
    assert fake.client.get("/druid/coordinator/v1/servers").status_code == 501
    fake.check()


def test_path_druid_does_not_have_is_404(client: FlaskClient) -> None:
    assert client.get("/druid/coordinator/v1/no-such-resource").status_code == 404
    assert client.get("/static/app.js").status_code == 404


def test_unimplemented_path_changes_no_state(fake: FakeCoordinator, client: FlaskClient) -> None:
    fake.strict = False
    sid = fake.add_segment("wiki", "2015-09-12/P1D", "v1")
    client.post("/druid/coordinator/v1/config", json={"killDataSourceWhitelist": ["wiki"]})
    assert fake.segment_ids("wiki", used=True) == {sid}
