"""Blueprint registry: every Druid resource group the fake serves, plus its own admin API.

Layer: api. One blueprint per Druid resource group (``DataSourcesResource``, ``MetadataResource``, ...), the
fake's admin API (``/fakedruid/v1``) and its pages (``/fakedruid``). A Druid path no blueprint serves is answered
from the path table by :mod:`fakedruid.api.fallback` (501, 405 or 404).
"""

from __future__ import annotations

from flask import Flask

from fakedruid.api import (
    admin,
    basic_security,
    datasources,
    ingestion,
    metadata,
    overlord,
    overlord_datasources,
    pages,
    rules,
    status,
)


def register(app: Flask) -> None:
    """Register every blueprint on ``app`` (each carries its path prefix as ``url_prefix``)."""
    blueprints = (
        datasources.bp,
        metadata.bp,
        status.bp,
        status.coordinator_bp,
        rules.bp,
        overlord.bp,
        overlord_datasources.bp,
        ingestion.bp,
        admin.bp,
        pages.bp,
        basic_security.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
