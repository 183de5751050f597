"""Errors of the real-Druid harness.

Layer: stdlib only.
"""

from __future__ import annotations

__all__ = ["RealDruidError", "StartFailed", "ToolMissing", "VersionUnavailable"]


class RealDruidError(RuntimeError):
    """Something stopped a real Druid from being prepared, started, seeded or reset; the message says what."""

    @property
    def message(self) -> str:
        """The message, as fakedruid's other errors expose it."""
        return str(self.args[0]) if self.args else ""


class ToolMissing(RealDruidError):
    """Java (of the version a Druid release needs) or Maven is not installed."""


class VersionUnavailable(RealDruidError):
    """The version is not a Druid release, or its classpath does not resolve from the Maven repository."""


class StartFailed(RealDruidError):
    """A process of the cluster did not start or did not become ready; the message ends with its last log lines."""
