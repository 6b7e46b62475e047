"""Lowering a domain's accounts below those in use keeps them, refuses more.

As with every limit, a reseller may shrink a plan without taking access
away: what exists stays, and new grants wait until usage falls under it.
"""

from tests.graphql_client import error_codes
from tests.plugin_support import add_domain
from tests.plugins.eas.access_support import (
    access_of,
    domain_settings,
    set_enabled,
    used_of,
)

UPDATE_DOMAIN_TEMPLATE = """
mutation Template($input: DomainDefaultsUpdateInput!) {
  updateDomainDefaults(input: $input) { errors { field code } }
}
"""
PROPAGATE_DOMAINS = """
mutation Propagate($input: DomainDefaultsPropagateInput!) {
  propagateDomainDefaults(input: $input) { domainsChanged errors { code } }
}
"""


def test_propagated_lower_accounts_keep_access_refuse_more(
    admin, licensed_runtime, feature
):
    # Given a domain with three accounts, two of them in use
    section, name, _ = feature
    settings = domain_settings(section, 3)
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1", "u2", "u3"))
    for user in ("u1@a.test", "u2@a.test"):
        assert set_enabled(admin, section, user, True)["errors"] == []

    # When the template's one account is propagated to every domain
    admin.mutate(UPDATE_DOMAIN_TEMPLATE, {"settings": {section: {"accounts": 1}}})
    payload = admin.mutate(PROPAGATE_DOMAINS, {"settings": [f"{section}.accounts"]})

    # Then both users keep access and no one else gets it
    assert (payload["errors"], payload["domainsChanged"]) == ([], 1)
    assert used_of(licensed_runtime, name, "a.test") == 2
    refused = set_enabled(admin, section, "u3@a.test", True)
    assert error_codes(refused) == ["ACCOUNT_LIMIT_REACHED"]


def test_grant_waits_until_usage_falls_under_limit(admin, licensed_runtime, feature):
    section, name, _ = feature
    settings = domain_settings(section, 2)
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1", "u2", "u3"))
    for user in ("u1@a.test", "u2@a.test"):
        set_enabled(admin, section, user, True)
    admin.mutate(UPDATE_DOMAIN_TEMPLATE, {"settings": {section: {"accounts": 1}}})
    admin.mutate(PROPAGATE_DOMAINS, {"settings": [f"{section}.accounts"]})

    set_enabled(admin, section, "u1@a.test", False)
    at_limit = set_enabled(admin, section, "u3@a.test", True)
    set_enabled(admin, section, "u2@a.test", False)
    under_limit = set_enabled(admin, section, "u3@a.test", True)

    assert error_codes(at_limit) == ["ACCOUNT_LIMIT_REACHED"]
    assert under_limit["errors"] == []
    assert access_of(licensed_runtime, name) == {
        "admin@a.test": False,
        "u1@a.test": False,
        "u2@a.test": False,
        "u3@a.test": True,
    }
