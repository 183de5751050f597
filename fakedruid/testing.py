"""The target protocol of contract tests: one HTTP client for a fakedruid server or a real Druid cluster.

Layer: public test helpers. Imports ``requests`` (extra ``test``) and, for in-process fakes and for turning
model objects into JSON, the rest of fakedruid; never Flask, pytest or Hypothesis at module level.

A contract test talks to its target only through :class:`DruidTarget` and must pass unchanged against a fake
and against a real Druid. Seeding segments, resetting and setting rules work on a fake and on a real Druid this
process started (:meth:`DruidTarget.start_real`, :class:`fakedruid.real.RealDruid`); on any other real cluster
(``--druid-url``) they raise :class:`FakeOnlyError`, and tests that need them are marked ``fake_only``.
Reads after writes go through :func:`eventually`, because a real Coordinator sees
metadata changes only after its next poll (semantics 2.4) while the fake sees them at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import requests

if TYPE_CHECKING:
    from fakedruid.real import RealDruid
    from fakedruid.server import FakeCoordinator

__all__ = ["DOC_HEADERS", "DruidTarget", "FakeOnlyError", "eventually", "profile_for_version"]

T = TypeVar("T")

#: The headers Druid's data-management docs tell callers to send. ``Accept`` must name JSON: Druid 28-29
#: answers 500 on three endpoints otherwise (http-api 1.5).
DOC_HEADERS: Mapping[str, str] = {"Content-Type": "application/json", "Accept": "application/json, text/plain"}

_ADMIN = "/fakedruid/v1"


class FakeOnlyError(RuntimeError):
    """An operation only a fakedruid target supports was called on a real Druid."""


def profile_for_version(version: str) -> str:
    """The fakedruid profile whose answers match a Druid release (``"29.0.1"`` gives ``"29"``).

    :raises ValueError: for a release fakedruid does not emulate (before 28, or not a number).
    """
    from fakedruid.errors import InvalidConfig
    from fakedruid.profiles import resolve_profile

    try:
        return resolve_profile(version.split("-", 1)[0]).name
    except InvalidConfig as exc:
        raise ValueError(exc.message) from exc


class DruidTarget:
    """A Druid Coordinator to test against, real or fake, reached over HTTP.

    :param url: base URL, e.g. ``http://localhost:8081`` (a router works too when it proxies the
        Coordinator and Overlord paths).
    :param profile: which Druid answers to expect: ``"29"``, ``"31"``, ``"33"`` or ``"latest"``.
    :param is_fake: the target is a fakedruid server (in process or ``fakedruid serve``), so its admin API
        under ``/fakedruid/v1`` can seed and reset it.
    :param timeout: seconds per request.
    :param headers: default headers for every request; :data:`DOC_HEADERS` by default.
    :param auth: ``(user, password)`` sent as HTTP Basic credentials with every request (a Druid, or a fake,
        with basic security on); None sends none.
    """

    def __init__(
        self,
        url: str,
        *,
        profile: str = "29",
        is_fake: bool = False,
        timeout: float = 30.0,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.auth = auth
        self.profile = profile
        self.is_fake = is_fake
        self.timeout = timeout
        self._session = requests.Session()
        self._session.headers.update(DOC_HEADERS if headers is None else headers)
        self._session.auth = auth
        self._coordinator: FakeCoordinator | None = None
        self._real: RealDruid | None = None
        self._owns_real = False

    def __repr__(self) -> str:
        kind = "fake" if self.is_fake else "real"
        return f"DruidTarget({self.url!r}, profile={self.profile!r}, {kind})"

    # ------------------------------------------------------------------ construction

    @classmethod
    def start_fake(cls, profile: str = "29", *, auth: tuple[str, str] | None = None, **options: Any) -> DruidTarget:
        """Start an in-process :class:`~fakedruid.FakeCoordinator` on a free port and wrap it.

        :param profile: the fake's ``druid_version``.
        :param auth: the target's credentials (see :class:`DruidTarget`), e.g. ``("admin", password)`` with
            ``basic_security=True, admin_password=password``.
        :param options: more :class:`~fakedruid.FakeCoordinator` keyword arguments (``now``, ``tiers``, ...).
        :returns: the target; :meth:`close` stops the server.
        """
        from fakedruid.server import FakeCoordinator

        coordinator = FakeCoordinator(profile, port=0, **options).start()
        target = cls(coordinator.url, profile=coordinator.profile.name, is_fake=True, auth=auth)
        target._coordinator = coordinator
        return target

    @classmethod
    def wrap_real(cls, druid: RealDruid, profile: str | None = None) -> DruidTarget:
        """Wrap a started :class:`~fakedruid.real.RealDruid`: seeding, reset and rules go to it; the target
        sends the cluster's ``credentials``.

        :param profile: which fakedruid profile it answers as (default: from its version).
        """
        target = cls(druid.url, profile=profile or profile_for_version(druid.version), auth=druid.credentials)
        target._real = druid
        return target

    @classmethod
    def start_real(cls, version: str, **options: Any) -> DruidTarget:
        """Start a real Druid ``version`` on 127.0.0.1 (:class:`~fakedruid.real.RealDruid`) and wrap it;
        :meth:`close` stops it.

        :param options: more :class:`~fakedruid.real.RealDruid` keyword arguments (``port``, ``workdir``,
            ``extensions``, ``properties``, ``credentials``, ...).
        """
        from fakedruid.real import RealDruid

        druid = RealDruid(version, **options).start()
        try:
            target = cls.wrap_real(druid)
        except BaseException:
            druid.stop()
            raise
        target._owns_real = True
        return target

    @property
    def real(self) -> RealDruid | None:
        """The real Druid behind this target, if this process started it."""
        return self._real

    @property
    def can_seed(self) -> bool:
        """:meth:`seed`, :meth:`reset` and :meth:`set_rules` work: a fake, or a real Druid this process runs."""
        return self.is_fake or self._real is not None

    @property
    def coordinator(self) -> FakeCoordinator | None:
        """The in-process fake behind this target, if :meth:`start_fake` made it."""
        return self._coordinator

    def close(self) -> None:
        """Close the HTTP session and stop an in-process fake."""
        self._session.close()
        if self._coordinator is not None:
            self._coordinator.stop()
        if self._real is not None and self._owns_real:
            self._real.stop()

    def check(self) -> None:
        """Re-raise, in the test thread, an unexpected exception the in-process fake hit (no-op otherwise)."""
        if self._coordinator is not None:
            self._coordinator.check()

    def eventually(self, fn: Callable[[], T], *, timeout: float | None = None, interval: float = 1.0) -> T:
        """:func:`eventually` with this target's patience: a real cluster gets ``timeout`` seconds (default: 30
        for a Druid fakedruid started, whose polls run every second; 90 for another); a fake,
        whose reads see every write at once, gets one call (a wrong answer fails at once instead of after the
        timeout)."""
        if timeout is None:
            # A Druid fakedruid runs polls every second; another cluster may poll at Druid's default PT1M.
            timeout = 30.0 if self._real is not None else 90.0
        return eventually(fn, timeout=0.0 if self.is_fake else timeout, interval=interval)

    # ------------------------------------------------------------------ HTTP

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    ) -> requests.Response:
        """Send a request to ``url + path``; never raises for an HTTP error status.

        :param json: a body to send as JSON (``None``: no JSON body; use ``data=b"null"`` for a JSON null).
        :param data: a raw body, sent as is.
        :param headers: added to (and overriding) the default headers; a value of ``""`` removes one.
        """
        # requests merges these with the session's defaults; None removes a default.
        sent = {k: (None if v == "" else v) for k, v in (headers or {}).items()}
        return self._session.request(
            method,
            self.url + path,
            json=json,
            data=data,
            headers=sent,  # type: ignore[arg-type]  # None is documented to remove a session header
            params=params,
            timeout=self.timeout,
        )

    def close_connections(self) -> None:
        """Close the pooled HTTP connections; the next request opens a new one. For a test whose request makes
        the server close its connection (Jetty after a 414), so that the next request does not meet the closed
        socket."""
        for adapter in self._session.adapters.values():
            adapter.close()

    def get(
        self,
        path: str,
        *,
        json: Any = None,
        data: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    ) -> requests.Response:
        """``GET url + path`` (see :meth:`request`)."""
        return self.request("GET", path, json=json, data=data, headers=headers, params=params)

    def post(
        self,
        path: str,
        *,
        json: Any = None,
        data: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    ) -> requests.Response:
        """``POST url + path`` (see :meth:`request`)."""
        return self.request("POST", path, json=json, data=data, headers=headers, params=params)

    def delete(
        self,
        path: str,
        *,
        json: Any = None,
        data: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    ) -> requests.Response:
        """``DELETE url + path`` (see :meth:`request`)."""
        return self.request("DELETE", path, json=json, data=data, headers=headers, params=params)

    # ------------------------------------------------------------------ fake only

    def _require_fake(self, operation: str) -> None:
        if not self.can_seed:
            raise FakeOnlyError(
                f"DruidTarget.{operation}() needs a fakedruid target or a real Druid started by fakedruid, but "
                f"{self.url} is another real Druid; mark the test @pytest.mark.fake_only"
            )

    def _admin(self, method: str, path: str, body: Any) -> Any:
        resp = self.request(method, _ADMIN + path, json=body)
        if resp.status_code != 200:
            raise RuntimeError(f"fakedruid admin {method} {path} failed with {resp.status_code}: {resp.text}")
        return resp.json()

    def seed(self, segments: Iterable[Any], *, used: bool | Sequence[bool] = True) -> list[str]:
        """Add segments to the metadata store, all or nothing. On a real Druid the rows go into
        ``druid_segments`` and this returns once the Coordinator's poll shows the used ones.

        :param segments: :class:`~fakedruid.model.segments.DataSegment` objects (from
            :mod:`fakedruid.strategies`) or DataSegment JSON objects; a JSON object may carry its own
            ``"used"``, ``"createdDate"`` and ``"usedStatusLastUpdatedDate"``.
        :param used: the used flag of segments that do not say: one for all, or one per segment.
        :returns: their ids, in input order.
        :raises FakeOnlyError: on a real Druid fakedruid did not start.
        :raises ValueError: ``used`` is a sequence of another length than ``segments``.
        """
        self._require_fake("seed")
        objs = [_segment_json(segment) for segment in segments]
        flags = [used] * len(objs) if isinstance(used, bool) else list(used)
        if len(flags) != len(objs):
            raise ValueError(f"used has {len(flags)} flags for {len(objs)} segments")
        if self._real is not None:
            return self._real.seed_segments(objs, used=flags)
        body = []
        for obj, flag in zip(objs, flags, strict=False):
            obj.setdefault("used", flag)
            body.append(obj)
        ids: list[str] = self._admin("POST", "/segments", body)["segmentIds"]
        return ids

    def reset(self, *, datasources_gone: bool = True) -> None:
        """Forget every segment, rule change and task (on a real Druid: once running tasks end, and until the
        Coordinator's polls show it).

        :param datasources_gone: on a real Druid, as for :meth:`fakedruid.real.RealDruid.reset` (the fake forgets
            at once).
        :raises FakeOnlyError: on a real Druid fakedruid did not start.
        """
        self._require_fake("reset")
        if self._real is not None:
            self._real.reset(datasources_gone=datasources_gone)
            return
        self._admin("POST", "/reset", {})

    def set_rules(self, datasource: str, rules: Iterable[Any]) -> None:
        """Replace a datasource's retention rules through ``POST /druid/coordinator/v1/rules/{ds}`` (not on a
        shared cluster: its rules are not a test's to change).

        :param rules: rule objects (from :mod:`fakedruid.strategies`), rule JSON objects or ``None`` (a ``null``
            entry, which Druid stores).
        :raises FakeOnlyError: on a real Druid fakedruid did not start.
        """
        self._require_fake("set_rules")
        body = [_rule_json(rule) for rule in rules]
        if self._real is not None:
            self._real.set_rules(datasource, body)
            return
        resp = self.post(f"/druid/coordinator/v1/rules/{datasource}", json=body)
        if resp.status_code != 200:
            raise RuntimeError(f"setting the rules of {datasource} failed with {resp.status_code}: {resp.text}")


def _segment_json(segment: Any) -> dict[str, Any]:
    if isinstance(segment, Mapping):
        return dict(segment)
    from fakedruid.model.segments import DataSegment, data_segment_to_json

    if not isinstance(segment, DataSegment):
        raise TypeError(f"expected a DataSegment or a DataSegment JSON object, got {segment!r}")
    obj = data_segment_to_json(segment, projections=True)
    if segment.num_rows is not None:
        obj["numRows"] = segment.num_rows
    return obj


def _rule_json(rule: Any) -> dict[str, Any] | None:
    if rule is None:
        return None  # Druid stores a null entry as it is
    if isinstance(rule, Mapping):
        return dict(rule)
    from fakedruid.model.rules import rule_to_json

    return rule_to_json(rule)


def eventually(
    fn: Callable[[], T],
    *,
    timeout: float = 90.0,
    interval: float = 1.0,
    retry_on: tuple[type[BaseException], ...] = (AssertionError,),
) -> T:
    """Call ``fn`` until it returns without raising one of ``retry_on``; return its result.

    For read-after-write checks against a real cluster, whose Coordinator sees metadata changes only after its
    next poll (``druid.manager.segments.pollDuration``, PT1M by default). Against the fake the first call
    succeeds and nothing waits.

    :param fn: usually a function of assertions that returns the value read.
    :param timeout: seconds after the first call before giving up (the default covers one default poll).
    :param interval: seconds between calls.
    :param retry_on: the exceptions that mean "not yet".
    :raises: the last exception of ``fn`` once ``timeout`` has passed.
    """
    if timeout < 0 or interval < 0:
        raise ValueError(f"timeout and interval must be >= 0, got {timeout} and {interval}")
    deadline = time.monotonic() + timeout
    while True:
        try:
            return fn()
        except retry_on:
            if time.monotonic() + interval > deadline:
                raise
        time.sleep(interval)
