"""Logins and bearer tokens."""

import hashlib
import logging
import secrets
from datetime import timedelta

from sqlmodel import Session, select

from core.errors import InvalidInput, Unauthenticated
from core.models import AuthToken, Domain, SystemAdmin, User
from core.models.base import as_utc, utcnow
from core.passwords import DUMMY_HASH, verify_password
from core.principal import Principal, Role

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(session: Session, username: str, password: str, *, ttl: int) -> str:
    """Check credentials and issue a token; every failure looks the same."""
    username = username.strip().lower()
    if "@" in username:
        user = _find_user(session, username)
        if user is not None and _user_may_log_in(session, user, password):
            return _issue_user_token(session, user, ttl)
    else:
        admin = session.exec(
            select(SystemAdmin).where(SystemAdmin.username == username)
        ).first()
        if admin is not None and verify_password(admin.password_hash, password):
            return issue_token(
                session, Role.SYSTEM_ADMIN, ttl, system_admin_id=admin.id
            )
        if admin is None:
            verify_password(DUMMY_HASH, password)
    logger.warning("Refused a login for %s.", username)
    raise Unauthenticated(
        "Wrong username or password.", field="username", code="INVALID_CREDENTIALS"
    )


def _find_user(session: Session, address: str) -> User | None:
    local_part, _, domain_name = address.rpartition("@")
    row = session.exec(
        select(User)
        .join(Domain, Domain.id == User.domain_id)
        .where(Domain.name == domain_name, User.local_part == local_part)
    ).first()
    if row is None:
        verify_password(DUMMY_HASH, "")
    return row


def _user_may_log_in(session: Session, user: User, password: str) -> bool:
    if not verify_password(user.password_hash, password):
        return False
    domain = session.get(Domain, user.domain_id)
    return user.status == "enabled" and domain.status == "enabled"


def _issue_user_token(session: Session, user: User, ttl: int) -> str:
    role = Role.DOMAIN_ADMIN if user.is_domain_admin else Role.USER
    user.last_login_at = utcnow()
    session.add(user)
    return issue_token(session, role, ttl, user_id=user.id)


def issue_token(session: Session, role: Role, ttl: int, **owner: int | None) -> str:
    """Store a new token's hash and return the token, shown this once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = AuthToken(
        token_hash=hash_token(token),
        role=role.value,
        expires_at=utcnow() + timedelta(seconds=ttl),
        **owner,
    )
    session.add(row)
    session.flush()
    return token


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None if it is not valid."""
    row = session.exec(
        select(AuthToken).where(AuthToken.token_hash == hash_token(token))
    ).first()
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    if row.system_admin_id is not None and row.user_id is None:
        admin = session.get(SystemAdmin, row.system_admin_id)
        return Principal(
            Role.SYSTEM_ADMIN, admin.username, row.id, system_admin_id=admin.id
        )
    return _user_principal(session, row)


def _user_principal(session: Session, row: AuthToken) -> Principal | None:
    user = session.get(User, row.user_id)
    domain = session.get(Domain, user.domain_id) if user else None
    if user is None or user.status != "enabled" or domain.status != "enabled":
        return None
    impersonator = (
        session.get(SystemAdmin, row.impersonator_id) if row.impersonator_id else None
    )
    return Principal(
        Role(row.role),
        f"{user.local_part}@{domain.name}",
        row.id,
        user_id=user.id,
        domain_id=domain.id,
        impersonator=impersonator.username if impersonator else None,
    )


def revoke_token(session: Session, token_id: int) -> None:
    row = session.get(AuthToken, token_id)
    if row is None:
        raise InvalidInput("No such session.", code="NOT_FOUND")
    row.revoked_at = utcnow()
    session.add(row)
