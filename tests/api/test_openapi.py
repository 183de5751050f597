"""The OpenAPI description (fakedruid/api/openapi.py) stays in step with the routes and is valid OpenAPI 3.1."""

from __future__ import annotations

import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis.core.result import Ok

from fakedruid import FakeCoordinator
from fakedruid.api import openapi
from fakedruid.profiles import resolve_profile
from tests import openapi_files


def app_routes(druid_version: str, *, security: bool) -> list[tuple[str, str]]:
    return openapi.routes(FakeCoordinator(druid_version, basic_security=security).app.url_map.iter_rules())


@pytest.mark.parametrize("druid_version", ["29", "latest"])
def test_every_route_has_a_row(druid_version: str) -> None:
    missing = [r for r in app_routes(druid_version, security=True) if r not in openapi.OPERATIONS]
    assert missing == []


def test_every_row_has_a_route() -> None:
    served = set(app_routes("29", security=True))
    assert sorted(set(openapi.OPERATIONS) - served) == []


def test_path_templates_convert_werkzeug_rules() -> None:
    assert openapi.openapi_path("/a/<path:interval>/b/<x>") == "/a/{interval}/b/{x}"


@pytest.mark.parametrize(("druid_version", "security"), [("29", False), ("latest", False), ("29", True)])
def test_description_is_valid_openapi_3_1(druid_version: str, security: bool) -> None:
    fake = FakeCoordinator(druid_version, basic_security=security)
    doc = openapi.build(fake.app.url_map.iter_rules(), profile=fake.profile, security=security)
    assert doc["openapi"] == "3.1.0"
    validate(doc)  # raises on anything OpenAPI 3.1 does not allow
    schema = schemathesis.openapi.from_dict(doc)
    operations = list(schema.get_all_operations())
    assert all(isinstance(op, Ok) for op in operations)
    assert len(operations) == sum(len(methods) for methods in doc["paths"].values())
    assert ("securitySchemes" in doc["components"]) is security


def test_profile_rows_are_left_out_of_other_profiles() -> None:
    rules = list(FakeCoordinator("29").app.url_map.iter_rules())
    doc29 = openapi.build(rules, profile=resolve_profile("29"))
    latest = openapi.build(rules, profile=resolve_profile("latest"))
    assert "/druid/indexer/v1/datasources/{datasource}/markUsed" not in doc29["paths"]
    assert "/druid/indexer/v1/datasources/{datasource}/markUsed" in latest["paths"]


@pytest.mark.parametrize("profile", openapi_files.PROFILES)
def test_checked_in_description_is_what_the_fake_serves(profile: str) -> None:
    """Rewrite with ``python3 -m tests.openapi_files`` after changing a route or the schema table."""
    assert openapi_files.path(profile).read_text(encoding="utf-8") == openapi_files.text(profile)


def test_served_description_follows_profile_and_security() -> None:
    plain = FakeCoordinator("latest").client.get("/fakedruid/v1/openapi.json")
    assert plain.status_code == 200
    doc = plain.get_json()
    assert doc["info"]["version"] == "37.0.0"
    assert not any(p.startswith("/druid-ext/") for p in doc["paths"])
    assert "/druid/indexer/v1/datasources/{datasource}/markUsed" in doc["paths"]
    assert "/fakedruid/v1/openapi.json" in doc["paths"]
