"""The twoStep section: defaults, who changes what, and the server switch."""

import pytest

from tests.graphql_client import error_codes
from tests.plugins.twostep.conftest import log_in

UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain { settings { twoStep { enabled status } } }
    errors { field code }
  }
}
"""
DEFAULTS = "query { domainDefaults { settings { twoStep { enabled status } } } }"
SWITCH = """
mutation Switch($input: ServerSettingsUpdateInput!) {
  updateServerSettings(input: $input) { errors { code } }
}
"""
STATE = "query { twoStep { domainStatus } }"


def update(client, **two_step) -> dict:
    return client.mutate(UPDATE, {"name": "a.test", "settings": {"twoStep": two_step}})


def test_two_step_section_defaults(admin):
    defaults = admin.execute(DEFAULTS)["domainDefaults"]["settings"]

    assert defaults["twoStep"] == {"enabled": True, "status": "DISABLED"}


@pytest.mark.parametrize("status", ["ENABLED", "FORCED", "DISABLED"])
def test_domain_admin_chooses_status_where_allowed(client, domain, status):
    boss = log_in(client, "admin@a.test")

    payload = update(boss, status=status)

    assert payload["errors"] == []
    assert payload["domain"]["settings"]["twoStep"]["status"] == status


def test_domain_admin_cannot_turn_the_section_on(client, admin, domain):
    update(admin, enabled=False, status="DISABLED")
    boss = log_in(client, "admin@a.test")

    toggle = update(boss, enabled=True)
    status = update(boss, status="FORCED")

    assert toggle["errors"] == [
        {"field": "settings.twoStep.enabled", "code": "PERMISSION_DENIED"}
    ]
    assert status["errors"] == [{"field": "settings.twoStep.status", "code": "INVALID"}]


def test_turning_section_off_needs_disabled_status(admin, domain):
    refused = update(admin, enabled=False)
    accepted = update(admin, enabled=False, status="DISABLED")

    assert error_codes(refused) == ["INVALID"]
    assert accepted["domain"]["settings"]["twoStep"] == {
        "enabled": False,
        "status": "DISABLED",
    }


def test_server_switch_overrides_the_domain(admin, alice):
    update(admin, status="FORCED")
    admin.mutate(SWITCH, {"twoStepAvailable": False})

    assert alice.execute(STATE)["twoStep"]["domainStatus"] == "DISABLED"
