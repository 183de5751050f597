"""The checked-in OpenAPI descriptions (``openapi/openapi-<profile>.json``): how they are made, and rewriting them.

Run ``python3 -m tests.openapi_files`` from the repository root after changing a route or the schema table;
``tests/api/test_openapi.py`` fails until the files match.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

from fakedruid import FakeCoordinator
from fakedruid.api import openapi

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROFILES = ("29", "latest")


def path(profile: str) -> pathlib.Path:
    """Where the description of ``profile`` is kept."""
    return ROOT / "openapi" / f"openapi-{profile}.json"


def document(profile: str) -> dict[str, Any]:
    """The description of ``profile`` with basic security on (so every path the fake can serve is listed), as
    ``GET /fakedruid/v1/openapi.json`` answers it."""
    fake = FakeCoordinator(profile, basic_security=True, admin_password="x")
    response = fake.client.get("/fakedruid/v1/openapi.json", headers={"Authorization": "Basic YWRtaW46eA=="})
    assert response.status_code == 200, response.data
    doc: dict[str, Any] = response.get_json()
    return doc


def text(profile: str) -> str:
    """The file content for ``profile``."""
    return json.dumps(document(profile), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for profile in PROFILES:
        path(profile).parent.mkdir(exist_ok=True)
        path(profile).write_text(text(profile), encoding="utf-8")
        print(path(profile))


if __name__ == "__main__":
    main()
