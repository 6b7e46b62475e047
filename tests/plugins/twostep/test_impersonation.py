"""An impersonation acts as the user, but can't change how the user signs in."""

import pytest

from plugins.twostep.codes import code_at
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD
from tests.plugins.twostep.conftest import BEGIN, log_in, set_up_authenticator

IMPERSONATE = """
mutation Impersonate($input: UserImpersonateInput!) {
  impersonateUser(input: $input) { token errors { code } }
}
"""
CHANGES = {
    "createAppPassword": (
        'mutation { createAppPassword(input: {name: "mine"}) { errors { code } } }'
    ),
    "regenerateRecoveryCodes": (
        "mutation { regenerateRecoveryCodes { errors { code } } }"
    ),
    "beginTwoStepSetup": BEGIN,
    "setTwoStepRecoveryEmail": (
        'mutation { setTwoStepRecoveryEmail(input: {email: "x@b.example"}) '
        "{ errors { code } } }"
    ),
}
DISABLE = """
mutation Disable($input: TwoStepDisableInput!) {
  disableTwoStep(input: $input) { errors { code } }
}
"""
STATE = "query { twoStep { active recoveryCodesLeft } }"


@pytest.fixture
def as_alice(client, alice, clock):
    """alice@a.test, two-step on, impersonated by her domain's administrator."""
    made = set_up_authenticator(alice, clock)
    boss = log_in(client, "admin@a.test")
    payload = boss.mutate(IMPERSONATE, {"email": "alice@a.test"})
    assert payload["errors"] == []
    return client.as_token(payload["token"]), made


@pytest.mark.parametrize("mutation", sorted(CHANGES))
def test_impersonation_cannot_change_sign_in_methods(alice, as_alice, mutation):
    session, _made = as_alice
    before = alice.execute(STATE)["twoStep"]

    payload = session.execute(CHANGES[mutation])[mutation]

    assert error_codes(payload) == ["IMPERSONATION_REFUSED"]
    assert alice.execute(STATE)["twoStep"] == before


def test_impersonation_cannot_turn_two_step_off(alice, as_alice, clock):
    session, made = as_alice
    code = code_at(made["secret"], clock.step)

    payload = session.mutate(DISABLE, {"password": PASSWORD, "code": code})

    assert error_codes(payload) == ["IMPERSONATION_REFUSED"]
    assert alice.execute(STATE)["twoStep"]["active"] is True
