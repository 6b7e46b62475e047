"""Recovery: a confirmed recovery address, codes mailed to it, recovery codes."""

import pytest

from plugins.twostep.challenges import MAX_CODES_SENT
from plugins.twostep.setup import (
    EMAIL_CODE_LIFETIME,
    MAX_EMAIL_ATTEMPTS,
    RESEND_PAUSE,
)
from tests.graphql_client import error_codes
from tests.plugins.twostep.conftest import (
    code_in,
    complete,
    inbox,
    log_in,
    set_up_authenticator,
    start_login,
)

SET_EMAIL = """
mutation Set($input: RecoveryEmailSetInput!) {
  setTwoStepRecoveryEmail(input: $input) {
    pendingRecoveryEmail errors { field code }
  }
}
"""
CONFIRM_EMAIL = """
mutation Confirm($input: TwoStepCodeInput!) {
  confirmTwoStepRecoveryEmail(input: $input) {
    account { active authenticator recoveryEmail pendingRecoveryEmail }
    recoveryCodes errors { field code }
  }
}
"""
SEND_CODE = """
mutation Send($input: RecoveryCodeSendInput!) {
  sendTwoStepRecoveryCode(input: $input) { sentTo errors { field code } }
}
"""
REGENERATE = """
mutation Regenerate($input: RecoveryCodesRegenerateInput) {
  regenerateRecoveryCodes(input: $input) { recoveryCodes errors { field code } }
}
"""


@pytest.fixture
def recovered(alice, twostep_runtime):
    """alice@a.test with bob@a.test confirmed as her recovery address."""
    alice.mutate(SET_EMAIL, {"email": "Bob@A.test"})
    code = code_in(inbox(twostep_runtime, "bob@a.test")[-1])
    assert alice.mutate(CONFIRM_EMAIL, {"code": code})["errors"] == []
    return alice


def test_setting_recovery_email_mails_a_code(alice, twostep_runtime):
    payload = alice.mutate(SET_EMAIL, {"email": "Bob@A.test"})

    assert payload == {"pendingRecoveryEmail": "bob@a.test", "errors": []}
    [message] = inbox(twostep_runtime, "bob@a.test")
    assert message["To"] == "bob@a.test"
    assert message["From"] == "admin@a.test"
    assert len(code_in(message)) == 8


def test_confirmed_recovery_email_turns_two_step_on(alice, twostep_runtime):
    alice.mutate(SET_EMAIL, {"email": "bob@a.test"})
    code = code_in(inbox(twostep_runtime, "bob@a.test")[0])

    payload = alice.mutate(CONFIRM_EMAIL, {"code": code})

    assert payload["errors"] == []
    assert payload["account"] == {
        "active": True,
        "authenticator": False,
        "recoveryEmail": "bob@a.test",
        "pendingRecoveryEmail": None,
    }
    assert len(payload["recoveryCodes"]) == 10


def test_wrong_confirmation_codes_drop_pending_address(alice, twostep_runtime):
    alice.mutate(SET_EMAIL, {"email": "bob@a.test"})
    right = code_in(inbox(twostep_runtime, "bob@a.test")[0])

    refusals = [
        error_codes(alice.mutate(CONFIRM_EMAIL, {"code": "00000000"}))
        for _ in range(MAX_EMAIL_ATTEMPTS)
    ]
    after = alice.mutate(CONFIRM_EMAIL, {"code": right})

    assert refusals == [["INVALID_CODE"]] * (MAX_EMAIL_ATTEMPTS - 1) + [
        ["TOO_MANY_ATTEMPTS"]
    ]
    assert error_codes(after) == ["NO_EMAIL_PENDING"]


def test_expired_confirmation_code_is_refused(alice, clock, twostep_runtime):
    alice.mutate(SET_EMAIL, {"email": "bob@a.test"})
    code = code_in(inbox(twostep_runtime, "bob@a.test")[0])
    clock.advance(EMAIL_CODE_LIFETIME.total_seconds())

    payload = alice.mutate(CONFIRM_EMAIL, {"code": code})

    assert error_codes(payload) == ["CODE_EXPIRED"]


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("alice@a.test", "RECOVERY_EMAIL_IS_OWN"),
        ("not an address", "INVALID_ADDRESS"),
        ("someone@elsewhere.test", "DELIVERY_FAILED"),
    ],
    ids=["own-address", "malformed", "no-route-without-smtp"],
)
def test_recovery_email_refusals(alice, email, code):
    payload = alice.mutate(SET_EMAIL, {"email": email})

    assert error_codes(payload) == [code]


def test_login_with_code_mailed_to_recovery_address(client, recovered, twostep_runtime):
    challenge = start_login(client, "alice@a.test")["challenge"]

    sent = client.mutate(SEND_CODE, {"challenge": challenge})
    code = code_in(inbox(twostep_runtime, "bob@a.test")[-1])
    payload = complete(client, challenge, code)

    assert sent == {"sentTo": "b***@a.test", "errors": []}
    assert payload["errors"] == [] and payload["token"]


def test_mailed_code_is_replaced_by_the_next(client, recovered, twostep_runtime):
    challenge = start_login(client, "alice@a.test")["challenge"]
    client.mutate(SEND_CODE, {"challenge": challenge})
    first = code_in(inbox(twostep_runtime, "bob@a.test")[-1])
    client.mutate(SEND_CODE, {"challenge": challenge})
    second = code_in(inbox(twostep_runtime, "bob@a.test")[-1])

    stale = complete(client, challenge, first)
    payload = complete(client, challenge, second)

    assert first != second
    assert error_codes(stale) == ["INVALID_CODE"]
    assert payload["errors"] == []


def test_login_gets_a_limited_number_of_mailed_codes(client, recovered):
    challenge = start_login(client, "alice@a.test")["challenge"]
    for _ in range(MAX_CODES_SENT):
        client.mutate(SEND_CODE, {"challenge": challenge})

    payload = client.mutate(SEND_CODE, {"challenge": challenge})

    assert payload["errors"] == [{"field": "challenge", "code": "TOO_MANY_CODES"}]


def test_mailed_code_needs_a_recovery_address(client, alice, clock):
    set_up_authenticator(alice, clock)
    challenge = start_login(client, "alice@a.test")["challenge"]

    payload = client.mutate(SEND_CODE, {"challenge": challenge})

    assert error_codes(payload) == ["NO_RECOVERY_EMAIL"]


def test_mailed_code_needs_a_live_challenge(client, recovered):
    payload = client.mutate(SEND_CODE, {"challenge": "no-such-challenge"})

    assert error_codes(payload) == ["CHALLENGE_NOT_FOUND"]


def test_regenerated_recovery_codes_void_the_old(client, alice, clock):
    old = set_up_authenticator(alice, clock)["recovery_codes"]

    new = alice.mutate(REGENERATE, {"currentCode": old[0]})["recoveryCodes"]
    refused = complete(client, start_login(client, "alice@a.test")["challenge"], old[1])
    accepted = complete(
        client, start_login(client, "alice@a.test")["challenge"], new[0]
    )

    assert len(set(new)) == 10 and not set(new) & set(old)
    assert error_codes(refused) == ["INVALID_CODE"]
    assert accepted["errors"] == []


def test_regenerating_codes_needs_two_step_on(client, domain):
    bob = log_in(client, "bob@a.test")

    payload = bob.mutate(REGENERATE, {"currentCode": "123456"})

    assert error_codes(payload) == ["TWO_STEP_REQUIRED"]


def test_removing_only_method_turns_two_step_off(client, alice, twostep_runtime):
    alice.mutate(SET_EMAIL, {"email": "bob@a.test"})
    code = code_in(inbox(twostep_runtime, "bob@a.test")[-1])
    codes = alice.mutate(CONFIRM_EMAIL, {"code": code})["recoveryCodes"]

    removed = alice.mutate(SET_EMAIL, {"email": None, "currentCode": codes[0]})
    payload = start_login(client, "alice@a.test")

    assert removed["errors"] == []
    assert payload["token"] and payload["twoStepRequired"] is False


def test_confirmation_mails_wait_a_minute_apart(alice, clock, twostep_runtime):
    alice.mutate(SET_EMAIL, {"email": "bob@a.test"})

    soon = alice.mutate(SET_EMAIL, {"email": "bob@a.test"})
    clock.advance(RESEND_PAUSE.total_seconds())
    later = alice.mutate(SET_EMAIL, {"email": "bob@a.test"})

    assert soon["errors"] == [{"field": "email", "code": "TOO_SOON"}]
    assert later["errors"] == []
    assert len(inbox(twostep_runtime, "bob@a.test")) == 2


@pytest.mark.parametrize(
    ("change", "variables"),
    [
        (SET_EMAIL, {"email": "bob@a.test"}),
        (SET_EMAIL, {"email": None}),
        (REGENERATE, {}),
    ],
    ids=["new-address", "remove-address", "regenerate"],
)
def test_changes_to_two_step_that_is_on_need_a_current_code(
    alice, clock, change, variables
):
    made = set_up_authenticator(alice, clock)

    missing = alice.mutate(change, variables)
    wrong = alice.mutate(change, {**variables, "currentCode": "zzzzz-zzzzz"})
    right = alice.mutate(
        change, {**variables, "currentCode": made["recovery_codes"][0]}
    )

    assert missing["errors"] == [
        {"field": "currentCode", "code": "CURRENT_CODE_REQUIRED"}
    ]
    assert wrong["errors"] == [{"field": "currentCode", "code": "INVALID_CODE"}]
    assert right["errors"] == []


def test_locked_current_code_names_its_field(alice, clock):
    made = set_up_authenticator(alice, clock)
    for _ in range(10):
        alice.mutate(REGENERATE, {"currentCode": "zzzzz-zzzzz"})

    payload = alice.mutate(REGENERATE, {"currentCode": made["recovery_codes"][0]})

    assert payload["errors"] == [{"field": "currentCode", "code": "TOO_MANY_ATTEMPTS"}]
