"""The per-fake settings (profile, Accept-quirk emulation, strict mode) and the application state.

Layer: below the api; imports the stdlib, :mod:`fakedruid.errors`, :mod:`fakedruid.profiles`,
:mod:`fakedruid.harness` and :mod:`fakedruid.model`; never Flask, pytest or hypothesis.

:class:`AppState` is everything a view may reach: the :class:`~fakedruid.model.cluster.Cluster` (Druid's state),
the :class:`~fakedruid.harness.Harness` (what the fake adds for tests) and the :class:`Settings`. The api holds
one per app and hands it to views through one typed accessor, :func:`fakedruid.api.wire.state`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fakedruid.errors import FakeDruidError, InvalidConfig
from fakedruid.harness import Harness
from fakedruid.model.clock import Clock, FrozenClock, parse_now
from fakedruid.model.cluster import Cluster
from fakedruid.model.rules import RuleEntry, rules_from_json
from fakedruid.model.security import BasicSecurity
from fakedruid.model.servers import ServerLayout
from fakedruid.profiles import Profile, resolve_profile

#: The keyword arguments :meth:`FakeCoordinator.configure` (and the pytest marker) accept.
CONFIGURE_ARGUMENTS = (
    "druid_version",
    "now",
    "rules",
    "segments",
    "tiers",
    "accept_quirk",
    "strict",
    "emulate_accept_quirk",
    "basic_security",
    "admin_password",
    "internal_client_password",
    "authenticator_name",
    "authorizer_name",
)
#: The arguments that configure basic security (``basic_security=True`` and these).
SECURITY_ARGUMENTS = ("admin_password", "internal_client_password", "authenticator_name", "authorizer_name")

_T = TypeVar("_T")


@dataclass(slots=True)
class Settings:
    """How the fake answers, beyond Druid's state.

    :ivar profile: the Druid version family answered as (read once per request).
    :ivar emulate_accept_quirk: emulate profile "29"'s 500 for a JSON-less ``Accept`` header (http-api 1.5)
        where the profile has the quirk (``profile.accept_quirk``).
    :ivar strict: ``check()`` also fails for a request answered 501.
    :ivar max_body_bytes: a request body over this size is refused with 413 before it is read.
    """

    profile: Profile
    emulate_accept_quirk: bool = True
    strict: bool = True
    max_body_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class AppState:
    """What the HTTP app serves: Druid's state, the harness and the settings."""

    cluster: Cluster
    harness: Harness
    settings: Settings


@dataclass(frozen=True, slots=True)
class SavedSettings:
    """The per-test settings of a FakeCoordinator, saved and restored by the pytest plugin.

    The clock is kept as a value: a frozen clock as its instant, so that moving it later does not move the copy.
    """

    profile: Profile
    emulate_accept_quirk: bool
    clock: Clock | int
    layout: ServerLayout
    conflict_mode: str
    strict: bool = True
    security: BasicSecurity | None = None

    @classmethod
    def save(cls, state: AppState) -> SavedSettings:
        """The settings of ``state`` now."""
        cluster, settings = state.cluster, state.settings
        clock = cluster.clock
        return cls(
            profile=settings.profile,
            emulate_accept_quirk=settings.emulate_accept_quirk,
            clock=clock.now() if isinstance(clock, FrozenClock) else clock,
            layout=cluster.layout,
            conflict_mode=cluster.conflict_mode,
            strict=settings.strict,
            security=cluster.security,
        )

    def restore(self, state: AppState) -> None:
        """Put these settings back (segments, rules and the journal are untouched)."""
        clock = self.clock
        state.settings.profile = self.profile
        state.settings.emulate_accept_quirk = self.emulate_accept_quirk
        state.settings.strict = self.strict
        state.cluster.restore_settings(
            clock=FrozenClock(clock) if isinstance(clock, int) else clock,
            layout=self.layout,
            conflict_mode=self.conflict_mode,
        )
        state.cluster.set_security(self.security)


#: The old name of :class:`SavedSettings`.
CoordinatorSettings = SavedSettings


def configure(
    state: AppState,
    *,
    druid_version: str | int | None = None,
    now: Any = None,
    rules: Mapping[str, Any] | None = None,
    segments: Sequence[Mapping[str, Any]] | None = None,
    tiers: Mapping[str, int | Sequence[str]] | None = None,
    emulate_accept_quirk: bool | None = None,
    strict: bool | None = None,
    basic_security: bool | None = None,
    **security: Any,
) -> None:
    """Check every argument, then change settings and seed state, all or nothing (``FakeCoordinator.configure``).

    ``basic_security=True`` starts druid-basic-security with a fresh user database, configured by
    ``admin_password``, ``internal_client_password``, ``authenticator_name`` and ``authorizer_name``.

    :raises InvalidConfig: naming the argument at fault; nothing has changed then.
    """
    unknown = sorted(set(security) - set(SECURITY_ARGUMENTS))
    if unknown:
        raise InvalidConfig(f"unknown argument(s) {unknown}")
    if basic_security is not None and not isinstance(basic_security, bool):
        raise InvalidConfig(f"basic_security: expected True or False, got [{basic_security!r}]")
    if security and not basic_security:
        raise InvalidConfig(f"{sorted(security)} need basic_security=True")
    for name, value in security.items():
        if value is not None and (not isinstance(value, str) or not value):
            raise InvalidConfig(f"{name}: expected a non-empty string, got [{value!r}]")
    cluster, settings = state.cluster, state.settings
    profile = settings.profile
    if druid_version is not None:
        profile = _checked("druid_version", lambda: resolve_profile(druid_version))
    now_ms = None if now is None else _checked("now", lambda: parse_now(now))
    layout = None if tiers is None else _checked("tiers", lambda: ServerLayout(_mapping("tiers", tiers)))
    if emulate_accept_quirk is not None and not isinstance(emulate_accept_quirk, bool):
        raise InvalidConfig(f"accept_quirk: expected True or False, got [{emulate_accept_quirk!r}]")
    if strict is not None and not isinstance(strict, bool):
        raise InvalidConfig(f"strict: expected True or False, got [{strict!r}]")
    default_key = cluster.default_rules_key()
    parsed_rules: dict[str, list[RuleEntry]] = {}
    for datasource, value in _mapping("rules", {} if rules is None else rules).items():
        if not isinstance(datasource, str) or not datasource:
            raise InvalidConfig(f"rules: keys must be datasource names, got [{datasource!r}]")
        build = functools.partial(rules_from_json, value, datasource=datasource, default_key=default_key)
        parsed_rules[datasource] = _checked(f"rules[{datasource!r}]", build)
    if segments is not None and (isinstance(segments, (str, bytes, Mapping)) or not isinstance(segments, Sequence)):
        raise InvalidConfig(f"segments: expected a list of DataSegment JSON objects, got [{segments!r}]")
    try:
        # All or nothing in the cluster: a bad segment changes neither segments, rules, clock nor layout.
        cluster.configure(
            now=None if now_ms is None else FrozenClock(now_ms),
            layout=layout,
            segments=[dict(s) if isinstance(s, Mapping) else s for s in segments or ()],
            rules=parsed_rules,
        )
    except FakeDruidError as exc:
        raise InvalidConfig(f"segments: {exc.message}") from exc
    if basic_security is not None:
        config = {k: v for k, v in security.items() if v is not None}
        if basic_security:
            cluster.enable_basic_security(**config)
        else:
            cluster.set_security(None)
    settings.profile = profile
    if emulate_accept_quirk is not None:
        settings.emulate_accept_quirk = emulate_accept_quirk
    if strict is not None:
        settings.strict = strict


def _checked(argument: str, build: Callable[[], _T]) -> _T:
    """``build()``, with a FakeDruidError turned into InvalidConfig naming ``argument`` (once)."""
    try:
        return build()
    except FakeDruidError as exc:
        message = exc.message if exc.message.startswith(f"{argument}: ") else f"{argument}: {exc.message}"
        raise InvalidConfig(message) from exc


def _mapping(argument: str, value: Any) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise InvalidConfig(f"{argument}: expected a dict, got [{value!r}]")
    return value
