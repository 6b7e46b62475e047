"""domains and domain: cursor pages in every order, filters, a constant cost."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.core.schema.domains.conftest import every_domain_field

PAGE = """
query Page($first: Int, $after: String, $filter: DomainFilterInput,
           $orderBy: DomainOrderInput) {
  domains(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { name } }
  }
}
"""

EVERYTHING = (
    "query Everything($first: Int) { domains(first: $first) { totalCount "
    "pageInfo { hasNextPage endCursor } nodes { " + every_domain_field() + " } } }"
)

ONE = "query One($name: String!) { domain(name: $name) { name primaryAdmin } }"

START = datetime(2026, 1, 1, tzinfo=UTC)

HUGE_ID = "WyJhIiw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OV0="  # ["a",99999999999999999999999]
NUL_VALUE = "WyJhXHUwMDAwIiwxXQ=="  # ["a\u0000",1]
HUGE_VALUE = "Wzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5LDFd"  # [99999999999999999999999,1]

# Ties in every sort key, so that the id breaks them.
ROWS = [
    {"name": "delta.com", "user_count": 3, "disk_used_bytes": 10, "minutes": 2},
    {"name": "alpha.com", "user_count": 1, "disk_used_bytes": 30, "minutes": 0},
    {"name": "echo.net", "user_count": 3, "disk_used_bytes": 10, "minutes": 1},
    {"name": "bravo.org", "user_count": 0, "disk_used_bytes": 5 * 2**40, "minutes": 1},
    {"name": "foxtrot.com", "user_count": 7, "disk_used_bytes": 0, "minutes": 3},
    {"name": "charlie.com", "user_count": 1, "disk_used_bytes": 30, "minutes": 0},
    {"name": "golf.de", "user_count": 2, "disk_used_bytes": 20, "minutes": 5},
]

SORT_KEYS = {
    "NAME": lambda row: row["name"],
    "CREATED_AT": lambda row: row["minutes"],
    "USER_COUNT": lambda row: row["user_count"],
    "DISK_USED": lambda row: row["disk_used_bytes"],
}


@pytest.fixture
def seeded(seed_domains) -> list[dict]:
    specs = []
    for row in ROWS:
        created = START + timedelta(minutes=row["minutes"])
        spec = {k: v for k, v in row.items() if k != "minutes"}
        specs.append(spec | {"created_at": created})
    seed_domains(specs)
    return [row | {"id": number} for number, row in enumerate(ROWS, start=1)]


def _walk(admin, order: dict, first: int = 3, filter: dict | None = None) -> list[str]:
    names, after, pages = [], None, 0
    while True:
        variables = {"first": first, "after": after, "orderBy": order, "filter": filter}
        page = admin.execute(PAGE, variables)["domains"]
        names += [edge["node"]["name"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            return names
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
        assert pages < 10


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("field", list(SORT_KEYS))
def test_domains_pages_through_every_order(admin, seeded, field, descending):
    key = SORT_KEYS[field]
    ordered = sorted(seeded, key=lambda row: (key(row), row["id"]), reverse=descending)

    names = _walk(admin, {"field": field, "descending": descending})

    assert names == [row["name"] for row in ordered]


def test_domains_counts_whole_filtered_list(admin, seeded):
    page = admin.execute(PAGE, {"first": 2, "filter": {"search": ".COM"}})["domains"]

    assert page["totalCount"] == 4
    assert [edge["node"]["name"] for edge in page["edges"]] == [
        "alpha.com",
        "charlie.com",
    ]
    assert page["pageInfo"]["hasNextPage"] is True


def test_domains_filters_by_status_and_search(admin, seeded, runtime):
    _disable(runtime, ["echo.net", "golf.de"])

    disabled = _walk(admin, {"field": "NAME"}, filter={"status": "DISABLED"})
    both = _walk(admin, {"field": "NAME"}, filter={"status": "ENABLED", "search": "r"})

    assert disabled == ["echo.net", "golf.de"]
    assert both == ["bravo.org", "charlie.com", "foxtrot.com"]


def test_domains_search_treats_wildcards_literally(admin, seeded):
    page = admin.execute(PAGE, {"filter": {"search": "%"}})["domains"]

    assert page["totalCount"] == 0


def _disable(runtime, names: list[str]) -> None:
    from sqlalchemy import update

    from core.db import session_scope
    from core.models import Domain

    with session_scope(runtime.engine) as session:
        session.execute(
            update(Domain).where(Domain.name.in_(names)).values(status="disabled")
        )


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        pytest.param({"first": 0}, "INVALID_PAGE_SIZE", id="zero"),
        pytest.param({"first": 501}, "INVALID_PAGE_SIZE", id="above-maximum"),
        pytest.param({"after": "not-a-cursor"}, "INVALID_CURSOR", id="garbage"),
        pytest.param(
            {"after": "WyJhbHBoYS5jb20iLDJd", "orderBy": {"field": "USER_COUNT"}},
            "INVALID_CURSOR",
            id="cursor-of-other-order",
        ),
        pytest.param(
            {"after": "WyJ4IiwieSJd"}, "INVALID_CURSOR", id="cursor-without-id"
        ),
        pytest.param({"after": HUGE_ID}, "INVALID_CURSOR", id="id-over-64-bits"),
        pytest.param({"after": NUL_VALUE}, "INVALID_CURSOR", id="value-with-nul"),
        pytest.param(
            {"after": HUGE_VALUE, "orderBy": {"field": "DISK_USED"}},
            "INVALID_CURSOR",
            id="value-over-64-bits",
        ),
        pytest.param({"filter": {"search": "a\x00"}}, "INVALID", id="search-nul"),
        pytest.param(
            {"filter": {"search": "x" * 100_000}}, "TOO_LONG", id="search-too-long"
        ),
    ],
)
def test_domains_rejects_bad_arguments(admin, seeded, variables, code):
    body = admin.raw(PAGE, variables)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code


def test_domains_search_accepts_longest_term(admin, seeded):
    page = admin.execute(PAGE, {"filter": {"search": "x" * 256}})["domains"]

    assert page["totalCount"] == 0


def test_domains_accepts_maximum_page_size(admin, seeded):
    page = admin.execute(PAGE, {"first": 500})["domains"]

    assert len(page["edges"]) == len(ROWS)


def test_domains_costs_same_queries_per_page(admin, seed_domains, count_queries):
    seed_domains([{"name": f"d{i:03}.example"} for i in range(120)])

    one = count_queries(lambda: admin.execute(EVERYTHING, {"first": 1}))
    hundred = count_queries(lambda: admin.execute(EVERYTHING, {"first": 100}))

    assert one == hundred
    assert hundred <= 5


def test_domains_shows_every_field(admin, seeded):
    node = admin.execute(EVERYTHING, {"first": 1})["domains"]["nodes"][0]

    assert node["name"] == "alpha.com"
    assert node["primaryAdmin"] == "postmaster@alpha.com"
    assert node["userCount"] == 1
    assert node["diskUsedBytes"] == 30
    assert node["createdAt"].startswith("2026-01-01T00:00:00")
    assert node["settings"]["limits"]["users"] == 100
    assert node["settings"]["throttling"]["bouncesAction"] == "REJECT"


def test_domains_shows_domain_admin_own_domain(client, domain_admin, make_domain):
    make_domain("other.com", "ann")

    page = domain_admin.execute(PAGE)["domains"]

    assert page["totalCount"] == 1
    assert page["edges"][0]["node"]["name"] == "example.com"


def test_domains_refuses_anonymous_caller(client):
    body = client.raw(PAGE)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


class TestDomain:
    def test_returns_domain_by_any_spelling(self, admin, domain):
        one = admin.execute(ONE, {"name": "EXAMPLE.com."})["domain"]

        assert one == {"name": "example.com", "primaryAdmin": "jdoe@example.com"}

    def test_returns_null_for_unknown_or_invalid(self, admin, domain):
        assert admin.execute(ONE, {"name": "nowhere.com"})["domain"] is None
        assert admin.execute(ONE, {"name": "not a name"})["domain"] is None

    def test_hides_other_domains_from_domain_admin(self, domain_admin, make_domain):
        make_domain("other.com", "ann")

        assert domain_admin.execute(ONE, {"name": "other.com"})["domain"] is None
        assert domain_admin.execute(ONE, {"name": "example.com"})["domain"]


def test_domains_search_finds_international_label(admin, make_domain):
    make_domain("bücher.example", "ann")
    make_domain("books.example", "bob")

    page = admin.execute(PAGE, {"filter": {"search": "Bücher"}})["domains"]

    assert [edge["node"]["name"] for edge in page["edges"]] == ["xn--bcher-kva.example"]
