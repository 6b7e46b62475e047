"""Domain aliases: one namespace with domains, limits, and who may add them."""

import pytest

from tests.core.schema.users.accounts import set_domain_settings
from tests.graphql_client import error_codes

CREATE = """
mutation Create($input: DomainAliasCreateInput!) {
  createDomainAlias(input: $input) {
    domainAlias { name domain }
    errors { field code }
  }
}
"""

DELETE = """
mutation Delete($input: DomainAliasDeleteInput!) {
  deleteDomainAlias(input: $input) { deletedAlias errors { field code } }
}
"""

LIST = """
query Aliases($domain: String!) {
  domainAliases(domain: $domain) { totalCount nodes { name } }
  domain(name: $domain) { domainAliasCount }
}
"""

CREATE_DOMAIN = """
mutation Create($input: DomainCreateInput!) {
  createDomain(input: $input) { errors { field code } }
}
"""


def _create(client, alias, domain="a.test"):
    return client.mutate(CREATE, {"domain": domain, "alias": alias})


def test_create_domain_alias_normalises_name(admin, domain_a):
    payload = _create(admin, "Bücher.A.TEST.")

    assert payload["errors"] == []
    assert payload["domainAlias"] == {
        "name": "xn--bcher-kva.a.test",
        "domain": "a.test",
    }
    data = admin.execute(LIST, {"domain": "a.test"})
    assert data["domainAliases"]["totalCount"] == data["domain"]["domainAliasCount"]


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("a.test", "DOMAIN_EXISTS"),
        ("b.test", "DOMAIN_EXISTS"),
        ("not a name", "INVALID_DOMAIN"),
        ("../etc", "INVALID_DOMAIN"),
    ],
    ids=["own-name", "other-domain", "bad-name", "path"],
)
def test_create_domain_alias_refuses_bad_names(admin, domain_a, domain_b, alias, code):
    payload = _create(admin, alias)

    assert error_codes(payload) == [code]
    assert admin.execute(LIST, {"domain": "a.test"})["domainAliases"]["totalCount"] == 0


def test_domain_alias_names_are_unique_everywhere(admin, domain_a, domain_b):
    _create(admin, "shared.test")

    again = _create(admin, "shared.test", domain="b.test")
    domain = admin.mutate(
        CREATE_DOMAIN,
        {"name": "shared.test", "adminUsername": "x", "adminPassword": "pw-123456"},
    )

    assert error_codes(again) == ["DOMAIN_ALIAS_EXISTS"]
    assert error_codes(domain) == ["DOMAIN_ALIAS_EXISTS"]


def test_domain_alias_limit_holds(admin, domain_a):
    assert _create(admin, "one.test")["errors"] == []
    assert _create(admin, "two.test")["errors"] == []

    payload = _create(admin, "three.test")

    assert error_codes(payload) == ["DOMAIN_ALIAS_LIMIT_REACHED"]


def test_domain_admin_needs_misc_permission(admin, boss):
    refused = _create(boss, "mine.test")
    set_domain_settings(
        admin, "a.test", {"misc": {"domainAdminsCreateDomainAliases": True}}
    )
    allowed = _create(boss, "mine.test")
    removed = boss.mutate(DELETE, {"alias": "mine.test"})

    assert error_codes(refused) == ["PERMISSION_DENIED"]
    assert allowed["errors"] == []
    assert removed == {"deletedAlias": "mine.test", "errors": []}


def test_domain_admin_cannot_touch_other_domain(admin, boss, domain_b):
    _create(admin, "theirs.test", domain="b.test")

    payload = boss.mutate(DELETE, {"alias": "theirs.test"})

    assert error_codes(payload) == ["DOMAIN_ALIAS_NOT_FOUND"]


def test_delete_domain_alias_frees_name_and_place(admin, domain_a):
    _create(admin, "one.test")

    payload = admin.mutate(DELETE, {"alias": "ONE.test"})

    assert payload == {"deletedAlias": "one.test", "errors": []}
    assert admin.execute(LIST, {"domain": "a.test"})["domain"]["domainAliasCount"] == 0
    assert _create(admin, "one.test", domain="a.test")["errors"] == []


UPDATE_USER = """
mutation U($input: UserUpdateInput!) { updateUser(input: $input) { errors { code } } }
"""
CREATE_USER_ALIAS = """
mutation C($input: UserAliasCreateInput!) {
  createUserAlias(input: $input) { errors { code } }
}
"""


def test_loops_are_caught_under_the_domains_other_names(admin, domain_a):
    assert (
        admin.mutate(CREATE, {"domain": "a.test", "alias": "a-alias.test"})["errors"]
        == []
    )

    forward = admin.mutate(
        UPDATE_USER,
        {"email": "boss@a.test", "forwarding": {"addresses": ["Boss@A-Alias.test"]}},
    )
    alias = admin.mutate(
        CREATE_USER_ALIAS, {"email": "sales@a.test", "targets": ["sales@a-alias.test"]}
    )

    assert error_codes(forward) == ["FORWARDING_LOOP"]
    assert error_codes(alias) == ["ALIAS_LOOP"]
