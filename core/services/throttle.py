"""Login throttling: failed logins per account and per client address.

Counts live in the database (``login_failure``), so every server process
and worker sees the same ones. Each key (an account, a client address)
has a rule: after ``free`` failures every further attempt must
wait a delay that doubles with each failure (up to ``max_delay``); from
``lock_after`` failures on the key is locked for ``lock_seconds``.
Failures are forgotten ``forget_seconds`` after the last one; a success
does not clear them, so that a first step that succeeded (a password
before a two-step code) can't reset the count of the second.

An attempt that is throttled checks no credentials and counts nothing;
it gets ``TOO_MANY_ATTEMPTS`` whether or not the account exists. Every
login field calls the throttle, so the aliases and batches of one
request count as separate attempts.

An account is counted once whichever of its domain's names it is typed
with (``user@alias.test`` is ``user@a.test``): under its user when the
name resolves to one, else under the name rewritten to the domain's own
name, so that aliases sharing a count tells nothing about who exists.
The address is the one the server reports for the client: the peer's, or
the one a trusted proxy forwarded (``MAILPLANE_TRUSTED_PROXIES``).

Two ways to call it:

- Inside a mutation's transaction (``login``; ``completeLogin`` counts
  wrong codes per challenge instead, in the two-step plugin):
  ``guard_login(session, account=…, address=…)`` before checking
  credentials. It refuses a throttled attempt; if the transaction then
  rolls back (wrong credentials), the failure is recorded in a
  transaction of its own, after the failing one has let go of its locks.
- Outside one (HTTP Basic on the autodiscover endpoints):
  ``check_login(engine, …)`` before checking credentials, and
  ``record_login_failure(engine, …)`` when they are wrong. Answer a
  ``TooManyAttempts`` with 429 and ``Retry-After: exc.retry_after``.
"""

import hashlib
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import on_rollback, session_scope
from core.errors import InvalidInput, MailplaneError
from core.models import Domain, DomainAlias, LoginFailure, User
from core.models.base import as_utc, utcnow
from core.services.user_fields import split_mailbox_address

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThrottleRule:
    """How one kind of key slows down and locks (seconds)."""

    free: int
    lock_after: int
    lock_seconds: int = 15 * 60
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.base_delay * 2 ** (failures - self.free), self.max_delay)


@dataclass(frozen=True)
class ThrottlePolicy:
    """Rules per account and per address. An address is shared (offices
    behind one router), so it gets more room than an account."""

    account: ThrottleRule = field(default_factory=lambda: ThrottleRule(3, 10))
    address: ThrottleRule = field(default_factory=lambda: ThrottleRule(20, 100))
    forget_seconds: int = 3600


POLICY = ThrottlePolicy()


class TooManyAttempts(MailplaneError):
    """Raised when a login is attempted too soon after failed ones."""

    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many failed attempts: wait {retry_after} seconds, then try again."
        )
        self.retry_after = retry_after


def guard_login(
    session: Session,
    *,
    account: str,
    address: str | None,
    policy: ThrottlePolicy = POLICY,
) -> None:
    """Refuse a throttled attempt; count a failure if the transaction fails."""
    refuse_throttled(session, account=account, address=address, policy=policy)
    count_failure_on_rollback(session, account=account, address=address, policy=policy)


def refuse_throttled(
    session: Session,
    *,
    account: str,
    address: str | None,
    policy: ThrottlePolicy = POLICY,
) -> None:
    """Raise ``TooManyAttempts`` if an attempt must wait now, in the caller's
    transaction; call it before checking the credential."""
    _refuse_if_waiting(session, _keys(session, account, address, policy), policy)


def count_failure_on_rollback(
    session: Session,
    *,
    account: str,
    address: str | None,
    policy: ThrottlePolicy = POLICY,
) -> None:
    """Count a failed attempt once the caller's transaction rolls back, in a
    transaction of its own (the failing one holds SQLite's write lock)."""
    engine = session.get_bind()
    on_rollback(session, lambda: _record_in(engine, account, address, policy))


def check_login(
    engine: Engine,
    *,
    account: str,
    address: str | None,
    policy: ThrottlePolicy = POLICY,
) -> None:
    """Raise ``TooManyAttempts`` if an attempt must wait now."""
    with session_scope(engine, write=False) as session:
        _refuse_if_waiting(session, _keys(session, account, address, policy), policy)


def record_login_failure(
    engine: Engine,
    *,
    account: str,
    address: str | None,
    policy: ThrottlePolicy = POLICY,
) -> None:
    """Count a failed attempt, in a transaction of its own."""
    _record_in(engine, account, address, policy)


# Keys and their rules.


def _keys(
    session: Session, account: str, address: str | None, policy: ThrottlePolicy
) -> dict[str, ThrottleRule]:
    """Key hashes and their rules; raw usernames are never stored."""
    keys = {_account_key(session, account): policy.account}
    if address:
        keys[_hash("address", address)] = policy.address
    return keys


def _account_key(session: Session, account: str) -> str:
    typed = account.strip().lower()
    try:
        local_part, name = split_mailbox_address(typed)
    except InvalidInput:
        return _hash("account", typed)

    # One query whether or not the user exists, so that the time taken
    # does not tell.
    row = session.execute(
        select(Domain.name, User.id)
        .outerjoin(DomainAlias, DomainAlias.domain_id == Domain.id)
        .outerjoin(
            User, and_(User.domain_id == Domain.id, User.local_part == local_part)
        )
        .where(or_(Domain.name == name, DomainAlias.name == name))
        .limit(1)
    ).first()
    if row is None:
        return _hash("account", typed)
    domain_name, user_id = row
    if user_id is None:
        return _hash("account", f"{local_part}@{domain_name}")
    return _hash("user", str(user_id))


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


# Checking.


def _refuse_if_waiting(
    session: Session, keys: dict[str, ThrottleRule], policy: ThrottlePolicy
) -> None:
    now = utcnow()
    rows = session.execute(
        select(LoginFailure).where(LoginFailure.key_hash.in_(list(keys)))
    ).scalars()
    wait = max(
        (_wait(row, keys[row.key_hash], policy, now) for row in rows), default=0.0
    )
    if wait > 0:
        logger.warning("Throttled a login attempt for %d more seconds.", wait)
        raise TooManyAttempts(math.ceil(wait))


def _wait(
    row: LoginFailure, rule: ThrottleRule, policy: ThrottlePolicy, now: datetime
) -> float:
    last = as_utc(row.last_failure_at)
    if (now - last).total_seconds() > policy.forget_seconds:
        return 0.0
    locked_until = as_utc(row.locked_until)
    if locked_until is not None and locked_until > now:
        return (locked_until - now).total_seconds()
    ready = last + timedelta(seconds=rule.delay(row.failures))
    return max((ready - now).total_seconds(), 0.0)


# Recording.


def _record_in(
    engine: Engine, account: str, address: str | None, policy: ThrottlePolicy
) -> None:
    try:
        with session_scope(engine) as session:
            _record(session, _keys(session, account, address, policy), policy)
    except Exception:
        logger.exception("Could not record a failed login.")


def _record(
    session: Session, keys: dict[str, ThrottleRule], policy: ThrottlePolicy
) -> None:
    now = utcnow()
    _ensure_rows(session, list(keys), now)
    rows = session.execute(
        select(LoginFailure)
        .where(LoginFailure.key_hash.in_(list(keys)))
        .order_by(LoginFailure.key_hash)
        .with_for_update()
    ).scalars()
    for row in rows:
        _count_failure(row, keys[row.key_hash], policy, now)
        session.add(row)


def _ensure_rows(session: Session, hashes: list[str], now: datetime) -> None:
    """Create missing rows without racing another process doing the same."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = [
        {"key_hash": key, "failures": 0, "last_failure_at": now} for key in hashes
    ]
    session.execute(insert(LoginFailure).values(values).on_conflict_do_nothing())


def _count_failure(
    row: LoginFailure, rule: ThrottleRule, policy: ThrottlePolicy, now: datetime
) -> None:
    if (now - as_utc(row.last_failure_at)).total_seconds() > policy.forget_seconds:
        row.failures, row.locked_until = 0, None
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= rule.lock_after:
        row.locked_until = now + timedelta(seconds=rule.lock_seconds)
        logger.warning("Locked logins after %d failures.", row.failures)
