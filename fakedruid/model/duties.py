"""Coordinator duties that change segment state (placeholder: filled in by its issue)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class DutyConfig:
    """Druid's settings for the duties (semantics 7 and 10.2)."""
