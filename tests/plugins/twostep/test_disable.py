"""A user turning its own two-step off: proof asked, limits kept, audited."""

import pytest

from plugins.twostep.challenges import USER_FAILURE_LIMIT
from plugins.twostep.codes import code_at
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD
from tests.plugins.twostep.conftest import complete, set_up_authenticator, start_login

DISABLE = """
mutation Disable($input: TwoStepDisableInput!) {
  disableTwoStep(input: $input) {
    account { email active authenticator recoveryCodesLeft } errors { field code }
  }
}
"""
CREATE = """
mutation Create($input: AppPasswordCreateInput!) {
  createAppPassword(input: $input) { errors { code } }
}
"""
LIST = "query { appPasswords { totalCount } }"
FORCE = """
mutation { updateDomain(input: {name: "a.test",
  settings: {twoStep: {status: FORCED}}}) { errors { code } } }
"""
AUDIT = """
query { auditLog(filter: {action: "disableTwoStep"}) {
  nodes { actor target outcome errorCode changes { field before after } } } }
"""


@pytest.fixture
def secret(alice, clock) -> dict:
    """alice@a.test with an authenticator, recovery codes and an app password."""
    made = set_up_authenticator(alice, clock)
    assert alice.mutate(CREATE, {"name": "phone"})["errors"] == []
    return made


def disable(user, code: str, password: str = PASSWORD) -> dict:
    return user.mutate(DISABLE, {"password": password, "code": code})


def test_user_turns_two_step_off_with_password_and_code(
    admin, client, alice, secret, clock
):
    payload = disable(alice, code_at(secret["secret"], clock.step))

    assert payload["errors"] == []
    assert payload["account"] == {
        "email": "alice@a.test",
        "active": False,
        "authenticator": False,
        "recoveryCodesLeft": 0,
    }
    login = start_login(client, "alice@a.test")
    assert login["token"] and login["twoStepRequired"] is False
    assert alice.execute(LIST)["appPasswords"]["totalCount"] == 0
    [entry] = admin.execute(AUDIT)["auditLog"]["nodes"]
    assert (entry["actor"], entry["target"], entry["outcome"]) == (
        "alice@a.test",
        "alice@a.test",
        "SUCCEEDED",
    )
    # What went is noted; the scratch row that checked the code is no change.
    fields = {change["field"] for change in entry["changes"]}
    assert not fields & {"challengeHash", "attempts", "expiresAt"}
    assert {"field": "twoStep.active", "before": True, "after": False} in entry[
        "changes"
    ]


def test_a_recovery_code_serves_as_the_code(alice, secret):
    payload = disable(alice, secret["recovery_codes"][0])

    assert payload["errors"] == []
    assert payload["account"]["active"] is False


@pytest.mark.parametrize(
    ("password", "code", "refusal"),
    [
        ("wrong-password", None, {"field": "password", "code": "WRONG_PASSWORD"}),
        (PASSWORD, "000000", {"field": "code", "code": "INVALID_CODE"}),
        (PASSWORD, "not-a-code", {"field": "code", "code": "INVALID_CODE"}),
    ],
    ids=["password", "code", "garbage"],
)
def test_wrong_proof_changes_nothing(alice, secret, clock, password, code, refusal):
    right = code_at(secret["secret"], clock.step)
    if code == "000000" and right == code:
        code = "111111"

    payload = disable(alice, code or right, password)

    assert payload["errors"] == [refusal]
    assert alice.execute(LIST)["appPasswords"]["totalCount"] == 1
    assert disable(alice, right)["errors"] == []


def test_a_code_spent_at_login_is_refused(client, alice, secret, clock):
    code = code_at(secret["secret"], clock.step)
    challenge = start_login(client, "alice@a.test")["challenge"]
    assert complete(client, challenge, code)["errors"] == []

    payload = disable(alice, code)

    assert error_codes(payload) == ["CODE_ALREADY_USED"]


def test_wrong_answers_lock_it_and_logins_alike(client, alice, secret, clock):
    right = code_at(secret["secret"], clock.step)
    for _ in range(USER_FAILURE_LIMIT):
        disable(alice, right, "wrong-password")

    locked = disable(alice, right)
    challenge = start_login(client, "alice@a.test")["challenge"]
    login = complete(client, challenge, right)
    clock.advance(16 * 60)
    later = disable(alice, code_at(secret["secret"], clock.step))

    assert error_codes(locked) == ["TOO_MANY_ATTEMPTS"]
    assert error_codes(login) == ["CHALLENGE_LOCKED"]
    assert later["errors"] == []


def test_forced_domain_keeps_it_on(admin, alice, secret, clock):
    assert admin.execute(FORCE)["updateDomain"]["errors"] == []

    payload = disable(alice, code_at(secret["secret"], clock.step))

    assert error_codes(payload) == ["TWO_STEP_FORCED"]
    assert alice.execute(LIST)["appPasswords"]["totalCount"] == 1


def test_nothing_to_turn_off(alice):
    assert error_codes(disable(alice, "123456")) == ["TWO_STEP_NOT_ACTIVE"]


def test_system_admin_has_no_two_step_to_turn_off(admin, domain):
    assert error_codes(disable(admin, "123456")) == ["PERMISSION_DENIED"]
