"""Audit entries: Druid's ``AuditEntry`` and an in-memory audit table (``AuditLog``).

Layer: model; imports only the stdlib (and ``fakedruid.model.intervals``); never Flask, pytest or hypothesis.
Druid sources: ``processing/src/main/java/org/apache/druid/audit/AuditEntry.java`` @ ``34a783f4``,
``AuditInfo.java`` @ ``6c438d50``, ``RequestInfo.java``; entries are written through
``server/.../server/audit/SQLAuditManager.java`` and ``AuditSerdeHelper.java`` @ ``0b73b5f5``, which serialize
the payload with the default mapper (``skipNullField`` false, so null fields are kept) and store it as a string.

Rule changes (type ``rules``) are kept by :class:`~fakedruid.model.rules.RuleStore`; the segment audits of
http-api.md 1.9 (``segment.markUnused``, ``segment.kill``) by the :class:`AuditLog` at ``Cluster.audit``.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fakedruid.model.intervals import format_instant

#: The identity Druid's default allow-all authenticator reports (and the ``NoopEscalator``'s, so the
#: Coordinator's own calls to the Overlord carry it too).
DEFAULT_IDENTITY = "allowAll"
#: Audit ``type`` of rule changes (``SQLMetadataRuleManager``).
AUDIT_TYPE_RULES = "rules"
#: Audit ``type`` of markUnused and mark-all-unused (``DataSourcesResource`` ~29, ``OverlordDataSourcesResource``).
AUDIT_TYPE_MARK_UNUSED = "segment.markUnused"
#: Audit ``type`` of kill tasks submitted through the Coordinator's API (``DataSourcesResource``).
AUDIT_TYPE_KILL = "segment.kill"


def payload_text(value: Any) -> str:
    """A payload serialized as Druid's mapper writes it: compact JSON, non-ASCII kept, nulls kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """``RequestInfo``: the REST request an audit entry came from (``AuthorizationUtils.buildRequestInfo``).

    :ivar service: ``"coordinator"`` or ``"overlord"``.
    :ivar uri: ``HttpServletRequest.getRequestURI()``: the path as sent, still percent-encoded, no query.
    :ivar query_params: ``getQueryString()``: the raw query, None when the URL has none.
    """

    service: str
    method: str
    uri: str
    query_params: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Druid's JSON form. ``traceId`` (newest Druid, ``NON_NULL``) is never set by the fake, so it is absent."""
        return {"service": self.service, "method": self.method, "uri": self.uri, "queryParams": self.query_params}


@dataclass(frozen=True, slots=True)
class AuditNote:
    """What the audit entry of one action records about its request: everything but key, time and (maybe)
    payload, which the action fills in.

    :ivar payload: the payload text, or a function of the action's result (a count, a task id) giving it.
    """

    type: str
    author: str
    comment: str
    ip: str
    request: RequestInfo
    payload: str | Callable[[Any], str]

    def entry(self, key: str, result: Any, now: int) -> AuditEntry:
        """The entry for an action on ``key`` that returned ``result`` at ``now``."""
        payload = self.payload if isinstance(self.payload, str) else self.payload(result)
        return AuditEntry(key, self.type, self.author, self.comment, self.ip, payload, now, request=self.request)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit record (``AuditEntry`` with its ``AuditInfo``).

    :ivar payload: the payload as Druid stores it: a JSON **string** (or any text), never a JSON value.
    :ivar audit_time: UTC milliseconds.
    :ivar request: the request info; None where Druid writes none (rule changes).
    """

    key: str
    type: str
    author: str
    comment: str
    ip: str
    payload: str
    audit_time: int
    identity: str = DEFAULT_IDENTITY
    request: RequestInfo | None = None

    def to_json(self) -> dict[str, Any]:
        """Druid's JSON form, keys in Druid's order; ``request`` is always written (``null`` when absent)."""
        return {
            "key": self.key,
            "type": self.type,
            "auditInfo": {
                "author": self.author,
                "identity": self.identity,
                "comment": self.comment,
                "ip": self.ip,
            },
            "request": None if self.request is None else self.request.to_json(),
            "payload": self.payload,
            "auditTime": format_instant(self.audit_time),
        }

    def to_state(self) -> dict[str, Any]:
        """JSON-friendly data (snake_case, audit time in milliseconds); ``request`` only when set."""
        out: dict[str, Any] = {
            "key": self.key,
            "type": self.type,
            "author": self.author,
            "comment": self.comment,
            "ip": self.ip,
            "identity": self.identity,
            "payload": self.payload,
            "audit_time": self.audit_time,
        }
        if self.request is not None:
            out["request"] = self.request.to_json()
        return out

    @classmethod
    def from_state(cls, state: Mapping[str, Any], *, default_type: str) -> AuditEntry:
        """Rebuild an entry from :meth:`to_state` output; absent strings are ``""``.

        :param default_type: the ``type`` when the state has none.
        :raises KeyError: when ``key``, ``payload`` or ``audit_time`` is missing.
        """
        request = state.get("request")
        return cls(
            key=state["key"],
            type=state.get("type", default_type),
            author=state.get("author", ""),
            comment=state.get("comment", ""),
            ip=state.get("ip", ""),
            payload=state["payload"],
            audit_time=int(state["audit_time"]),
            identity=state.get("identity", DEFAULT_IDENTITY),
            request=None
            if request is None
            else RequestInfo(request["service"], request["method"], request["uri"], request.get("queryParams")),
        )


#: The most entries an :class:`AuditLog` keeps; older ones are dropped (Druid keeps every row unless its audit
#: cleanup duty is configured; the fake bounds memory and the state file instead).
MAX_AUDIT_ENTRIES = 100_000


class AuditLog:
    """An append-only audit table, oldest entry first (the ``druid_audit`` table of ``SQLAuditManager``),
    bounded to the newest ``max_entries``.

    Plain data with no lock: the caller holds the ``Cluster`` lock.
    """

    __slots__ = ("_entries", "append")

    def __init__(self, entries: Iterable[AuditEntry] = (), *, max_entries: int = MAX_AUDIT_ENTRIES) -> None:
        self._entries: collections.deque[AuditEntry] = collections.deque(entries, maxlen=max_entries)
        #: Append an entry (the list's own ``append``: the Cluster writes one entry per action with it).
        self.append = self._entries.append

    def add(self, entry: AuditEntry) -> AuditEntry:
        """Append an entry; returns it."""
        self._entries.append(entry)
        return entry

    def entries(self, type: str | None = None, key: str | None = None) -> list[AuditEntry]:
        """The entries in the order they were written, optionally only those of one ``type`` and/or ``key``."""
        return [e for e in self._entries if (type is None or e.type == type) and (key is None or e.key == key)]

    def reset(self) -> None:
        """Forget every entry."""
        self._entries.clear()

    def __iter__(self) -> Iterator[AuditEntry]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)


# --- Java collection order --------------------------------------------------------------------------------


def _java_string_hash(text: str) -> int:
    """``String.hashCode()`` over UTF-16 code units, as an unsigned 32-bit value."""
    data = text.encode("utf-16-be", "surrogatepass")
    h = 0
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h


def java_hash_set_order(items: Iterable[str | None]) -> list[str | None]:
    """The iteration order of a ``java.util.HashSet<String>`` filled with ``items`` in this order.

    Jackson reads a JSON array into a default ``HashSet`` (capacity 16, load factor 0.75) and writes it back in
    iteration order: by bucket (``hash ^ hash >>> 16`` masked by the final capacity), and within a bucket in
    insertion order, which a resize keeps (``java.util.HashMap``). A null element hashes to 0. Duplicates are
    dropped. Not emulated: the early resize a bucket of nine colliding strings forces in a small table.
    """
    unique = list(dict.fromkeys(items))
    capacity = 16
    while len(unique) > capacity * 3 // 4:
        capacity *= 2

    def bucket(item: str | None) -> int:
        h = 0 if item is None else _java_string_hash(item)
        return (h ^ (h >> 16)) & (capacity - 1)

    return sorted(unique, key=bucket)
