"""Enterprise-only domain settings: switched on only under a license granting them."""

import itertools
from contextlib import ExitStack

import pytest
from starlette.testclient import TestClient

from core.app import create_app
from tests.conftest import ADMIN_PASSWORD
from tests.graphql_client import GraphQLClient, error_codes
from tests.plugin_support import issue_license, licensed_runtime, schema_for

UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain {
      settings {
        features { directoryIntegration chat globalAddressList teamWorkspaces }
        misc { usersOptOutOfDirectory }
      }
    }
    errors { field code message }
  }
}
"""

UPDATE_DEFAULTS = """
mutation Update($input: DomainDefaultsUpdateInput!) {
  updateDomainDefaults(input: $input) {
    domainDefaults { settings { features { chat } } }
    errors { field code }
  }
}
"""

DEFAULTS = "query { domainDefaults { settings { features { chat } } } }"

# (section, field, the license feature that allows it)
LICENSED = [
    pytest.param("features", "directoryIntegration", "directory_integration", id="dir"),
    pytest.param("features", "chat", "chat", id="chat"),
    pytest.param("features", "globalAddressList", "global_address_list", id="gal"),
    pytest.param("features", "teamWorkspaces", "team_workspaces", id="workspaces"),
    pytest.param("misc", "usersOptOutOfDirectory", "global_address_list", id="opt-out"),
]


def update(client, settings: dict) -> dict:
    return client.mutate(UPDATE, {"name": "example.com", "settings": settings})


@pytest.fixture
def admin_under(runtime, tmp_path):
    """The system administrator of a server licensed for the given features."""
    stack, counter = ExitStack(), itertools.count()

    def make(features: tuple[str, ...]) -> GraphQLClient:
        folder = tmp_path / f"license-{next(counter)}"
        folder.mkdir()
        text = issue_license(features=features)
        licensed = licensed_runtime(runtime, folder, [], text=text)
        stack.callback(licensed.engine.dispose)
        app = create_app(licensed, schema=schema_for(licensed))
        client = GraphQLClient(stack.enter_context(TestClient(app)))
        return client.as_token(client.login("admin", ADMIN_PASSWORD))

    with stack:
        yield make


@pytest.mark.parametrize(("section", "field", "feature"), LICENSED)
def test_free_edition_refuses_enterprise_setting(
    admin, domain, snapshot, section, field, feature
):
    before = snapshot()

    payload = update(admin, {section: {field: True}})

    assert error_codes(payload) == ["LICENSE_REQUIRED"]
    assert payload["errors"][0]["field"] == f"settings.{section}.{field}"
    assert feature in payload["errors"][0]["message"]
    assert snapshot() == before


def test_free_edition_reports_every_enterprise_setting(admin, domain):
    payload = update(
        admin,
        {"features": {"chat": True, "teamWorkspaces": True, "fileStorage": False}},
    )

    assert sorted(error["field"] for error in payload["errors"]) == [
        "settings.features.chat",
        "settings.features.teamWorkspaces",
    ]


@pytest.mark.parametrize(("section", "field", "feature"), LICENSED)
def test_license_granting_feature_allows_setting(
    admin_under, domain, section, field, feature
):
    licensed = admin_under((feature,))

    payload = update(licensed, {section: {field: True}})

    assert payload["errors"] == []
    assert payload["domain"]["settings"][section][field] is True


def test_license_without_feature_still_refuses(admin_under, domain):
    licensed = admin_under(("eas", "chat"))

    payload = update(licensed, {"features": {"teamWorkspaces": True}})

    assert error_codes(payload) == ["LICENSE_REQUIRED"]


@pytest.mark.parametrize(("section", "field", "feature"), LICENSED)
def test_turning_enterprise_setting_off_always_allowed(
    admin_under, admin, domain, section, field, feature
):
    assert update(admin_under((feature,)), {section: {field: True}})["errors"] == []

    payload = update(admin, {section: {field: False}})

    assert payload["errors"] == []
    assert payload["domain"]["settings"][section][field] is False


def test_domain_defaults_refuse_enterprise_setting(admin):
    payload = admin.mutate(UPDATE_DEFAULTS, {"settings": {"features": {"chat": True}}})

    assert error_codes(payload) == ["LICENSE_REQUIRED"]
    assert payload["errors"][0]["field"] == "settings.features.chat"
    assert admin.execute(DEFAULTS)["domainDefaults"]["settings"]["features"] == {
        "chat": False
    }


def test_domain_defaults_take_licensed_setting(admin_under):
    licensed = admin_under(("chat",))

    payload = licensed.mutate(
        UPDATE_DEFAULTS, {"settings": {"features": {"chat": True}}}
    )

    assert payload["errors"] == []
    assert payload["domainDefaults"]["settings"]["features"] == {"chat": True}
