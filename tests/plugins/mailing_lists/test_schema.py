"""The mailing list operations over GraphQL, and who may use them."""

import pytest

from tests.graphql_client import error_codes
from tests.plugins.mailing_lists.conftest import PASSWORD, make_domain, make_list

CREATE = """
mutation Create($input: MailingListCreateInput!) {
  createMailingList(input: $input) {
    mailingList { email name domain description postingPolicy moderators
                  subscriberCount }
    errors { field code }
  }
}
"""

UPDATE = """
mutation Update($input: MailingListUpdateInput!) {
  updateMailingList(input: $input) {
    mailingList { description postingPolicy moderators }
    errors { field code }
  }
}
"""

RENAME = """
mutation Rename($input: MailingListRenameInput!) {
  renameMailingList(input: $input) {
    mailingList { email } errors { field code }
  }
}
"""

DELETE = """
mutation Delete($input: MailingListInput!) {
  deleteMailingList(input: $input) { email errors { field code } }
}
"""

ADD = """
mutation Add($input: SubscriberAddInput!) {
  addSubscriber(input: $input) {
    subscriber { email displayName } errors { field code }
  }
}
"""

REMOVE = """
mutation Remove($input: SubscriberInput!) {
  removeSubscriber(input: $input) { email errors { field code } }
}
"""

EXPORT = """
mutation Export($input: MailingListInput!) {
  exportSubscribers(input: $input) { csv count errors { code } }
}
"""

LISTS = """
query Lists($domain: String!) {
  mailingLists(domain: $domain) { totalCount nodes { email subscriberCount } }
}
"""

ONE = """
query One($email: String!) { mailingList(email: $email) { email } }
"""

SUBSCRIBERS = """
query Subscribers($list: String!, $after: String) {
  subscribers(list: $list, first: 2, after: $after) {
    totalCount
    nodes { email }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def login(client, address: str):
    return client.as_token(client.login(address, PASSWORD))


def test_domain_admin_manages_lists_of_own_domain(client, lists_runtime):
    # Given the administrator of a.test, where lists are on
    make_domain(lists_runtime, "a.test")
    boss = login(client, "admin@a.test")

    # When it creates, updates, renames and deletes a list
    created = boss.mutate(
        CREATE,
        {
            "email": "News@a.test",
            "description": "Company news",
            "postingPolicy": "MODERATORS",
            "moderators": ["Admin@a.test"],
        },
    )
    updated = boss.mutate(
        UPDATE,
        {"email": "news@a.test", "postingPolicy": "ANYONE", "moderators": []},
    )
    renamed = boss.mutate(RENAME, {"email": "news@a.test", "newName": "letters"})
    deleted = boss.mutate(DELETE, {"email": "letters@a.test"})

    # Then each change went through
    assert created["errors"] == []
    assert created["mailingList"] == {
        "email": "news@a.test",
        "name": "news",
        "domain": "a.test",
        "description": "Company news",
        "postingPolicy": "MODERATORS",
        "moderators": ["admin@a.test"],
        "subscriberCount": 0,
    }
    assert updated["mailingList"] == {
        "description": "Company news",
        "postingPolicy": "ANYONE",
        "moderators": [],
    }
    assert renamed["mailingList"] == {"email": "letters@a.test"}
    assert deleted == {"email": "letters@a.test", "errors": []}


def test_domain_admin_refused_where_lists_are_off(client, admin, lists_runtime):
    make_domain(lists_runtime, "a.test", enabled=False)
    boss = login(client, "admin@a.test")

    refused = boss.mutate(CREATE, {"email": "news@a.test"})
    allowed = admin.mutate(CREATE, {"email": "news@a.test"})
    listing = boss.raw(LISTS, {"domain": "a.test"})

    assert error_codes(refused) == ["MAILING_LISTS_DISABLED"]
    assert allowed["errors"] == []
    assert listing["errors"][0]["extensions"]["code"] == "MAILING_LISTS_DISABLED"


def test_domain_admin_sees_other_domains_lists_missing(client, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_domain(lists_runtime, "b.test")
    make_list(lists_runtime, "news@b.test")
    boss = login(client, "admin@a.test")

    created = boss.mutate(CREATE, {"email": "other@b.test"})
    deleted = boss.mutate(DELETE, {"email": "news@b.test"})
    one = boss.execute(ONE, {"email": "news@b.test"})

    assert error_codes(created) == ["DOMAIN_NOT_FOUND"]
    assert error_codes(deleted) == ["LIST_NOT_FOUND"]
    assert one["mailingList"] is None


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (CREATE, {"input": {"email": "new@a.test"}}),
        (DELETE, {"input": {"email": "news@a.test"}}),
        (ADD, {"input": {"list": "news@a.test", "email": "x@b.example"}}),
        (EXPORT, {"input": {"email": "news@a.test"}}),
    ],
    ids=["create", "delete", "add", "export"],
)
def test_user_is_refused_every_list_change(client, lists_runtime, document, variables):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test")
    user = login(client, "user@a.test")

    payload = next(iter(user.execute(document, variables).values()))

    assert error_codes(payload)[0] in {"DOMAIN_NOT_FOUND", "LIST_NOT_FOUND"}


def test_user_reads_no_lists_at_all(client, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test")
    user = login(client, "user@a.test")

    listing = user.raw(LISTS, {"domain": "a.test"})
    one = user.execute(ONE, {"email": "news@a.test"})

    assert listing["errors"][0]["extensions"]["code"] == "DOMAIN_NOT_FOUND"
    assert one["mailingList"] is None


def test_subscribers_page_through_by_address(admin, lists_runtime):
    # Given a list with five subscribers added over GraphQL
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test")
    for name in ("e", "c", "a", "d", "b"):
        payload = admin.mutate(
            ADD, {"list": "news@a.test", "email": f"{name}@b.example"}
        )
        assert payload["errors"] == []

    # When the subscribers are read two at a time
    seen, after = [], None
    while True:
        page = admin.execute(SUBSCRIBERS, {"list": "news@a.test", "after": after})
        page = page["subscribers"]
        seen += [node["email"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # Then every one comes once, in order, and the list counts them
    assert seen == [f"{name}@b.example" for name in "abcde"]
    assert page["totalCount"] == 5
    listing = admin.execute(LISTS, {"domain": "a.test"})["mailingLists"]
    assert listing["nodes"] == [{"email": "news@a.test", "subscriberCount": 5}]


def test_add_and_remove_subscriber_report_conflicts(admin, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", subscribers=("x@b.example",))

    again = admin.mutate(ADD, {"list": "news@a.test", "email": "X@b.example"})
    bad = admin.mutate(ADD, {"list": "news@a.test", "email": "not an address"})
    removed = admin.mutate(REMOVE, {"list": "news@a.test", "email": "x@b.example"})
    missing = admin.mutate(REMOVE, {"list": "news@a.test", "email": "x@b.example"})

    assert error_codes(again) == ["SUBSCRIBER_EXISTS"]
    assert error_codes(bad) == ["INVALID_ADDRESS"]
    assert removed == {"email": "x@b.example", "errors": []}
    assert error_codes(missing) == ["SUBSCRIBER_NOT_FOUND"]


def test_export_subscribers_writes_csv_by_address(admin, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", subscribers=("b@x.example", "a@x.example"))
    admin.mutate(
        ADD, {"list": "news@a.test", "email": "c@x.example", "displayName": "=Cee"}
    )

    payload = admin.mutate(EXPORT, {"email": "news@a.test"})

    lines = payload["csv"].splitlines()
    assert payload["count"] == 3
    assert lines[0] == "email,displayName,subscribedAt"
    assert [line.split(",")[:2] for line in lines[1:]] == [
        ["a@x.example", ""],
        ["b@x.example", ""],
        ["c@x.example", "'=Cee"],
    ]


PROCESS = """
mutation Process($input: ListCommandInput!) {
  processListCommand(input: $input) { errors { code } }
}
"""

POST = """
mutation Post($input: ListPostInput!) {
  postToList(input: $input) { errors { code } }
}
"""


def test_anonymous_caller_cannot_stand_in_for_transport(client, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test")
    raw = "From: user@a.test\nTo: listserv@a.test\nSubject: HELP\n\nx\n"

    processed = client.mutate(PROCESS, {"rawMessage": raw})
    posted = client.mutate(POST, {"list": "news@a.test", "rawMessage": raw})

    assert error_codes(processed) == error_codes(posted) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("search", "code"), [("a\x00b", "INVALID"), ("x" * 257, "TOO_LONG")]
)
def test_search_terms_that_cant_be_stored_are_refused(
    admin, lists_runtime, search, code
):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test")

    lists_body = admin.raw(
        'query L($s: String) { mailingLists(domain: "a.test", search: $s) '
        "{ totalCount } }",
        {"s": search},
    )
    subscribers_body = admin.raw(
        'query S($s: String) { subscribers(list: "news@a.test", search: $s) '
        "{ totalCount } }",
        {"s": search},
    )

    for body in (lists_body, subscribers_body):
        [error] = body["errors"]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (
            code,
            "search",
        )
