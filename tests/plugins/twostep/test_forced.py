"""Domains that force two-step: set-up-only sessions until it is on."""

import pytest

from plugins.twostep.codes import code_at
from tests.graphql_client import error_codes
from tests.plugin_support import add_domain
from tests.plugins.twostep.conftest import (
    BEGIN,
    CONFIRM,
    ME,
    set_up_authenticator,
    start_login,
)

STATE = "query { twoStep { domainStatus active setupRequired } }"
UPDATE_ACCOUNT = """
mutation Update($input: AccountUpdateInput!) {
  updateMyAccount(input: $input) { errors { code } }
}
"""
CREATE_APP_PASSWORD = """
mutation Create($input: AppPasswordCreateInput!) {
  createAppPassword(input: $input) { errors { code } }
}
"""
LOGOUT = "mutation { logout { ok errors { code } } }"


@pytest.fixture
def forced(twostep_runtime) -> str:
    add_domain(
        twostep_runtime,
        "f.test",
        settings={"twoStep": {"status": "forced"}},
        users=("carol",),
    )
    return "f.test"


@pytest.fixture
def restricted(client, forced):
    """carol@f.test logged in with a set-up-only session."""
    payload = start_login(client, "carol@f.test")
    assert payload["errors"] == [] and payload["twoStepRequired"] is False
    return client.as_token(payload["token"])


def test_forced_user_without_two_step_must_set_up(restricted):
    state = restricted.execute(STATE)["twoStep"]

    assert state == {"domainStatus": "FORCED", "active": False, "setupRequired": True}


def test_setup_only_session_is_refused_elsewhere(restricted):
    update = restricted.mutate(UPDATE_ACCOUNT, {"displayName": "Carol"})
    app_password = restricted.mutate(CREATE_APP_PASSWORD, {"name": "phone"})

    assert error_codes(update) == ["SESSION_RESTRICTED"]
    assert error_codes(app_password) == ["SESSION_RESTRICTED"]


def test_setup_only_session_may_log_out(restricted):
    assert restricted.execute(LOGOUT)["logout"] == {"ok": True, "errors": []}


def test_confirming_setup_trades_session_for_full_one(restricted, clock):
    secret = restricted.execute(BEGIN)["beginTwoStepSetup"]["secret"]

    payload = restricted.mutate(CONFIRM, {"code": code_at(secret, clock.step)})

    assert payload["errors"] == [] and payload["token"]
    full = restricted.as_token(payload["token"])
    assert error_codes(full.mutate(UPDATE_ACCOUNT, {"displayName": "Carol"})) == []
    assert restricted.execute(ME)["me"] is None


def test_forced_user_with_two_step_gets_challenge(client, restricted, clock):
    set_up_authenticator(restricted, clock)

    payload = start_login(client, "carol@f.test")

    assert payload["twoStepRequired"] is True and payload["token"] is None


def test_forced_domain_admin_is_restricted_too(client, forced):
    payload = start_login(client, "admin@f.test")

    session = client.as_token(payload["token"])
    domain = session.raw('query { domain(name: "f.test") { name } }')
    assert domain["errors"][0]["extensions"]["code"] == "SESSION_RESTRICTED"
