"""Druid's ``druid-basic-security`` extension: users, PBKDF2 credentials, roles, permissions, the authorization check.

Layer: model; imports only the stdlib and ``fakedruid.errors``. No HTTP here: parsing the ``Authorization``
header is plain string work, the answers (401, 403, 400 bodies) are built by ``fakedruid.api``.

One :class:`BasicSecurity` holds one basic authenticator (credentials) and one basic authorizer (users, roles,
permissions), each under its configured name, as a Druid cluster configured with
``druid.auth.authenticatorChain=["basic"]`` and ``druid.auth.authorizers=["basic"]`` does. Sources, all in
``extensions-core/druid-basic-security/src/main/java/org/apache/druid/security/basic/``:

* hashing: ``BasicAuthUtils.java`` (PBKDF2WithHmacSHA512, 10,000 iterations, 32-byte salt, 512-bit key) and
  ``authentication/entity/BasicAuthenticatorCredentials.java`` (a fresh salt per credential update);
* the start-up users: ``authentication/db/updater/CoordinatorBasicAuthenticatorMetadataStorageUpdater.java``
  (``admin`` and ``druid_system`` get credentials only when their initial password is configured) and
  ``authorization/db/updater/CoordinatorBasicAuthorizerMetadataStorageUpdater.java`` (roles ``admin`` and
  ``druid_system`` with the superuser permissions, users of the same names holding them, always);
* the check: ``authorization/BasicRoleBasedAuthorizer.java`` (same action, same resource type, the
  permission's name regex *fully* matches the resource name) and ``authentication/BasicHTTPAuthenticator.java``
  with ``authentication/validator/DBCredentialsValidator.java`` (who gets a 401 and with which message);
* every error text below: ``BasicSecurityDBResourceException`` messages in the two updaters and
  ``authorization/entity/BasicAuthorizerPermission.java``.

Permission name patterns are Java regular expressions in Druid; the fake compiles them with Python's ``re``.
The two agree on the common syntax (``.*``, classes, alternation, anchors); constructs only one of them knows
(possessive quantifiers, ``\\p{...}`` classes, inline flags placed mid-pattern) differ. A listed known difference.

Thread safety: every public method takes the lock given at construction (the cluster's lock, so that one lock
guards all state, STYLE.md convention 2).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fakedruid.errors import FakeDruidError
from fakedruid.model.json_text import bean_from_non_object

# ------------------------------------------------------------------ constants (BasicAuthUtils.java)

#: Java's name for the key derivation; ``hashlib.pbkdf2_hmac("sha512", ...)`` computes the same bytes.
ALGORITHM = "PBKDF2WithHmacSHA512"
#: Salt bytes per credential (``BasicAuthUtils.SALT_LENGTH``).
SALT_LENGTH = 32
#: Derived key length in bits (``BasicAuthUtils.KEY_LENGTH``): 64 bytes.
KEY_LENGTH = 512
#: ``BasicAuthUtils.DEFAULT_KEY_ITERATIONS``; also the authenticator's default ``credentialIterations``.
DEFAULT_KEY_ITERATIONS = 10000
#: The fake refuses more iterations than this (Druid has no limit; one hash would stall the server).
MAX_KEY_ITERATIONS = 1_000_000

ADMIN_NAME = "admin"
INTERNAL_USER_NAME = "druid_system"
#: The name Druid's docs give the authenticator and the authorizer; the fake's default for both.
DEFAULT_NAME = "basic"

READ = "READ"
WRITE = "WRITE"
ACTIONS = (READ, WRITE)

# ``server/.../security/ResourceType.java``: the built-in types. Druid 23+ keeps them as strings in a registry
# (``ResourceType.registerResourceType``), so a permission may name any type; these are the known ones.
DATASOURCE = "DATASOURCE"
VIEW = "VIEW"
CONFIG = "CONFIG"
STATE = "STATE"
SYSTEM_TABLE = "SYSTEM_TABLE"
QUERY_CONTEXT = "QUERY_CONTEXT"
EXTERNAL = "EXTERNAL"
KNOWN_RESOURCE_TYPES = (DATASOURCE, VIEW, CONFIG, STATE, SYSTEM_TABLE, QUERY_CONTEXT, EXTERNAL)


# ------------------------------------------------------------------ errors


class SecurityDBError(FakeDruidError, ValueError):
    """``BasicSecurityDBResourceException``: the management API answers 400 ``{"error": message}``."""

    java_class = "org.apache.druid.security.basic.BasicSecurityDBResourceException"


class UnknownAuthenticator(FakeDruidError, LookupError):
    """No basic authenticator of that name: 400 ``Basic authenticator with name [x] does not exist.``"""

    def __init__(self, name: str) -> None:
        super().__init__(f"Basic authenticator with name [{name}] does not exist.")
        self.name = name


class UnknownAuthorizer(FakeDruidError, LookupError):
    """No basic authorizer of that name: 400 ``Basic authorizer with name [x] does not exist.``"""

    def __init__(self, name: str) -> None:
        super().__init__(f"Basic authorizer with name [{name}] does not exist.")
        self.name = name


class InvalidIterations(FakeDruidError, ValueError):
    """``PBEKeySpec`` refuses an iteration count below 1: an uncaught ``IllegalArgumentException`` (500)."""

    java_class = "java.lang.IllegalArgumentException"


class PermissionMappingError(FakeDruidError, ValueError):
    """A permission list body Jackson cannot map to ``List<ResourceAction>``: 400 ``{"error": message}``."""


class InvalidSecurityState(FakeDruidError, ValueError):
    """A security state document (the fake's own format) that cannot be loaded."""


# ------------------------------------------------------------------ credentials


def hash_password(password: str, salt: bytes, iterations: int) -> bytes:
    """``BasicAuthUtils.hashPassword``: PBKDF2 with HMAC-SHA512, a 512-bit key.

    Java's SunJCE turns the ``char[]`` password into bytes with UTF-8; a lone surrogate (which UTF-8 cannot
    carry) becomes ``?`` there as here.
    """
    return hashlib.pbkdf2_hmac("sha512", password.encode("utf-8", "replace"), salt, iterations, KEY_LENGTH // 8)


def check_iterations(iterations: int) -> None:
    """Refuse what ``PBEKeySpec`` refuses (``< 1``) and, a fake's limit, more than :data:`MAX_KEY_ITERATIONS`.

    :raises InvalidIterations: below 1 (Druid: uncaught ``IllegalArgumentException: invalid iterationCount
        value``).
    :raises SecurityDBError: above the fake's limit (not Druid behaviour; a listed difference).
    """
    if iterations < 1:
        raise InvalidIterations("invalid iterationCount value")
    if iterations > MAX_KEY_ITERATIONS:
        raise SecurityDBError(
            f"fakedruid refuses more than {MAX_KEY_ITERATIONS} PBKDF2 iterations (got {iterations}); "
            "Druid has no such limit"
        )


@dataclass(frozen=True, slots=True)
class Credentials:
    """``BasicAuthenticatorCredentials``: salt, hash and iteration count; never the password."""

    salt: bytes
    hash: bytes
    iterations: int

    @classmethod
    def create(cls, password: str, iterations: int, *, salt: bytes | None = None) -> Credentials:
        """Hash ``password`` with a fresh random salt (``BasicAuthUtils.generateSalt``), or ``salt`` if given.

        :raises InvalidIterations, SecurityDBError: see :func:`check_iterations`.
        """
        check_iterations(iterations)
        salt = os.urandom(SALT_LENGTH) if salt is None else salt
        return cls(salt, hash_password(password, salt, iterations), iterations)

    def matches(self, password: str) -> bool:
        """Whether ``password`` hashes to the stored hash (constant-time comparison)."""
        return hmac.compare_digest(hash_password(password, self.salt, self.iterations), self.hash)

    def to_json(self) -> dict[str, Any]:
        """Jackson's form: ``byte[]`` fields as base64 strings."""
        return {
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "hash": base64.b64encode(self.hash).decode("ascii"),
            "iterations": self.iterations,
        }

    @classmethod
    def from_json(cls, obj: Any) -> Credentials:
        """The inverse of :meth:`to_json`.

        :raises InvalidSecurityState: a field is missing or malformed.
        """
        if not isinstance(obj, Mapping):
            raise InvalidSecurityState("credentials must be a JSON object")
        try:
            salt = base64.b64decode(obj["salt"], validate=True)
            digest = base64.b64decode(obj["hash"], validate=True)
            iterations = obj["iterations"]
        except (KeyError, TypeError, binascii.Error) as exc:
            raise InvalidSecurityState(f"malformed credentials: {exc}") from exc
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
            raise InvalidSecurityState("credentials [iterations] must be a positive integer")
        return cls(salt, digest, iterations)


# ------------------------------------------------------------------ the Authorization header


@dataclass(frozen=True, slots=True)
class BasicCredentials:
    """A user name and password taken from an ``Authorization: Basic`` header."""

    user: str
    password: str


#: The header names HTTP Basic but cannot be used: Druid answers 401 at once (``BasicHTTPAuthenticator``).
MALFORMED = "malformed"


def _java_split_colon(text: str) -> list[str]:
    # Java's String.split(":"): trailing empty strings are removed (and "" stays [""]).
    if text == "":
        return [""]
    parts = text.split(":")
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def parse_basic_authorization(
    header: str | None, *, split_at_first_colon: bool = False
) -> BasicCredentials | str | None:
    """Read an ``Authorization`` header as ``BasicAuthUtils`` and ``BasicHTTPAuthenticator`` do.

    ``split_at_first_colon`` (Druid 37.0.0, measured): the decoded form splits at its first ``:`` only, so a
    password may contain ``:`` and ``user:`` is an empty password; no ``:`` at all is still malformed.

    :returns: ``None`` when the request carries no Basic credentials (no header, shorter than 7 characters, or
        not starting with the case-sensitive ``"Basic "``): Druid moves on and, with no other authenticator,
        answers the 401 challenge. :data:`MALFORMED` when the secret is not base64 or its decoded form does not
        split on ``:`` into exactly two parts (Java's ``split`` drops trailing empty parts, so ``"user:"`` and
        a password containing ``:`` are both malformed): Druid answers a bare 401. Otherwise the credentials.
    """
    if header is None or len(header) < 7 or header[:6] != "Basic ":
        return None
    encoded = header[6:]
    try:
        # java.util.Base64.getDecoder(): the standard alphabet, padding optional, anything else refused.
        if not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", encoded):
            return MALFORMED
        stripped = encoded.rstrip("=")
        if len(stripped) % 4 == 1:
            return MALFORMED
        raw = base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError):
        return MALFORMED
    # StringUtils.fromUtf8 replaces malformed UTF-8 rather than failing.
    decoded = raw.decode("utf-8", "replace")
    if split_at_first_colon:
        user, colon, password = decoded.partition(":")
        return BasicCredentials(user, password) if colon else MALFORMED
    parts = _java_split_colon(decoded)
    if len(parts) != 2:
        return MALFORMED
    return BasicCredentials(parts[0], parts[1])


# ------------------------------------------------------------------ permissions


@dataclass(frozen=True, slots=True)
class ResourceAction:
    """``ResourceAction``: an action on a named resource of a type (the name is a regex in a permission)."""

    name: str
    type: str
    action: str

    def to_json(self) -> dict[str, Any]:
        """``{"resource": {"name", "type"}, "action"}`` as Druid writes it."""
        return {"resource": {"name": self.name, "type": self.type}, "action": self.action}


@dataclass(frozen=True, slots=True)
class Permission:
    """``BasicAuthorizerPermission``: a resource action and its compiled name pattern."""

    resource_action: ResourceAction
    pattern: re.Pattern[str] = field(compare=False)

    @classmethod
    def of(cls, resource_action: ResourceAction) -> Permission:
        """Compile the resource name as the pattern.

        :raises SecurityDBError: ``Invalid permission, resource name regex[x] does not compile.``
        """
        try:
            pattern = re.compile(resource_action.name)
        except (re.error, RecursionError, OverflowError) as exc:
            raise SecurityDBError(
                f"Invalid permission, resource name regex[{resource_action.name}] does not compile."
            ) from exc
        return cls(resource_action, pattern)

    def allows(self, name: str, type_: str, action: str) -> bool:
        """``BasicRoleBasedAuthorizer.permissionCheck``: same action, same type, the regex matches all of name."""
        ra = self.resource_action
        return ra.action == action and ra.type == type_ and self.pattern.fullmatch(name) is not None

    def to_json(self) -> dict[str, Any]:
        """``{"resourceAction": ..., "resourceNamePattern": "<regex>"}`` (Jackson writes a ``Pattern`` as text)."""
        return {"resourceAction": self.resource_action.to_json(), "resourceNamePattern": self.pattern.pattern}


def superuser_permissions() -> list[ResourceAction]:
    """``AuthorizationUtils.makeSuperUserPermissions``: READ and WRITE on ``.*`` for every known resource type.

    The order of types follows ``ResourceType.java``'s declarations; Druid iterates a set, so the order a
    real Druid lists them in is UNCONFIRMED.
    """
    return [ResourceAction(".*", t, a) for t in KNOWN_RESOURCE_TYPES for a in ACTIONS]


def resource_action_from_json(obj: Any) -> ResourceAction:
    """A ``ResourceAction`` from its JSON (``{"resource": {"name", "type"}, "action"}``).

    :raises PermissionMappingError: Jackson-like wording naming the field (the API answers 400).
    """
    if not isinstance(obj, Mapping):
        raise PermissionMappingError(bean_from_non_object("org.apache.druid.server.security.ResourceAction", obj))
    resource = obj.get("resource")
    action = obj.get("action")
    if not isinstance(resource, Mapping):
        raise PermissionMappingError("ResourceAction [resource] must be an object with [name] and [type]")
    name = resource.get("name")
    type_ = resource.get("type")
    if not isinstance(name, str) or not isinstance(type_, str):
        raise PermissionMappingError("Resource [name] and [type] must be strings")
    if action not in ACTIONS:
        raise PermissionMappingError(
            f"Cannot deserialize value of type `org.apache.druid.server.security.Action` from String "
            f'"{action}": not one of the values accepted for Enum class: [READ, WRITE]'
        )
    return ResourceAction(name, type_, str(action))


# ------------------------------------------------------------------ the state


@dataclass
class AuthorizerUser:
    """``BasicAuthorizerUser``: a name and the names of its roles (a ``Set`` in Druid; kept in insertion order)."""

    name: str
    roles: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """``{"name", "roles"}``."""
        return {"name": self.name, "roles": list(self.roles)}


@dataclass
class Role:
    """``BasicAuthorizerRole``: a name and its permissions."""

    name: str
    permissions: list[Permission] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """``{"name", "permissions": [{"resourceAction", "resourceNamePattern"}]}``."""
        return {"name": self.name, "permissions": [p.to_json() for p in self.permissions]}

    def simplified_json(self, users: Iterable[str] | None = None) -> dict[str, Any]:
        """``BasicAuthorizerRoleSimplifiedPermissions``: permissions as plain resource actions."""
        return {
            "name": self.name,
            "users": None if users is None else sorted(users),
            "permissions": [p.resource_action.to_json() for p in self.permissions],
        }


@dataclass
class GroupMapping:
    """``BasicAuthorizerGroupMapping``: an LDAP group pattern and its roles (used only with LDAP in Druid)."""

    name: str
    group_pattern: str
    roles: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """``{"name", "groupPattern", "roles"}``."""
        return {"name": self.name, "groupPattern": self.group_pattern, "roles": list(self.roles)}


@dataclass(frozen=True, slots=True)
class Identity:
    """``AuthenticationResult``: who the request is, and which authorizer decides for it."""

    identity: str
    authorizer_name: str
    authenticator_name: str


class AuthenticationFailed(FakeDruidError, PermissionError):
    """The request must get a 401. ``message`` is what Jetty's page shows (empty: the bare 401 page)."""


class Unauthenticated(FakeDruidError, PermissionError):
    """No credentials at all: Druid's JSON 401 challenge (``PreResponseAuthorizationCheckFilter``)."""


class BasicSecurity:
    """The basic authenticator and the basic authorizer of one fake cluster.

    :param admin_password: ``initialAdminPassword``: when set, user ``admin`` gets these credentials.
    :param internal_client_password: ``initialInternalClientPassword``, for user ``druid_system``.
    :param authenticator_name: the authenticator's name (``druid.auth.authenticatorChain``), in URLs.
    :param authorizer_name: the authorizer's name (``druid.auth.authorizers``), in URLs.
    :param credential_iterations: the authenticator's ``credentialIterations`` (default 10,000).
    :param lock: the lock guarding the state; pass the cluster's so one lock guards everything.
    """

    def __init__(
        self,
        *,
        admin_password: str | None = None,
        internal_client_password: str | None = None,
        authenticator_name: str = DEFAULT_NAME,
        authorizer_name: str = DEFAULT_NAME,
        credential_iterations: int = DEFAULT_KEY_ITERATIONS,
        lock: Any = None,
    ) -> None:
        check_iterations(credential_iterations)
        self.authenticator_name = authenticator_name
        self.authorizer_name = authorizer_name
        self.credential_iterations = credential_iterations
        # Hashed once: a reset (every test, under the pytest plugin) reuses them. Never the passwords themselves.
        self._initial_credentials: dict[str, Credentials | None] = {}
        if admin_password is not None:
            self._initial_credentials[ADMIN_NAME] = Credentials.create(admin_password, DEFAULT_KEY_ITERATIONS)
        if internal_client_password is not None:
            self._initial_credentials[INTERNAL_USER_NAME] = Credentials.create(
                internal_client_password, DEFAULT_KEY_ITERATIONS
            )
        self.lock = threading.RLock() if lock is None else lock
        # authenticator: user name -> credentials (None: created but no password yet)
        self._credentials: dict[str, Credentials | None] = {}
        self._users: dict[str, AuthorizerUser] = {}
        self._roles: dict[str, Role] = {}
        self._groups: dict[str, GroupMapping] = {}
        self.reset()

    # -------------------------------------------------------------- lifecycle

    def reset(self) -> None:
        """Back to the start-up state: the initial users, roles and credentials only."""
        with self.lock:
            self._reset()

    def _reset(self) -> None:
        """:meth:`reset` without the lock (for a caller that holds it, such as ``Cluster.reset``)."""
        self._credentials = {}
        self._users = {}
        self._roles = {}
        self._groups = {}
        # CoordinatorBasicAuthenticatorMetadataStorageUpdater.start(): a user exists in the authenticator
        # only when its initial password is configured.
        self._credentials.update(self._initial_credentials)
        # CoordinatorBasicAuthorizerMetadataStorageUpdater.initSuperUsersAndGroupMapping(): always.
        for name in (ADMIN_NAME, INTERNAL_USER_NAME):
            self._roles[name] = Role(name, [Permission.of(ra) for ra in superuser_permissions()])
        for name in (ADMIN_NAME, INTERNAL_USER_NAME):
            self._users[name] = AuthorizerUser(name, [name])

    # -------------------------------------------------------------- name checks

    def _authenticator(self, name: str) -> None:
        if name != self.authenticator_name:
            raise UnknownAuthenticator(name)

    def _authorizer(self, name: str) -> None:
        if name != self.authorizer_name:
            raise UnknownAuthorizer(name)

    # -------------------------------------------------------------- authenticator (credentials)

    def authenticator_users(self, authenticator: str) -> list[str]:
        """``GET .../authentication/db/{a}/users``: the user names."""
        with self.lock:
            self._authenticator(authenticator)
            return list(self._credentials)

    def authenticator_user(self, authenticator: str, user: str) -> dict[str, Any]:
        """``GET .../authentication/db/{a}/users/{u}``: ``{"name", "credentials"}`` (hash and salt, base64).

        :raises SecurityDBError: ``User [u] does not exist.``
        """
        with self.lock:
            self._authenticator(authenticator)
            if user not in self._credentials:
                raise SecurityDBError(f"User [{user}] does not exist.")
            cred = self._credentials[user]
            return {"name": user, "credentials": None if cred is None else cred.to_json()}

    def create_authenticator_user(self, authenticator: str, user: str) -> None:
        """``POST .../authentication/db/{a}/users/{u}``: a user with no credentials (cannot log in yet).

        :raises SecurityDBError: ``User [u] already exists.``
        """
        with self.lock:
            self._authenticator(authenticator)
            if user in self._credentials:
                raise SecurityDBError(f"User [{user}] already exists.")
            self._credentials[user] = None

    def delete_authenticator_user(self, authenticator: str, user: str) -> None:
        """``DELETE .../authentication/db/{a}/users/{u}``.

        :raises SecurityDBError: ``User [u] does not exist.``
        """
        with self.lock:
            self._authenticator(authenticator)
            if user not in self._credentials:
                raise SecurityDBError(f"User [{user}] does not exist.")
            del self._credentials[user]

    def set_credentials(self, authenticator: str, user: str, password: str, iterations: int | None = None) -> None:
        """``POST .../authentication/db/{a}/users/{u}/credentials`` with ``{"password", "iterations"?}``.

        The hash is computed before the user is looked up, as ``setUserCredentialsInternal`` does.
        :param iterations: ``None`` (or Druid's ``-1``) means the authenticator's ``credentialIterations``.
        :raises SecurityDBError: ``User [u] does not exist.``
        :raises InvalidIterations: an iteration count below 1 other than ``-1``.
        """
        self._authenticator_checked(authenticator)
        count = self.credential_iterations if iterations is None or iterations == -1 else iterations
        credentials = Credentials.create(password, count)
        with self.lock:
            self._authenticator(authenticator)
            if user not in self._credentials:
                raise SecurityDBError(f"User [{user}] does not exist.")
            self._credentials[user] = credentials

    def _authenticator_checked(self, authenticator: str) -> None:
        with self.lock:
            self._authenticator(authenticator)

    def authenticate(
        self, header: str | None, *, split_at_first_colon: bool = False, failure_names_user: bool = True
    ) -> Identity:
        """Who sends a request with this ``Authorization`` header.

        ``split_at_first_colon``: see :func:`parse_basic_authorization`. ``failure_names_user``: a wrong
        password's message names the user (Druid 28-33) or is ``User authentication failed.`` (37.0.0, measured).

        :raises Unauthenticated: no Basic credentials: Druid's JSON 401 challenge.
        :raises AuthenticationFailed: malformed credentials or an unknown user (empty message: bare 401 page),
            or a wrong password (message ``User DB authentication failed username[u].``).
        """
        parsed = parse_basic_authorization(header, split_at_first_colon=split_at_first_colon)
        if parsed is None:
            raise Unauthenticated("")
        if isinstance(parsed, str):
            raise AuthenticationFailed("")
        with self.lock:
            cred = self._credentials.get(parsed.user)
            if cred is None:
                # DBCredentialsValidator: an unknown user, or one without credentials, is a null result, and
                # BasicHTTPAuthenticator (skipOnFailure false) sends a bare 401.
                raise AuthenticationFailed("")
        # Hashing (about 6 ms) runs outside the lock; Credentials are immutable.
        if not cred.matches(parsed.password):
            if not failure_names_user:
                raise AuthenticationFailed("User authentication failed.")
            raise AuthenticationFailed(f"User DB authentication failed username[{parsed.user}].")
        return Identity(parsed.user, self.authorizer_name, self.authenticator_name)

    # -------------------------------------------------------------- authorizer (users, roles, permissions)

    def authorizer_users(self, authorizer: str) -> list[str]:
        """``GET .../authorization/db/{z}/users``."""
        with self.lock:
            self._authorizer(authorizer)
            return list(self._users)

    def authorizer_user(
        self, authorizer: str, user: str, *, full: bool = False, simplify_permissions: bool = False
    ) -> dict[str, Any]:
        """``GET .../authorization/db/{z}/users/{u}[?full][&simplifyPermissions]``.

        Plain: ``{"name", "roles": [names]}``; ``full``: ``{"name", "roles": [role objects]}`` (roles with
        ``resourceNamePattern`` permissions, or simplified permissions and ``"users": null``).
        :raises SecurityDBError: ``User [u] does not exist.``
        """
        with self.lock:
            self._authorizer(authorizer)
            found = self._users.get(user)
            if found is None:
                raise SecurityDBError(f"User [{user}] does not exist.")
            if not full:
                return found.to_json()
            roles = [self._roles[r] for r in found.roles if r in self._roles]
            if simplify_permissions:
                return {"name": user, "roles": [r.simplified_json(None) for r in roles]}
            return {"name": user, "roles": [r.to_json() for r in roles]}

    def create_authorizer_user(self, authorizer: str, user: str) -> None:
        """``POST .../authorization/db/{z}/users/{u}``.

        :raises SecurityDBError: ``User [u] already exists.``
        """
        with self.lock:
            self._authorizer(authorizer)
            if user in self._users:
                raise SecurityDBError(f"User [{user}] already exists.")
            self._users[user] = AuthorizerUser(user)

    def delete_authorizer_user(self, authorizer: str, user: str) -> None:
        """``DELETE .../authorization/db/{z}/users/{u}``.

        :raises SecurityDBError: ``User [u] does not exist.``
        """
        with self.lock:
            self._authorizer(authorizer)
            if user not in self._users:
                raise SecurityDBError(f"User [{user}] does not exist.")
            del self._users[user]

    def roles(self, authorizer: str) -> list[str]:
        """``GET .../authorization/db/{z}/roles``."""
        with self.lock:
            self._authorizer(authorizer)
            return list(self._roles)

    def role(
        self, authorizer: str, role: str, *, full: bool = False, simplify_permissions: bool = False
    ) -> dict[str, Any]:
        """``GET .../authorization/db/{z}/roles/{r}[?full][&simplifyPermissions]``.

        ``full`` adds ``users`` and ``groups`` (``BasicAuthorizerRoleFull``); with ``simplifyPermissions`` the
        permissions are plain resource actions and ``users`` is listed (no ``groups``).
        :raises SecurityDBError: ``Role [r] does not exist.``
        """
        with self.lock:
            self._authorizer(authorizer)
            found = self._roles.get(role)
            if found is None:
                raise SecurityDBError(f"Role [{role}] does not exist.")
            holders = [u.name for u in self._users.values() if role in u.roles]
            if simplify_permissions:
                return found.simplified_json(holders if full else None)
            if not full:
                return found.to_json()
            return {
                "name": role,
                "users": sorted(holders),
                "groups": sorted(g.name for g in self._groups.values() if role in g.roles),
                "permissions": [p.to_json() for p in found.permissions],
            }

    def create_role(self, authorizer: str, role: str) -> None:
        """``POST .../authorization/db/{z}/roles/{r}``.

        :raises SecurityDBError: ``Role [r] already exists.``
        """
        with self.lock:
            self._authorizer(authorizer)
            if role in self._roles:
                raise SecurityDBError(f"Role [{role}] already exists.")
            self._roles[role] = Role(role)

    def delete_role(self, authorizer: str, role: str) -> None:
        """``DELETE .../authorization/db/{z}/roles/{r}``: also taken away from every user holding it.

        :raises SecurityDBError: ``Role [r] does not exist.``
        """
        with self.lock:
            self._authorizer(authorizer)
            if role not in self._roles:
                raise SecurityDBError(f"Role [{role}] does not exist.")
            del self._roles[role]
            holders: list[list[str]] = [u.roles for u in self._users.values()]
            holders += [g.roles for g in self._groups.values()]
            for held in holders:
                if role in held:
                    held.remove(role)

    def assign_role(self, authorizer: str, user: str, role: str) -> None:
        """``POST .../authorization/db/{z}/users/{u}/roles/{r}``. The role is checked first, as Druid does.

        :raises SecurityDBError: ``Role [r] does not exist.``, ``User [u] does not exist.``,
            ``User [u] already has role [r].``
        """
        with self.lock:
            self._authorizer(authorizer)
            if role not in self._roles:
                raise SecurityDBError(f"Role [{role}] does not exist.")
            found = self._users.get(user)
            if found is None:
                raise SecurityDBError(f"User [{user}] does not exist.")
            if role in found.roles:
                raise SecurityDBError(f"User [{user}] already has role [{role}].")
            found.roles.append(role)

    def unassign_role(self, authorizer: str, user: str, role: str) -> None:
        """``DELETE .../authorization/db/{z}/users/{u}/roles/{r}``.

        :raises SecurityDBError: ``Role [r] does not exist.``, ``User [u] does not exist.``,
            ``User [u] does not have role [r].``
        """
        with self.lock:
            self._authorizer(authorizer)
            if role not in self._roles:
                raise SecurityDBError(f"Role [{role}] does not exist.")
            found = self._users.get(user)
            if found is None:
                raise SecurityDBError(f"User [{user}] does not exist.")
            if role not in found.roles:
                raise SecurityDBError(f"User [{user}] does not have role [{role}].")
            found.roles.remove(role)

    def set_permissions(self, authorizer: str, role: str, permissions: Sequence[ResourceAction] | None) -> None:
        """``POST .../authorization/db/{z}/roles/{r}/permissions``: replace the role's permissions.

        The role is checked before the patterns are compiled (``setPermissionsOnce``); a ``null`` body
        clears the permissions (``makePermissionList``).
        :raises SecurityDBError: ``Role [r] does not exist.``, or a pattern that does not compile.
        """
        with self.lock:
            self._authorizer(authorizer)
            if role not in self._roles:
                raise SecurityDBError(f"Role [{role}] does not exist.")
            compiled = [Permission.of(ra) for ra in (permissions or [])]
            self._roles[role] = Role(role, compiled)

    def permissions(self, authorizer: str, role: str) -> list[dict[str, Any]]:
        """``GET .../authorization/db/{z}/roles/{r}/permissions``: the role's permissions with their patterns.

        :raises SecurityDBError: ``Role [r] does not exist.``
        """
        with self.lock:
            self._authorizer(authorizer)
            found = self._roles.get(role)
            if found is None:
                raise SecurityDBError(f"Role [{role}] does not exist.")
            return [p.to_json() for p in found.permissions]

    def group_mappings(self, authorizer: str) -> list[str]:
        """``GET .../authorization/db/{z}/groupMappings``."""
        with self.lock:
            self._authorizer(authorizer)
            return list(self._groups)

    def group_mapping(self, authorizer: str, group: str, *, full: bool = False) -> dict[str, Any]:
        """``GET .../authorization/db/{z}/groupMappings/{g}[?full]``.

        :raises SecurityDBError: ``Group mapping [g] does not exist.``
        """
        with self.lock:
            self._authorizer(authorizer)
            found = self._groups.get(group)
            if found is None:
                raise SecurityDBError(f"Group mapping [{group}] does not exist.")
            if not full:
                return found.to_json()
            roles = [self._roles[r].to_json() for r in found.roles if r in self._roles]
            return {"name": group, "groupPattern": found.group_pattern, "roles": roles}

    def create_group_mapping(self, authorizer: str, group: str, group_pattern: str, roles: Sequence[str]) -> None:
        """``POST .../authorization/db/{z}/groupMappings/{g}`` with ``{"groupPattern", "roles"}``.

        :raises SecurityDBError: ``Group mapping [g] already exists.``
        """
        with self.lock:
            self._authorizer(authorizer)
            if group in self._groups:
                raise SecurityDBError(f"Group mapping [{group}] already exists.")
            self._groups[group] = GroupMapping(group, group_pattern, list(dict.fromkeys(roles)))

    def delete_group_mapping(self, authorizer: str, group: str) -> None:
        """``DELETE .../authorization/db/{z}/groupMappings/{g}``.

        :raises SecurityDBError: ``Group mapping [g] does not exist.``
        """
        with self.lock:
            self._authorizer(authorizer)
            if group not in self._groups:
                raise SecurityDBError(f"Group mapping [{group}] does not exist.")
            del self._groups[group]

    def assign_group_role(self, authorizer: str, group: str, role: str) -> None:
        """``POST .../groupMappings/{g}/roles/{r}``.

        :raises SecurityDBError: ``Role [r] does not exist.``, ``Group mapping [g] does not exist.``,
            ``Group mapping [g] already has role [r].``
        """
        with self.lock:
            self._authorizer(authorizer)
            if role not in self._roles:
                raise SecurityDBError(f"Role [{role}] does not exist.")
            found = self._groups.get(group)
            if found is None:
                raise SecurityDBError(f"Group mapping [{group}] does not exist.")
            if role in found.roles:
                raise SecurityDBError(f"Group mapping [{group}] already has role [{role}].")
            found.roles.append(role)

    def unassign_group_role(self, authorizer: str, group: str, role: str) -> None:
        """``DELETE .../groupMappings/{g}/roles/{r}``.

        :raises SecurityDBError: ``Role [r] does not exist.``, ``Group mapping [g] does not exist.``,
            ``Group mapping [g] does not have role [r].``
        """
        with self.lock:
            self._authorizer(authorizer)
            if role not in self._roles:
                raise SecurityDBError(f"Role [{role}] does not exist.")
            found = self._groups.get(group)
            if found is None:
                raise SecurityDBError(f"Group mapping [{group}] does not exist.")
            if role not in found.roles:
                raise SecurityDBError(f"Group mapping [{group}] does not have role [{role}].")
            found.roles.remove(role)

    def authorize(self, identity: str, name: str, type_: str, action: str) -> bool:
        """``BasicRoleBasedAuthorizer.authorize``: whether one of the user's roles has a matching permission.

        An identity unknown to the authorizer is denied (authenticated but with no roles).
        """
        with self.lock:
            return self._authorize(identity, name, type_, action)

    def _authorize(self, identity: str, name: str, type_: str, action: str) -> bool:
        user = self._users.get(identity)
        if user is None:
            return False
        for role_name in user.roles:
            role = self._roles.get(role_name)
            if role is None:
                continue
            if any(p.allows(name, type_, action) for p in role.permissions):
                return True
        return False

    def filter_authorized(self, identity: str, names: Iterable[str], type_: str, action: str) -> list[str]:
        """``AuthorizationUtils.filterAuthorizedResources``: the names the identity may act on, in order."""
        with self.lock:
            cache: dict[str, bool] = {}
            kept = []
            for name in names:
                if name not in cache:
                    cache[name] = self._authorize(identity, name, type_, action)
                if cache[name]:
                    kept.append(name)
            return kept

    # -------------------------------------------------------------- state documents

    def to_state(self) -> dict[str, Any]:
        """The whole security state as JSON (hashes and salts only; never a password)."""
        with self.lock:
            return self._to_state()

    def _to_state(self) -> dict[str, Any]:
        """:meth:`to_state` without the lock."""
        return {
            "authenticator": {
                user: (None if cred is None else cred.to_json()) for user, cred in self._credentials.items()
            },
            "users": {name: list(user.roles) for name, user in self._users.items()},
            "roles": {
                name: [p.resource_action.to_json() for p in role.permissions] for name, role in self._roles.items()
            },
            "groupMappings": {name: g.to_json() for name, g in self._groups.items()},
        }

    def load_state(self, doc: Any) -> None:
        """Replace the state with a document from :meth:`to_state`, all or nothing.

        :raises InvalidSecurityState: the document is malformed; the message names the part.
        """
        if not isinstance(doc, Mapping) or set(doc) - {"groupMappings"} != {"authenticator", "users", "roles"}:
            raise InvalidSecurityState("a security document has [authenticator, users, roles] and [groupMappings]")
        auth, users, roles = doc["authenticator"], doc["users"], doc["roles"]
        if not isinstance(auth, Mapping) or not isinstance(users, Mapping) or not isinstance(roles, Mapping):
            raise InvalidSecurityState("[authenticator], [users] and [roles] must be JSON objects")
        credentials = {str(u): (None if c is None else Credentials.from_json(c)) for u, c in auth.items()}
        new_roles: dict[str, Role] = {}
        for name, perms in roles.items():
            if not isinstance(perms, list):
                raise InvalidSecurityState(f"[roles.{name}] must be a JSON array")
            try:
                new_roles[name] = Role(name, [Permission.of(resource_action_from_json(p)) for p in perms])
            except (PermissionMappingError, SecurityDBError) as exc:
                raise InvalidSecurityState(f"[roles.{name}]: {exc}") from exc
        new_users: dict[str, AuthorizerUser] = {}
        for name, held in users.items():
            if not isinstance(held, list) or not all(isinstance(r, str) for r in held):
                raise InvalidSecurityState(f"[users.{name}] must be a JSON array of role names")
            new_users[name] = AuthorizerUser(name, list(held))
        new_groups: dict[str, GroupMapping] = {}
        groups = doc.get("groupMappings", {})
        if not isinstance(groups, Mapping):
            raise InvalidSecurityState("[groupMappings] must be a JSON object")
        for name, g in groups.items():
            if (
                not isinstance(g, Mapping)
                or not isinstance(g.get("groupPattern"), str)
                or not isinstance(g.get("roles"), list)
            ):
                raise InvalidSecurityState(f"[groupMappings.{name}] needs [groupPattern] and [roles]")
            new_groups[name] = GroupMapping(name, g["groupPattern"], [str(r) for r in g["roles"]])
        with self.lock:
            self._install(credentials, new_users, new_roles, new_groups)

    def _load_state(self, doc: Any) -> None:
        """:meth:`load_state` without taking the lock (the caller holds it); all or nothing as well."""
        checker = BasicSecurity.__new__(BasicSecurity)
        checker.lock = threading.RLock()
        checker._credentials, checker._users, checker._roles, checker._groups = {}, {}, {}, {}
        checker.load_state(doc)
        self._install(checker._credentials, checker._users, checker._roles, checker._groups)

    def _install(
        self,
        credentials: dict[str, Credentials | None],
        users: dict[str, AuthorizerUser],
        roles: dict[str, Role],
        groups: dict[str, GroupMapping],
    ) -> None:
        self._credentials, self._users, self._roles, self._groups = credentials, users, roles, groups
