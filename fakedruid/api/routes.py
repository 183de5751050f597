"""Blueprint registry: every Druid resource group the fake serves, plus its own admin API.

Layer: api. One blueprint per Druid resource group (``DataSourcesResource``, ``MetadataResource``, ...).
"""

from __future__ import annotations

from flask import Flask

from fakedruid.api import (
    admin,
    cycle,
    datasources,
    metadata,
    overlord,
    overlord_datasources,
    rules,
    status,
    unimplemented,
)


def register(app: Flask) -> None:
    """Register every blueprint on ``app``."""
    for module in (datasources, metadata, status, rules, overlord, overlord_datasources, admin, cycle, unimplemented):
        app.register_blueprint(module.bp)
