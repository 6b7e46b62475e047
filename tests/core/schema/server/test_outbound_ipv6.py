"""Outbound IPv6: a domain may choose an address only while the server allows."""

import pytest

from tests.graphql_client import error_codes
from tests.plugin_support import add_domain

SERVER = """
mutation Server($input: ServerSettingsUpdateInput!) {
  updateServerSettings(input: $input) {
    serverSettings { outboundIpv6Enabled outboundIpv6Addresses }
    errors { field code }
  }
}
"""
UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain { settings { security { outboundIpv4 outboundIpv6 } } }
    errors { field code }
  }
}
"""
READ = 'query { domain(name: "a.test") { settings { security { outboundIpv6 } } } }'
ADDRESS = "2001:db8::25"


@pytest.fixture
def domain(runtime) -> str:
    add_domain(runtime, "a.test")
    return "a.test"


def _choose_ipv6(admin, address: str | None) -> dict:
    security = {"outboundIpv6": address}
    return admin.mutate(UPDATE, {"name": "a.test", "settings": {"security": security}})


def _chosen(admin) -> str | None:
    return admin.execute(READ)["domain"]["settings"]["security"]["outboundIpv6"]


def test_ipv6_is_off_by_default(admin):
    payload = admin.mutate(SERVER, {})

    assert payload["serverSettings"]["outboundIpv6Enabled"] is False


def test_listed_ipv6_refused_while_server_ipv6_off(admin, domain):
    admin.mutate(SERVER, {"outboundIpv6Addresses": [ADDRESS]})

    payload = _choose_ipv6(admin, ADDRESS)

    assert error_codes(payload) == ["IPV6_DISABLED"]
    assert payload["errors"][0]["field"] == "settings.security.outboundIpv6"
    assert _chosen(admin) is None


def test_listed_ipv6_accepted_once_server_ipv6_on(admin, domain):
    admin.mutate(
        SERVER, {"outboundIpv6Enabled": True, "outboundIpv6Addresses": [ADDRESS]}
    )

    payload = _choose_ipv6(admin, "2001:DB8:0::25")

    assert payload["errors"] == []
    assert _chosen(admin) == ADDRESS


def test_unlisted_ipv6_refused_while_server_ipv6_on(admin, domain):
    admin.mutate(SERVER, {"outboundIpv6Enabled": True})

    payload = _choose_ipv6(admin, ADDRESS)

    assert error_codes(payload) == ["NOT_A_SERVER_CHOICE"]
    assert _chosen(admin) is None


def test_default_ipv6_stays_allowed_while_off(admin, domain):
    payload = _choose_ipv6(admin, None)

    assert payload["errors"] == []
    assert _chosen(admin) is None
