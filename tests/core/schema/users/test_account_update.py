"""updateMyAccount: the caller's own password, name, profile and forwarding."""

from tests.graphql_client import error_codes

UPDATE_MINE = """
mutation Mine($input: AccountUpdateInput!) {
  updateMyAccount(input: $input) {
    user { email displayName profile { jobTitle } }
    errors { field code }
  }
}
"""

ME = "query { me { name role } }"


def test_user_changes_own_password_with_current(client, alice):
    payload = alice.mutate(
        UPDATE_MINE, {"currentPassword": "pw-123456", "password": "brand-new-pw"}
    )

    assert payload["errors"] == []
    assert client.login("alice@a.test", "brand-new-pw")
    assert alice.execute(ME)["me"]["name"] == "alice@a.test"


def test_password_change_needs_current_password(alice):
    payload = alice.mutate(
        UPDATE_MINE, {"currentPassword": "wrong-pw-1", "password": "brand-new-pw"}
    )

    assert error_codes(payload) == ["WRONG_PASSWORD"]


def test_user_changes_own_name_and_profile(alice):
    payload = alice.mutate(
        UPDATE_MINE, {"displayName": "Ally", "profile": {"jobTitle": "Engineer"}}
    )

    assert payload["errors"] == []
    assert payload["user"]["displayName"] == "Ally"
    assert payload["user"]["profile"]["jobTitle"] == "Engineer"


def test_system_admin_has_no_own_account(admin):
    payload = admin.mutate(UPDATE_MINE, {"displayName": "Root"})

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_anonymous_caller_gets_unauthenticated(client):
    payload = client.mutate(UPDATE_MINE, {"displayName": "Nobody"})

    assert error_codes(payload) == ["UNAUTHENTICATED"]


def test_wrong_current_passwords_count_as_failed_logins(alice, client):
    wrong = [
        alice.mutate(
            UPDATE_MINE, {"currentPassword": f"guess-{n}", "password": "x" * 12}
        )
        for n in range(3)
    ]
    right = alice.mutate(
        UPDATE_MINE, {"currentPassword": "pw-123456", "password": "brand-new-pw"}
    )
    login = client.raw(
        'mutation { login(input: {username: "alice@a.test", password: '
        '"pw-123456"}) { token errors { code } } }'
    )

    assert [error_codes(p) for p in wrong] == [["WRONG_PASSWORD"]] * 3
    # The next attempt must wait, the right password included, and so must
    # a login of the same account.
    assert error_codes(right) == ["TOO_MANY_ATTEMPTS"]
    assert error_codes(login["data"]["login"]) == ["TOO_MANY_ATTEMPTS"]
