"""Dry-run previews come in pages with counts over every domain."""

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import Domain
from tests.core.schema.templates.conftest import make_domain
from tests.graphql_client import error_codes

PROPAGATE_DOMAINS = """
mutation Propagate($input: DomainDefaultsPropagateInput!) {
  propagateDomainDefaults(input: $input) {
    domainsChanged
    preview { domain settings { changes } }
    previewPage {
      totalCount domainsChanging
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
    errors { field code }
  }
}
"""
PROPAGATE_USERS = """
mutation Propagate($input: UserDefaultsPropagateInput!) {
  propagateUserDefaults(input: $input) {
    preview { domain users }
    previewPage { totalCount domainsChanging pageInfo { hasNextPage endCursor } }
    errors { field code }
  }
}
"""
UPDATE_USERS = """
mutation Update($input: UserDefaultsUpdateInput!) {
  updateUserDefaults(input: $input) { errors { code } }
}
"""
UPDATE_DOMAINS = """
mutation Update($input: DomainDefaultsUpdateInput!) {
  updateDomainDefaults(input: $input) { errors { code } }
}
"""
SERVER = "fakeSync.server"
# Locale collations skip punctuation and would order these differently.
NAMES = ["a-c.test", "a.test", "ab.test", "b.test", "x1.test"]


def _make_domains(runtime, names=NAMES) -> None:
    for name in names:
        make_domain(runtime, name, users=["u1"], accounts=1)


def _set_server(runtime, name: str, server: str) -> None:
    with session_scope(runtime.engine) as session:
        domain = session.exec(select(Domain).where(Domain.name == name)).one()
        sync = {**domain.settings["fakeSync"], "server": server}
        domain.settings = {**domain.settings, "fakeSync": sync}


def _pages(admin, query: str, input: dict) -> list[dict]:
    pages, after = [], None
    while True:
        window = {**input["previewPage"], "after": after}
        payload = admin.mutate(query, {**input, "previewPage": window})
        assert payload["errors"] == []
        pages.append(payload)
        after = payload["previewPage"]["pageInfo"]["endCursor"]
        if not payload["previewPage"]["pageInfo"]["hasNextPage"]:
            return pages


def test_domain_preview_pages_cover_every_domain_once(admin, runtime):
    _make_domains(runtime)
    chosen = {"settings": [SERVER], "dryRun": True, "previewPage": {"first": 2}}

    pages = _pages(admin, PROPAGATE_DOMAINS, chosen)

    listed = [row["domain"] for page in pages for row in page["preview"]]
    assert listed == sorted(NAMES)
    assert [len(page["preview"]) for page in pages] == [2, 2, 1]
    assert {page["previewPage"]["totalCount"] for page in pages} == {5}
    assert [p["previewPage"]["pageInfo"]["hasPreviousPage"] for p in pages] == [
        False,
        True,
        True,
    ]


def test_dry_run_without_page_lists_first_hundred(admin, runtime):
    _make_domains(runtime)

    payload = admin.mutate(PROPAGATE_DOMAINS, {"settings": [SERVER], "dryRun": True})

    assert len(payload["preview"]) == 5
    assert payload["previewPage"]["pageInfo"]["hasNextPage"] is False
    assert payload["previewPage"]["pageInfo"]["startCursor"] is not None


def test_changing_only_skips_domains_already_equal(admin, runtime):
    _make_domains(runtime)
    admin.mutate(UPDATE_DOMAINS, {"settings": {"fakeSync": {"server": "sync.same"}}})
    for name in ("a.test", "b.test"):
        _set_server(runtime, name, "sync.same")
    chosen = {"settings": [SERVER], "dryRun": True}

    every = admin.mutate(PROPAGATE_DOMAINS, chosen)
    changing = admin.mutate(
        PROPAGATE_DOMAINS, {**chosen, "previewPage": {"changingOnly": True}}
    )

    assert every["previewPage"]["totalCount"] == 5
    assert every["previewPage"]["domainsChanging"] == 3
    assert [row["domain"] for row in changing["preview"]] == [
        "a-c.test",
        "ab.test",
        "x1.test",
    ]
    assert changing["previewPage"]["totalCount"] == 3
    assert all(row["settings"][0]["changes"] for row in changing["preview"])


@pytest.mark.parametrize(
    ("page", "field", "code"),
    [
        ({"first": 0}, "previewPage.first", "INVALID_PAGE_SIZE"),
        ({"first": 100_000}, "previewPage.first", "INVALID_PAGE_SIZE"),
        ({"after": "not a cursor"}, "previewPage.after", "INVALID_CURSOR"),
    ],
    ids=["zero", "over-maximum", "bad-cursor"],
)
def test_bad_preview_page_is_refused(admin, runtime, page, field, code):
    _make_domains(runtime, ["a.test"])

    payload = admin.mutate(
        PROPAGATE_DOMAINS, {"settings": [SERVER], "dryRun": True, "previewPage": page}
    )

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["preview"] == []


def test_preview_page_without_dry_run_changes_nothing(admin, runtime):
    _make_domains(runtime, ["a.test"])
    admin.mutate(UPDATE_DOMAINS, {"settings": {"fakeSync": {"server": "sync.new"}}})

    payload = admin.mutate(
        PROPAGATE_DOMAINS, {"settings": [SERVER], "previewPage": {"first": 1}}
    )
    again = admin.mutate(PROPAGATE_DOMAINS, {"settings": [SERVER], "dryRun": True})

    assert error_codes(payload) == ["DRY_RUN_ONLY"]
    assert payload["domainsChanged"] == 0
    assert again["previewPage"]["domainsChanging"] == 1


def test_user_preview_pages_cover_chosen_domains(admin, runtime):
    _make_domains(runtime)
    admin.mutate(UPDATE_USERS, {"settings": {"serviceAccess": {"pop": False}}})
    chosen = {
        "settings": ["serviceAccess.pop"],
        "domains": ["b.test", "a-c.test", "ab.test"],
        "dryRun": True,
        "previewPage": {"first": 2},
    }

    pages = _pages(admin, PROPAGATE_USERS, chosen)

    listed = [row["domain"] for page in pages for row in page["preview"]]
    assert listed == ["a-c.test", "ab.test", "b.test"]
    assert {row["users"] for page in pages for row in page["preview"]} == {2}
    assert {page["previewPage"]["totalCount"] for page in pages} == {3}
    assert {page["previewPage"]["domainsChanging"] for page in pages} == {3}
