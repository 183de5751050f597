"""The Coordinator duties' settings: ``druid.coordinator.kill.*`` and the kill duty's bookkeeping (semantics 7.4).

Layer: model; imports only the stdlib, ``fakedruid.errors`` and the rest of ``fakedruid.model``. Kept apart from
:mod:`fakedruid.model.duties` so that the cluster can own its settings while the duties depend on the cluster,
not the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fakedruid.errors import InvalidConfig, InvalidPeriod
from fakedruid.model.intervals import Period, add_period, parse_period
from fakedruid.model.json_text import describe

_INT_MAX = 2**31 - 1
_LONG_MAX = 2**63 - 1

# Druid's property names (runtime properties ``druid.coordinator.kill.*`` and the dynamic configuration) and the
# fake's own ``workerCapacity``, in the order the configuration is written.
_KEYS = (
    "on",
    "period",
    "durationToRetain",
    "ignoreDurationToRetain",
    "bufferPeriod",
    "maxSegments",
    "killDataSourceWhitelist",
    "killTaskSlotRatio",
    "maxKillTaskSlots",
    "workerCapacity",
    "millisToWaitBeforeDeleting",
)
# Runtime properties: changing one is a Coordinator restart, so the kill duty starts afresh (no last kill time,
# no remembered interval ends). The others are dynamic configuration and keep that bookkeeping.
_RESTART_KEYS = frozenset({"on", "period", "durationToRetain", "ignoreDurationToRetain", "bufferPeriod", "maxSegments"})


@dataclass(slots=True)
class DutyConfig:
    """Druid's settings for the duties (semantics 7.2, 7.4, 10.2 and 10.4), plus the kill duty's bookkeeping.

    Periods are Joda periods Druid converts to fixed durations (``toStandardDuration``), so they may not hold
    years or months. ``kill_datasource_whitelist`` empty means every datasource; ``max_kill_task_slots`` None
    means unlimited; ``worker_capacity`` is the Overlord's total worker capacity the fake reports (semantics
    10.2); ``millis_to_wait_before_deleting`` is 0 in the fake (Druid: 15 minutes, semantics 10.4).
    """

    kill_on: bool = False
    kill_period: Period = field(default_factory=lambda: Period(days=1))
    kill_duration_to_retain: Period = field(default_factory=lambda: Period(days=90))
    kill_ignore_duration_to_retain: bool = False
    kill_buffer_period: Period = field(default_factory=lambda: Period(days=30))
    kill_max_segments: int = 100
    kill_datasource_whitelist: tuple[str, ...] = ()
    kill_task_slot_ratio: float = 1.0
    max_kill_task_slots: int | None = None
    worker_capacity: int = 10
    millis_to_wait_before_deleting: int = 0
    #: ``KillUnusedSegments.lastKillTime``: when the kill duty last found a free task slot (UTC ms).
    last_kill_time: int | None = field(default=None, init=False, repr=False, compare=False)
    #: ``datasourceToLastKillIntervalEnd``: per datasource, the end of the last auto-kill interval (UTC ms).
    last_kill_interval_end: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def reset(self) -> None:
        """Back to the defaults, with no kill bookkeeping."""
        fresh = DutyConfig()
        for name in _FIELDS:
            setattr(self, name, getattr(fresh, name))
        self.forget_kill_history()

    def forget_kill_history(self) -> None:
        """Forget the last kill time and the remembered interval ends (what a Coordinator restart does)."""
        self.last_kill_time = None
        self.last_kill_interval_end = {}

    def to_json(self) -> dict[str, Any]:
        """The settings under Druid's property names (the fake's own ``workerCapacity`` included)."""
        return {
            "on": self.kill_on,
            "period": str(self.kill_period),
            "durationToRetain": str(self.kill_duration_to_retain),
            "ignoreDurationToRetain": self.kill_ignore_duration_to_retain,
            "bufferPeriod": str(self.kill_buffer_period),
            "maxSegments": self.kill_max_segments,
            "killDataSourceWhitelist": list(self.kill_datasource_whitelist),
            "killTaskSlotRatio": self.kill_task_slot_ratio,
            "maxKillTaskSlots": self.max_kill_task_slots,
            "workerCapacity": self.worker_capacity,
            "millisToWaitBeforeDeleting": self.millis_to_wait_before_deleting,
        }

    def update_from_json(self, obj: Any) -> None:
        """Change the settings named in ``obj`` (Druid's property names, as :meth:`to_json` writes them).

        All or nothing: every value is checked before any is applied. Changing a runtime property (``on``,
        ``period``, ``durationToRetain``, ``ignoreDurationToRetain``, ``bufferPeriod``, ``maxSegments``) restarts
        the kill duty's bookkeeping, as restarting the Coordinator with new properties would.

        :raises InvalidConfig: naming the first bad or unknown field; nothing changes.
        """
        if not isinstance(obj, Mapping):
            raise InvalidConfig(f"The kill configuration must be a JSON object, got {describe(obj)}")
        unknown = sorted(k for k in obj if k not in _READERS)
        if unknown:
            raise InvalidConfig(f"Unknown field(s) [{', '.join(unknown)}]; known fields are [{', '.join(_KEYS)}]")
        values = {_READERS[k][0]: _READERS[k][1](k, v) for k, v in obj.items()}
        restart = any(
            k in _RESTART_KEYS and getattr(self, _READERS[k][0]) != values[_READERS[k][0]] for k in obj
        )
        for name, value in values.items():
            setattr(self, name, value)
        if restart:
            self.forget_kill_history()


_FIELDS = (
    "kill_on",
    "kill_period",
    "kill_duration_to_retain",
    "kill_ignore_duration_to_retain",
    "kill_buffer_period",
    "kill_max_segments",
    "kill_datasource_whitelist",
    "kill_task_slot_ratio",
    "max_kill_task_slots",
    "worker_capacity",
    "millis_to_wait_before_deleting",
)


# ---------------------------------------------------------------------- reading the configuration JSON


def _read_bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidConfig(f"[{key}] must be true or false, got {describe(value)}")
    return value


def _read_duration(key: str, value: Any) -> Period:
    if not isinstance(value, str):
        raise InvalidConfig(f"[{key}] must be an ISO-8601 period string such as \"P1D\", got {describe(value)}")
    try:
        period = parse_period(value)
    except InvalidPeriod as exc:
        raise InvalidConfig(f"[{key}] is not an ISO-8601 period: {exc.message}") from exc
    if period.years or period.months:
        # Druid reads these as Joda Durations (Period.toStandardDuration), which refuses years and months.
        raise InvalidConfig(f"[{key}] must be a fixed duration (no years or months), got [{value}]")
    return period


def _read_non_negative_duration(key: str, value: Any) -> Period:
    period = _read_duration(key, value)
    if add_period(0, period) < 0:
        raise InvalidConfig(f"[{key}] must not be negative, got [{value}]")
    return period


def _read_int(key: str, value: Any, *, minimum: int, maximum: int = _INT_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidConfig(f"[{key}] must be an integer, got {describe(value)}")
    if not minimum <= value <= maximum:
        raise InvalidConfig(f"[{key}] must be an integer from {minimum} to {maximum}, got [{value}]")
    return value


def _read_max_segments(key: str, value: Any) -> int:
    # KillUnusedSegmentsConfig: "coordinator kill maxSegments must be > 0".
    return _read_int(key, value, minimum=1)


def _read_whitelist(key: str, value: Any) -> tuple[str, ...]:
    # CoordinatorDynamicConfig.parseJsonStringOrArray: a list, or a comma-separated string (the web console's form).
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidConfig(
            f"[{key}] must be an array of datasource names or a comma-separated string, got {describe(value)}"
        )
    return tuple(dict.fromkeys(value))


def _read_ratio(key: str, value: Any) -> float:
    # CoordinatorDynamicConfig: "killTaskSlotRatio [%.2f] is invalid. It must be >= 0 and <= 1."
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidConfig(f"[{key}] must be a number from 0 to 1, got {describe(value)}")
    if not 0 <= value <= 1:
        raise InvalidConfig(f"[{key}] must be a number from 0 to 1, got [{value}]")
    return float(value)


def _read_max_slots(key: str, value: Any) -> int | None:
    return None if value is None else _read_int(key, value, minimum=0)


_READERS: dict[str, tuple[str, Any]] = {
    "on": ("kill_on", _read_bool),
    "period": ("kill_period", _read_non_negative_duration),
    "durationToRetain": ("kill_duration_to_retain", _read_duration),  # may be negative (Druid docs)
    "ignoreDurationToRetain": ("kill_ignore_duration_to_retain", _read_bool),
    "bufferPeriod": ("kill_buffer_period", _read_duration),
    "maxSegments": ("kill_max_segments", _read_max_segments),
    "killDataSourceWhitelist": ("kill_datasource_whitelist", _read_whitelist),
    "killTaskSlotRatio": ("kill_task_slot_ratio", _read_ratio),
    "maxKillTaskSlots": ("max_kill_task_slots", _read_max_slots),
    "workerCapacity": ("worker_capacity", lambda k, v: _read_int(k, v, minimum=0)),
    "millisToWaitBeforeDeleting": (
        "millis_to_wait_before_deleting",
        lambda k, v: _read_int(k, v, minimum=-_LONG_MAX - 1, maximum=_LONG_MAX),
    ),
}
