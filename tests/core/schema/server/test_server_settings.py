"""serverSettings and updateServerSettings: the lists domains choose from."""

import pytest

from tests.graphql_client import error_codes

READ = """
query { serverSettings {
  outgoingGateways outboundIpv4Addresses outboundIpv6Addresses twoStepAvailable
} }
"""

UPDATE = """
mutation Update($input: ServerSettingsUpdateInput!) {
  updateServerSettings(input: $input) {
    serverSettings { outgoingGateways outboundIpv4Addresses outboundIpv6Addresses }
    errors { field code }
  }
}
"""


def test_server_settings_start_empty(admin):
    assert admin.execute(READ)["serverSettings"] == {
        "outgoingGateways": [],
        "outboundIpv4Addresses": [],
        "outboundIpv6Addresses": [],
        "twoStepAvailable": True,
    }


def test_update_server_settings_normalises_lists(admin):
    payload = admin.mutate(
        UPDATE,
        {
            "outgoingGateways": ["GW.Example.net", "gw.example.net", "192.0.2.9"],
            "outboundIpv6Addresses": ["2001:DB8::1"],
        },
    )

    assert payload["errors"] == []
    assert payload["serverSettings"] == {
        "outgoingGateways": ["gw.example.net", "192.0.2.9"],
        "outboundIpv4Addresses": [],
        "outboundIpv6Addresses": ["2001:db8::1"],
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param(
            {"outgoingGateways": ["not a host"]}, "input.outgoingGateways.0", id="gw"
        ),
        pytest.param(
            {"outboundIpv4Addresses": ["2001:db8::1"]},
            "input.outboundIpv4Addresses.0",
            id="ipv4",
        ),
        pytest.param(
            {"outboundIpv6Addresses": ["192.0.2.1"]},
            "input.outboundIpv6Addresses.0",
            id="ipv6",
        ),
    ],
)
def test_update_server_settings_rejects_bad_entries(admin, changes, field):
    admin.mutate(UPDATE, {"outgoingGateways": ["gw.example.net"]})

    payload = admin.mutate(UPDATE, {"outboundIpv4Addresses": ["192.0.2.1"]} | changes)

    assert error_codes(payload) == ["INVALID"]
    assert payload["errors"][0]["field"] == field
    settings = admin.execute(READ)["serverSettings"]
    assert settings["outgoingGateways"] == ["gw.example.net"]
    assert settings["outboundIpv4Addresses"] == []


def test_server_settings_are_for_system_admins(client, admin):
    body = client.raw(READ)
    payload = client.mutate(UPDATE, {"outgoingGateways": ["gw.example.net"]})

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert error_codes(payload) == ["UNAUTHENTICATED"]
    assert admin.execute(READ)["serverSettings"]["outgoingGateways"] == []
