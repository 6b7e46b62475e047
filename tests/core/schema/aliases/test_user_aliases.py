"""User aliases: targets, catch-all, collisions, limits and tenancy."""

import pytest

from tests.core.schema.users.accounts import create_user, set_domain_settings
from tests.graphql_client import error_codes

CREATE = """
mutation Create($input: UserAliasCreateInput!) {
  createUserAlias(input: $input) {
    userAlias { email domain targets isCatchAll }
    errors { field code }
  }
}
"""

UPDATE = """
mutation Update($input: UserAliasUpdateInput!) {
  updateUserAlias(input: $input) {
    userAlias { email targets isCatchAll }
    errors { field code }
  }
}
"""

DELETE = """
mutation Delete($input: UserAliasDeleteInput!) {
  deleteUserAlias(input: $input) { deletedEmail errors { field code } }
}
"""

LIST = """
query Aliases($domain: String!, $first: Int, $after: String, $search: String) {
  userAliases(domain: $domain, first: $first, after: $after,
              filter: {search: $search}) {
    totalCount pageInfo { hasNextPage endCursor } nodes { email targets }
  }
  domain(name: $domain) { userAliasCount }
}
"""

CREATE_USER = """
mutation Create($input: UserCreateInput!) {
  createUser(input: $input) { errors { field code } }
}
"""

RENAME = """
mutation Rename($input: DomainRenameInput!) {
  renameDomain(input: $input) { errors { code } }
}
"""


def _create(client, email, targets, **fields):
    return client.mutate(CREATE, {"email": email, "targets": targets, **fields})


def test_create_alias_normalises_and_dedupes_targets(admin, domain_a):
    payload = _create(
        admin, "Sales@A.test", ["Boss@a.test", "boss@A.TEST", "x@elsewhere.test"]
    )

    assert payload["errors"] == []
    assert payload["userAlias"] == {
        "email": "sales@a.test",
        "domain": "a.test",
        "targets": ["boss@a.test", "x@elsewhere.test"],
        "isCatchAll": False,
    }


@pytest.mark.parametrize(
    ("email", "targets", "code"),
    [
        ("boss@a.test", ["x@b.test"], "USER_EXISTS"),
        ("sales@a.test", [], "REQUIRED"),
        ("sales@a.test", ["not-an-address"], "INVALID_ADDRESS"),
        ("sales@a.test", ["sales@a.test"], "ALIAS_LOOP"),
        ("sales@a.test", [f"t{n}@b.test" for n in range(101)], "TOO_MANY_TARGETS"),
        ("bad address", ["x@b.test"], "INVALID_ADDRESS"),
    ],
    ids=["user-address", "no-target", "bad-target", "loop", "too-many", "bad-email"],
)
def test_create_alias_refuses_bad_input(admin, domain_a, email, targets, code):
    payload = _create(admin, email, targets)

    assert error_codes(payload) == [code]
    data = admin.execute(LIST, {"domain": "a.test"})
    assert data["userAliases"]["totalCount"] == data["domain"]["userAliasCount"] == 0


def test_user_and_alias_addresses_never_collide(admin, domain_a):
    assert _create(admin, "sales@a.test", ["boss@a.test"])["errors"] == []

    again = _create(admin, "sales@a.test", ["boss@a.test"])
    user = admin.mutate(CREATE_USER, {"email": "sales@a.test", "password": "pw-123456"})

    assert error_codes(again) == ["ALIAS_EXISTS"]
    assert error_codes(user) == ["ALIAS_EXISTS"]


def test_alias_limit_holds_and_frees_on_delete(admin, domain_a):
    set_domain_settings(admin, "a.test", {"limits": {"userAliases": 1}})
    _create(admin, "one@a.test", ["boss@a.test"])

    refused = _create(admin, "two@a.test", ["boss@a.test"])
    deleted = admin.mutate(DELETE, {"email": "one@a.test"})
    again = _create(admin, "two@a.test", ["boss@a.test"])

    assert error_codes(refused) == ["USER_ALIAS_LIMIT_REACHED"]
    assert deleted == {"deletedEmail": "one@a.test", "errors": []}
    assert again["errors"] == []
    assert admin.execute(LIST, {"domain": "a.test"})["domain"]["userAliasCount"] == 1


def test_only_one_catch_all_per_domain(admin, domain_a):
    first = _create(admin, "all@a.test", ["boss@a.test"], isCatchAll=True)
    _create(admin, "other@a.test", ["boss@a.test"])

    second = _create(admin, "more@a.test", ["boss@a.test"], isCatchAll=True)
    switched = admin.mutate(UPDATE, {"email": "other@a.test", "isCatchAll": True})

    assert first["userAlias"]["isCatchAll"] is True
    assert error_codes(second) == ["CATCH_ALL_EXISTS"]
    assert error_codes(switched) == ["CATCH_ALL_EXISTS"]


def test_catch_all_needs_domain_feature(admin, domain_a):
    set_domain_settings(admin, "a.test", {"features": {"catchAllAlias": False}})

    payload = _create(admin, "all@a.test", ["boss@a.test"], isCatchAll=True)

    assert error_codes(payload) == ["CATCH_ALL_NOT_ALLOWED"]


def test_update_alias_replaces_targets(admin, domain_a):
    _create(admin, "sales@a.test", ["boss@a.test"])

    payload = admin.mutate(
        UPDATE, {"email": "sales@a.test", "targets": ["a@b.test", "c@b.test"]}
    )

    assert payload["userAlias"]["targets"] == ["a@b.test", "c@b.test"]


def test_alias_list_pages_and_searches(admin, domain_a):
    for name in ["sales", "info", "support", "billing"]:
        _create(admin, f"{name}@a.test", ["boss@a.test"])

    head = admin.execute(LIST, {"domain": "a.test", "first": 2})
    cursor = head["userAliases"]["pageInfo"]["endCursor"]
    tail = admin.execute(LIST, {"domain": "a.test", "first": 2, "after": cursor})
    found = admin.execute(LIST, {"domain": "a.test", "search": "s"})

    emails = [n["email"] for n in head["userAliases"]["nodes"]]
    emails += [n["email"] for n in tail["userAliases"]["nodes"]]
    assert emails == ["billing@a.test", "info@a.test", "sales@a.test", "support@a.test"]
    assert found["userAliases"]["totalCount"] == 2


def test_domain_admin_manages_only_own_aliases(admin, boss, domain_b):
    _create(admin, "sales@b.test", ["x@b.test"])

    own = _create(boss, "sales@a.test", ["boss@a.test"])
    other = admin.execute(LIST, {"domain": "b.test"})
    refused = boss.mutate(DELETE, {"email": "sales@b.test"})

    assert own["errors"] == []
    assert error_codes(refused) == ["ALIAS_NOT_FOUND"]
    assert other["userAliases"]["totalCount"] == 1


def test_user_cannot_manage_aliases(alice):
    payload = _create(alice, "sales@a.test", ["alice@a.test"])

    assert error_codes(payload) == ["DOMAIN_NOT_FOUND"]


def test_targets_and_forwarding_follow_domain_rename(admin, domain_a, domain_b):
    _create(admin, "sales@b.test", ["boss@a.test", "x@c.test"])
    create_user(admin, "fw@b.test", forwarding={"addresses": ["boss@a.test"]})

    admin.mutate(RENAME, {"name": "a.test", "newName": "z.test"})

    alias = admin.execute(LIST, {"domain": "b.test"})["userAliases"]["nodes"][0]
    assert alias["targets"] == ["boss@z.test", "x@c.test"]
    user = admin.execute(
        'query { user(email: "fw@b.test") { forwarding { addresses } } }'
    )
    assert user["user"]["forwarding"]["addresses"] == ["boss@z.test"]


def test_deleted_alias_shows_in_its_audit_entry(admin, domain_a):
    assert _create(admin, "sales@a.test", ["boss@a.test"])["errors"] == []

    assert admin.mutate(DELETE, {"email": "sales@a.test"})["errors"] == []

    log = admin.execute(
        'query { auditLog(filter: {action: "deleteUserAlias"}) '
        "{ nodes { changes { field before after } } } }"
    )
    [entry] = log["auditLog"]["nodes"]
    assert {"field": "targets", "before": ["boss@a.test"], "after": None} in entry[
        "changes"
    ]
