"""The parts of users that domains need: adding one within the domain's limit."""

import logging

from sqlalchemy import update
from sqlmodel import Session, select

from core.errors import Conflict, LimitReached
from core.models import Domain, User
from core.passwords import hash_password

logger = logging.getLogger(__name__)


def reserve_user_place(session: Session, domain: Domain, limit: int) -> None:
    """Count one more user, or raise ``LimitReached`` if the domain is full.

    The check and the increment are one conditional UPDATE, so concurrent
    creations can never overshoot the limit: the row lock (PostgreSQL) or the
    write lock (SQLite) orders them.
    """
    result = session.execute(
        update(Domain)
        .where(Domain.id == domain.id, Domain.user_count < limit)
        .values(user_count=Domain.user_count + 1)
    )
    if result.rowcount != 1:
        raise LimitReached(
            f"The domain {domain.name} already has its {limit} users.",
            code="USER_LIMIT_REACHED",
        )


def add_user(
    session: Session,
    domain: Domain,
    local_part: str,
    password: str,
    *,
    user_limit: int,
    is_domain_admin: bool = False,
    settings: dict | None = None,
) -> User:
    """Insert a user after reserving its place; the caller makes its folder."""
    taken = session.exec(
        select(User.id).where(
            User.domain_id == domain.id, User.local_part == local_part
        )
    ).first()
    if taken is not None:
        raise Conflict(
            f"{local_part}@{domain.name} already exists.",
            field="email",
            code="USER_EXISTS",
        )
    reserve_user_place(session, domain, user_limit)
    user = User(
        domain_id=domain.id,
        local_part=local_part,
        password_hash=hash_password(password),
        is_domain_admin=is_domain_admin,
        settings=settings or {},
    )
    session.add(user)
    session.flush()
    return user
