"""Logins and bearer tokens."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from core.db import session_scope
from core.errors import InvalidInput, Unauthenticated
from core.models import ApiKey, AuthToken, Domain, DomainAlias, SystemAdmin, User
from core.models.base import as_utc, utcnow
from core.passwords import DUMMY_HASH, verify_password
from core.principal import Principal, Role
from core.services.api_keys import (
    API_KEY_PREFIX,
    authenticate_api_key,
    key_in_force,
)
from core.services.user_fields import split_mailbox_address

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32
RESTRICTED_TTL_SECONDS = 15 * 60


@dataclass(frozen=True)
class LoginResult:
    """A token, or the challenge a plugin asks to be answered before one."""

    token: str | None
    challenge: str | None = None


@dataclass(frozen=True)
class PasswordVerdict:
    """The plugins' verdict on a login's password, had before the login's
    write transaction: about user ``user_id`` (None when no user matched)."""

    user_id: int | None = None
    verdict: bool | None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_plugin_verdict(runtime: Any, username: str, password: str) -> PasswordVerdict:
    """Ask the plugins about a user's password before the login writes.

    A plugin may wait on the network (a directory): asked here, before the
    login's write transaction, it holds no write lock meanwhile (on SQLite,
    the database's only one). Pass the result to ``login``. Raises the
    plugin's core error when it can give no verdict.
    """
    username = username.strip().lower()
    if "@" not in username:
        return PasswordVerdict()
    with session_scope(runtime.engine, write=False) as session:
        user = _lookup_user(session, username)
        if user is None:
            return PasswordVerdict()
        # End the read, so that no connection is held while plugins wait;
        # a plugin reading through the session begins another.
        session.commit()
        verdict = runtime.plugins.check_password(
            session=session, runtime=runtime, user=user, password=password
        )
    return PasswordVerdict(user.id, verdict)


def login(
    session: Session,
    username: str,
    password: str,
    *,
    ttl: int,
    runtime: Any,
    verdict: PasswordVerdict | None = None,
) -> LoginResult:
    """Check credentials and issue a token; every failure looks the same.

    ``verdict`` is the plugins' verdict from ``get_plugin_verdict``; without
    it they are asked here, in ``session``'s transaction. For users,
    ``runtime``'s plugins may ask for a challenge instead of a token, or
    restrict the session (``login_challenge``, ``login_restriction``).
    """
    username = username.strip().lower()
    if "@" in username:
        user = _find_user(session, username)
        if user is not None and _user_may_log_in(
            session, runtime, user, password, verdict
        ):
            return _user_login(session, runtime, user, ttl)
    else:
        admin = session.exec(
            select(SystemAdmin).where(SystemAdmin.username == username)
        ).first()
        if admin is not None and verify_password(admin.password_hash, password):
            return LoginResult(
                issue_token(session, Role.SYSTEM_ADMIN, ttl, system_admin_id=admin.id)
            )
        if admin is None:
            verify_password(DUMMY_HASH, password)
    logger.warning("Refused a login for %s.", username)
    raise Unauthenticated(
        "Wrong username or password.", field="username", code="INVALID_CREDENTIALS"
    )


def _find_user(session: Session, address: str) -> User | None:
    """The user of an address, taking as long whether or not it exists."""
    row = _lookup_user(session, address)
    if row is None:
        verify_password(DUMMY_HASH, "")
    return row


def _lookup_user(session: Session, address: str) -> User | None:
    """The user of an address on its domain or on one of the domain's aliases."""
    try:
        local_part, name = split_mailbox_address(address, field="username")
    except InvalidInput:
        local_part, name = "", ""
    return _user_on(session, local_part, Domain.name == name, Domain.id) or _user_on(
        session, local_part, DomainAlias.name == name, DomainAlias.domain_id
    )


def _user_on(session: Session, local_part: str, named, domain_id) -> User | None:
    return session.exec(
        select(User)
        .join(domain_id.class_, domain_id == User.domain_id)
        .where(named, User.local_part == local_part)
    ).first()


def _user_may_log_in(
    session: Session,
    runtime: Any,
    user: User,
    password: str,
    verdict: PasswordVerdict | None,
) -> bool:
    if not check_user_password(session, runtime, user, password, verdict=verdict):
        return False
    domain = session.get(Domain, user.domain_id)
    return user.status == "enabled" and domain.status == "enabled"


def check_user_password(
    session: Session,
    runtime: Any,
    user: User,
    password: str,
    *,
    verdict: PasswordVerdict | None = None,
) -> bool:
    """Whether ``password`` is the user's: a plugin's verdict (a directory's),
    else the stored hash. A plugin that can't decide raises its core error.

    With ``verdict`` (``get_plugin_verdict``) the plugins are not asked again.
    """
    if verdict is None:
        answer = runtime.plugins.check_password(
            session=session, runtime=runtime, user=user, password=password
        )
    elif verdict.user_id != user.id:
        # The address named another user when the plugins were asked (it
        # changed hands meanwhile): their verdict is not about this one.
        return False
    else:
        answer = verdict.verdict
    if answer is not None:
        return answer
    return verify_password(user.password_hash, password)


def _user_login(session: Session, runtime: Any, user: User, ttl: int) -> LoginResult:
    plugins = runtime.plugins
    hook_args = {"session": session, "runtime": runtime, "user": user}
    challenge = plugins.login_challenge(**hook_args)
    if challenge is not None:
        return LoginResult(None, challenge)
    restricted_to = plugins.login_restriction(**hook_args)
    if restricted_to is not None:
        ttl = min(ttl, RESTRICTED_TTL_SECONDS)
    return LoginResult(
        issue_user_token(session, user, ttl, restricted_to=restricted_to)
    )


def issue_user_token(
    session: Session, user: User, ttl: int, *, restricted_to: str | None = None
) -> str:
    """A user's session token, as a login issues it; counts as a login."""
    role = Role.DOMAIN_ADMIN if user.is_domain_admin else Role.USER
    user.last_login_at = utcnow()
    session.add(user)
    return issue_token(session, role, ttl, restricted_to=restricted_to, user_id=user.id)


def issue_token(
    session: Session,
    role: Role,
    ttl: int,
    *,
    restricted_to: str | None = None,
    **owner: int | None,
) -> str:
    """Store a new token's hash and return the token, shown this once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = AuthToken(
        token_hash=hash_token(token),
        role=role.value,
        expires_at=utcnow() + timedelta(seconds=ttl),
        restricted_to=restricted_to,
        **owner,
    )
    session.add(row)
    session.flush()
    return token


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None if it is not valid."""
    key = (
        authenticate_api_key(session, token)
        if token.startswith(API_KEY_PREFIX)
        else None
    )
    if key is not None:
        return key
    row = session.exec(
        select(AuthToken).where(AuthToken.token_hash == hash_token(token))
    ).first()
    return _row_principal(session, row)


def still_holds(session: Session, principal: Principal) -> bool:
    """Whether the session or key behind ``principal`` still stands for it.

    For what outlives one request (a subscription): logout, a new password,
    a disabled account, an ended impersonation or a revoked key end it too,
    and so does a change of role.
    """
    if principal.token_id is not None:
        now = _row_principal(session, session.get(AuthToken, principal.token_id))
        return now is not None and now.role is principal.role
    if principal.api_key_id is not None:
        key = session.get(ApiKey, principal.api_key_id)
        return key is not None and key_in_force(key)
    return principal.role is Role.ANONYMOUS


def _row_principal(session: Session, row: AuthToken | None) -> Principal | None:
    """The principal of a stored session, or None if it no longer holds."""
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    if row.system_admin_id is not None and row.user_id is None:
        admin = session.get(SystemAdmin, row.system_admin_id)
        if admin is None:
            return None
        return Principal(
            Role.SYSTEM_ADMIN, admin.username, row.id, system_admin_id=admin.id
        )
    if row.parent_token_id is not None and not _parent_holds(session, row):
        return None
    return _user_principal(session, row)


def _parent_holds(session: Session, row: AuthToken) -> bool:
    """Whether the session that started an impersonation could start it now.

    An impersonation lives no longer than its starter's session, however
    that ends (logout, a new password, expiry, a disabled account), and one
    started by a domain administrator ends when it is one no more.
    """
    parent = _row_principal(session, session.get(AuthToken, row.parent_token_id))
    if parent is None:
        return False
    if row.impersonator_user_id is not None:
        return parent.role is Role.DOMAIN_ADMIN
    return True


def _user_principal(session: Session, row: AuthToken) -> Principal | None:
    user = session.get(User, row.user_id)
    domain = session.get(Domain, user.domain_id) if user else None
    if user is None or user.status != "enabled" or domain.status != "enabled":
        return None
    return Principal(
        _current_role(row, user),
        f"{user.local_part}@{domain.name}",
        row.id,
        user_id=user.id,
        domain_id=domain.id,
        impersonator=_impersonator(session, row),
        restricted_to=row.restricted_to,
    )


def _impersonator(session: Session, row: AuthToken) -> str | None:
    """Who impersonates: a system administrator, a domain administrator, or
    a system administrator through a domain administrator's session."""
    admin = (
        session.get(SystemAdmin, row.impersonator_id) if row.impersonator_id else None
    )
    names = [admin.username] if admin else []
    if row.impersonator_user_id is not None:
        user = session.get(User, row.impersonator_user_id)
        domain = session.get(Domain, user.domain_id) if user else None
        if user is not None and domain is not None:
            names.append(f"{user.local_part}@{domain.name}")
    return " as ".join(names) or None


def _current_role(row: AuthToken, user: User) -> Role:
    """A session follows the user's flag: a demoted administrator loses its
    rights at once, impersonated or not.

    An impersonation of a user stays a user's session even if the user is
    made an administrator meanwhile: it never gains what it was not issued.
    """
    if row.is_impersonation and Role(row.role) is Role.USER:
        return Role.USER
    return Role.DOMAIN_ADMIN if user.is_domain_admin else Role.USER


def revoke_token(session: Session, token_id: int | None) -> None:
    if token_id is None:
        # An API key is no session: it is revoked with revokeApiKey.
        raise InvalidInput(
            "This request carries an API key, not a session; revoke the key "
            "with revokeApiKey.",
            code="NOT_A_SESSION",
        )
    row = session.get(AuthToken, token_id)
    if row is None:
        raise InvalidInput("No such session.", code="NOT_FOUND")
    revoke_session(session, row)


def revoke_session(session: Session, row: AuthToken) -> None:
    """Revoke a session and the impersonations it started, at any depth."""
    now = utcnow()
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
    parents = [row.id]
    while parents:
        children = session.exec(
            select(AuthToken).where(
                AuthToken.parent_token_id.in_(parents), AuthToken.revoked_at.is_(None)
            )
        ).all()
        for child in children:
            child.revoked_at = now
            session.add(child)
        parents = [child.id for child in children]
