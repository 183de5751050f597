"""``StatusResource`` and ``CoordinatorResource``: health, version, leadership and load status.

Layer: api (Flask); reads the model, never changes it. http-api.md sections 3.6, 3.7 and 3.9. The
per-datasource ``loadstatus`` lives under the ``datasources`` path prefix but is served here, next to the
cluster-wide one, because both compute the same load statistics (Druid: ``DataSourcesResource
.getDatasourceLoadstatus`` and ``CoordinatorResource.getLoadStatus`` with ``DruidCoordinator``).

"Loaded" means served by at least one virtual historical (semantics 10.1); required replicas come from the
first matching retention rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, request

from fakedruid.api import messages, wire
from fakedruid.model.cluster import ClusterReader
from fakedruid.model.intervals import MS_PER_DAY, Interval, parse_path_interval
from fakedruid.model.segments import DataSegment

#: ``StatusResource``.
bp = Blueprint("status", __name__, url_prefix="/status")
#: ``CoordinatorResource`` and the per-datasource load status of ``DataSourcesResource``.
coordinator_bp = Blueprint("coordinator", __name__, url_prefix="/druid/coordinator/v1")

#: ``DataSourcesResource.DEFAULT_LOADSTATUS_INTERVAL_OFFSET``: the default window ends now.
DEFAULT_LOADSTATUS_WINDOW = 14 * MS_PER_DAY

#: What ``GET /status`` reports under ``memory``: fixed, plausible numbers (the fake has no JVM).
MEMORY = {
    "maxMemory": 4294967296,
    "totalMemory": 1073741824,
    "freeMemory": 536870912,
    "usedMemory": 536870912,
    "directMemory": 2147483648,
}


# ------------------------------------------------------------------ StatusResource


@bp.get("")
def get_status() -> Response:
    """``StatusResource.doGet``: version, loaded extensions (none) and memory."""
    return wire.json_response({"version": wire.context()[1].druid_version, "modules": [], "memory": dict(MEMORY)})


@bp.get("/health")
def get_health() -> Response:
    """``StatusResource.getHealth``: always ``true``."""
    return wire.json_response(True)


@bp.get("/properties")
def get_properties() -> Response:
    """``StatusResource.getProperties``: the process's runtime and system properties, less the hidden ones.

    The fake has no JVM and no ``runtime.properties``: it answers a small, plausible map that follows its
    settings (host and port as the client reached it, the Druid version of the profile). Druid 28/29 write the
    map in ``HashMap`` order, Druid 37 sorted (``new TreeMap<>(...)``).
    """
    profile = wire.context()[1]
    host, _, port = request.host.rpartition(":")
    if not host or not port.isdigit():
        host, port = request.host, "80"
    properties = {
        "druid.host": host.strip("[]"),
        "druid.plaintextPort": port,
        "druid.service": "druid/coordinator",
        "druid.coordinator.asOverlord.enabled": "true",
        "druid.coordinator.asOverlord.overlordService": "druid/overlord",
        "druid.extensions.loadList": "[]",
        "druid.metadata.storage.type": "derby",
        "druid.storage.type": "local",
        "druid.indexer.runner.type": "local",
        "file.encoding": "UTF-8",
        "user.timezone": "UTC",
        "java.specification.version": "17",
        "fakedruid.druidVersion": profile.druid_version,
    }
    order = sorted(properties) if profile.properties_sorted else java_hash_map_order(properties)
    return wire.json_response({key: properties[key] for key in order})


def java_hash_map_order(keys: Iterable[str]) -> list[str]:
    """The iteration order of a ``java.util.HashMap<String, ?>`` copied from a map of these keys: by bucket of
    the spread ``String.hashCode``, for the table size ``new HashMap<>(map)`` picks (ties by name)."""
    names = list(keys)
    # HashMap.putMapEntries: threshold tableSizeFor((int) (n / 0.75f + 1)).
    wanted = int(len(names) / 0.75 + 1.0)
    size = 1
    while size < wanted:
        size *= 2

    def bucket(name: str) -> tuple[int, str]:
        h = 0
        for ch in name:
            h = (31 * h + ord(ch)) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (size - 1), name

    return sorted(names, key=bucket)


@bp.get("/selfDiscovered")
def get_self_discovered() -> Response:
    """``SelfDiscoveryResource.getSelfDiscovered``: 200 with no body once the process has discovered itself
    (the fake always has); Druid 28.0.0 sends ``Content-Type: application/json`` with it."""
    response = wire.empty(200)
    response.headers["Content-Type"] = wire.JSON_TYPE
    return response


@bp.get("/selfDiscovered/status")
def get_self_discovered_status() -> Response:
    """``SelfDiscoveryResource.getSelfDiscoveredStatus``: ``{"selfDiscovered":true}``."""
    return wire.json_response({"selfDiscovered": True})


@bp.get("/ready")
def get_ready() -> Response:
    """``StatusResource.getReady`` (Druid 37; the path table makes it a 404 in profile "29"): ``true`` once the
    process has announced itself."""
    return wire.json_response(True)


# ------------------------------------------------------------------ CoordinatorResource


@coordinator_bp.get("/leader")
def get_leader() -> Response:
    """``getLeader``: the leader's base URL as a raw string; the fake is always the leader."""
    return wire.raw(request.host_url.rstrip("/"), 200)


@coordinator_bp.get("/isLeader")
def is_leader() -> Response:
    """``isLeader``: ``{"leader": true}``."""
    return wire.json_response({"leader": True})


@coordinator_bp.get("/loadstatus")
def get_load_status() -> Response:
    """``getLoadStatus`` over every datasource with used segments, overshadowed ones included (http-api 3.7).

    ``simple`` wins over ``full``, as in ``CoordinatorResource``.
    """
    state, profile = wire.context()
    cluster_view = wire.flag("computeUsingClusterView")
    simple, full = wire.flag("simple"), wire.flag("full")

    def query(cluster: ClusterReader) -> Any:
        per_datasource = [
            (name, [r.segment for r in cluster.records(name, used=True)], cluster.served(name))
            for name in cluster.datasource_names(include_unused=False)
        ]
        if simple:
            zero_ok = profile.zero_replica_segments_available
            out_simple: dict[str, int] = {}
            for name, segments, served in per_datasource:
                if zero_ok:
                    segments = [s for s in segments if not _requires_no_replica(cluster, name, s)]
                out_simple[name] = _unavailable(segments, served)
            return out_simple
        if full:
            out: dict[str, dict[str, int]] = {}
            for name, segments, _ in per_datasource:
                # RunRules skips overshadowed segments, so they have no replication state (DruidCoordinator).
                shadowed = cluster.overshadowed_segment_ids(name)
                visible = [s for s in segments if s.id not in shadowed]
                _add_under_replicated(out, cluster, name, visible, cluster_view)
            return _sorted(out)
        return {name: _percent_loaded(segments, served) for name, segments, served in per_datasource}

    return wire.json_response(state.cluster.read(query))


# ------------------------------------------------------------------ DataSourcesResource loadstatus


@coordinator_bp.get("/datasources/<datasource>/loadstatus")
def get_datasource_loadstatus(datasource: str) -> Response:
    """``getDatasourceLoadstatus``: load status of the used, non-overshadowed segments at least partly visible
    in ``interval`` (default: the 14 days ending now). ``simple`` wins over ``full`` (http-api 3.6)."""
    if "forceMetadataRefresh" not in request.args:
        return wire.raw(messages.FORCE_METADATA_REFRESH_REQUIRED, 400)
    # A refresh forces a poll; the fake has no poll delay, so the value changes nothing (semantics 10.3).
    state = wire.state()
    text = request.args.get("interval")
    simple, full, cluster_view = wire.flag("simple"), wire.flag("full"), wire.flag("computeUsingClusterView")
    # Unparseable: an uncaught DruidException, Jetty's 500 (http-api 1.3).
    given = None if text is None else parse_path_interval(text)

    def query(cluster: ClusterReader) -> Response:
        if given is None:
            now = cluster.now()
            interval = Interval(now - DEFAULT_LOADSTATUS_WINDOW, now)
        else:
            interval = given
        if not cluster.records(datasource, used=True):
            return wire.empty(204)
        segments = list(cluster.used_timeline(datasource).visible_in(interval))
        if not segments:
            # Druid builds a 204 with the entity "No used segment found for the given datasource and interval";
            # Jersey turns a 204 that has an entity into a 200 (measured on Druid 28.0.0 and 33.0.0: 200, the
            # text under Content-Type application/json).
            return wire.raw(messages.NO_USED_SEGMENT_IN_INTERVAL, 200)
        served = cluster.served(datasource)
        if simple:
            return wire.json_response({datasource: _unavailable(segments, served)})
        if full:
            out: dict[str, dict[str, int]] = {}
            _add_under_replicated(out, cluster, datasource, segments, cluster_view)
            if not out:
                return wire.raw(messages.REPLICANT_LOOKUP_NOT_READY, 500)
            return wire.json_response(_sorted(out))
        return wire.json_response({datasource: _percent_loaded(segments, served)})

    return state.cluster.read(query)


# ------------------------------------------------------------------ computations


def _unavailable(segments: Iterable[DataSegment], served: dict[str, Any]) -> int:
    """Segments served by no server."""
    return sum(1 for s in segments if s.id not in served)


def _requires_no_replica(cluster: ClusterReader, datasource: str, segment: DataSegment) -> bool:
    """The segment's first matching rule is a load rule with zero replicas in total (and it is not
    overshadowed: RunRules computes no replica count for those)."""
    if cluster.used_timeline(datasource).is_overshadowed(segment):
        return False
    rule = cluster.first_rule(datasource, segment.interval)
    return rule is not None and rule.is_load and rule.total_replicas == 0


def _percent_loaded(segments: list[DataSegment], served: dict[str, Any]) -> float:
    """``100 * loaded / total`` as a double."""
    loaded = sum(1 for s in segments if s.id in served)
    return 100.0 * loaded / len(segments)


def _add_under_replicated(
    out: dict[str, dict[str, int]],
    cluster: ClusterReader,
    datasource: str,
    segments: Iterable[DataSegment],
    cluster_view: bool,
) -> None:
    """Add ``{tier: {datasource: count}}`` for ``segments`` (``getTierToDatasourceToUnderReplicatedCount``).

    For each segment whose first matching rule is a load rule, every tier the rule names gets
    ``max(0, required - servers of the tier serving it)``; with ``cluster_view`` the requirement is capped at
    the tier's server count. The formula is the fake's reading of Druid (http-api 3.6, UNCONFIRMED details).
    """
    served = cluster.served(datasource)
    tiers = cluster.layout.tiers
    for segment in segments:
        rule = cluster.first_rule(datasource, segment.interval)
        if rule is None or not rule.is_load:
            continue
        holders = served.get(segment.id, (None, ()))[1]
        for tier, required in rule.tiered_replicants.items():
            if cluster_view:
                required = min(required, len(tiers.get(tier, ())))
            serving = sum(1 for server in holders if server.tier == tier)
            per_ds = out.setdefault(tier, {})
            per_ds[datasource] = per_ds.get(datasource, 0) + max(0, required - serving)


def _sorted(out: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    # Druid uses hash maps; the fake orders tiers and datasources by name (http-api 1.1).
    return {tier: dict(sorted(out[tier].items())) for tier in sorted(out)}
