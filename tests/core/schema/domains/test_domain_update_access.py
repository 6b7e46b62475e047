"""updateDomain: choices from the server's lists, and what domain admins may change."""

import pytest

from tests.core.schema.domains.conftest import UPDATE, update_domain_settings
from tests.graphql_client import error_codes

SERVER = """
mutation Server($input: ServerSettingsUpdateInput!) {
  updateServerSettings(input: $input) {
    serverSettings { outgoingGateways outboundIpv4Addresses }
    errors { field code }
  }
}
"""


class TestServerChoices:
    def test_gateway_must_be_a_server_choice(self, admin, domain, snapshot):
        before = snapshot()

        payload = update_domain_settings(
            admin, {"options": {"outgoingGateway": "gw.example.net"}}
        )

        assert error_codes(payload) == ["NOT_A_SERVER_CHOICE"]
        assert payload["errors"][0]["field"] == "settings.options.outgoingGateway"
        assert snapshot() == before

    def test_outbound_addresses_must_be_server_choices(self, admin, domain, snapshot):
        admin.mutate(
            SERVER,
            {"outboundIpv4Addresses": ["192.0.2.1"], "outboundIpv6Enabled": True},
        )
        before = snapshot()

        payload = update_domain_settings(
            admin,
            {"security": {"outboundIpv4": "192.0.2.2", "outboundIpv6": "2001:db8::1"}},
        )

        assert error_codes(payload) == ["NOT_A_SERVER_CHOICE"] * 2
        assert snapshot() == before

    def test_listed_choices_are_accepted_normalised(self, admin, domain):
        admin.mutate(
            SERVER,
            {
                "outgoingGateways": ["gw.example.net"],
                "outboundIpv4Addresses": ["192.0.2.1"],
            },
        )

        payload = update_domain_settings(
            admin,
            {
                "options": {"outgoingGateway": "GW.Example.NET"},
                "security": {"outboundIpv4": "192.0.2.1"},
            },
        )

        assert payload["errors"] == []
        settings = payload["domain"]["settings"]
        assert settings["options"]["outgoingGateway"] == "gw.example.net"
        assert settings["security"]["outboundIpv4"] == "192.0.2.1"

    def test_null_gateway_sends_directly(self, admin, domain):
        payload = update_domain_settings(admin, {"options": {"outgoingGateway": None}})

        assert payload["errors"] == []
        assert payload["domain"]["settings"]["options"]["outgoingGateway"] is None


class TestDomainAdministrator:
    def test_may_change_its_own_fields(self, domain_admin):
        payload = update_domain_settings(
            domain_admin,
            {
                "misc": {"calendarAutoCleanMonths": 6},
                "email": {"autoresponderExclusions": "HIGH"},
            },
        )

        assert payload["errors"] == []
        settings = payload["domain"]["settings"]
        assert settings["misc"]["calendarAutoCleanMonths"] == 6
        assert settings["email"]["autoresponderExclusions"] == "HIGH"

    @pytest.mark.parametrize(
        ("settings", "field"),
        [
            pytest.param(
                {"limits": {"users": 500}}, "settings.limits.users", id="users"
            ),
            pytest.param(
                {"misc": {"calendarAutoCleanMonths": 1, "logoutUrlEnabled": True}},
                "settings.misc.logoutUrlEnabled",
                id="mixed",
            ),
            pytest.param(
                {"features": {"chat": True}}, "settings.features.chat", id="features"
            ),
            pytest.param(
                {"throttling": {"bouncesPerHour": 1}},
                "settings.throttling.bouncesPerHour",
                id="throttling",
            ),
            pytest.param(
                {"email": {"disableGreylisting": True}},
                "settings.email.disableGreylisting",
                id="greylisting",
            ),
        ],
    )
    def test_may_not_change_system_fields(
        self, domain_admin, snapshot, settings, field
    ):
        before = snapshot()

        payload = update_domain_settings(domain_admin, settings)

        assert error_codes(payload) == ["PERMISSION_DENIED"]
        assert payload["errors"][0]["field"] == field
        assert snapshot() == before

    def test_may_not_change_hostname(self, domain_admin, snapshot):
        before = snapshot()

        payload = update_domain_settings(domain_admin, hostname="mx.example.com")

        assert error_codes(payload) == ["PERMISSION_DENIED"]
        assert snapshot() == before

    def test_may_not_see_other_domains(self, domain_admin, make_domain, snapshot):
        make_domain("other.com", "ann")
        before = snapshot()

        payload = domain_admin.mutate(
            UPDATE, {"name": "other.com", "settings": {"misc": {}}}
        )

        assert error_codes(payload) == ["DOMAIN_NOT_FOUND"]
        assert snapshot() == before
