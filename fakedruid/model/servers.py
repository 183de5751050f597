"""Virtual historicals: the tiers and servers of the fake cluster, and where a segment is loaded.

Layer: model; imports only the stdlib. The fake has no data servers: a used, non-overshadowed segment whose
first matching rule is a load rule counts as loaded at once on the first ``min(replicas, servers)`` servers of
each tier the rule names; a broadcast rule places it on every server (semantics.md 10.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fakedruid.errors import InvalidConfig

DEFAULT_TIER = "_default_tier"


@dataclass(frozen=True, slots=True)
class Server:
    """One virtual historical."""

    name: str
    tier: str


class ServerLayout:
    """Tiers in configured order, each with its servers in configured order."""

    def __init__(self, tiers: Mapping[str, int | Sequence[str]] | None = None) -> None:
        """
        :param tiers: tier name to a server count or a list of ``host:port`` names. Default: ``_default_tier``
            with 2 servers, ``fakedruid-historical-1:8083`` and ``fakedruid-historical-2:8083``.
        :raises InvalidConfig: for a negative count or a name used twice.
        """
        spec: Mapping[str, int | Sequence[str]] = {DEFAULT_TIER: 2} if tiers is None else tiers
        self.tiers: dict[str, tuple[Server, ...]] = {}
        seen: set[str] = set()
        for tier, value in spec.items():
            if not isinstance(tier, str) or not tier:
                raise InvalidConfig(f"A tier name must be a non-empty string, got [{tier!r}]")
            if isinstance(value, bool):
                raise InvalidConfig(f"Tier [{tier}] needs a server count or a list of names, got [{value!r}]")
            if isinstance(value, int):
                if value < 0:
                    raise InvalidConfig(f"Tier [{tier}] needs a server count >= 0, got [{value}]")
                prefix = "fakedruid-historical" if tier == DEFAULT_TIER else f"fakedruid-{tier}-historical"
                names = [f"{prefix}-{i}:8083" for i in range(1, value + 1)]
            else:
                names = list(value)
            for name in names:
                if not isinstance(name, str) or not name or name in seen:
                    raise InvalidConfig(
                        f"Server names must be distinct non-empty strings, got [{name!r}] in tier [{tier}]"
                    )
                seen.add(name)
            self.tiers[tier] = tuple(Server(n, tier) for n in names)
        self.servers: tuple[Server, ...] = tuple(s for servers in self.tiers.values() for s in servers)

    def placement(self, rule: Any) -> tuple[Server, ...]:
        """The servers a segment is loaded on when ``rule`` is its first matching rule (may be empty)."""
        if rule is None:
            return ()
        if getattr(rule, "is_broadcast", False):
            return self.servers
        if not getattr(rule, "is_load", False):
            return ()
        out: list[Server] = []
        for tier, replicas in rule.tiered_replicants.items():
            if replicas >= 1:
                out.extend(self.tiers.get(tier, ())[:replicas])
        # Keep the configured server order, which GET /datasources?full depends on (http-api.md 3.1).
        order = {s.name: i for i, s in enumerate(self.servers)}
        return tuple(sorted(out, key=lambda s: order[s.name]))

    def to_json(self) -> dict[str, list[str]]:
        """The layout as ``{tier: [server names]}``."""
        return {tier: [s.name for s in servers] for tier, servers in self.tiers.items()}
