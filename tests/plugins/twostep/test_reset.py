"""Resetting a user's two-step: who may, what goes, and the audit trail."""

import logging

import pytest

from tests.graphql_client import error_codes
from tests.plugin_support import add_domain
from tests.plugins.twostep.conftest import log_in, set_up_authenticator, start_login

RESET = """
mutation Reset($input: TwoStepResetInput!) {
  resetTwoStep(input: $input) {
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


@pytest.fixture
def protected(alice, clock):
    set_up_authenticator(alice, clock)
    alice.mutate(CREATE, {"name": "phone"})
    return alice


def test_system_admin_resets_a_users_two_step(admin, client, protected, caplog):
    with caplog.at_level(logging.INFO, logger="plugins.twostep.accounts"):
        payload = admin.mutate(RESET, {"email": "alice@a.test"})

    assert payload["errors"] == []
    assert payload["account"] == {
        "email": "alice@a.test",
        "active": False,
        "authenticator": False,
        "recoveryCodesLeft": 0,
    }
    login = start_login(client, "alice@a.test")
    assert login["token"] and login["twoStepRequired"] is False
    assert client.as_token(login["token"]).execute(LIST)["appPasswords"] == {
        "totalCount": 0
    }
    assert "alice@a.test was reset by admin" in caplog.text


def test_domain_admin_resets_own_domains_user(client, protected):
    boss = log_in(client, "admin@a.test")

    payload = boss.mutate(RESET, {"email": "alice@a.test"})

    assert payload["errors"] == []
    assert payload["account"]["active"] is False


def test_other_domains_admin_cannot_reset(client, protected, twostep_runtime):
    add_domain(twostep_runtime, "b.test")
    outsider = log_in(client, "admin@b.test")

    payload = outsider.mutate(RESET, {"email": "alice@a.test"})

    assert payload["errors"] == [{"field": "email", "code": "USER_NOT_FOUND"}]


def test_user_cannot_reset_own_two_step(protected):
    payload = protected.mutate(RESET, {"email": "alice@a.test"})

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_refused_reset_changes_nothing(client, protected):
    protected.mutate(RESET, {"email": "alice@a.test"})

    login = start_login(client, "alice@a.test")

    assert login["twoStepRequired"] is True
