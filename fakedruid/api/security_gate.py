"""The request gate of basic security: 401 for missing or wrong credentials, 403 outside a user's permissions.

Layer: api. :func:`enforce` runs before every view (from :mod:`fakedruid.api.hooks`) when basic security is on
(``Cluster.security`` is a :class:`~fakedruid.model.security.BasicSecurity`). It reads the table in
:mod:`fakedruid.api.access`, authenticates the ``Authorization`` header and authorizes the request, so a refused
request never reaches a view and changes nothing. Lists (``FILTERED`` rows) and task submissions
(``TASK_BODY``) pass with an identity; their views filter or check with :func:`may_read` / :func:`may_write`.

The answers, per ``PreResponseAuthorizationCheckFilter``, ``BasicHTTPAuthenticator`` and the resource filters
(see :mod:`fakedruid.api.access` for sources):

* no credentials: 401, ``WWW-Authenticate: Basic``, JSON ``{"error": "Unauthorized request", ..., "host": ...}``;
* credentials that do not decode, or an unknown user: Jetty's 401 page (``sendError(401)``);
* a wrong password: Jetty's 401 page with ``User DB authentication failed username[<user>].``;
* no permission: 403 with the resource filter's body for the active profile (``{"Access-Check-Result": ...}``;
  the management API's filter: ``text/plain`` ``Access-Check-Result: ...``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import g, request

from fakedruid.api import access, wire
from fakedruid.api.wire import Response
from fakedruid.model.security import (
    ADMIN_NAME,
    AuthenticationFailed,
    BasicSecurity,
    Identity,
    Unauthenticated,
)

_T = TypeVar("_T")


def _security() -> BasicSecurity | None:
    return wire.state().cluster.security


def _raw_path() -> str:
    # The path as sent, percent-encoding intact: an encoded slash stays inside one segment, as in Jersey.
    uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if uri:
        path = str(uri).split("?", 1)[0]
        if "://" in path:  # an absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        return path
    return request.path


def authorization_result() -> bool:
    """Whether the active profile reports denials as Druid 33+ does (``AuthorizationResult``)."""
    return wire.profile().authorization_result


def forbidden() -> Response:
    """The resource filters' 403 (``ForbiddenException`` through ``ForbiddenExceptionMapper``)."""
    return wire.json_response(access.forbidden_body(authorization_result=authorization_result()), 403)


def identity() -> Identity | None:
    """The authenticated identity of this request (None when security is off or the path is unsecured)."""
    found: Identity | None = g.get("fakedruid_identity")
    return found


def may(name: str, action: str, type_: str = "DATASOURCE") -> bool:
    """Whether this request's user may ``action`` the resource (always when security is off)."""
    sec, who = _security(), identity()
    if sec is None or who is None:
        return True
    return sec.authorize(who.identity, name, type_, action)


def may_read(datasource: str) -> bool:
    """READ on a datasource."""
    return may(datasource, "READ")


def may_write(datasource: str) -> bool:
    """WRITE on a datasource."""
    return may(datasource, "WRITE")


def readable(items: Iterable[_T], key: Callable[[_T], str]) -> list[_T]:
    """``AuthorizationUtils.filterAuthorizedResources`` with ``DATASOURCE_READ_RA_GENERATOR``: the items whose
    datasource (``key(item)``) this request's user may READ, in order. Everything when security is off.

    Each datasource is authorized once (Druid caches per resource action too).
    """
    items = list(items)
    sec, who = _security(), identity()
    if sec is None or who is None:
        return items
    names = list(dict.fromkeys(key(item) for item in items))
    allowed = set(sec.filter_authorized(who.identity, names, "DATASOURCE", "READ"))
    return [item for item in items if key(item) in allowed]


def enforce() -> Response | None:
    """The gate: ``None`` lets the request through, a response refuses it (before any view runs)."""
    sec = _security()
    if sec is None:
        return None
    need = access.requirement(request.method, _raw_path())
    if need.kind == access.UNSECURED:
        return None
    try:
        profile = wire.context()[1]
        who = sec.authenticate(
            request.headers.get("Authorization"),
            split_at_first_colon=profile.basic_auth_splits_at_first_colon,
            failure_names_user=profile.auth_failure_names_user,
        )
    except Unauthenticated:
        resp = wire.json_response(access.unauthenticated_body(), 401)
        resp.headers["Content-Type"] = "application/json;charset=utf-8"  # sendJsonError sets the charset
        resp.headers["WWW-Authenticate"] = "Basic"
        return resp
    except AuthenticationFailed as exc:
        return wire.jetty(401, exc.message or "Unauthorized")
    g.fakedruid_identity = who
    if need.kind == access.ADMIN:
        if who.identity != ADMIN_NAME:
            return wire.text(access.ADMIN_ONLY_MESSAGE, 403)
        return None
    if need.kind in (access.FILTERED, access.TASK_BODY):
        return None
    name = need.resource_name
    if need.kind == access.TASK_IN_PATH:
        task = wire.state().cluster.task(name)
        datasource = None if task is None else task.datasource
        if datasource is None:
            # TaskResourceFilter answers an unknown task with its 404 before authorizing; the view answers it.
            return None
        name = datasource
    if sec.authorize(who.identity, name, need.resource_type, need.action):
        return None
    if need.kind == access.SECURITY:
        return wire.text(access.security_forbidden_text(authorization_result=authorization_result()), 403)
    return forbidden()
