"""Limits hold under concurrency, and the counts on a domain stay exact."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import Conflict, LimitReached
from core.models import Domain, DomainAlias, User, UserAlias
from core.principal import Principal, Role
from core.services.domain_aliases import create_domain_alias
from core.services.domains import DomainCreate, create_domain, update_domain
from core.services.user_aliases import UserAliasCreate, create_user_alias
from core.services.users import UserCreate, create_user, delete_user

ROOT = Principal(Role.SYSTEM_ADMIN, "admin", system_admin_id=1)
PASSWORD = "pw-123456"
PARALLEL = 50


@pytest.fixture
def domain(runtime):
    """a.test with room for 10 users beside its administrator."""
    with session_scope(runtime.engine) as session:
        row = create_domain(session, runtime, DomainCreate("a.test", "boss", PASSWORD))
        update_domain(
            session,
            runtime,
            ROOT,
            row,
            hostname=None,
            settings={"limits": {"users": 11, "user_aliases": 10, "domain_aliases": 3}},
        )
    return "a.test"


def _run_parallel(runtime, action, count=PARALLEL) -> list[str]:
    """Run ``action(session, n)`` in ``count`` threads; return each outcome."""

    def attempt(n: int) -> str:
        try:
            with session_scope(runtime.engine) as session:
                action(session, n)
        except LimitReached:
            return "limit"
        return "created"

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))


def _counts(runtime) -> tuple:
    with session_scope(runtime.engine, write=False) as session:
        domain = session.execute(select(Domain)).scalar_one()
        real = [
            session.execute(select(func.count(model.id))).scalar_one()
            for model in (User, UserAlias, DomainAlias)
        ]
    kept = [domain.user_count, domain.user_alias_count, domain.domain_alias_count]
    return kept, real


def test_fifty_parallel_creates_fill_ten_places(runtime, domain):
    def create(session, n):
        create_user(session, runtime, ROOT, UserCreate(f"u{n}@a.test", PASSWORD))

    outcomes = _run_parallel(runtime, create)

    assert outcomes.count("created") == 10
    assert outcomes.count("limit") == PARALLEL - 10
    kept, real = _counts(runtime)
    assert kept[0] == real[0] == 11


def test_parallel_aliases_stop_at_their_limits(runtime, domain):
    def create(session, n):
        data = UserAliasCreate(f"al{n}@a.test", ["boss@a.test"])
        create_user_alias(session, runtime, ROOT, data)

    def create_domain_aliases(session, n):
        create_domain_alias(session, runtime, ROOT, "a.test", f"alias{n}.test")

    user_aliases = _run_parallel(runtime, create, 20)
    domain_aliases = _run_parallel(runtime, create_domain_aliases, 10)

    assert user_aliases.count("created") == 10
    assert domain_aliases.count("created") == 3
    kept, real = _counts(runtime)
    assert kept == real == [1, 10, 3]


def test_deletes_and_creates_keep_counts_exact(runtime, domain):
    def churn(session, n):
        email = f"c{n % 5}@a.test"
        if n % 2:
            create_user(session, runtime, ROOT, UserCreate(email, PASSWORD))
        else:
            delete_user(session, runtime, ROOT, email, delete_files=False)

    def attempt(n):
        try:
            with session_scope(runtime.engine) as session:
                churn(session, n)
        except Exception as exc:  # conflicts and misses are expected here
            return type(exc).__name__
        return "ok"

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(attempt, range(40)))

    kept, real = _counts(runtime)
    assert kept[0] == real[0]


def test_license_mailbox_cap_limits_whole_server(runtime, domain):
    status = runtime.license_status
    status.license = status.license.model_copy(update={"mailbox_cap": 3})

    outcomes = [
        _run_parallel(
            runtime,
            lambda session, n, i=i: create_user(
                session, runtime, ROOT, UserCreate(f"cap{i}@a.test", PASSWORD)
            ),
            1,
        )[0]
        for i in range(4)
    ]

    assert outcomes == ["created", "created", "limit", "limit"]


def test_domain_and_alias_names_never_both_win(runtime, domain):
    def claim(session, n):
        if n % 2:
            create_domain(session, runtime, DomainCreate("x.test", "boss", PASSWORD))
        else:
            create_domain_alias(session, runtime, ROOT, "a.test", "x.test")

    def attempt(n):
        try:
            with session_scope(runtime.engine) as session:
                claim(session, n)
        except Conflict:
            return "taken"
        return "claimed"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, range(10)))

    assert outcomes.count("claimed") == 1
