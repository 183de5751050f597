"""Input bounds: the JSON depth scan (no recursion) and the 413 text (fakedruid/api/limits.py)."""

from __future__ import annotations

import json

import pytest

from fakedruid.api import limits


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("[]", 1, None),
        ("[[]]", 1, 2),
        ('{"a": [1, {"b": []}]}', 4, None),
        ('{"a": [1, {"b": []}]}', 3, 4),
        ('"[[[[[[[["', 1, None),  # brackets inside a string do not count
        ('["\\"[[[["]', 1, None),  # nor after an escaped quote
        ('["\\\\", [[]]]', 2, 3),  # an escaped backslash ends the escape
    ],
)
def test_json_depth_exceeded(text: str, limit: int, expected: int | None) -> None:
    assert limits.json_depth_exceeded(text.encode(), limit) == expected


def test_depth_scan_of_a_very_deep_document_does_not_recurse() -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    assert limits.json_depth_exceeded(deep) == limits.MAX_JSON_DEPTH + 1
    with pytest.raises(RecursionError):
        json.loads(deep)  # what the scan protects the fake from


def test_depth_error_is_jacksons_wording() -> None:
    assert limits.depth_error_message(1001) == (
        "com.fasterxml.jackson.core.exc.StreamConstraintsException: Document nesting depth (1001) exceeds the "
        "maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"
    )


def test_body_too_large_message_names_both_sizes() -> None:
    text = limits.body_too_large_message(70_000_000, limits.DEFAULT_MAX_BODY_BYTES)
    assert "70000000 bytes" in text and str(64 * 1024 * 1024) in text


def test_audit_log_keeps_only_the_newest_entries() -> None:
    from fakedruid.model.audit import MAX_AUDIT_ENTRIES, AuditEntry, AuditLog

    log = AuditLog(max_entries=3)
    for n in range(5):
        log.append(AuditEntry(key=str(n), type="t", author="", comment="", ip="", payload="", audit_time=n))
    assert [e.key for e in log] == ["2", "3", "4"]
    assert AuditLog()._entries.maxlen == MAX_AUDIT_ENTRIES
