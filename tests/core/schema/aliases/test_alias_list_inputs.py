"""userAliases and domainAliases refuse cursors and searches they can't use."""

import pytest

USER_ALIASES = """
query Aliases($after: String, $search: String) {
  userAliases(domain: "a.test", after: $after, filter: {search: $search}) {
    totalCount
  }
}
"""

DOMAIN_ALIASES = """
query Aliases($after: String) {
  domainAliases(domain: "a.test", after: $after) { totalCount }
}
"""

HUGE_ID = "WyJhIiw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OV0="  # ["a",99999999999999999999999]
NUL_VALUE = "WyJhXHUwMDAwIiwxXQ=="  # ["a\u0000",1]

BAD_CURSORS = [
    pytest.param(HUGE_ID, id="id-over-64-bits"),
    pytest.param(NUL_VALUE, id="value-with-nul"),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
@pytest.mark.parametrize(
    "query", [USER_ALIASES, DOMAIN_ALIASES], ids=["user", "domain"]
)
def test_alias_lists_refuse_unusable_cursor(admin, domain_a, query, cursor):
    body = admin.raw(query, {"after": cursor})

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


@pytest.mark.parametrize(
    ("search", "code"),
    [
        pytest.param("sa\x00les", "INVALID", id="nul"),
        pytest.param("x" * 100_000, "TOO_LONG", id="too-long"),
    ],
)
def test_user_aliases_refuse_unusable_search(admin, domain_a, search, code):
    body = admin.raw(USER_ALIASES, {"search": search})

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code
