"""Bounded input on the HTTP path: 413 over the body limit before reading, deep JSON refused without recursion."""

from __future__ import annotations

import io

import pytest

from fakedruid import FakeCoordinator
from tests.support import NOW, WIKI, seed_wiki

DEEP = b"[" * 100_000 + b"]" * 100_000
MARK_UNUSED = f"/druid/coordinator/v1/datasources/{WIKI}/markUnused"


def test_body_over_the_limit_is_413_and_changes_nothing() -> None:
    fake = FakeCoordinator(now=NOW, max_body_bytes=100)
    seed_wiki(fake, hours=range(0, 2))
    body = b'{"interval": "2015-09-12/2015-09-13", "padding": "' + b"x" * 200 + b'"}'
    r = fake.client.post(MARK_UNUSED, data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert "the limit is 100 bytes" in r.get_data(as_text=True)
    assert len(fake.segment_ids(WIKI, used=True)) == 2
    fake.check()


def test_default_body_limit_is_64_mib() -> None:
    assert FakeCoordinator().state.settings.max_body_bytes == 64 * 1024 * 1024


@pytest.mark.parametrize("druid_version", ["29", "latest"])
def test_deep_json_is_jacksons_parse_error_500_without_recursion(druid_version: str) -> None:
    fake = FakeCoordinator(druid_version, now=NOW)
    seed_wiki(fake, hours=range(0, 2))
    before = fake.export_state()
    r = fake.client.post(MARK_UNUSED, data=DEEP, headers={"Content-Type": "application/json"})
    assert r.status_code == 500
    assert b"Document nesting depth (1001) exceeds the maximum allowed (1000" in r.data
    assert fake.export_state() == before
    fake.check()  # no RecursionError anywhere (the request journal included)
    assert fake.harness.journal[-1].body == DEEP.decode()  # journaled as text


def test_deep_json_to_the_admin_api_is_a_400() -> None:
    fake = FakeCoordinator(now=NOW)
    r = fake.client.put("/fakedruid/v1/state", data=DEEP, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and b"deeper than 1000 levels" in r.data
    fake.check()


def test_chunked_body_over_the_limit_is_413() -> None:
    # No Content-Length (a chunked upload): Werkzeug stops reading at the limit.
    fake = FakeCoordinator(now=NOW, max_body_bytes=10)
    body = b'{"interval": "2015-09-12/2015-09-13"}'
    r = fake.client.post(
        MARK_UNUSED,
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert r.status_code == 413
    fake.check()
