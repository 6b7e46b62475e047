"""The eas section: in the domain list's settings and in updateDomain."""

from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, add_domain

DOMAINS = """
query { domains(first: 5) { nodes { name settings { eas {
  accounts remoteWipe userManagement
} } } } }
"""

UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain { settings { eas { accounts remoteWipe userManagement } } }
    errors { field code }
  }
}
"""


def test_domain_list_shows_eas_defaults(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test")

    nodes = admin.execute(DOMAINS)["domains"]["nodes"]

    assert nodes[0]["settings"]["eas"] == {
        "accounts": 0,
        "remoteWipe": False,
        "userManagement": False,
    }


def test_update_domain_changes_eas_section(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test")

    payload = admin.mutate(
        UPDATE,
        {"name": "a.test", "settings": {"eas": {"accounts": 25, "remoteWipe": True}}},
    )

    assert payload["errors"] == []
    assert payload["domain"]["settings"]["eas"] == {
        "accounts": 25,
        "remoteWipe": True,
        "userManagement": False,
    }


def test_update_domain_rejects_negative_eas_accounts(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test")

    payload = admin.mutate(
        UPDATE, {"name": "a.test", "settings": {"eas": {"accounts": -1}}}
    )

    assert [e["field"] for e in payload["errors"]] == ["settings.eas.accounts"]


def test_domain_admin_cannot_raise_own_eas_accounts(client, licensed_runtime):
    add_domain(licensed_runtime, "a.test")
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = domain_admin.mutate(
        UPDATE, {"name": "a.test", "settings": {"eas": {"accounts": 99}}}
    )

    assert error_codes(payload) == ["PERMISSION_DENIED"]
