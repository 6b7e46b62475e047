"""The domain's logout URL: validation, who may change it, where logout sends."""

import pytest

from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, add_domain

UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain { settings { misc { logoutUrl logoutUrlEnabled } } }
    errors { field code }
  }
}
"""
SERVER = """
mutation Server($input: ServerSettingsUpdateInput!) {
  updateServerSettings(input: $input) {
    serverSettings { domainAdminsMayOverrideLogoutUrl }
    errors { field code }
  }
}
"""
READ = """
query { domain(name: "a.test") { settings { misc { logoutUrl logoutUrlEnabled } } } }
"""
LOGOUT = "mutation { logout { ok redirectUrl errors { code } } }"
BYE = "https://portal.example.net/bye"


@pytest.fixture
def domain(runtime) -> str:
    """a.test with administrator admin@ and user alice@."""
    add_domain(runtime, "a.test", users=("alice",))
    return "a.test"


@pytest.fixture
def boss(client, domain):
    return client.as_token(client.login("admin@a.test", PASSWORD))


def _update_misc(client, misc: dict) -> dict:
    return client.mutate(UPDATE, {"name": "a.test", "settings": {"misc": misc}})


def _misc(admin) -> dict:
    return admin.execute(READ)["domain"]["settings"]["misc"]


class TestValidation:
    @pytest.mark.parametrize(
        "misc",
        [
            pytest.param({"logoutUrlEnabled": True}, id="enabled-without-url"),
            pytest.param(
                {"logoutUrlEnabled": True, "logoutUrl": "  "}, id="enabled-blank"
            ),
            pytest.param({"logoutUrl": "javascript:alert(1)"}, id="javascript"),
            pytest.param({"logoutUrl": "/logged-out"}, id="relative"),
            pytest.param({"logoutUrl": "https://exa mple.com/bye"}, id="space"),
            pytest.param({"logoutUrl": "https://a.test/\tbye"}, id="tab"),
            pytest.param({"logoutUrl": "https://:443/bye"}, id="no-host"),
        ],
    )
    def test_bad_logout_url_is_refused_on_field(self, admin, domain, misc):
        payload = _update_misc(admin, misc)

        assert error_codes(payload) == ["INVALID"]
        assert payload["errors"][0]["field"] == "settings.misc.logoutUrl"
        assert _misc(admin) == {"logoutUrl": None, "logoutUrlEnabled": False}

    def test_enabled_url_is_saved(self, admin, domain):
        payload = _update_misc(admin, {"logoutUrlEnabled": True, "logoutUrl": BYE})

        assert payload["errors"] == []
        assert _misc(admin) == {"logoutUrl": BYE, "logoutUrlEnabled": True}

    def test_clearing_url_of_enabled_domain_is_refused(self, admin, domain):
        _update_misc(admin, {"logoutUrlEnabled": True, "logoutUrl": BYE})

        payload = _update_misc(admin, {"logoutUrl": None})

        assert error_codes(payload) == ["INVALID"]
        assert _misc(admin) == {"logoutUrl": BYE, "logoutUrlEnabled": True}


class TestDomainAdministratorOverride:
    @pytest.mark.parametrize(
        ("misc", "field"),
        [
            pytest.param({"logoutUrl": BYE}, "logoutUrl", id="url"),
            pytest.param({"logoutUrlEnabled": False}, "logoutUrlEnabled", id="switch"),
        ],
    )
    def test_refused_while_server_switch_off(self, admin, boss, misc, field):
        payload = _update_misc(boss, misc)

        assert error_codes(payload) == ["PERMISSION_DENIED"]
        assert payload["errors"][0]["field"] == f"settings.misc.{field}"
        assert _misc(admin) == {"logoutUrl": None, "logoutUrlEnabled": False}

    def test_allowed_while_server_switch_on(self, admin, boss):
        admin.mutate(SERVER, {"domainAdminsMayOverrideLogoutUrl": True})

        payload = _update_misc(boss, {"logoutUrlEnabled": True, "logoutUrl": BYE})

        assert payload["errors"] == []
        assert _misc(admin) == {"logoutUrl": BYE, "logoutUrlEnabled": True}

    def test_refused_again_once_switched_off(self, admin, boss):
        admin.mutate(SERVER, {"domainAdminsMayOverrideLogoutUrl": True})
        admin.mutate(SERVER, {"domainAdminsMayOverrideLogoutUrl": False})

        payload = _update_misc(boss, {"logoutUrl": BYE})

        assert error_codes(payload) == ["PERMISSION_DENIED"]

    def test_switch_on_still_validates_url(self, admin, boss):
        admin.mutate(SERVER, {"domainAdminsMayOverrideLogoutUrl": True})

        payload = _update_misc(boss, {"logoutUrlEnabled": True})

        assert error_codes(payload) == ["INVALID"]
        assert payload["errors"][0]["field"] == "settings.misc.logoutUrl"


class TestLogoutRedirect:
    def test_user_of_enabled_domain_is_redirected(self, client, admin, domain):
        _update_misc(admin, {"logoutUrlEnabled": True, "logoutUrl": BYE})
        alice = client.as_token(client.login("alice@a.test", PASSWORD))

        payload = alice.execute(LOGOUT)["logout"]

        assert payload == {"ok": True, "redirectUrl": BYE, "errors": []}

    def test_domain_admin_is_redirected(self, admin, boss):
        _update_misc(admin, {"logoutUrlEnabled": True, "logoutUrl": BYE})

        assert boss.execute(LOGOUT)["logout"]["redirectUrl"] == BYE

    def test_disabled_url_gives_no_redirect(self, client, admin, domain):
        _update_misc(admin, {"logoutUrl": BYE})
        alice = client.as_token(client.login("alice@a.test", PASSWORD))

        payload = alice.execute(LOGOUT)["logout"]

        assert payload == {"ok": True, "redirectUrl": None, "errors": []}

    def test_system_admin_gets_no_redirect(self, admin, domain):
        _update_misc(admin, {"logoutUrlEnabled": True, "logoutUrl": BYE})

        payload = admin.execute(LOGOUT)["logout"]

        assert payload == {"ok": True, "redirectUrl": None, "errors": []}

    def test_other_domain_user_gets_no_redirect(self, client, admin, runtime):
        add_domain(runtime, "a.test")
        add_domain(runtime, "b.test", users=("bob",))
        _update_misc(admin, {"logoutUrlEnabled": True, "logoutUrl": BYE})
        bob = client.as_token(client.login("bob@b.test", PASSWORD))

        assert bob.execute(LOGOUT)["logout"]["redirectUrl"] is None
