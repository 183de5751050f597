"""Bounded input: a body size limit (413 before anything is parsed) and a JSON nesting limit without recursion.

Layer: api helpers, stdlib only (the hook that applies them lives with the other request hooks).

* Druid has no request body limit of its own (Jetty's ``maxRequestHeaderSize`` covers the request line and
  headers only). The fake refuses a body larger than ``--max-body-size`` (default 64 MiB) with 413 before it
  reads it: a listed known difference, there so that a runaway test cannot exhaust memory.
* Jackson 2.15 and newer refuse JSON nested deeper than 1000 levels
  (``StreamReadConstraints.DEFAULT_MAX_DEPTH``) with a ``StreamConstraintsException``, a parse error; older
  Jackson overflows the stack. Both escape Druid's resource methods as an uncaught 500. The fake measures the
  depth with a loop (Python's ``json`` would raise ``RecursionError`` first) and answers the parse-error 500.
"""

from __future__ import annotations

#: Default ``--max-body-size``: 64 MiB.
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
#: ``StreamReadConstraints.DEFAULT_MAX_DEPTH`` (jackson-core 2.15+).
MAX_JSON_DEPTH = 1000


def body_too_large_message(length: int | None, limit: int) -> str:
    """The fake's 413 text (not Druid's: Druid has no such limit)."""
    size = "a body" if length is None else f"a body of {length} bytes"
    return (
        f"fakedruid refuses {size}: the limit is {limit} bytes (fakedruid serve --max-body-size; Druid itself "
        "has no request body limit)"
    )


def json_depth_exceeded(data: bytes, limit: int = MAX_JSON_DEPTH) -> int | None:
    """The nesting depth at which ``data`` (JSON text) first exceeds ``limit``, or ``None`` if it never does.

    Brackets inside strings do not count; escapes inside strings are honoured. Linear, no recursion; a document
    with fewer opening brackets than the limit is not scanned at all (``bytes.count`` runs in C).
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return None
    depth = 0
    in_string = False
    escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
            continue
        if byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return depth
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return None


def depth_error_message(depth: int, limit: int = MAX_JSON_DEPTH) -> str:
    """Jackson's ``StreamConstraintsException`` text for too deep a document (jackson-core 2.15+ wording)."""
    return (
        f"com.fasterxml.jackson.core.exc.StreamConstraintsException: Document nesting depth ({depth}) exceeds "
        f"the maximum allowed ({limit}, from `StreamReadConstraints.getMaxNestingDepth()`)"
    )
