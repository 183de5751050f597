"""State documents: the whole state of a cluster as one JSON document, to dump, load and seed from.

Layer: model; imports only the stdlib, ``fakedruid.errors`` and the rest of ``fakedruid.model``. Used by the admin
API (``/fakedruid/v1/state``), the dev server's ``--seed`` and ``FakeCoordinator.export_state`` / ``load_state``.

The document is the fake's own format, not Druid's::

    {"segments": [<DataSegment JSON + "used", "createdDate", "usedStatusLastUpdatedDate">, ...],
     "rules": {"default_key": "_default", "rules": {"<key>": [<rule JSON>, ...]}, "audit": [...]}}

``segments`` is :meth:`Cluster.export_segments`, ``rules`` is :meth:`RuleStore.to_state`. Both keys are
optional when loading: a missing ``segments`` means none, a missing ``rules`` means Druid's startup rules. A
document is validated as a whole before anything changes; a bad one raises and leaves the state as it was.
The clock and the Overlord's tasks are not part of the document: loading leaves them as they are.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from fakedruid.errors import FakeDruidError, InvalidConfig
from fakedruid.model.cluster import Cluster
from fakedruid.model.json_text import describe
from fakedruid.model.rules import DEFAULT_RULES_KEY, RuleStore, rule_from_json

#: The top-level keys of a state document.
STATE_KEYS = ("segments", "rules")
_RULES_KEYS = ("default_key", "rules", "audit")
_AUDIT_STR_KEYS = ("key", "payload", "author", "comment", "ip", "identity", "type")


def export_state(cluster: Cluster) -> dict[str, Any]:
    """The cluster's whole state as a JSON-ready document (see the module docstring).

    Segments and rules are read together, so the document is consistent.
    """
    segments, rules = cluster.export_state()
    return {"segments": segments, "rules": rules}


def load_state(cluster: Cluster, doc: Any) -> None:
    """Replace the cluster's segments and rules with the document's, all or nothing.

    :param doc: a decoded state document, as :func:`export_state` returns.
    :raises InvalidConfig: the document, or its ``rules`` part, is malformed; the message names the problem.
    :raises InvalidSegment, DuplicateSegment, SegmentConflict: a segment is malformed or clashes with another.
    """
    if not isinstance(doc, dict):
        raise InvalidConfig(f"A state document must be a JSON object, got {describe(doc)}")
    unknown = sorted(set(doc) - set(STATE_KEYS))
    if unknown:
        raise InvalidConfig(
            f"Unknown key(s) [{', '.join(unknown)}] in the state document; expected [{', '.join(STATE_KEYS)}]"
        )
    segments = doc.get("segments", [])
    if not isinstance(segments, list):
        raise InvalidConfig(f"[segments] must be a JSON array of DataSegment objects, got {describe(segments)}")
    rules = _rule_store(doc.get("rules"))
    # A dry run on a scratch cluster checks every segment (fields, duplicates, same-version conflicts) and
    # names the offending index, which ``replace_segments`` does not.
    Cluster(clock=cluster.clock, conflict_mode=cluster.conflict_mode).add_segments(segments, used=True)
    # All or nothing; the rule store is swapped only after the segments were replaced.
    cluster.replace_state(segments, rules)


def load_state_file(cluster: Cluster, path: str | os.PathLike[str]) -> None:
    """Load a state document from a JSON file (UTF-8), all or nothing.

    :raises InvalidConfig: the file cannot be read, is not JSON, or holds an invalid document; the message
        names the file and the problem.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidConfig(f"Cannot read state file [{os.fspath(path)}]: {exc}") from exc
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise InvalidConfig(f"State file [{os.fspath(path)}] is not valid JSON: {exc}") from exc
    try:
        load_state(cluster, doc)
    except FakeDruidError as exc:
        raise InvalidConfig(f"State file [{os.fspath(path)}]: {exc.message}") from exc


def rule_store(state: Any) -> RuleStore:
    """A rule store from its state (``RuleStore.to_state``), checked field by field.

    :raises InvalidConfig: naming the malformed part.
    """
    return _rule_store(state)


def _rule_store(state: Any) -> RuleStore:
    """Check the ``rules`` part field by field (``RuleStore.from_state`` trusts its input), then build it."""
    if state is None:
        return RuleStore()
    if not isinstance(state, dict):
        raise InvalidConfig(f"[rules] must be a JSON object, got {describe(state)}")
    unknown = sorted(set(state) - set(_RULES_KEYS))
    if unknown:
        raise InvalidConfig(f"Unknown key(s) [{', '.join(unknown)}] in [rules]; expected [{', '.join(_RULES_KEYS)}]")
    default_key = state.get("default_key", DEFAULT_RULES_KEY)
    if not isinstance(default_key, str) or not default_key:
        raise InvalidConfig(f"[rules.default_key] must be a non-empty string, got {describe(default_key)}")
    by_key = state.get("rules", {})
    if not isinstance(by_key, dict):
        raise InvalidConfig(f"[rules.rules] must be a JSON object of rule lists, got {describe(by_key)}")
    for key, rules in by_key.items():
        if not isinstance(rules, list):
            raise InvalidConfig(f"[rules.rules.{key}] must be a JSON array of rules, got {describe(rules)}")
        for index, obj in enumerate(rules):
            if obj is None:
                continue  # a null entry, which Druid's rules API stores too (RuleEntry)
            try:
                rule_from_json(obj)
            except FakeDruidError as exc:
                raise InvalidConfig(f"[rules.rules.{key}[{index}]]: {exc.message}") from exc
        if key == default_key and not rules:
            # Druid refuses an empty cluster-level rule list (http-api 4.3).
            raise InvalidConfig(f"[rules.rules.{key}]: Cluster-level rules cannot be empty.")
    audit = state.get("audit", [])
    if not isinstance(audit, list):
        raise InvalidConfig(f"[rules.audit] must be a JSON array, got {describe(audit)}")
    for index, entry in enumerate(audit):
        _check_audit_entry(index, entry)
    return RuleStore.from_state(state)


def _check_audit_entry(index: int, entry: Any) -> None:
    where = f"[rules.audit[{index}]]"
    if not isinstance(entry, Mapping):
        raise InvalidConfig(f"{where} must be a JSON object, got {describe(entry)}")
    for key in ("key", "payload", "audit_time"):
        if key not in entry:
            raise InvalidConfig(f"{where} misses [{key}]")
    for key in _AUDIT_STR_KEYS:
        if key in entry and not isinstance(entry[key], str):
            raise InvalidConfig(f"{where} field [{key}] must be a string, got {describe(entry[key])}")
    when = entry["audit_time"]
    if isinstance(when, bool) or not isinstance(when, int):
        raise InvalidConfig(f"{where} field [audit_time] must be UTC milliseconds (an integer), got {describe(when)}")


