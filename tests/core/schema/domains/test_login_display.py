"""The loginDisplay section and the anonymous loginDisplay query."""

import pytest

from tests.graphql_client import error_codes

UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain {
      settings { loginDisplay { enabled logoUrl brandingText loginTitle } }
    }
    errors { field code }
  }
}
"""

LOGIN_DISPLAY = """
query Display($domain: String!) {
  loginDisplay(domain: $domain) { logoUrl brandingText loginTitle }
}
"""

SET_STATUS = """
mutation Status($input: DomainSetStatusInput!) {
  setDomainStatus(input: $input) { errors { code } }
}
"""

ADD_ALIAS = """
mutation Alias($input: DomainAliasCreateInput!) {
  createDomainAlias(input: $input) { errors { code } }
}
"""

CUSTOM = {
    "enabled": True,
    "logoUrl": "https://cdn.example.com/logo.png",
    "brandingText": "Example Corp.\nMail for staff.",
    "loginTitle": "Example mail",
}


def update(client, settings: dict) -> dict:
    return client.mutate(UPDATE, {"name": "example.com", "settings": settings})


def display(client, domain: str = "example.com") -> dict | None:
    return client.execute(LOGIN_DISPLAY, {"domain": domain})["loginDisplay"]


@pytest.fixture
def customised(admin, domain) -> None:
    """example.com with the feature on and its login page customised."""
    payload = update(
        admin, {"features": {"loginCustomization": True}, "loginDisplay": CUSTOM}
    )
    assert payload["errors"] == [], payload["errors"]


def test_domain_admin_refused_while_feature_off(domain_admin, snapshot):
    before = snapshot()

    payload = update(domain_admin, {"loginDisplay": {"enabled": True}})

    assert error_codes(payload) == ["FEATURE_DISABLED"]
    assert payload["errors"][0]["field"] == "settings.loginDisplay.enabled"
    assert snapshot() == before


def test_domain_admin_customises_while_feature_on(admin, domain_admin):
    update(admin, {"features": {"loginCustomization": True}})

    payload = update(domain_admin, {"loginDisplay": CUSTOM})

    assert payload["errors"] == []
    assert payload["domain"]["settings"]["loginDisplay"] == CUSTOM


def test_system_admin_customises_while_feature_off(admin, domain):
    payload = update(admin, {"loginDisplay": {"loginTitle": "Hello"}})

    assert payload["errors"] == []
    assert payload["domain"]["settings"]["loginDisplay"]["loginTitle"] == "Hello"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"logoUrl": "ftp://x.test/l.png"}, "logoUrl", id="scheme"),
        pytest.param({"logoUrl": "/logo.png"}, "logoUrl", id="relative"),
        pytest.param({"logoUrl": "http://x.test/a b.png"}, "logoUrl", id="blank"),
        pytest.param({"logoUrl": "http://x.test/\ta.png"}, "logoUrl", id="tab"),
        pytest.param({"brandingText": "b" * 501}, "brandingText", id="branding"),
        pytest.param({"loginTitle": "t" * 101}, "loginTitle", id="title"),
        pytest.param({"loginTitle": "a\x07b"}, "loginTitle", id="control"),
    ],
)
def test_login_display_rejects_invalid_values(admin, domain, changes, field):
    payload = update(admin, {"loginDisplay": changes})

    assert error_codes(payload) == ["INVALID"]
    assert payload["errors"][0]["field"] == f"settings.loginDisplay.{field}"


def test_login_display_answers_anyone_when_customised(client, customised):
    assert display(client) == {
        "logoUrl": CUSTOM["logoUrl"],
        "brandingText": CUSTOM["brandingText"],
        "loginTitle": CUSTOM["loginTitle"],
    }


def test_login_display_answers_for_domain_alias(admin, client, customised):
    payload = admin.mutate(ADD_ALIAS, {"domain": "example.com", "alias": "ex.test"})
    assert payload["errors"] == []

    assert display(client, "EX.test")["loginTitle"] == CUSTOM["loginTitle"]


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"loginDisplay": {"enabled": False}}, id="display-off"),
        pytest.param({"features": {"loginCustomization": False}}, id="feature-off"),
    ],
)
def test_login_display_null_unless_both_on(admin, client, customised, settings):
    assert update(admin, settings)["errors"] == []

    assert display(client) is None


def test_login_display_null_for_disabled_domain(admin, client, customised):
    admin.mutate(SET_STATUS, {"name": "example.com", "status": "DISABLED"})

    assert display(client) is None


@pytest.mark.parametrize(
    "name", ["missing.test", "not a domain!", ""], ids=["missing", "invalid", "empty"]
)
def test_login_display_null_for_unknown_domain(client, customised, name):
    body = client.raw(LOGIN_DISPLAY, {"domain": name})

    assert body == {"data": {"loginDisplay": None}}


def test_login_display_null_for_default_domain(client, domain):
    assert display(client) is None
