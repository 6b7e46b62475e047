"""users and user: a domain's list a page at a time, and one user."""

import pytest
from sqlalchemy import event

from tests.core.schema.users.accounts import create_user

USERS = """
query Users($domain: String!, $first: Int, $after: String,
            $filter: UserFilterInput, $orderBy: UserOrderInput) {
  users(domain: $domain, first: $first, after: $after, filter: $filter,
        orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      email displayName isDomainAdmin isPrimaryAdmin createdAt
      profile { fullName } forwarding { addresses }
      settings { serviceAccess { imap } }
    }
  }
}
"""

USER = """
query User($email: String!) { user(email: $email) { email displayName } }
"""


@pytest.fixture
def five_users(admin, domain_a):
    for name in ["eve", "carol", "dave", "bob", "fay"]:
        create_user(admin, f"{name}@a.test", displayName=name.upper())


def _emails(data):
    return [node["email"] for node in data["users"]["nodes"]]


def test_users_pages_through_in_address_order(admin, five_users):
    first = admin.execute(USERS, {"domain": "a.test", "first": 4})
    rest = admin.execute(
        USERS,
        {
            "domain": "a.test",
            "first": 4,
            "after": first["users"]["pageInfo"]["endCursor"],
        },
    )

    assert first["users"]["totalCount"] == 6
    assert _emails(first) == [
        "bob@a.test",
        "boss@a.test",
        "carol@a.test",
        "dave@a.test",
    ]
    assert first["users"]["pageInfo"]["hasNextPage"] is True
    assert _emails(rest) == ["eve@a.test", "fay@a.test"]
    assert rest["users"]["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    "field", ["EMAIL", "DISPLAY_NAME", "CREATED_AT", "DISK_USED"], ids=str.lower
)
def test_users_cursor_works_for_every_order(admin, five_users, field):
    order = {"field": field, "descending": True}
    whole = admin.execute(USERS, {"domain": "a.test", "first": 6, "orderBy": order})
    head = admin.execute(USERS, {"domain": "a.test", "first": 2, "orderBy": order})
    cursor = head["users"]["pageInfo"]["endCursor"]

    tail = admin.execute(
        USERS, {"domain": "a.test", "first": 6, "after": cursor, "orderBy": order}
    )

    assert _emails(head) + _emails(tail) == _emails(whole)


def test_users_filters_by_search_and_role(admin, five_users):
    data = admin.execute(
        USERS, {"domain": "a.test", "filter": {"search": "a", "isDomainAdmin": False}}
    )

    assert data["users"]["totalCount"] == 3
    assert _emails(data) == ["carol@a.test", "dave@a.test", "fay@a.test"]


def test_users_refuses_bad_cursor(admin, five_users):
    body = admin.raw(USERS, {"domain": "a.test", "after": "bm90IGpzb24="})

    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        pytest.param(
            # ["a",99999999999999999999999]
            {"after": "WyJhIiw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OV0="},
            "INVALID_CURSOR",
            id="id-over-64-bits",
        ),
        pytest.param(
            {"after": "WyJhXHUwMDAwIiwxXQ=="},  # ["a\u0000",1]
            "INVALID_CURSOR",
            id="value-with-nul",
        ),
        pytest.param({"filter": {"search": "bo\x00b"}}, "INVALID", id="search-nul"),
        pytest.param(
            {"filter": {"search": "x" * 100_000}}, "TOO_LONG", id="search-too-long"
        ),
    ],
)
def test_users_refuses_unusable_cursor_or_search(admin, five_users, variables, code):
    body = admin.raw(USERS, {"domain": "a.test", **variables})

    assert body["errors"][0]["extensions"]["code"] == code


def test_users_of_other_domain_not_found(admin, boss, domain_b):
    body = boss.raw(USERS, {"domain": "b.test"})

    assert body["errors"][0]["extensions"]["code"] == "DOMAIN_NOT_FOUND"


def test_users_list_costs_constant_queries(admin, runtime, five_users):
    def count_queries(first: int) -> int:
        statements = []

        def record(*_args):
            statements.append(1)

        event.listen(runtime.engine, "before_cursor_execute", record)
        try:
            admin.execute(USERS, {"domain": "a.test", "first": first})
        finally:
            event.remove(runtime.engine, "before_cursor_execute", record)
        return len(statements)

    assert count_queries(1) == count_queries(6)
    assert count_queries(6) <= 6


def test_user_sees_itself_not_others(alice, admin):
    create_user(admin, "bob@a.test")

    assert alice.execute(USER, {"email": "ALICE@a.test"})["user"]["email"] == (
        "alice@a.test"
    )
    assert alice.execute(USER, {"email": "bob@a.test"})["user"] is None
    assert alice.execute(USER, {"email": "ghost@a.test"})["user"] is None


@pytest.mark.parametrize("search", ["émile", "ÉMILE", "Émile"])
def test_search_folds_every_letters_case_on_both_backends(admin, domain_a, search):
    create_user(admin, "e1@a.test", displayName="Émile Zola")
    create_user(admin, "e2@a.test", displayName="émile durand")
    create_user(admin, "e3@a.test", displayName="Emile Plain")

    data = admin.execute(USERS, {"domain": "a.test", "filter": {"search": search}})

    assert _emails(data) == ["e1@a.test", "e2@a.test"]
