"""impersonateUser: administrators sign in as a user, audited and short."""

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import AuthToken
from core.models.base import utcnow
from core.services.auth import hash_token
from tests.core.schema.admin.documents import (
    AUDIT_LOG,
    END_IMPERSONATION,
    IMPERSONATE,
    ME,
    PASSWORD,
)
from tests.graphql_client import error_codes
from tests.workers.support import add_users

IMPERSONATE_USER = """
mutation Impersonate($input: UserImpersonateInput!) {
  impersonateUser(input: $input) { token expiresAt user errors { field code } }
}
"""
MAKE_ADMIN = """
mutation { updateUser(input: {email: "user00001@a.test", isDomainAdmin: true}) {
  errors { code } } }
"""
DISABLE = """
mutation { updateUser(input: {email: "user00000@a.test", status: DISABLED}) {
  errors { code } } }
"""


@pytest.fixture
def users(runtime, domains):
    """Two users in each domain: user00000 and user00001."""
    for domain in domains.values():
        add_users(runtime, domain, 2, password_hash=_hash())


def _hash() -> str:
    from core.passwords import hash_password

    return hash_password(PASSWORD)


def start(caller, email: str) -> dict:
    return caller.mutate(IMPERSONATE_USER, {"email": email})


def test_domain_admin_impersonates_a_user_of_its_domain(client, boss_a, users):
    payload = start(boss_a, "user00000@a.test")

    me = client.as_token(payload["token"]).execute(ME)["me"]

    assert payload["errors"] == [] and payload["user"] == "user00000@a.test"
    assert me == {
        "role": "USER",
        "name": "user00000@a.test",
        "domain": "a.test",
        "impersonatedBy": "boss@a.test",
    }


def test_the_session_can_do_only_what_the_user_can(client, boss_a, users):
    token = start(boss_a, "user00000@a.test")["token"]
    session = client.as_token(token)

    # A user may not change another user, nor impersonate anyone
    changed = session.mutate(
        "mutation U($input: UserUpdateInput!) { updateUser(input: $input) "
        "{ errors { code } } }",
        {"email": "user00001@a.test", "displayName": "X"},
    )
    again = start(session, "user00001@a.test")

    assert error_codes(changed) == ["USER_NOT_FOUND"]
    assert error_codes(again) == ["PERMISSION_DENIED"]


def test_domain_admin_reaches_only_its_own_non_admin_users(admin, boss_a, users):
    assert admin.execute(MAKE_ADMIN)["updateUser"]["errors"] == []

    other_domain = start(boss_a, "user00000@b.test")
    administrator = start(boss_a, "user00001@a.test")

    assert error_codes(other_domain) == ["USER_NOT_FOUND"]
    assert error_codes(administrator) == ["PERMISSION_DENIED"]
    assert administrator["token"] is None


def test_system_admin_impersonates_any_user(admin, client, users):
    assert admin.execute(MAKE_ADMIN)["updateUser"]["errors"] == []

    plain = client.as_token(start(admin, "user00000@b.test")["token"])
    boss = client.as_token(start(admin, "user00001@a.test")["token"])

    assert plain.execute(ME)["me"]["impersonatedBy"] == "admin"
    assert boss.execute(ME)["me"]["role"] == "DOMAIN_ADMIN"


def test_impersonated_domain_admin_goes_on_to_a_user(admin, client, users):
    # Given the system administrator acting as a.test's administrator
    domain_token = admin.mutate(IMPERSONATE, {"name": "a.test"})["token"]
    as_boss = client.as_token(domain_token)

    # When that session impersonates one of the domain's users
    payload = start(as_boss, "user00000@a.test")

    # Then the user's session names both who impersonates
    me = client.as_token(payload["token"]).execute(ME)["me"]
    assert me["impersonatedBy"] == "admin as boss@a.test"


def test_disabled_user_cannot_be_impersonated(admin, boss_a, users):
    assert admin.execute(DISABLE)["updateUser"]["errors"] == []

    payload = start(boss_a, "user00000@a.test")

    assert error_codes(payload) == ["ACCOUNT_DISABLED"]


def test_impersonation_of_a_user_ends_and_is_audited(admin, client, boss_a, users):
    # Given a user impersonated by its domain's administrator
    token = start(boss_a, "user00000@a.test")["token"]

    # When the administrator ends it by its token
    ended = boss_a.mutate(END_IMPERSONATION, {"token": token})

    # Then the session is gone, and the log holds its start and end
    assert ended["errors"] == [] and ended["admin"] == "user00000@a.test"
    assert client.as_token(token).execute(ME)["me"] is None
    log = admin.execute(AUDIT_LOG, {"filter": {"domain": "a.test"}})
    nodes = log["auditLog"]["nodes"]
    actions = [(n["action"], n["actor"], n["target"]) for n in nodes[:2]]
    assert actions == [
        ("endImpersonation", "boss@a.test", "user00000@a.test"),
        ("impersonateUser", "boss@a.test", "user00000@a.test"),
    ]


def test_user_ends_its_own_impersonated_session(client, boss_a, users):
    token = start(boss_a, "user00000@a.test")["token"]
    session = client.as_token(token)

    ended = session.execute(END_IMPERSONATION)["endImpersonation"]

    assert ended["errors"] == []
    assert session.execute(ME)["me"] is None


def test_nobody_else_ends_an_impersonation_by_its_token(admin, client, users):
    token = start(admin, "user00000@a.test")["token"]
    boss_b = client.as_token(client.login("boss@b.test", PASSWORD))

    refused = boss_b.mutate(END_IMPERSONATION, {"token": token})

    assert error_codes(refused) == ["IMPERSONATION_NOT_FOUND"]
    assert client.as_token(token).execute(ME)["me"] is not None


@pytest.mark.parametrize("ending", ["endImpersonation", "logout"])
def test_ending_a_session_ends_the_impersonations_it_started(
    admin, client, users, ending
):
    # Given the system administrator as boss@a.test, and that session as a user
    boss = admin.mutate(IMPERSONATE, {"name": "a.test"})
    as_boss = client.as_token(boss["token"])
    user = client.as_token(start(as_boss, "user00000@a.test")["token"])

    # When the administrator's impersonation (or its own session) ends
    if ending == "endImpersonation":
        as_boss.execute("mutation { endImpersonation { errors { code } } }")
    else:
        admin.execute("mutation { logout { ok } }")

    # Then the chained session ends with it (anonymous: no one is "me")
    assert user.raw(ME)["data"]["me"] is None


def test_administrator_and_its_impersonator_end_only_their_own(
    admin, client, boss_a, users
):
    # Given boss@a.test's own session and the system administrator acting
    # as boss@a.test, each impersonating a user
    as_boss = client.as_token(admin.mutate(IMPERSONATE, {"name": "a.test"})["token"])
    by_admin = start(as_boss, "user00000@a.test")["token"]
    by_boss = start(boss_a, "user00001@a.test")["token"]

    # When each tries to end the other's by its token
    refused = [
        boss_a.mutate(END_IMPERSONATION, {"token": by_admin}),
        as_boss.mutate(END_IMPERSONATION, {"token": by_boss}),
    ]

    # Then both are refused and both sessions live; each ends its own
    assert [error_codes(r) for r in refused] == [["IMPERSONATION_NOT_FOUND"]] * 2
    assert client.as_token(by_admin).execute(ME)["me"] is not None
    assert client.as_token(by_boss).execute(ME)["me"] is not None
    assert as_boss.mutate(END_IMPERSONATION, {"token": by_admin})["errors"] == []
    assert boss_a.mutate(END_IMPERSONATION, {"token": by_boss})["errors"] == []


UPDATE_MINE = """
mutation Mine($input: AccountUpdateInput!) {
  updateMyAccount(input: $input) { errors { code } }
}
"""
SET_ADMIN = """
mutation Set($input: UserUpdateInput!) { updateUser(input: $input) { errors { code } } }
"""


def test_new_password_ends_the_impersonations_of_the_sessions_it_ends(
    client, boss_a, users
):
    # Given boss@a.test impersonating a user from one session
    user = client.as_token(start(boss_a, "user00000@a.test")["token"])

    # When boss changes its password from another session
    other = client.as_token(client.login("boss@a.test", PASSWORD))
    changed = other.mutate(
        UPDATE_MINE, {"currentPassword": PASSWORD, "password": "a-new-pw-123"}
    )

    # Then the first session, and the impersonation it started, are over
    assert changed["errors"] == []
    assert boss_a.raw(ME)["data"]["me"] is None
    assert user.raw(ME)["data"]["me"] is None


@pytest.mark.parametrize(
    "change", [{"isDomainAdmin": False}, {"status": "DISABLED"}], ids=["demoted", "off"]
)
def test_impersonation_ends_when_its_starter_may_no_longer_start_it(
    admin, client, users, change
):
    # Given a second administrator of a.test impersonating a user
    made = admin.mutate(SET_ADMIN, {"email": "user00001@a.test", "isDomainAdmin": True})
    assert made["errors"] == []
    starter = client.as_token(client.login("user00001@a.test", PASSWORD))
    user = client.as_token(start(starter, "user00000@a.test")["token"])
    assert user.execute(ME)["me"]["impersonatedBy"] == "user00001@a.test"

    # When the starter is demoted, or disabled
    assert (
        admin.mutate(SET_ADMIN, {"email": "user00001@a.test", **change})["errors"] == []
    )

    # Then the impersonation is over
    assert user.raw(ME)["data"]["me"] is None


def test_chained_impersonation_ends_with_the_session_it_came_from(
    admin, client, runtime, users
):
    # Given the system administrator as boss@a.test, with a minute left
    boss = admin.mutate(IMPERSONATE, {"name": "a.test"})
    with session_scope(runtime.engine) as session:
        row = session.exec(
            select(AuthToken).where(AuthToken.token_hash == hash_token(boss["token"]))
        ).one()
        row.expires_at = utcnow() + timedelta(seconds=60)
        session.add(row)

    # When that session impersonates a user
    payload = start(client.as_token(boss["token"]), "user00000@a.test")

    # Then the user's session ends no later than the one it came from
    expires = datetime.fromisoformat(payload["expiresAt"])
    assert expires <= utcnow() + timedelta(seconds=61)
