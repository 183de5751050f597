"""FakeCoordinator as a real HTTP server: start(), stop(), url and the context manager."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from fakedruid import FakeCoordinator
from fakedruid.errors import InvalidConfig
from tests.support import NOW

_TIMEOUT = 10


def _get_json(url: str) -> tuple[int, Any]:
    with urllib.request.urlopen(url, timeout=_TIMEOUT) as response:
        return response.status, json.loads(response.read())


def test_start_free_port_serves_http_on_loopback() -> None:
    fake = FakeCoordinator(now=NOW, port=0)
    try:
        assert fake.start() is fake

        assert fake.url == f"http://127.0.0.1:{fake.port}"
        assert fake.port != 0
        assert _get_json(f"{fake.url}/fakedruid/v1/clock") == (200, {"now": NOW})
    finally:
        fake.stop()
    fake.check()


def test_start_twice_keeps_one_server() -> None:
    fake = FakeCoordinator(now=NOW)
    try:
        url = fake.start().url

        assert fake.start().url == url
    finally:
        fake.stop()


def test_start_state_seeded_in_process_is_visible_over_http() -> None:
    with FakeCoordinator(now=NOW) as fake:
        segment_id = fake.add_segment("wiki", "2015-09-12/2015-09-13", "v1")

        status, state = _get_json(f"{fake.url}/fakedruid/v1/state")

    assert status == 200
    assert [s["identifier"] for s in state["segments"]] == [segment_id]


def test_stop_server_refuses_connections() -> None:
    fake = FakeCoordinator(now=NOW).start()
    url = fake.url

    fake.stop()

    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/fakedruid/v1/clock", timeout=_TIMEOUT)


def test_stop_never_started_does_nothing() -> None:
    fake = FakeCoordinator()

    fake.stop()

    with pytest.raises(InvalidConfig):
        fake.url


def test_url_not_started_raises_invalid_config() -> None:
    with pytest.raises(InvalidConfig, match="not serving"):
        FakeCoordinator().url


def test_context_manager_serves_inside_and_stops_on_exit() -> None:
    with FakeCoordinator(now=NOW) as fake:
        url = fake.url
        assert url.startswith("http://127.0.0.1:")
        assert _get_json(f"{url}/fakedruid/v1/clock") == (200, {"now": NOW})

    with pytest.raises(InvalidConfig):
        fake.url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/fakedruid/v1/clock", timeout=_TIMEOUT)


def test_context_manager_exception_inside_stops_server() -> None:
    with pytest.raises(RuntimeError, match="boom"):
        with FakeCoordinator() as fake:
            url = fake.url
            raise RuntimeError("boom")

    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/fakedruid/v1/clock", timeout=_TIMEOUT)


def test_start_serves_concurrent_requests() -> None:
    # The server is threaded: a second connection is answered while the first one is still open.
    import http.client

    with FakeCoordinator(now=NOW) as fake:
        first = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=_TIMEOUT)
        second = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=_TIMEOUT)
        try:
            first.connect()  # held open, idle
            second.request("GET", "/fakedruid/v1/clock")
            response = second.getresponse()

            assert response.status == 200
            assert json.loads(response.read()) == {"now": NOW}
        finally:
            first.close()
            second.close()
