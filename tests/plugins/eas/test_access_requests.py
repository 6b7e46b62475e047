"""Access a caller asks for is granted or refused, never dropped unseen.

Only access the user template alone gives falls back quietly when a
domain's accounts are used up; a value the caller gives, even the
template's own, is honoured or answered with ACCOUNT_LIMIT_REACHED.
"""

import pytest

from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, add_domain
from tests.plugins.eas.access_support import (
    access_of,
    domain_settings,
    set_enabled,
    used_of,
)

CREATE_USER = """
mutation Create($input: UserCreateInput!) {
  createUser(input: $input) { user { email } errors { field code message } }
}
"""

UPDATE_TEMPLATE = """
mutation Template($input: UserDefaultsUpdateInput!) {
  updateUserDefaults(input: $input) { errors { field code } }
}
"""

TEMPLATES = pytest.mark.parametrize(
    "template", [True, False], ids=["template-on", "template-off"]
)


def use_every_account(admin, runtime, section: str, management: bool = True):
    """a.test with one account, taken by u1."""
    settings = domain_settings(section, 1, management=management)
    add_domain(runtime, "a.test", settings=settings, users=("u1",))
    assert set_enabled(admin, section, "u1@a.test", True)["errors"] == []


def set_template(admin, section: str, enabled: bool) -> None:
    template = {"settings": {section: {"enabled": enabled}}}
    assert admin.mutate(UPDATE_TEMPLATE, template)["errors"] == []


def create_asking(client, section: str, email: str, enabled: bool) -> dict:
    settings = {section: {"enabled": enabled}}
    payload = {"email": email, "password": PASSWORD, "settings": settings}
    return client.mutate(CREATE_USER, payload)


@TEMPLATES
def test_create_asking_access_beyond_accounts_fails(
    admin, licensed_runtime, feature, template
):
    # Given a domain whose one account is used, whatever the template says
    section, name, _ = feature
    use_every_account(admin, licensed_runtime, section)
    set_template(admin, section, template)

    # When a user is created asking for access
    payload = create_asking(admin, section, "n3@a.test", True)

    # Then the request is refused on its field and no user is made
    assert error_codes(payload) == ["ACCOUNT_LIMIT_REACHED"]
    assert payload["errors"][0]["field"] == f"settings.{section}.enabled"
    assert "n3@a.test" not in access_of(licensed_runtime, name)
    assert used_of(licensed_runtime, name, "a.test") == 1


def test_create_repeating_template_takes_account_left(admin, licensed_runtime, feature):
    section, name, _ = feature
    add_domain(licensed_runtime, "a.test", settings=domain_settings(section, 1))
    set_template(admin, section, True)

    payload = create_asking(admin, section, "n3@a.test", True)

    assert payload["errors"] == []
    assert access_of(licensed_runtime, name)["n3@a.test"] is True
    assert used_of(licensed_runtime, name, "a.test") == 1


@TEMPLATES
def test_update_asking_access_beyond_accounts_fails(
    admin, licensed_runtime, feature, template
):
    section, name, _ = feature
    use_every_account(admin, licensed_runtime, section)
    set_template(admin, section, template)

    payload = set_enabled(admin, section, "admin@a.test", True)

    assert error_codes(payload) == ["ACCOUNT_LIMIT_REACHED"]
    assert payload["errors"][0]["field"] == f"settings.{section}.enabled"
    assert access_of(licensed_runtime, name)["admin@a.test"] is False


@pytest.mark.parametrize("management", [True, False], ids=["managed", "unmanaged"])
def test_domain_admin_repeating_template_beyond_accounts_fails(
    client, admin, licensed_runtime, feature, management
):
    # Given a template with access on and a domain whose one account is used
    section, name, _ = feature
    use_every_account(admin, licensed_runtime, section, management=management)
    set_template(admin, section, True)
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    # When its administrator creates a user from a form prefilled from it
    payload = create_asking(domain_admin, section, "n3@a.test", True)

    # Then no account is left for the request, with or without management
    assert error_codes(payload) == ["ACCOUNT_LIMIT_REACHED"]
    assert "n3@a.test" not in access_of(licensed_runtime, name)


def test_domain_admin_choosing_beyond_template_needs_management(
    client, admin, licensed_runtime, feature
):
    # Given a template with access off and a domain without user management
    section, name, _ = feature
    off = domain_settings(section, 5, management=False)
    add_domain(licensed_runtime, "a.test", settings=off)
    set_template(admin, section, False)
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    # When its administrator creates a user asking for access
    payload = create_asking(domain_admin, section, "n3@a.test", True)

    # Then that is a choice of its own, which user management must allow
    assert error_codes(payload) == ["USER_MANAGEMENT_DISABLED"]
    assert payload["errors"][0]["field"] == f"settings.{section}.enabled"
    assert used_of(licensed_runtime, name, "a.test") == 0
