"""Login throttling: delays that grow, locks that end, counts shared by all."""

from datetime import timedelta

import pytest

from core.db import make_engine, session_scope
from core.errors import Unauthenticated
from core.models.base import utcnow
from core.services import throttle
from core.services.domain_aliases import create_domain_alias
from core.services.throttle import (
    ThrottlePolicy,
    ThrottleRule,
    TooManyAttempts,
    check_login,
    guard_login,
    record_login_failure,
)
from tests.plugin_support import SYSTEM, add_domain

POLICY = ThrottlePolicy(
    account=ThrottleRule(free=2, lock_after=4, lock_seconds=600),
    address=ThrottleRule(free=5, lock_after=8, lock_seconds=600),
    forget_seconds=3600,
)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's notion of now, moved by hand."""
    now = [utcnow()]
    monkeypatch.setattr(throttle, "utcnow", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    return advance


@pytest.fixture
def aliased(runtime):
    """Domain a.test with users bob and carol, also named alias.test."""
    add_domain(runtime, "a.test", users=("bob", "carol"))
    with session_scope(runtime.engine) as session:
        create_domain_alias(session, runtime, SYSTEM, "a.test", "alias.test")
    return runtime


def _fail(engine, account="bob@a.test", address="10.0.0.1") -> None:
    record_login_failure(engine, account=account, address=address, policy=POLICY)


def _wait(engine, account="bob@a.test", address="10.0.0.1") -> int:
    try:
        check_login(engine, account=account, address=address, policy=POLICY)
    except TooManyAttempts as exc:
        return exc.retry_after
    return 0


def test_first_failures_cost_no_wait(runtime, clock):
    _fail(runtime.engine)

    assert _wait(runtime.engine) == 0


def test_delay_doubles_after_free_failures(runtime, clock):
    for _ in range(2):
        _fail(runtime.engine)
    first = _wait(runtime.engine)
    _fail(runtime.engine)

    second = _wait(runtime.engine)

    assert (first, second) == (1, 2)


def test_account_locks_then_lock_ends(runtime, clock):
    for _ in range(4):
        _fail(runtime.engine)

    locked = _wait(runtime.engine)
    clock(601)

    assert locked == 600
    assert _wait(runtime.engine) <= 8


def test_failures_are_forgotten_after_quiet_hour(runtime, clock):
    for _ in range(4):
        _fail(runtime.engine)
    clock(3601)
    _fail(runtime.engine)

    assert _wait(runtime.engine) == 0


def test_account_key_ignores_case_and_spaces(runtime, clock):
    for _ in range(4):
        _fail(runtime.engine, account=" Bob@A.test ")

    assert _wait(runtime.engine, address="10.9.9.9") == 600


def test_address_throttles_across_many_accounts(runtime, clock):
    for n in range(8):
        _fail(runtime.engine, account=f"user{n}@a.test")

    assert _wait(runtime.engine, account="fresh@a.test") == 600
    assert _wait(runtime.engine, account="fresh@a.test", address="10.0.0.2") == 0


def test_counts_hold_across_separate_engines(runtime, clock):
    other = make_engine(runtime.config.database_url)
    try:
        for _ in range(4):
            _fail(other)
    finally:
        other.dispose()

    assert _wait(runtime.engine) == 600


def test_guard_counts_failure_after_rollback(runtime, clock):
    for _ in range(4):
        clock(60)
        with pytest.raises(Unauthenticated), session_scope(runtime.engine) as session:
            guard_login(
                session, account="bob@a.test", address="10.0.0.1", policy=POLICY
            )
            raise Unauthenticated("wrong")

    assert _wait(runtime.engine) == 600


def test_guard_refuses_without_counting(runtime, clock):
    for _ in range(2):
        _fail(runtime.engine)

    for _ in range(3):
        with pytest.raises(TooManyAttempts), session_scope(runtime.engine) as session:
            guard_login(
                session, account="bob@a.test", address="10.0.0.1", policy=POLICY
            )
    clock(1)

    assert _wait(runtime.engine) == 0


def test_successful_attempt_counts_nothing(runtime, clock):
    for _ in range(3):
        with session_scope(runtime.engine) as session:
            guard_login(session, account="bob@a.test", address=None, policy=POLICY)

    assert _wait(runtime.engine) == 0


def test_account_locks_across_domain_aliases(aliased, clock):
    for account in ["bob@a.test", "Bob@Alias.test"] * 2:
        _fail(aliased.engine, account=account)

    waits = [
        _wait(aliased.engine, account=account, address="10.9.9.9")
        for account in ("bob@a.test", "bob@alias.test", "carol@alias.test")
    ]

    assert waits == [600, 600, 0]


def test_unknown_account_shares_aliases_like_known(aliased, clock):
    for account in ["ghost@alias.test", "ghost@a.test"] * 2:
        _fail(aliased.engine, account=account)

    waits = [
        _wait(aliased.engine, account=account, address="10.9.9.9")
        for account in ("ghost@a.test", "ghost@alias.test", "bob@a.test")
    ]

    assert waits == [600, 600, 0]


def test_guard_counts_aliases_under_one_account(aliased, clock):
    for account in ["bob@alias.test", "bob@a.test"] * 2:
        clock(60)
        with pytest.raises(Unauthenticated), session_scope(aliased.engine) as session:
            guard_login(session, account=account, address=None, policy=POLICY)
            raise Unauthenticated("wrong")

    with pytest.raises(TooManyAttempts), session_scope(aliased.engine) as session:
        guard_login(session, account="bob@alias.test", address=None, policy=POLICY)
