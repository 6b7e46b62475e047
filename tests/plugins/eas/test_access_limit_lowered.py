"""Lowering a domain's accounts below those in use keeps them, refuses more.

As with every limit, a reseller may shrink a plan without taking access
away: what exists stays, and new grants wait until usage falls under it.
"""

from sqlalchemy import event

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
UPDATE_USER_TEMPLATE = """
mutation Template($input: UserDefaultsUpdateInput!) {
  updateUserDefaults(input: $input) { errors { field code } }
}
"""
PROPAGATE_USERS = """
mutation Propagate($input: UserDefaultsPropagateInput!) {
  propagateUserDefaults(input: $input) {
    refused { domain message }
    errors { field code message }
  }
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


def test_propagating_access_counts_only_users_without_it(
    admin, licensed_runtime, feature
):
    # Given accounts lowered from four to two: every user of alpha.test has
    # access, three of beta.test's four do, none of delta.test's two
    section, name, _ = feature
    users = ("u1", "u2", "u3")
    for domain in ("alpha.test", "beta.test"):
        add_domain(
            licensed_runtime, domain, settings=domain_settings(section, 4), users=users
        )
    add_domain(
        licensed_runtime,
        "delta.test",
        settings=domain_settings(section, 4),
        users=("u1",),
    )
    for user in ("admin", *users):
        set_enabled(admin, section, f"{user}@alpha.test", True)
    for user in ("admin", "u1", "u2"):
        set_enabled(admin, section, f"{user}@beta.test", True)
    admin.mutate(UPDATE_DOMAIN_TEMPLATE, {"settings": {section: {"accounts": 2}}})
    admin.mutate(PROPAGATE_DOMAINS, {"settings": [f"{section}.accounts"]})

    # When the user template's access is propagated, first as a dry run
    template = {"settings": {section: {"enabled": True}}}
    assert admin.mutate(UPDATE_USER_TEMPLATE, template)["errors"] == []
    paths = {"settings": [f"{section}.enabled"]}
    dry = admin.mutate(PROPAGATE_USERS, {**paths, "dryRun": True})
    done = admin.mutate(PROPAGATE_USERS, paths)

    # Then only beta.test, with a user left and no account, is refused
    for payload in (dry, done):
        assert payload["errors"] == []
        assert [r["domain"] for r in payload["refused"]] == ["beta.test"]
    access = access_of(licensed_runtime, name)
    assert all(access[f"{user}@alpha.test"] for user in ("admin", *users))
    assert access["u3@beta.test"] is False
    assert access["admin@delta.test"] and access["u1@delta.test"]
    domains = ("alpha.test", "beta.test", "delta.test")
    assert [used_of(licensed_runtime, name, d) for d in domains] == [4, 3, 2]


def test_propagation_reads_tallies_once_for_all_domains(
    admin, licensed_runtime, feature
):
    # Given three domains with users and no accounts
    section, _, _ = feature
    for domain in ("a.test", "b.test", "c.test"):
        add_domain(licensed_runtime, domain, users=("u1",))
    template = {"settings": {section: {"enabled": True}}}
    assert admin.mutate(UPDATE_USER_TEMPLATE, template)["errors"] == []
    statements: list[str] = []
    event.listen(
        licensed_runtime.engine,
        "before_cursor_execute",
        lambda *args: statements.append(args[2]),
    )

    # When access is propagated to all of them
    done = admin.mutate(PROPAGATE_USERS, {"settings": [f"{section}.enabled"]})

    # Then each is refused, judged on one read of the tallies
    assert len(done["refused"]) == 3
    reads = [s for s in statements if "FROM feature_account_usage" in s]
    assert len(reads) == 1
