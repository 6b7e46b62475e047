"""Setting up an authenticator app: begin, confirm, and every refusal."""

import os
import stat

from sqlalchemy import select

from core.db import session_scope
from plugins.twostep.codes import PERIOD_SECONDS, code_at
from plugins.twostep.models import TwoStepAccount
from plugins.twostep.setup import SETUP_LIFETIME
from tests.graphql_client import error_codes
from tests.plugins.twostep.conftest import BEGIN, CONFIRM

STATE = """
query { twoStep { email domainStatus active authenticator recoveryCodesLeft
  setupRequired } }
"""
SWITCH = """
mutation Switch($input: ServerSettingsUpdateInput!) {
  updateServerSettings(input: $input) { errors { code } }
}
"""


def test_begin_setup_returns_secret_uri_and_qr(alice):
    payload = alice.execute(BEGIN)["beginTwoStepSetup"]

    assert payload["errors"] == []
    assert len(payload["secret"]) == 32
    assert payload["uri"].startswith("otpauth://totp/a.test:alice%40a.test?")
    assert f"secret={payload['secret']}" in payload["uri"]
    assert payload["qrSvg"].startswith("<svg") and "xmlns" in payload["qrSvg"]


def test_confirm_setup_turns_authenticator_on(alice, clock):
    secret = alice.execute(BEGIN)["beginTwoStepSetup"]["secret"]

    payload = alice.mutate(CONFIRM, {"code": code_at(secret, clock.step)})

    assert payload["errors"] == []
    assert payload["account"] == {
        "active": True,
        "authenticator": True,
        "recoveryCodesLeft": 10,
    }
    assert len(payload["recoveryCodes"]) == 10
    assert payload["token"] is None


def test_second_authenticator_keeps_recovery_codes(alice, clock):
    first = _begin(alice)
    alice.mutate(CONFIRM, {"code": code_at(first, clock.step)})
    clock.advance(PERIOD_SECONDS)

    payload = alice.mutate(
        CONFIRM,
        {
            "code": code_at(_begin(alice), clock.step),
            "currentCode": code_at(first, clock.step),
        },
    )

    assert payload["errors"] == []
    assert payload["recoveryCodes"] is None


def test_replacing_an_authenticator_needs_a_code_of_the_current_one(alice, clock):
    first = _begin(alice)
    alice.mutate(CONFIRM, {"code": code_at(first, clock.step)})
    clock.advance(PERIOD_SECONDS)
    second = _begin(alice)

    missing = alice.mutate(CONFIRM, {"code": code_at(second, clock.step)})
    wrong = alice.mutate(
        CONFIRM,
        {"code": code_at(second, clock.step), "currentCode": code_at(second, 0)},
    )

    assert missing["errors"] == [
        {"field": "currentCode", "code": "CURRENT_CODE_REQUIRED"}
    ]
    assert wrong["errors"] == [{"field": "currentCode", "code": "INVALID_CODE"}]
    # The first authenticator is still the one in use.
    assert (
        alice.mutate(
            CONFIRM,
            {
                "code": code_at(second, clock.step),
                "currentCode": code_at(first, clock.step),
            },
        )["errors"]
        == []
    )


def test_confirm_setup_refuses_a_wrong_code(alice, clock):
    secret = _begin(alice)
    wrong = code_at(secret, clock.step + 5)

    payload = alice.mutate(CONFIRM, {"code": wrong})

    assert payload["errors"] == [{"field": "code", "code": "INVALID_CODE"}]
    assert alice.execute(STATE)["twoStep"]["active"] is False


def test_confirm_setup_refuses_a_malformed_code(alice):
    _begin(alice)

    payload = alice.mutate(CONFIRM, {"code": "12ab56"})

    assert error_codes(payload) == ["INVALID_CODE"]


def test_confirm_setup_needs_a_begun_setup(alice):
    payload = alice.mutate(CONFIRM, {"code": "123456"})

    assert error_codes(payload) == ["NO_SETUP_PENDING"]


def test_confirm_setup_refuses_after_setup_expired(alice, clock):
    secret = _begin(alice)
    clock.advance(SETUP_LIFETIME.total_seconds())

    payload = alice.mutate(CONFIRM, {"code": code_at(secret, clock.step)})

    assert error_codes(payload) == ["SETUP_EXPIRED"]


def test_setup_refused_where_domain_disables_it(admin, alice):
    admin.mutate(SWITCH, {"twoStepAvailable": False})

    payload = alice.execute(BEGIN)["beginTwoStepSetup"]

    assert error_codes(payload) == ["TWO_STEP_DISABLED"]
    assert alice.execute(STATE)["twoStep"]["domainStatus"] == "DISABLED"


def test_system_administrator_has_no_setup(admin):
    payload = admin.execute(BEGIN)["beginTwoStepSetup"]

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_secret_is_stored_encrypted_under_private_key(alice, clock, twostep_runtime):
    secret = set_up(alice, clock)

    with session_scope(twostep_runtime.engine, write=False) as session:
        stored = session.execute(select(TwoStepAccount.secret)).scalar_one()
    key = twostep_runtime.config.data_dir / "twostep.key"
    assert secret not in stored
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def _begin(user) -> str:
    return user.execute(BEGIN)["beginTwoStepSetup"]["secret"]


def set_up(user, clock) -> str:
    secret = _begin(user)
    assert user.mutate(CONFIRM, {"code": code_at(secret, clock.step)})["errors"] == []
    return secret
