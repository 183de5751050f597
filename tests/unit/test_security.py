"""The basic-security model: PBKDF2 credentials, the Authorization header, users, roles and the check.

Expected values come from druid-basic-security's source (files named in ``fakedruid/model/security.py``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading

import pytest

from fakedruid.model import security as sec
from fakedruid.model.security import (
    BasicCredentials,
    BasicSecurity,
    Credentials,
    InvalidIterations,
    InvalidSecurityState,
    ResourceAction,
    SecurityDBError,
    UnknownAuthenticator,
    UnknownAuthorizer,
    parse_basic_authorization,
)

# Few iterations keep the tests fast where the count does not matter.
FAST = 10


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def security() -> BasicSecurity:
    return BasicSecurity(admin_password="priest", internal_client_password="warlock", credential_iterations=FAST)


# ------------------------------------------------------------------ hashing


def test_hash_password_is_pbkdf2_hmac_sha512_with_a_512_bit_key() -> None:
    # Published PBKDF2-HMAC-SHA512 vector: P="password", S="salt", c=1, dkLen=64.
    expected = (
        "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
        "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce"
    )
    assert sec.hash_password("password", b"salt", 1).hex() == expected


def test_constants_match_basic_auth_utils() -> None:
    assert (sec.ALGORITHM, sec.SALT_LENGTH, sec.KEY_LENGTH, sec.DEFAULT_KEY_ITERATIONS) == (
        "PBKDF2WithHmacSHA512",
        32,
        512,
        10000,
    )


def test_credentials_create_uses_a_fresh_32_byte_salt_each_time() -> None:
    a = Credentials.create("secret", FAST)
    b = Credentials.create("secret", FAST)
    assert len(a.salt) == 32 and len(a.hash) == 64
    assert a.salt != b.salt and a.hash != b.hash
    assert a.hash == hashlib.pbkdf2_hmac("sha512", b"secret", a.salt, FAST, 64)


def test_credentials_match_only_their_password() -> None:
    cred = Credentials.create("secret", FAST)
    assert cred.matches("secret")
    assert not cred.matches("Secret")
    assert not cred.matches("")


def test_credentials_json_holds_base64_salt_and_hash_never_the_password() -> None:
    cred = Credentials.create("topsecret", FAST)
    doc = cred.to_json()
    assert set(doc) == {"salt", "hash", "iterations"}
    assert base64.b64decode(doc["salt"]) == cred.salt
    assert "topsecret" not in json.dumps(doc)
    assert Credentials.from_json(doc) == cred


@pytest.mark.parametrize("iterations", [0, -2])
def test_iterations_below_one_are_refused_like_pbekeyspec(iterations: int) -> None:
    with pytest.raises(InvalidIterations, match="invalid iterationCount value"):
        Credentials.create("x", iterations)


def test_iterations_above_the_fakes_limit_are_refused() -> None:
    with pytest.raises(SecurityDBError, match="refuses more than"):
        Credentials.create("x", sec.MAX_KEY_ITERATIONS + 1)


# ------------------------------------------------------------------ the Authorization header


@pytest.mark.parametrize("header", [None, "", "Basic", "Basic ", "basic " + "YTpi", "Bearer abcdefg"])
def test_header_without_basic_credentials_is_none(header: str | None) -> None:
    assert parse_basic_authorization(header) is None


def test_header_with_user_and_password_parses() -> None:
    assert parse_basic_authorization(basic("bob", "s3cret")) == BasicCredentials("bob", "s3cret")


def test_header_base64_padding_is_optional_as_in_java() -> None:
    encoded = base64.b64encode(b"ab:cd").decode().rstrip("=")
    assert parse_basic_authorization("Basic " + encoded) == BasicCredentials("ab", "cd")


@pytest.mark.parametrize(
    "decoded",
    [
        "bob",  # no colon
        "bob:",  # Java's split drops the trailing empty password
        "bob:pa:ss",  # a colon in the password gives three parts
        ":",
    ],
)
def test_header_that_does_not_split_in_two_is_malformed(decoded: str) -> None:
    header = "Basic " + base64.b64encode(decoded.encode()).decode()
    assert parse_basic_authorization(header) == sec.MALFORMED


def test_header_with_empty_user_and_a_password_parses() -> None:
    assert parse_basic_authorization(basic("", "pw")) == BasicCredentials("", "pw")


@pytest.mark.parametrize("encoded", ["!!!!", "a", "YWJj=ZA", "Y W J j"])
def test_header_that_is_not_base64_is_malformed(encoded: str) -> None:
    assert parse_basic_authorization("Basic " + encoded) == sec.MALFORMED


# ------------------------------------------------------------------ start-up state


def test_initial_users_and_roles_as_the_coordinator_updaters_create_them(security: BasicSecurity) -> None:
    assert security.authenticator_users("basic") == ["admin", "druid_system"]
    assert security.authorizer_users("basic") == ["admin", "druid_system"]
    assert security.roles("basic") == ["admin", "druid_system"]
    assert security.authorizer_user("basic", "admin") == {"name": "admin", "roles": ["admin"]}
    perms = security.permissions("basic", "admin")
    assert len(perms) == 2 * len(sec.KNOWN_RESOURCE_TYPES)
    assert perms[0] == {
        "resourceAction": {"resource": {"name": ".*", "type": "DATASOURCE"}, "action": "READ"},
        "resourceNamePattern": ".*",
    }


def test_initial_passwords_use_the_default_10000_iterations() -> None:
    security = BasicSecurity(admin_password="pw", credential_iterations=FAST)
    assert security.authenticator_user("basic", "admin")["credentials"]["iterations"] == 10000


def test_without_initial_passwords_the_authenticator_has_no_users_but_the_authorizer_has_both() -> None:
    security = BasicSecurity(credential_iterations=FAST)
    assert security.authenticator_users("basic") == []
    assert security.authorizer_users("basic") == ["admin", "druid_system"]


def test_reset_returns_to_the_start_up_state(security: BasicSecurity) -> None:
    security.create_authenticator_user("basic", "bob")
    security.create_role("basic", "r")
    security.reset()
    assert security.authenticator_users("basic") == ["admin", "druid_system"]
    assert security.roles("basic") == ["admin", "druid_system"]


# ------------------------------------------------------------------ authentication


def test_authenticate_the_admin_with_its_initial_password(security: BasicSecurity) -> None:
    who = security.authenticate(basic("admin", "priest"))
    assert (who.identity, who.authorizer_name, who.authenticator_name) == ("admin", "basic", "basic")


def test_authenticate_without_header_is_unauthenticated(security: BasicSecurity) -> None:
    with pytest.raises(sec.Unauthenticated):
        security.authenticate(None)


def test_authenticate_wrong_password_names_the_user(security: BasicSecurity) -> None:
    with pytest.raises(sec.AuthenticationFailed) as info:
        security.authenticate(basic("admin", "wrong"))
    assert info.value.message == "User DB authentication failed username[admin]."


@pytest.mark.parametrize("header", [basic("nobody", "x"), "Basic !!!!", basic("admin", "")])
def test_authenticate_unknown_user_or_malformed_header_fails_without_message(
    security: BasicSecurity, header: str
) -> None:
    with pytest.raises(sec.AuthenticationFailed) as info:
        security.authenticate(header)
    assert info.value.message == ""


def test_user_without_credentials_cannot_log_in(security: BasicSecurity) -> None:
    security.create_authenticator_user("basic", "bob")
    with pytest.raises(sec.AuthenticationFailed):
        security.authenticate(basic("bob", "anything"))
    security.set_credentials("basic", "bob", "pw")
    assert security.authenticate(basic("bob", "pw")).identity == "bob"


def test_set_credentials_default_iterations_are_the_authenticators(security: BasicSecurity) -> None:
    security.create_authenticator_user("basic", "bob")
    security.set_credentials("basic", "bob", "pw", -1)
    assert security.authenticator_user("basic", "bob")["credentials"]["iterations"] == FAST
    security.set_credentials("basic", "bob", "pw", 3)
    assert security.authenticator_user("basic", "bob")["credentials"]["iterations"] == 3


def test_authenticator_errors_are_druids_strings(security: BasicSecurity) -> None:
    with pytest.raises(SecurityDBError, match=r"^User \[admin\] already exists\.$"):
        security.create_authenticator_user("basic", "admin")
    with pytest.raises(SecurityDBError, match=r"^User \[bob\] does not exist\.$"):
        security.delete_authenticator_user("basic", "bob")
    with pytest.raises(SecurityDBError, match=r"^User \[bob\] does not exist\.$"):
        security.set_credentials("basic", "bob", "pw")
    with pytest.raises(UnknownAuthenticator, match=r"^Basic authenticator with name \[other\] does not exist\.$"):
        security.authenticator_users("other")


# ------------------------------------------------------------------ authorization


def test_permission_regex_must_match_the_whole_name(security: BasicSecurity) -> None:
    security.create_authorizer_user("basic", "bob")
    security.create_role("basic", "wiki")
    security.assign_role("basic", "bob", "wiki")
    security.set_permissions("basic", "wiki", [ResourceAction("wiki.*", "DATASOURCE", "READ")])
    assert security.authorize("bob", "wikipedia", "DATASOURCE", "READ")
    assert not security.authorize("bob", "my_wikipedia", "DATASOURCE", "READ")
    assert not security.authorize("bob", "wikipedia", "DATASOURCE", "WRITE")
    assert not security.authorize("bob", "wikipedia", "STATE", "READ")
    security.set_permissions("basic", "wiki", [ResourceAction("wiki", "DATASOURCE", "READ")])
    assert not security.authorize("bob", "wikipedia", "DATASOURCE", "READ")


def test_unknown_identity_and_user_without_roles_are_denied(security: BasicSecurity) -> None:
    assert not security.authorize("ghost", "x", "DATASOURCE", "READ")
    security.create_authorizer_user("basic", "bob")
    assert not security.authorize("bob", "x", "DATASOURCE", "READ")
    assert security.authorize("admin", "anything", "CONFIG", "WRITE")


def test_filter_authorized_keeps_order_and_duplicates(security: BasicSecurity) -> None:
    security.create_authorizer_user("basic", "bob")
    security.create_role("basic", "r")
    security.assign_role("basic", "bob", "r")
    security.set_permissions("basic", "r", [ResourceAction("a|c", "DATASOURCE", "READ")])
    assert security.filter_authorized("bob", ["c", "b", "a", "c"], "DATASOURCE", "READ") == ["c", "a", "c"]


def test_authorizer_errors_are_druids_strings(security: BasicSecurity) -> None:
    security.create_authorizer_user("basic", "bob")
    with pytest.raises(SecurityDBError, match=r"^Role \[r\] does not exist\.$"):
        security.assign_role("basic", "ghost", "r")  # the role is checked first
    security.create_role("basic", "r")
    with pytest.raises(SecurityDBError, match=r"^Role \[r\] already exists\.$"):
        security.create_role("basic", "r")
    with pytest.raises(SecurityDBError, match=r"^User \[ghost\] does not exist\.$"):
        security.assign_role("basic", "ghost", "r")
    security.assign_role("basic", "bob", "r")
    with pytest.raises(SecurityDBError, match=r"^User \[bob\] already has role \[r\]\.$"):
        security.assign_role("basic", "bob", "r")
    security.unassign_role("basic", "bob", "r")
    with pytest.raises(SecurityDBError, match=r"^User \[bob\] does not have role \[r\]\.$"):
        security.unassign_role("basic", "bob", "r")
    with pytest.raises(SecurityDBError, match=r"^Invalid permission, resource name regex\[\(\] does not compile\.$"):
        security.set_permissions("basic", "r", [ResourceAction("(", "DATASOURCE", "READ")])
    with pytest.raises(UnknownAuthorizer, match=r"^Basic authorizer with name \[x\] does not exist\.$"):
        security.roles("x")


def test_a_bad_regex_leaves_the_old_permissions(security: BasicSecurity) -> None:
    security.create_role("basic", "r")
    security.set_permissions("basic", "r", [ResourceAction("a", "DATASOURCE", "READ")])
    with pytest.raises(SecurityDBError):
        security.set_permissions("basic", "r", [ResourceAction("b", "DATASOURCE", "READ"), ResourceAction("[", "X", "READ")])
    assert security.role("basic", "r", simplify_permissions=True)["permissions"] == [
        {"resource": {"name": "a", "type": "DATASOURCE"}, "action": "READ"}
    ]


def test_delete_role_takes_it_from_users_and_groups(security: BasicSecurity) -> None:
    security.create_role("basic", "r")
    security.create_authorizer_user("basic", "bob")
    security.assign_role("basic", "bob", "r")
    security.create_group_mapping("basic", "g", "cn=x", ["r"])
    security.delete_role("basic", "r")
    assert security.authorizer_user("basic", "bob")["roles"] == []
    assert security.group_mapping("basic", "g")["roles"] == []


def test_role_full_lists_users_and_groups(security: BasicSecurity) -> None:
    security.create_role("basic", "r")
    security.create_authorizer_user("basic", "bob")
    security.assign_role("basic", "bob", "r")
    full = security.role("basic", "r", full=True)
    assert full == {"name": "r", "users": ["bob"], "groups": [], "permissions": []}
    assert security.role("basic", "r", full=True, simplify_permissions=True) == {
        "name": "r",
        "users": ["bob"],
        "permissions": [],
    }


def test_user_full_embeds_role_objects(security: BasicSecurity) -> None:
    full = security.authorizer_user("basic", "admin", full=True)
    assert full["name"] == "admin" and [r["name"] for r in full["roles"]] == ["admin"]
    assert "resourceNamePattern" in full["roles"][0]["permissions"][0]
    simple = security.authorizer_user("basic", "admin", full=True, simplify_permissions=True)
    assert simple["roles"][0]["users"] is None
    assert simple["roles"][0]["permissions"][0] == {"resource": {"name": ".*", "type": "DATASOURCE"}, "action": "READ"}


# ------------------------------------------------------------------ state documents and locking


def test_state_round_trips_and_holds_no_password(security: BasicSecurity) -> None:
    security.create_authenticator_user("basic", "bob")
    security.set_credentials("basic", "bob", "hunter2")
    security.create_role("basic", "r")
    security.set_permissions("basic", "r", [ResourceAction("x.*", "DATASOURCE", "WRITE")])
    doc = security.to_state()
    text = json.dumps(doc)
    assert "hunter2" not in text and "priest" not in text
    other = BasicSecurity(credential_iterations=FAST)
    other.load_state(json.loads(text))
    assert other.to_state() == doc
    assert other.authenticate(basic("bob", "hunter2")).identity == "bob"


@pytest.mark.parametrize(
    "doc",
    [None, [], {"users": {}}, {"authenticator": {"u": {"salt": "!", "hash": "", "iterations": 1}}, "users": {}, "roles": {}}],
)
def test_bad_state_document_is_refused_and_changes_nothing(security: BasicSecurity, doc: object) -> None:
    before = security.to_state()
    with pytest.raises(InvalidSecurityState):
        security.load_state(doc)
    assert security.to_state() == before


def test_the_given_lock_guards_the_state() -> None:
    lock = threading.RLock()
    security = BasicSecurity(lock=lock, credential_iterations=FAST)
    assert security.lock is lock
    done = threading.Event()

    def create() -> None:
        security.create_role("basic", "late")
        done.set()

    with lock:
        worker = threading.Thread(target=create)
        worker.start()
        assert not done.wait(0.2)  # blocked while the lock is held
    worker.join(5)
    assert done.is_set() and "late" in security.roles("basic")

