"""Druid paths the fake knows exist but does not implement: 501 naming the method and path.

Layer: api. A path Druid does not have at all is left to Flask's 404 (http-api.md sections 0.3 and 1.7).
"""

from __future__ import annotations

from flask import Blueprint, Response

from fakedruid.api import wire

bp = Blueprint("unimplemented", __name__)

#: Known Druid routes outside the fake's scope (Flask rule syntax).
_ROUTES: list[tuple[str, list[str]]] = [
    ("/druid/coordinator/v1/datasources/<path:ds>/handoffComplete", ["GET"]),
    ("/druid/coordinator/v1/datasources/<path:ds>/intervals/<path:iv>/serverview", ["GET"]),
    ("/druid/coordinator/v1/metadata/dataSourceInformation", ["POST"]),
    ("/druid/coordinator/v1/metadata/bootstrapSegments", ["POST"]),
    ("/druid/coordinator/v1/config", ["GET", "POST"]),
    ("/druid/coordinator/v1/config/history", ["GET"]),
    ("/druid/coordinator/v1/config/compaction", ["GET", "POST"]),
    ("/druid/coordinator/v1/compaction/progress", ["GET"]),
    ("/druid/coordinator/v1/compaction/status", ["GET"]),
    ("/druid/coordinator/v1/servers", ["GET"]),
    ("/druid/coordinator/v1/servers/<path:rest>", ["GET"]),
    ("/druid/coordinator/v1/tiers", ["GET"]),
    ("/druid/coordinator/v1/tiers/<path:rest>", ["GET"]),
    ("/druid/coordinator/v1/lookups", ["GET", "POST"]),
    ("/druid/coordinator/v1/lookups/<path:rest>", ["GET", "POST", "DELETE"]),
    ("/druid/coordinator/v1/cluster", ["GET"]),
    ("/druid/coordinator/v1/cluster/<path:rest>", ["GET"]),
    ("/druid/coordinator/v1/remainingSegmentSizeForCompaction", ["GET"]),
    ("/druid/indexer/v1/supervisor", ["GET", "POST"]),
    ("/druid/indexer/v1/supervisor/<path:rest>", ["GET", "POST"]),
    ("/druid/indexer/v1/worker", ["GET", "POST"]),
    ("/druid/indexer/v1/workers", ["GET"]),
    ("/druid/indexer/v1/task/<path:tid>/reports", ["GET"]),
    ("/druid/indexer/v1/task/<path:tid>/segments", ["GET"]),
    ("/druid/indexer/v1/lockedIntervals", ["POST"]),
    ("/druid/indexer/v1/lockedIntervals/v2", ["POST"]),
    ("/druid/indexer/v1/totalWorkerCapacity", ["GET"]),
]


def not_implemented(**_: str) -> Response:
    """501 naming what the fake does not implement."""
    return wire.not_implemented()


for _i, (_rule, _methods) in enumerate(_ROUTES):
    bp.add_url_rule(_rule, f"unimplemented_{_i}", not_implemented, methods=_methods)
