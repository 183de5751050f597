"""Hypothesis fuzz of every route: odd path parameters and bodies never crash the fake, never get a 500 that
Druid would not send, and a refused request changes nothing.

A 500 the fake sends on purpose is Druid's uncaught-exception answer (a Jetty page naming a Java exception,
http-api.md 1.2 (d)) or Druid's own 500 JSON; the routes where Druid answers so are listed in
``fakedruid.api.openapi`` (``druid_500``, also ``x-druid-500`` in the description) with the reason. A bug in the fake is recorded on the coordinator and fails
``check()``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakedruid import FakeCoordinator
from fakedruid.api import openapi
from tests.support import NOW, WIKI, seed_wiki

C = "/druid/coordinator/v1"
I = "/druid/indexer/v1"

_ROUTES = [
    (method, path)
    for method, path in openapi.routes(FakeCoordinator(basic_security=True).app.url_map.iter_rules())
    if not path.startswith("/fakedruid/")  # the fake's own API is exercised by its tests
]

_ODD_TEXT = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(
        [
            WIKI,
            "basic",
            "admin",
            "druid_system",
            "..",
            ".",
            "a/b",
            "a%2Fb",
            "%",
            "%zz",
            "2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z",
            "2015-09-12/2015-09-13",
            f"{WIKI}_2015-09-12T00:00:00.000Z_2015-09-12T01:00:00.000Z_2023-08-10T04:12:03.860Z",
            WIKI + "_",
            "\x00",
            "\u202e",
            "x" * 2000,
        ]
    ),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
_BODY_KEYS = st.sampled_from(
    ["interval", "segmentIds", "versions", "type", "dataSource", "id", "password", "iterations", "groupPattern"]
)
_BODY = st.one_of(
    st.none(),
    _JSON.map(json.dumps),
    st.dictionaries(_BODY_KEYS, _JSON, max_size=4).map(json.dumps),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    st.just("[" * 5000 + "]" * 5000),  # deeper than Jackson's limit and Python's recursion
)


#: The admin's credentials when the fuzzed fake runs with basic security.
ADMIN = {"Authorization": "Basic YWRtaW46cHc="}


def _state(fake: FakeCoordinator) -> Any:
    security = fake.cluster.security
    return (
        fake.export_state(),
        fake.audit_entries(),
        fake.client.get(f"{I}/tasks", headers=ADMIN).get_json(),
        None if security is None else security.to_state(),
    )


@pytest.fixture(scope="module", params=["29", "latest", "29+basic-security"])
def fuzz_fake(request: pytest.FixtureRequest) -> FakeCoordinator:
    if request.param == "29+basic-security":
        return FakeCoordinator(now=NOW, strict=False, basic_security=True, admin_password="pw")
    return FakeCoordinator(request.param, now=NOW, strict=False)


_QUERY = st.sampled_from(["", "?full", "?simple", "?kill=true&interval=%", "?interval=bad", "?limit=-1", "?count=x"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(route=st.sampled_from(_ROUTES), values=st.lists(_ODD_TEXT, min_size=3, max_size=3), body=_BODY, query=_QUERY)
def test_fuzzed_request_never_crashes_and_refusals_change_nothing(
    fuzz_fake: FakeCoordinator, route: tuple[str, str], values: list[str], body: str | None, query: str
) -> None:
    fake = fuzz_fake
    fake.reset()
    seed_wiki(fake, hours=range(3), unused=(2,))
    method, template = route
    names = iter(values)
    path = re.sub(r"{[^}]+}", lambda m: quote(next(names), safe=""), template)
    before = _state(fake)
    headers = {"Content-Type": "application/json", "Accept": "application/json", **ADMIN}
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None and method in ("POST", "PUT", "DELETE"):
        kwargs["data"] = body.encode("utf-8", "surrogatepass")
    response = fake.client.open(path + query, method=method, **kwargs)
    fake.check()  # a bug in the fake (an unexpected exception) fails here
    if response.status_code == 500:
        assert openapi.druid_500(method, template), f"unlisted 500 on {method} {template}: {response.get_data()[:300]!r}"
        assert b"fakedruid internal error" not in response.get_data()
    if response.status_code >= 400:
        assert _state(fake) == before, f"{method} {path} answered {response.status_code} but changed the state"
