"""The ``druid-basic-security`` management API: users, credentials, roles, permissions, group mappings.

Layer: api. Druid's ``BasicAuthenticatorResource`` and ``BasicAuthorizerResource`` with their Coordinator
handlers (``extensions-core/druid-basic-security/src/main/java/org/apache/druid/security/basic/
authentication/endpoint/CoordinatorBasicAuthenticatorResourceHandler.java`` and
``authorization/endpoint/CoordinatorBasicAuthorizerResourceHandler.java``):

* success is ``200`` with no body (``Response.ok().build()``), or JSON for reads;
* an unknown authenticator or authorizer name, and every ``BasicSecurityDBResourceException`` (``User [x] does
  not exist.``, ``Role [r] already exists.``, ...), is ``400 {"error": "<message>"}``;
* a body Jackson cannot map is Druid's mapping error, ``400 {"error": ...}``;
* who may call these endpoints (CONFIG ``security``, READ for GET, WRITE otherwise) is checked by the request
  gate (:mod:`fakedruid.api.security_gate`), as ``BasicSecurityResourceFilter`` does before the method runs.

Without basic security these paths do not exist (404), as in a Druid without the extension. The
:class:`~fakedruid.model.security.BasicSecurity` served is the cluster's (``Cluster.security``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, request

from fakedruid.api import wire
from fakedruid.model.json_text import bean_from_non_object, cannot_deserialize
from fakedruid.model.security import (
    BasicSecurity,
    InvalidIterations,
    PermissionMappingError,
    SecurityDBError,
    UnknownAuthenticator,
    UnknownAuthorizer,
    resource_action_from_json,
)

bp = Blueprint("basic_security", __name__, url_prefix="/druid-ext/basic-security")

_AUTHN = "/authentication"
_AUTHZ = "/authorization"
_UPDATE_CLASS = "org.apache.druid.security.basic.authentication.entity.BasicAuthenticatorCredentialUpdate"
_GROUP_CLASS = "org.apache.druid.security.basic.authorization.entity.BasicAuthorizerGroupMapping"


def security() -> BasicSecurity:
    """The basic security state this app serves; 404 when the fake runs without basic security."""
    found = wire.state().cluster.security
    if found is None:
        abort(404)
    return found


@bp.before_request
def _only_with_basic_security() -> None:
    """A Druid without the extension has none of these paths: 404 before any body is read."""
    security()


def _answer(call: Callable[[], Any]) -> Response:
    """Run a model call and shape Druid's answer: 200 empty for ``None``, JSON otherwise, 400 for its errors."""
    try:
        result = call()
    except (SecurityDBError, UnknownAuthenticator, UnknownAuthorizer) as exc:
        return wire.json_response({"error": exc.message}, 400)
    except PermissionMappingError as exc:
        return wire.mapping_error(exc.message)
    except InvalidIterations as exc:
        # PBEKeySpec's IllegalArgumentException escapes the handler: Jetty's 500 page.
        return wire.jetty_for(exc)
    if result is None:
        return _empty_ok()
    return wire.json_response(result)


def _empty_ok() -> Response:
    """200 with no body; the resource methods are ``@Produces(APPLICATION_JSON)``, so Jersey still sends
    ``Content-Type: application/json`` (measured on Druid 37.0.0)."""
    resp = wire.empty(200)
    resp.headers["Content-Type"] = wire.JSON_TYPE
    return resp


def _json_body() -> Any:
    wire.require_json_content_type()
    return wire.read_json()


# ------------------------------------------------------------------ authentication


@bp.get(f"{_AUTHN}/loadStatus")
def authentication_load_status() -> Response:
    """``{"<authenticator>": true}``: the fake's user map is always loaded."""
    return wire.json_response({security().authenticator_name: True})


@bp.get(f"{_AUTHN}/refreshAll")
def authentication_refresh_all() -> Response:
    """Druid notifies the other services; the fake has none. 200, no body."""
    return _empty_ok()


@bp.get(f"{_AUTHN}/db/<authenticator>/users")
def authentication_users(authenticator: str) -> Response:
    return _answer(lambda: security().authenticator_users(authenticator))


@bp.get(f"{_AUTHN}/db/<authenticator>/users/<user>")
def authentication_user(authenticator: str, user: str) -> Response:
    return _answer(lambda: security().authenticator_user(authenticator, user))


@bp.post(f"{_AUTHN}/db/<authenticator>/users/<user>")
def create_authentication_user(authenticator: str, user: str) -> Response:
    return _answer(lambda: security().create_authenticator_user(authenticator, user))


@bp.delete(f"{_AUTHN}/db/<authenticator>/users/<user>")
def delete_authentication_user(authenticator: str, user: str) -> Response:
    return _answer(lambda: security().delete_authenticator_user(authenticator, user))


@bp.post(f"{_AUTHN}/db/<authenticator>/users/<user>/credentials")
def update_user_credentials(authenticator: str, user: str) -> Response:
    """``{"password": "...", "iterations": n?}``; the password is hashed at once and never kept."""
    body = _json_body()
    if body is None:
        # Jersey hands the handler a null update; setUserCredentials dereferences it.
        return wire.jetty(500, "java.lang.NullPointerException")
    if not isinstance(body, dict):
        return wire.mapping_error(bean_from_non_object(_UPDATE_CLASS, body))
    password = body.get("password")
    iterations = body.get("iterations")
    # BasicAuthenticatorCredentialUpdate's creator: Preconditions fail inside Jackson, a mapping error.
    if password is None:
        return wire.mapping_error(
            f"Cannot construct instance of `{_UPDATE_CLASS}`, problem: Cannot assign null password."
        )
    if not isinstance(password, str):
        return wire.mapping_error(cannot_deserialize("java.lang.String", password))
    if password == "":
        return wire.mapping_error(
            f"Cannot construct instance of `{_UPDATE_CLASS}`, problem: Cannot assign empty password."
        )
    if iterations is not None and (
        isinstance(iterations, bool) or not isinstance(iterations, int) or not -(2**31) <= iterations < 2**31
    ):
        return wire.mapping_error(cannot_deserialize("java.lang.Integer", iterations))
    return _answer(lambda: security().set_credentials(authenticator, user, password, iterations))


@bp.get(f"{_AUTHN}/db/<authenticator>/cachedSerializedUserMap")
def authentication_cached_user_map(authenticator: str) -> Response:
    """Smile-encoded; the fake does not speak Smile."""
    return wire.not_implemented("Smile-encoded user maps")


@bp.post(f"{_AUTHN}/listen/<authenticator>")
def authentication_listen(authenticator: str) -> Response:
    """``authenticatorUserUpdateListener`` on the Coordinator: 404, no body."""
    return wire.empty(404)


# ------------------------------------------------------------------ authorization


@bp.get(f"{_AUTHZ}/loadStatus")
def authorization_load_status() -> Response:
    return wire.json_response({security().authorizer_name: True})


@bp.get(f"{_AUTHZ}/refreshAll")
def authorization_refresh_all() -> Response:
    return _empty_ok()


@bp.get(f"{_AUTHZ}/db/<authorizer>/users")
def authorization_users(authorizer: str) -> Response:
    return _answer(lambda: security().authorizer_users(authorizer))


@bp.get(f"{_AUTHZ}/db/<authorizer>/users/<user>")
def authorization_user(authorizer: str, user: str) -> Response:
    # ``full`` and ``simplifyPermissions`` are presence flags (``full != null``).
    full = "full" in request.args
    simplify = "simplifyPermissions" in request.args
    return _answer(lambda: security().authorizer_user(authorizer, user, full=full, simplify_permissions=simplify))


@bp.post(f"{_AUTHZ}/db/<authorizer>/users/<user>")
def create_authorization_user(authorizer: str, user: str) -> Response:
    return _answer(lambda: security().create_authorizer_user(authorizer, user))


@bp.delete(f"{_AUTHZ}/db/<authorizer>/users/<user>")
def delete_authorization_user(authorizer: str, user: str) -> Response:
    return _answer(lambda: security().delete_authorizer_user(authorizer, user))


@bp.post(f"{_AUTHZ}/db/<authorizer>/users/<user>/roles/<role>")
def assign_role_to_user(authorizer: str, user: str, role: str) -> Response:
    return _answer(lambda: security().assign_role(authorizer, user, role))


@bp.delete(f"{_AUTHZ}/db/<authorizer>/users/<user>/roles/<role>")
def unassign_role_from_user(authorizer: str, user: str, role: str) -> Response:
    return _answer(lambda: security().unassign_role(authorizer, user, role))


@bp.get(f"{_AUTHZ}/db/<authorizer>/roles")
def roles(authorizer: str) -> Response:
    return _answer(lambda: security().roles(authorizer))


@bp.get(f"{_AUTHZ}/db/<authorizer>/roles/<role>")
def role(authorizer: str, role: str) -> Response:
    full = "full" in request.args
    simplify = "simplifyPermissions" in request.args
    return _answer(lambda: security().role(authorizer, role, full=full, simplify_permissions=simplify))


@bp.post(f"{_AUTHZ}/db/<authorizer>/roles/<role>")
def create_role(authorizer: str, role: str) -> Response:
    return _answer(lambda: security().create_role(authorizer, role))


@bp.delete(f"{_AUTHZ}/db/<authorizer>/roles/<role>")
def delete_role(authorizer: str, role: str) -> Response:
    return _answer(lambda: security().delete_role(authorizer, role))


@bp.post(f"{_AUTHZ}/db/<authorizer>/roles/<role>/permissions")
def set_role_permissions(authorizer: str, role: str) -> Response:
    """A JSON array of ``{"resource": {"name", "type"}, "action"}``; replaces the role's permissions."""
    body = _json_body()

    def call() -> None:
        if body is not None and not isinstance(body, list):
            raise PermissionMappingError(cannot_deserialize("java.util.ArrayList", body))
        actions = None if body is None else [resource_action_from_json(item) for item in body]
        security().set_permissions(authorizer, role, actions)

    return _answer(call)


@bp.get(f"{_AUTHZ}/db/<authorizer>/roles/<role>/permissions")
def role_permissions(authorizer: str, role: str) -> Response:
    return _answer(lambda: security().permissions(authorizer, role))


@bp.get(f"{_AUTHZ}/db/<authorizer>/groupMappings")
def group_mappings(authorizer: str) -> Response:
    return _answer(lambda: security().group_mappings(authorizer))


@bp.get(f"{_AUTHZ}/db/<authorizer>/groupMappings/<group>")
def group_mapping(authorizer: str, group: str) -> Response:
    full = "full" in request.args
    return _answer(lambda: security().group_mapping(authorizer, group, full=full))


@bp.post(f"{_AUTHZ}/db/<authorizer>/groupMappings/<group>")
def create_group_mapping(authorizer: str, group: str) -> Response:
    """``{"groupPattern": "...", "roles": [...]}``; the name comes from the path."""
    body = _json_body()
    if body is None:
        # BasicAuthorizerResource dereferences the null mapping (groupMapping.getGroupPattern()).
        return wire.jetty(500, "java.lang.NullPointerException")
    if not isinstance(body, dict):
        return wire.mapping_error(bean_from_non_object(_GROUP_CLASS, body))
    pattern = body.get("groupPattern")
    held = body.get("roles") or []
    if not isinstance(pattern, str) or not isinstance(held, list) or not all(isinstance(r, str) for r in held):
        return wire.mapping_error(cannot_deserialize(_GROUP_CLASS, body))
    return _answer(lambda: security().create_group_mapping(authorizer, group, pattern, held))


@bp.delete(f"{_AUTHZ}/db/<authorizer>/groupMappings/<group>")
def delete_group_mapping(authorizer: str, group: str) -> Response:
    return _answer(lambda: security().delete_group_mapping(authorizer, group))


@bp.post(f"{_AUTHZ}/db/<authorizer>/groupMappings/<group>/roles/<role>")
def assign_role_to_group_mapping(authorizer: str, group: str, role: str) -> Response:
    return _answer(lambda: security().assign_group_role(authorizer, group, role))


@bp.delete(f"{_AUTHZ}/db/<authorizer>/groupMappings/<group>/roles/<role>")
def unassign_role_from_group_mapping(authorizer: str, group: str, role: str) -> Response:
    return _answer(lambda: security().unassign_group_role(authorizer, group, role))


@bp.get(f"{_AUTHZ}/db/<authorizer>/cachedSerializedUserMap")
def authorization_cached_user_map(authorizer: str) -> Response:
    return wire.not_implemented("Smile-encoded user maps")
