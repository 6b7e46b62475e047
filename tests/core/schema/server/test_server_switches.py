"""Server settings beyond the lists: switches and the postmaster address."""

import pytest

from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, add_domain

READ = """
query { serverSettings {
  outboundIpv6Enabled domainAdminsMayOverrideLogoutUrl postmasterAddress
} }
"""
UPDATE = """
mutation Update($input: ServerSettingsUpdateInput!) {
  updateServerSettings(input: $input) {
    serverSettings {
      outboundIpv6Enabled domainAdminsMayOverrideLogoutUrl postmasterAddress
    }
    errors { field code }
  }
}
"""


def test_switches_start_off_without_postmaster(admin):
    assert admin.execute(READ)["serverSettings"] == {
        "outboundIpv6Enabled": False,
        "domainAdminsMayOverrideLogoutUrl": False,
        "postmasterAddress": None,
    }


def test_update_saves_switches_and_normalised_postmaster(admin):
    payload = admin.mutate(
        UPDATE,
        {
            "outboundIpv6Enabled": True,
            "domainAdminsMayOverrideLogoutUrl": True,
            "postmasterAddress": " Hostmaster@Example.NET ",
        },
    )

    assert payload["errors"] == []
    assert admin.execute(READ)["serverSettings"] == {
        "outboundIpv6Enabled": True,
        "domainAdminsMayOverrideLogoutUrl": True,
        "postmasterAddress": "hostmaster@example.net",
    }


def test_null_postmaster_clears_it_and_keeps_switches(admin):
    admin.mutate(
        UPDATE, {"outboundIpv6Enabled": True, "postmasterAddress": "pm@example.net"}
    )

    payload = admin.mutate(
        UPDATE, {"postmasterAddress": None, "outboundIpv6Enabled": None}
    )

    assert payload["errors"] == []
    assert payload["serverSettings"]["postmasterAddress"] is None
    assert payload["serverSettings"]["outboundIpv6Enabled"] is True


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("postmaster", id="no-at"),
        pytest.param("pm@", id="no-domain"),
        pytest.param("pm@@example.net", id="two-ats"),
        pytest.param("pm@example", id="single-label"),
    ],
)
def test_bad_postmaster_address_is_refused(admin, address):
    admin.mutate(UPDATE, {"postmasterAddress": "pm@example.net"})

    payload = admin.mutate(UPDATE, {"postmasterAddress": address})

    assert error_codes(payload) == ["INVALID"]
    assert payload["errors"][0]["field"] == "input.postmasterAddress"
    assert admin.execute(READ)["serverSettings"]["postmasterAddress"] == (
        "pm@example.net"
    )


def test_domain_admin_may_not_change_switches(client, admin, runtime):
    add_domain(runtime, "a.test")
    boss = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = boss.mutate(UPDATE, {"domainAdminsMayOverrideLogoutUrl": True})

    assert error_codes(payload) == ["PERMISSION_DENIED"]
    settings = admin.execute(READ)["serverSettings"]
    assert settings["domainAdminsMayOverrideLogoutUrl"] is False
