"""Deleting one alias twice at once: one deletion, one miss, exact counts."""

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.models import Domain, DomainAlias, UserAlias
from core.services.domain_aliases import create_domain_alias, delete_domain_alias
from core.services.domains import DomainCreate, create_domain
from core.services.user_aliases import (
    UserAliasCreate,
    create_user_alias,
    delete_user_alias,
)
from tests.core.services.race_support import ROOT, race, run_parallel


@pytest.fixture
def aliases(runtime):
    """a.test with the user alias sales@a.test and the domain alias b.test."""
    with session_scope(runtime.engine) as session:
        create_domain(session, runtime, DomainCreate("a.test", "boss", "pw-123456"))
    with session_scope(runtime.engine) as session:
        data = UserAliasCreate("sales@a.test", ["boss@a.test"])
        create_user_alias(session, runtime, ROOT, data)
        create_domain_alias(session, runtime, ROOT, "a.test", "b.test")


def _counts(runtime) -> tuple[list[int], list[int]]:
    with session_scope(runtime.engine, write=False) as session:
        domain = session.execute(select(Domain)).scalar_one()
        real = [
            session.execute(select(func.count(model.id))).scalar_one()
            for model in (UserAlias, DomainAlias)
        ]
    return [domain.user_alias_count, domain.domain_alias_count], real


def _delete_user_alias(session):
    delete_user_alias(session, ROOT, "sales@a.test")


def test_user_alias_deleted_twice_at_once_misses_once(runtime, aliases):
    outcomes = race(runtime, _delete_user_alias, _delete_user_alias)

    assert outcomes == ["ok", "ALIAS_NOT_FOUND"]
    assert _counts(runtime) == ([0, 1], [0, 1])


def test_domain_alias_deleted_twice_at_once_misses_once(runtime, aliases):
    def delete(session):
        delete_domain_alias(session, runtime, ROOT, "b.test")

    outcomes = race(runtime, delete, delete)

    assert outcomes == ["ok", "DOMAIN_ALIAS_NOT_FOUND"]
    assert _counts(runtime) == ([1, 0], [1, 0])


def test_parallel_alias_deletions_keep_counts_exact(runtime, aliases):
    def delete_both(session):
        delete_user_alias(session, ROOT, "sales@a.test")
        delete_domain_alias(session, runtime, ROOT, "b.test")

    outcomes = run_parallel(runtime, delete_both, 8)

    assert sorted(outcomes) == ["ALIAS_NOT_FOUND"] * 7 + ["ok"]
    assert _counts(runtime) == ([0, 0], [0, 0])
