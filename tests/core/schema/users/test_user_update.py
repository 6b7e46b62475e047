"""updateUser: administrators change any field, users their own account's."""

import pytest

from tests.core.schema.users.accounts import (
    PASSWORD,
    create_user,
    log_in,
    set_domain_settings,
)
from tests.graphql_client import error_codes

UPDATE = """
mutation Update($input: UserUpdateInput!) {
  updateUser(input: $input) {
    user {
      email displayName status isDomainAdmin mailboxSizeMb
      profile { fullName birthday homePhone }
      forwarding { allowed keepCopy addresses }
      settings { serviceAccess { pop imap } }
    }
    errors { field code }
  }
}
"""

USER = """
query User($email: String!) {
  user(email: $email) { displayName status profile { fullName } }
}
"""


def test_admin_updates_every_field_at_once(admin, alice):
    payload = admin.mutate(
        UPDATE,
        {
            "email": "alice@a.test",
            "displayName": "Alice A.",
            "status": "DISABLED",
            "isDomainAdmin": True,
            "mailboxSizeMb": 50,
            "profile": {"fullName": "Alice Adams", "birthday": "1990-05-01"},
            "forwarding": {"allowed": False, "addresses": ["a@elsewhere.test"]},
            "settings": {"serviceAccess": {"pop": False}},
        },
    )

    assert payload["errors"] == []
    user = payload["user"]
    assert (user["displayName"], user["status"]) == ("Alice A.", "DISABLED")
    assert (user["isDomainAdmin"], user["mailboxSizeMb"]) == (True, 50)
    assert user["profile"] == {
        "fullName": "Alice Adams",
        "birthday": "1990-05-01",
        "homePhone": "",
    }
    assert user["forwarding"] == {
        "allowed": False,
        "keepCopy": True,
        "addresses": ["a@elsewhere.test"],
    }
    assert user["settings"]["serviceAccess"] == {"pop": False, "imap": True}


def test_update_user_rejects_bad_patch_wholly(admin, alice):
    payload = admin.mutate(
        UPDATE,
        {
            "email": "alice@a.test",
            "displayName": "Changed",
            "profile": {"birthday": "2999-01-01"},
        },
    )

    assert error_codes(payload) == ["INVALID"]
    assert admin.execute(USER, {"email": "alice@a.test"})["user"]["displayName"] == (
        "Alice"
    )


def test_user_changes_own_profile_and_name(alice):
    payload = alice.mutate(
        UPDATE,
        {
            "email": "alice@a.test",
            "displayName": "Al",
            "profile": {"homePhone": "+1 5"},
        },
    )

    assert payload["errors"] == []
    assert payload["user"]["displayName"] == "Al"
    assert payload["user"]["profile"]["homePhone"] == "+1 5"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "DISABLED"}, "status"),
        ({"isDomainAdmin": True}, "isDomainAdmin"),
        ({"mailboxSizeMb": 1}, "mailboxSizeMb"),
        ({"password": "new-password-1"}, "password"),
        ({"settings": {"serviceAccess": {"pop": False}}}, "settings"),
        ({"forwarding": {"allowed": True}}, "forwarding.allowed"),
    ],
    ids=["status", "admin-flag", "size", "password", "settings", "allow-forwarding"],
)
def test_user_cannot_change_admin_fields(alice, changes, field):
    payload = alice.mutate(UPDATE, {"email": "alice@a.test", **changes})

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("PERMISSION_DENIED", field)
    ]


def test_user_cannot_see_other_users(admin, alice):
    create_user(admin, "bob@a.test", displayName="Bob")

    payload = alice.mutate(UPDATE, {"email": "bob@a.test", "displayName": "x"})

    assert error_codes(payload) == ["USER_NOT_FOUND"]
    assert alice.execute(USER, {"email": "bob@a.test"})["user"] is None


def test_user_forwards_only_where_allowed(admin, alice):
    forward = {"email": "alice@a.test", "forwarding": {"addresses": ["x@b.test"]}}
    assert alice.mutate(UPDATE, forward)["errors"] == []
    admin.mutate(UPDATE, {"email": "alice@a.test", "forwarding": {"allowed": False}})

    payload = alice.mutate(
        UPDATE, forward | {"forwarding": {"addresses": ["y@b.test"]}}
    )

    assert error_codes(payload) == ["FORWARDING_NOT_ALLOWED"]


def test_forwarding_off_for_domain_refuses_addresses(admin, alice):
    set_domain_settings(admin, "a.test", {"features": {"automatedForwarding": False}})

    payload = admin.mutate(
        UPDATE, {"email": "alice@a.test", "forwarding": {"addresses": ["x@b.test"]}}
    )

    assert error_codes(payload) == ["FORWARDING_NOT_ALLOWED"]


def test_domain_admin_cannot_update_other_domain(admin, boss, domain_b):
    create_user(admin, "bob@b.test")

    payload = boss.mutate(UPDATE, {"email": "bob@b.test", "displayName": "x"})

    assert error_codes(payload) == ["USER_NOT_FOUND"]


def test_domain_admin_needs_allowed_settings_fields(admin, boss, alice):
    payload = boss.mutate(
        UPDATE,
        {"email": "alice@a.test", "settings": {"serviceAccess": {"imap": False}}},
    )

    assert payload["errors"] == []
    assert payload["user"]["settings"]["serviceAccess"]["imap"] is False


def test_primary_admin_stays_an_administrator(admin, domain_a):
    payload = admin.mutate(UPDATE, {"email": "boss@a.test", "isDomainAdmin": False})

    assert error_codes(payload) == ["PRIMARY_ADMIN"]


def test_demoted_admin_loses_rights_at_once(admin, client, alice):
    admin.mutate(UPDATE, {"email": "alice@a.test", "isDomainAdmin": True})
    promoted = log_in(client, "alice@a.test")
    create_user(admin, "bob@a.test")

    admin.mutate(UPDATE, {"email": "alice@a.test", "isDomainAdmin": False})
    payload = promoted.mutate(UPDATE, {"email": "bob@a.test", "displayName": "x"})

    assert error_codes(payload) == ["USER_NOT_FOUND"]


def test_password_change_ends_user_sessions(admin, client, alice):
    payload = admin.mutate(UPDATE, {"email": "alice@a.test", "password": "pw-7654321"})

    assert payload["errors"] == []
    body = alice.raw(USER, {"email": "alice@a.test"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert client.login("alice@a.test", "pw-7654321")
    assert PASSWORD != "pw-7654321"
