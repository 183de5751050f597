"""Public Hypothesis strategies for Druid values: intervals, versions, segment ids, segments, timelines, rules
and markUsed/markUnused bodies.

Layer: public test helpers (extra ``fakedruid[hypothesis]``). Imports Hypothesis at the top and the model, so
that generated values are valid by construction; never imported by ``fakedruid/__init__.py``, and never
imports Flask or pytest.

Every strategy takes keyword-only arguments, checks them when it is built (``InvalidArgument``), and says in
its docstring what it generates and what it shrinks towards. Model values convert to Druid's JSON with
``str()`` (intervals, segment ids), :func:`fakedruid.model.segments.data_segment_to_json` (segments) and
:func:`fakedruid.model.rules.rule_to_json` (rules); :class:`fakedruid.testing.DruidTarget` accepts the model
objects directly.

Example::

    from hypothesis import given
    from fakedruid import strategies as fds

    @given(fds.timelines(datasource="wiki"))
    def test_seed(segments):
        with FakeCoordinator() as fake:
            fake.add_segments([data_segment_to_json(s) for s in segments])
"""

from __future__ import annotations

import json
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from fakedruid.errors import FakeDruidError, InvalidConfig
from fakedruid.model.intervals import (
    MS_PER_DAY,
    MS_PER_HOUR,
    Interval,
    Period,
    format_instant,
    parse_instant,
)
from fakedruid.model.rules import (
    DEFAULT_TIER,
    RULE_TYPES,
    BroadcastByInterval,
    BroadcastByPeriod,
    BroadcastForever,
    DropBeforeByPeriod,
    DropByInterval,
    DropByPeriod,
    DropForever,
    LoadByInterval,
    LoadByPeriod,
    LoadForever,
    Rule,
)
from fakedruid.model.segment_ids import SegmentId
from fakedruid.model.segments import DataSegment
from fakedruid.model.shard_specs import numbered, parse_shard_spec
from fakedruid.profiles import resolve_profile

__all__ = [
    "DAY",
    "HOUR",
    "INVALID_PAYLOAD",
    "MAPPING_ERROR",
    "SHARD_SPEC_TYPES",
    "MarkPayload",
    "data_segments",
    "datasource_names",
    "intervals",
    "mark_payloads",
    "rule_lists",
    "rules",
    "segment_ids",
    "timelines",
    "versions",
]

#: Convenience units for ``unit=`` (milliseconds).
HOUR = MS_PER_HOUR
DAY = MS_PER_DAY

#: Shard spec types :func:`data_segments` can generate.
SHARD_SPEC_TYPES: tuple[str, ...] = ("numbered", "hashed", "linear", "none", "tombstone")

_DEFAULT_MIN_START = "2020-01-01T00:00:00.000Z"
_DEFAULT_MAX_END = "2021-01-01T00:00:00.000Z"
_DEFAULT_MIN_VERSION = "2024-01-01T00:00:00.000Z"
_DEFAULT_MAX_VERSION = "2024-12-31T23:59:59.999Z"
# No "_" (a version with "_<digits>" makes the segment id read back as another segment, semantics 5.6) and
# nothing that needs escaping in a URL path.
_SHORT_VERSION_ALPHABET = string.digits + string.ascii_lowercase + ".-"
_NAME_ALPHABET = string.ascii_lowercase + string.digits
_YEAR_0 = parse_instant("0000-01-01T00:00:00.000Z")
_YEAR_10000 = parse_instant("10000-01-01T00:00:00.000Z")


# ====================================================================== argument checks


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidArgument(message)


def _check_int(value: Any, name: str, *, minimum: int | None = None) -> int:
    _check(
        isinstance(value, int) and not isinstance(value, bool),
        f"{name}={value!r} must be an integer",
    )
    if minimum is not None:
        _check(value >= minimum, f"{name}={value!r} must be >= {minimum}")
    return int(value)


def _check_instant(value: Any, name: str) -> int:
    """An instant given as an ISO-8601 string or UTC milliseconds."""
    if isinstance(value, str):
        try:
            return parse_instant(value)
        except FakeDruidError as exc:
            raise InvalidArgument(f"{name}={value!r} is not an ISO-8601 date-time: {exc.message}") from exc
    return _check_int(value, name)


def _check_strategy(value: Any, name: str) -> None:
    _check(
        value is None or isinstance(value, SearchStrategy),
        f"{name}={value!r} must be a hypothesis strategy or None",
    )


def _check_name(value: Any, name: str, *, allow_empty: bool = False) -> None:
    _check(isinstance(value, str), f"{name}={value!r} must be a string")
    _check(allow_empty or value != "", f"{name} must not be empty")
    # Datasource names appear in URL paths, where Druid's routes do not accept "/".
    _check("/" not in value, f"{name}={value!r} must not contain '/'")


# ====================================================================== names, intervals, versions


def datasource_names(*, prefix: str = "fd_", max_size: int = 8) -> SearchStrategy[str]:
    """Datasource names: ``prefix`` followed by 1 to ``max_size`` lower-case letters and digits.

    The names are safe in URL paths. Shrinks towards ``prefix + "0"``.
    """
    _check_name(prefix, "prefix", allow_empty=True)
    _check_int(max_size, "max_size", minimum=1)
    return st.text(_NAME_ALPHABET, min_size=1, max_size=max_size).map(lambda tail: prefix + tail)


def intervals(
    *,
    min_start: str | int = _DEFAULT_MIN_START,
    max_end: str | int = _DEFAULT_MAX_END,
    unit: int = DAY,
    max_units: int | None = None,
) -> SearchStrategy[Interval]:
    """Non-empty intervals inside ``[min_start, max_end]``, aligned to whole ``unit``\\ s from ``min_start``.

    ``str()`` of a generated value is Druid's form (``2020-01-01T00:00:00.000Z/2020-01-02T00:00:00.000Z``).

    :param min_start: earliest start (ISO-8601 string or UTC milliseconds).
    :param max_end: latest end; at least one whole unit must fit between the two.
    :param unit: the grid step in milliseconds (:data:`HOUR`, :data:`DAY`, ...).
    :param max_units: the longest interval, in units (default: up to ``max_end``).
    :returns: a strategy of :class:`~fakedruid.model.intervals.Interval`; shrinks towards one unit starting
        at ``min_start``.
    """
    start = _check_instant(min_start, "min_start")
    end = _check_instant(max_end, "max_end")
    step = _check_int(unit, "unit", minimum=1)
    cells = (end - start) // step
    _check(cells >= 1, f"no whole unit of {step} ms fits between min_start={min_start!r} and max_end={max_end!r}")
    longest = cells if max_units is None else min(cells, _check_int(max_units, "max_units", minimum=1))

    @st.composite
    def _intervals(draw: st.DrawFn) -> Interval:
        first = draw(st.integers(0, cells - 1))
        length = draw(st.integers(1, min(longest, cells - first)))
        return Interval(start + first * step, start + (first + length) * step)

    return _intervals()


def versions(
    *,
    style: str = "iso",
    min_value: str | int = _DEFAULT_MIN_VERSION,
    max_value: str | int = _DEFAULT_MAX_VERSION,
    max_size: int = 4,
) -> SearchStrategy[str]:
    """Segment version strings.

    * ``style="iso"``: ISO-8601 timestamps with milliseconds (``2024-03-01T10:00:00.000Z``), as Druid's
      indexing tasks write them, between ``min_value`` and ``max_value``; shrinks towards ``min_value``.
    * ``style="short"``: 1 to ``max_size`` characters of ``0-9a-z.-`` (``"v9"``, ``"v10"``), which exposes
      Druid's string order of versions (``"v10" < "v9"``); shrinks towards ``"0"``.

    Versions never contain ``_`` (an id ending in ``_<digits>`` would read back as another segment).
    """
    _check(style in ("iso", "short"), f"style={style!r} must be 'iso' or 'short'")
    if style == "short":
        _check_int(max_size, "max_size", minimum=1)
        return st.text(_SHORT_VERSION_ALPHABET, min_size=1, max_size=max_size)
    low = _check_instant(min_value, "min_value")
    high = _check_instant(max_value, "max_value")
    # Four-digit years keep string order equal to time order.
    _check(
        _YEAR_0 <= low < _YEAR_10000 and _YEAR_0 <= high < _YEAR_10000,
        "iso versions must lie in the years 0000 to 9999",
    )
    _check(low <= high, f"min_value={min_value!r} must not be after max_value={max_value!r}")
    return st.integers(low, high).map(format_instant)


# Module-level aliases: the keyword arguments below shadow the strategy functions' names.
_intervals = intervals
_versions = versions


# ====================================================================== segment ids and segments


def segment_ids(
    *,
    datasource: str | None = None,
    intervals: SearchStrategy[Interval] | None = None,
    versions: SearchStrategy[str] | None = None,
    max_partition_num: int = 3,
) -> SearchStrategy[SegmentId]:
    """Segment ids; ``str()`` of a value is Druid's id string and parses back to the same id.

    :param datasource: a fixed datasource name; default: :func:`datasource_names`.
    :param intervals: default :func:`intervals`.
    :param versions: default :func:`versions`.
    :param max_partition_num: the largest partition number.
    :returns: a strategy of :class:`~fakedruid.model.segment_ids.SegmentId`; shrinks towards partition 0 of
        the simplest interval and version.
    """
    if datasource is not None:
        _check_name(datasource, "datasource")
    _check_strategy(intervals, "intervals")
    _check_strategy(versions, "versions")
    top = _check_int(max_partition_num, "max_partition_num", minimum=0)
    return st.builds(
        SegmentId,
        st.just(datasource) if datasource is not None else datasource_names(),
        intervals if intervals is not None else _intervals(),
        versions if versions is not None else _versions(),
        st.integers(0, top),
    )


def _load_spec(datasource: str, interval: Interval, version: str, partition: int) -> dict[str, Any]:
    """A local-deep-storage load spec unique to the segment (kill compares load specs, semantics 8)."""
    return {
        "type": "local",
        "path": f"/druid/segments/{datasource}/{interval.start}_{interval.end}/{version}/{partition}/index.zip",
    }


def _shard_spec_json(kind: str, partition: int, core: int) -> dict[str, Any]:
    if kind == "numbered":
        return {"type": "numbered", "partitionNum": partition, "partitions": core}
    if kind == "hashed":
        return {"type": "hashed", "partitionNum": partition, "partitions": core, "partitionDimensions": []}
    if kind == "linear":
        return {"type": "linear", "partitionNum": partition}
    return {"type": kind}  # none, tombstone: partition 0


def data_segments(
    *,
    datasource: str | None = None,
    intervals: SearchStrategy[Interval] | None = None,
    versions: SearchStrategy[str] | None = None,
    shard_spec_types: Sequence[str] = ("numbered",),
    max_partitions: int = 3,
) -> SearchStrategy[DataSegment]:
    """Single DataSegments that the fake accepts, with a unique local ``loadSpec``.

    Any one generated segment is valid on its own; a list of them may clash (same version, overlapping
    intervals): use :func:`timelines` for sets.

    :param datasource: a fixed datasource name; default: :func:`datasource_names`.
    :param shard_spec_types: a non-empty subset of :data:`SHARD_SPEC_TYPES`; the first is preferred when
        shrinking.
    :param max_partitions: the largest ``partitions`` (core partition count); partition numbers lie in
        ``[0, max_partitions)``.
    :returns: a strategy of :class:`~fakedruid.model.segments.DataSegment`; shrinks towards a ``numbered``
        partition 0 of 1 (or the first listed type), no dimensions or metrics, size 0.
    """
    if datasource is not None:
        _check_name(datasource, "datasource")
    _check_strategy(intervals, "intervals")
    _check_strategy(versions, "versions")
    _check(
        not isinstance(shard_spec_types, str) and isinstance(shard_spec_types, Sequence) and len(shard_spec_types) > 0,
        f"shard_spec_types={shard_spec_types!r} must be a non-empty sequence of shard spec types",
    )
    unknown = [t for t in shard_spec_types if t not in SHARD_SPEC_TYPES]
    _check(not unknown, f"unknown shard spec type(s) {unknown!r}; choose from {list(SHARD_SPEC_TYPES)!r}")
    top = _check_int(max_partitions, "max_partitions", minimum=1)
    names = st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=6), max_size=3, unique=True)
    ds_strategy = st.just(datasource) if datasource is not None else datasource_names()
    interval_strategy = intervals if intervals is not None else _intervals()
    version_strategy = versions if versions is not None else _versions()
    types = list(shard_spec_types)

    @st.composite
    def _segments(draw: st.DrawFn) -> DataSegment:
        ds = draw(ds_strategy)
        interval = draw(interval_strategy)
        version = draw(version_strategy)
        kind = draw(st.sampled_from(types))
        # sampled_from shrinks to its first element: a complete "1 core partition" set.
        core = draw(st.sampled_from([*range(1, top + 1), 0])) if kind in ("numbered", "hashed") else 0
        partition = draw(st.integers(0, top - 1)) if kind in ("numbered", "hashed", "linear") else 0
        return DataSegment(
            ds,
            interval,
            version,
            shard_spec=parse_shard_spec(_shard_spec_json(kind, partition, core)),
            load_spec=_load_spec(ds, interval, version, partition),
            dimensions=tuple(draw(names)),
            metrics=tuple(draw(names)),
            size=draw(st.integers(0, 10**9)),
        )

    return _segments()


def timelines(
    *,
    datasource: str | None = None,
    start: str | int = _DEFAULT_MIN_START,
    unit: int = DAY,
    cells: int = 6,
    versions: SearchStrategy[str] | None = None,
    max_versions: int = 3,
    max_partitions: int = 3,
    max_segments: int = 12,
) -> SearchStrategy[list[DataSegment]]:
    """Segment sets for one datasource that the fake accepts together: versions overlap each other, partition
    sets may be complete, incomplete, extended by appended partitions or have ``partitions: 0``.

    Intervals lie on a grid of ``cells`` steps of ``unit`` from ``start``. Within one version the intervals
    never overlap (the fake refuses same-version overlaps of different intervals, semantics 10.8); all
    segments of one (interval, version) share one ``numbered`` core partition count. Ids are unique.

    :param datasource: a fixed datasource name; default: :func:`datasource_names`.
    :param versions: where versions come from (distinct ones are drawn); default :func:`versions`.
    :param max_versions: how many distinct versions at most.
    :param max_partitions: the largest core partition count.
    :param max_segments: the list is cut after this many segments.
    :returns: a strategy of non-empty lists of :class:`~fakedruid.model.segments.DataSegment` in a stable
        order; shrinks towards a single segment (partition 0 of 1, first cell, simplest version).
    """
    if datasource is not None:
        _check_name(datasource, "datasource")
    origin = _check_instant(start, "start")
    step = _check_int(unit, "unit", minimum=1)
    n_cells = _check_int(cells, "cells", minimum=1)
    _check_strategy(versions, "versions")
    n_versions = _check_int(max_versions, "max_versions", minimum=1)
    top = _check_int(max_partitions, "max_partitions", minimum=1)
    limit = _check_int(max_segments, "max_segments", minimum=1)
    ds_strategy = st.just(datasource) if datasource is not None else datasource_names()
    version_strategy = versions if versions is not None else _versions()
    spans = st.lists(st.tuples(st.integers(0, n_cells - 1), st.integers(1, n_cells)), min_size=1, max_size=3)

    @st.composite
    def _timelines(draw: st.DrawFn) -> list[DataSegment]:
        ds = draw(ds_strategy)
        chosen = draw(st.lists(version_strategy, min_size=1, max_size=n_versions, unique=True))
        out: list[DataSegment] = []
        for version in chosen:
            kept: list[tuple[int, int]] = []
            for first, length in draw(spans):
                last = min(n_cells, first + length)
                if any(first < b and a < last for a, b in kept):
                    continue  # same version, overlapping: skip rather than let the fake refuse the set
                kept.append((first, last))
            for first, last in kept:
                interval = Interval(origin + first * step, origin + last * step)
                core = draw(st.sampled_from([*range(1, top + 1), 0]))
                if core > 0:
                    partitions = draw(st.lists(st.integers(0, core - 1), min_size=1, max_size=core, unique=True))
                    if draw(st.booleans()):
                        partitions.append(core)  # an appended partition beyond the core set
                else:
                    partitions = draw(st.lists(st.integers(0, top - 1), min_size=1, max_size=top, unique=True))
                for partition in sorted(partitions):
                    out.append(
                        DataSegment(
                            ds,
                            interval,
                            version,
                            shard_spec=numbered(partition, core),
                            load_spec=_load_spec(ds, interval, version, partition),
                            size=1000 + partition,
                        )
                    )
        return out[:limit]

    return _timelines()


# ====================================================================== rules


def _periods() -> SearchStrategy[Period]:
    return st.one_of(
        st.integers(1, 31).map(lambda n: Period(days=n)),
        st.integers(1, 12).map(lambda n: Period(months=n)),
        st.integers(1, 48).map(lambda n: Period(hours=n)),
        st.integers(1, 3).map(lambda n: Period(years=n)),
    )


def rules(
    *,
    types: Sequence[str] = RULE_TYPES,
    tiers: Sequence[str] = (DEFAULT_TIER,),
    max_replicants: int = 3,
    intervals: SearchStrategy[Interval] | None = None,
) -> SearchStrategy[Rule]:
    """Retention rules of the given JSON ``type``\\ s, as the model's rule objects
    (:func:`fakedruid.model.rules.rule_to_json` gives Druid's JSON).

    :param types: a non-empty subset of :data:`fakedruid.model.rules.RULE_TYPES`; the first is preferred when
        shrinking.
    :param tiers: tier names load rules may name.
    :param max_replicants: the largest replica count per tier (0 is allowed, as in Druid 27+).
    :param intervals: for the ``*ByInterval`` rules; default :func:`intervals`.
    :returns: shrinks towards a rule with no fields (``dropForever``, ``broadcastForever``) when ``types``
        allows one, else towards the first type; fields shrink to Druid's defaults (``tieredReplicants`` left
        to ``{"_default_tier": 2}``, ``useDefaultTierForNull`` and ``includeFuture`` true) and periods to
        ``P1D``.
    """
    _check(
        not isinstance(types, str) and isinstance(types, Sequence) and len(types) > 0,
        f"types={types!r} must be a non-empty sequence of rule types",
    )
    unknown = [t for t in types if t not in RULE_TYPES]
    _check(not unknown, f"unknown rule type(s) {unknown!r}; choose from {list(RULE_TYPES)!r}")
    _check(
        not isinstance(tiers, str) and isinstance(tiers, Sequence) and len(tiers) > 0,
        f"tiers={tiers!r} must be a non-empty sequence of tier names",
    )
    for tier in tiers:
        _check(isinstance(tier, str) and tier != "", f"tier names must be non-empty strings, got {tier!r}")
    top = _check_int(max_replicants, "max_replicants", minimum=0)
    _check_strategy(intervals, "intervals")
    interval_strategy = intervals if intervals is not None else _intervals()
    replicants = st.one_of(
        st.none(), st.dictionaries(st.sampled_from(list(tiers)), st.integers(0, top), max_size=len(tiers))
    )
    default_tier = st.sampled_from([True, False])  # shrinks to Druid's default, true
    future = st.sampled_from([True, False])  # shrinks to Druid's default, true
    builders: dict[str, SearchStrategy[Rule]] = {
        "loadForever": st.builds(LoadForever, replicants, default_tier),
        "loadByInterval": st.builds(LoadByInterval, interval_strategy, replicants, default_tier),
        "loadByPeriod": st.builds(LoadByPeriod, _periods(), future, replicants, default_tier),
        "dropForever": st.just(DropForever()),
        "dropByInterval": st.builds(DropByInterval, interval_strategy),
        "dropByPeriod": st.builds(DropByPeriod, _periods(), future),
        "dropBeforeByPeriod": st.builds(DropBeforeByPeriod, _periods()),
        "broadcastForever": st.just(BroadcastForever()),
        "broadcastByInterval": st.builds(BroadcastByInterval, interval_strategy),
        "broadcastByPeriod": st.builds(BroadcastByPeriod, _periods(), future),
    }
    return st.one_of([builders[t] for t in dict.fromkeys(types)])


_rules = rules


def rule_lists(
    *,
    for_default: bool = False,
    min_size: int = 0,
    max_size: int = 4,
    rules: SearchStrategy[Rule] | None = None,
) -> SearchStrategy[list[Rule]]:
    """Rule lists that ``POST /druid/coordinator/v1/rules/{datasource}`` accepts.

    Druid checks no order or redundancy (http-api 4.3), so any list is valid for a datasource; the
    cluster-level list (``_default``) must not be empty. Druid also accepts ``null`` entries (its Coordinator then
    fails on them, see :data:`fakedruid.model.rules.RuleEntry`); these lists have none, so that what they set can
    be run.

    :param for_default: lists for the ``_default`` key: at least one rule.
    :param rules: the elements; default :func:`rules`.
    :returns: shrinks towards ``[]`` (for the default key, one rule as :func:`rules` shrinks).
    """
    low = _check_int(min_size, "min_size", minimum=0)
    high = _check_int(max_size, "max_size", minimum=0)
    _check(low <= high, f"min_size={min_size!r} must not exceed max_size={max_size!r}")
    _check(isinstance(for_default, bool), f"for_default={for_default!r} must be a bool")
    if for_default:
        _check(high >= 1, "the cluster-level rule list cannot be empty: max_size must be >= 1 with for_default")
        low = max(low, 1)
    _check_strategy(rules, "rules")
    return st.lists(rules if rules is not None else _rules(), min_size=low, max_size=high)


# ====================================================================== markUsed / markUnused bodies

#: Interval strings Druid cannot read: no ``/``, not a date, end before start, not a keyword.
_BAD_INTERVALS = ("2020-01-01", "not an interval", "2020-02-01/2020-01-01", "ETERNITY")

#: Kinds of invalid bodies (``MarkPayload.problem``).
INVALID_PAYLOAD = "invalid_payload"
MAPPING_ERROR = "mapping_error"


@dataclass(frozen=True, slots=True)
class MarkPayload:
    """A markUsed/markUnused request body and what Druid makes of it in one profile (http-api 2.3).

    :ivar body: the decoded JSON body; ``None`` is the JSON ``null`` (read like an empty body).
    :ivar valid: Druid accepts the body (it passes mapping and the validity rule).
    :ivar problem: ``None`` when valid; ``"invalid_payload"`` for the 400 RAW "Invalid request payload..."
        answer; ``"mapping_error"`` for the 400 ``{"error": ...}`` answer of a field Jackson cannot read.
    :ivar profile: the profile the verdict holds for (``"29"``, ``"31"``, ``"33"`` or ``"latest"``).
    """

    body: Any
    valid: bool
    problem: str | None
    profile: str

    @property
    def data(self) -> bytes:
        """The body to send, encoded (``b"null"`` for ``None``)."""
        return json.dumps(self.body).encode("utf-8")


def mark_payloads(
    *,
    profile: str = "29",
    valid: bool | None = None,
    ids: SearchStrategy[str] | None = None,
    intervals: SearchStrategy[Interval] | None = None,
    versions: SearchStrategy[str] | None = None,
) -> SearchStrategy[MarkPayload]:
    """markUsed/markUnused bodies, valid and invalid, each labelled with Druid's verdict for ``profile``.

    Valid bodies: ``interval`` alone or with ``versions`` (ignored in profile "29", a filter in "latest",
    possibly empty), ``segmentIds`` alone (non-empty), null fields and unknown extra fields; profile "latest"
    also ``{"interval", "segmentIds": []}``; profile "29" also ``segmentIds`` with ``versions``. Invalid
    bodies: null, ``{}``, both or neither field, ``segmentIds: []``, ``versions`` alone, the profile's own
    invalid combinations, and mapping errors (an unparseable or reversed interval, wrong JSON types, a body
    that is not an object).

    :param profile: ``"29"``, ``"31"``, ``"33"`` or ``"latest"`` (or a Druid release number).
    :param valid: ``True`` for valid bodies only, ``False`` for invalid ones only, ``None`` for both.
    :param ids: segment id strings for ``segmentIds``; default ids of random datasources (``str`` of
        :func:`segment_ids`). Strings equal to the path's datasource make Druid fail with 500: avoid them.
    :param intervals: default :func:`intervals`.
    :param versions: default :func:`versions`.
    :returns: a strategy of :class:`MarkPayload`; valid bodies shrink towards ``{"interval": ...}``, invalid
        ones towards the null body.
    """
    try:
        name = resolve_profile(profile).name
    except InvalidConfig as exc:
        raise InvalidArgument(f"profile={profile!r}: {exc.message}") from exc
    _check(valid is None or isinstance(valid, bool), f"valid={valid!r} must be True, False or None")
    _check_strategy(ids, "ids")
    _check_strategy(intervals, "intervals")
    _check_strategy(versions, "versions")
    id_s = ids if ids is not None else segment_ids().map(str)
    iv_s = (intervals if intervals is not None else _intervals()).map(str)
    vs_s = versions if versions is not None else _versions()
    some_ids = st.lists(id_s, min_size=1, max_size=4)
    some_versions = st.lists(vs_s, min_size=1, max_size=3)
    # Profiles "31", "33" and "latest" read SegmentsToUpdateFilter (PR #16141, versions honoured), "29" its older
    # payload.
    latest = resolve_profile(profile).honours_versions

    def ok(strategy: SearchStrategy[dict[str, Any]]) -> SearchStrategy[MarkPayload]:
        return strategy.map(lambda body: MarkPayload(body, True, None, name))

    def bad(strategy: SearchStrategy[Any], problem: str = INVALID_PAYLOAD) -> SearchStrategy[MarkPayload]:
        return strategy.map(lambda body: MarkPayload(body, False, problem, name))

    def obj(**fields: SearchStrategy[Any]) -> SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(fields)

    extra = st.fixed_dictionaries({}, optional={"comment": st.just("fakedruid"), "dryRun": st.booleans()})

    def with_extra(strategy: SearchStrategy[dict[str, Any]]) -> SearchStrategy[dict[str, Any]]:
        return st.tuples(strategy, extra).map(lambda pair: {**pair[0], **pair[1]})

    valid_bodies = [
        ok(obj(interval=iv_s)),
        ok(obj(segmentIds=some_ids)),
        ok(with_extra(obj(interval=iv_s, segmentIds=st.none()))),
        ok(with_extra(obj(segmentIds=some_ids, interval=st.none()))),
        ok(obj(interval=iv_s, versions=st.lists(vs_s, max_size=3))),
        # "latest" allows versions with ids only when empty; "29" ignores the field.
        ok(obj(segmentIds=some_ids, versions=st.just([]) if latest else some_versions)),
    ]
    if latest:
        valid_bodies.append(ok(obj(interval=iv_s, segmentIds=st.just([]))))
    invalid_bodies = [
        bad(st.none()),
        bad(st.just({})),
        bad(obj(segmentIds=st.just([]))),
        bad(obj(interval=iv_s, segmentIds=some_ids)),
        bad(obj(versions=st.lists(vs_s, max_size=3))),
        bad(obj(interval=st.none(), segmentIds=st.none())),
        bad(obj(segmentIds=some_ids, versions=some_versions) if latest else obj(interval=iv_s, segmentIds=st.just([]))),
        bad(obj(interval=st.sampled_from(_BAD_INTERVALS)), MAPPING_ERROR),
        bad(obj(interval=st.integers(0, 9)), MAPPING_ERROR),
        bad(obj(segmentIds=id_s), MAPPING_ERROR),
        bad(obj(segmentIds=st.lists(some_ids, min_size=1, max_size=1)), MAPPING_ERROR),
        bad(st.sampled_from([[], "markUnused", 7]), MAPPING_ERROR),
    ]
    if latest:
        invalid_bodies.append(bad(obj(interval=iv_s, versions=vs_s), MAPPING_ERROR))
    if valid is True:
        return st.one_of(valid_bodies)
    if valid is False:
        return st.one_of(invalid_bodies)
    return st.one_of(valid_bodies + invalid_bodies)
