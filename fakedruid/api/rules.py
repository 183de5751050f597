"""The Coordinator's ``RulesResource``: retention rules and their audit history, ``/druid/coordinator/v1/rules``.

Layer: api (Flask). Views parse the path, query and body, call the rule store
through one :class:`~fakedruid.model.cluster.Cluster` call and shape Druid's answer
(http-api.md section 4; semantics.md section 6). Druid sources:
``server/src/main/java/org/apache/druid/server/http/RulesResource.java`` @ ``0171c69f`` and @ ``f88ebad6``,
``SQLMetadataRuleManager.java`` @ ``b8c71460``, ``SQLAuditManager.java`` @ ``104046df``. A rule change takes
effect at once: the served view (semantics 10.1) reads the store on every request.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from fakedruid.api import wire
from fakedruid.model.audit import java_hash_set_order
from fakedruid.model.intervals import parse_interval
from fakedruid.model.json_text import JsonFloat
from fakedruid.model.rules import rules_from_json, rules_to_json

bp = Blueprint("rules", __name__, url_prefix="/druid/coordinator/v1/rules")

#: ``AuditManager.X_DRUID_AUTHOR`` / ``X_DRUID_COMMENT``.
AUTHOR_HEADER = "X-Druid-Author"
COMMENT_HEADER = "X-Druid-Comment"


@bp.get("")
def get_rules() -> Response:
    """``getRules``: every key that has rules, in ``java.util.HashMap`` order.

    ``SQLMetadataRuleManager.poll`` folds the rows into a ``HashMap`` and keeps its iteration order in an
    ``ImmutableMap`` (measured on 37.0.0: ``{"fd_9ceb4762": [], "_default": [...]}``)."""
    rules = wire.state().cluster.all_rules()
    order = java_hash_set_order(rules)
    return wire.json_response({key: rules_to_json(rules[key]) for key in order if key is not None})


@bp.get("/<datasource>")
def get_datasource_rules(datasource: str) -> Response:
    """``getDatasourceRules``: the datasource's own rules (``[]`` when none); ``?full`` appends the defaults."""
    rules = wire.state().cluster.datasource_rules(datasource, with_default=wire.flag("full"))
    return wire.json_response(rules_to_json(rules))


@bp.post("/<datasource>")
def set_datasource_rules(datasource: str) -> Response:
    """``setDatasourceRules``: replace the datasource's rules and write an audit entry; 200 with no body."""
    # Druid 28.0.0 answers a malformed body here with an empty "500 Internal Server Error", not the Jetty page
    # the task and mark endpoints give (observed with '[{"type": '; why it differs is not known).
    try:
        state, profile, body = wire.json_request(error_page=False)
    except HTTPException as exc:
        # Jackson reads a List: an object fails at its first token, before the rest is parsed, so a malformed
        # body that starts with "{" is the mapping error of an object (400), not a parse error (measured on
        # 28.0.0 and 33.0.0 with the body '{').
        if exc.code != 500 or request.get_data(cache=True).lstrip()[:1] != b"{":
            raise
        state, profile = wire.context()
        body = {}
    if _has_float(body):
        # Re-read to keep numbers as written: an int overflow quotes the token's text (1e20, not 1e+20).
        # (A body only Jackson's reader takes, with trailing text, keeps Python's floats.)
        with contextlib.suppress(ValueError):
            body = json.loads(request.get_data(cache=True), parse_float=JsonFloat)
    # InvalidRule (a null list, empty cluster rules, a mapping error) is answered by the error table: 400.
    rules = rules_from_json(
        body,
        datasource=datasource,
        jackson_220=profile.jackson_220_wording,
    )
    state.cluster.set_rules(
        datasource,
        rules,
        author=request.headers.get(AUTHOR_HEADER, ""),
        comment=request.headers.get(COMMENT_HEADER, ""),
        ip=request.remote_addr or "",
    )
    return wire.empty(200)


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    return isinstance(value, list) and any(_has_float(v) for v in value)


@bp.get("/history")
def get_rule_history() -> Response:
    """``getDatasourceRuleHistory`` for every datasource (audit type ``rules``)."""
    return _history(None)


@bp.get("/<datasource>/history")
def get_datasource_rule_history(datasource: str) -> Response:
    """``getDatasourceRuleHistory`` for one datasource key."""
    return _history(datasource)


def _history(datasource: str | None) -> Response:
    """``getRuleHistory``: ``count`` alone gives the newest entries; otherwise by ``interval`` (default: the last
    week), which wins over ``count``.

    Jersey converts ``count`` before the method runs (404 for a non-integer); ``Intervals.of`` throws a
    DruidException the resource does not catch (28+), so a bad ``interval`` is an uncaught 500 (http-api 4.5).
    The ``_`` form is not converted here.
    """
    count = wire.int_param("count")
    text = request.args.get("interval")
    interval = None if text is None else parse_interval(text)  # InvalidInterval escapes: JETTY(500)
    # "Limit must be greater than zero!" is an IllegalArgumentException the resource turns into a 400 (InvalidRule,
    # answered by the error table).
    entries = wire.state().cluster.rule_history(datasource, interval=interval, count=count)
    body: list[dict[str, Any]] = [entry.to_json() for entry in entries]
    return wire.json_response(body)
