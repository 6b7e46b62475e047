"""Impersonation: signing in as someone else to see what they see.

A system administrator may impersonate a domain administrator
(``impersonate_domain``) or any user; a domain administrator may
impersonate the users of its domain who are not administrators
(``impersonate_user``). The session is the impersonated account's token
that also records who impersonates (``AuthToken.impersonator_id`` for a
system administrator, ``impersonator_user_id`` for a domain administrator,
both when a system administrator's impersonation of a domain administrator
goes on to a user): it can do what that account can, nothing more, and it
expires within ``IMPERSONATION_TTL_SECONDS``. Starting and ending one each
write an audit entry (those of the mutations), naming the domain or user.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.models import AuthToken, Domain, User
from core.models.base import as_utc, utcnow
from core.principal import Principal, Role, require_authenticated
from core.services import audit
from core.services.api_keys import require_admin_account
from core.services.auth import hash_token, issue_token, revoke_session
from core.services.scope import domain_not_found, find_domain
from core.services.users import require_user

logger = logging.getLogger(__name__)

IMPERSONATION_TTL_SECONDS = 30 * 60


@dataclass(frozen=True)
class Impersonation:
    """A started impersonation: its token, shown this once."""

    token: str
    expires_at: datetime
    admin: str
    domain: str


def impersonate_domain(
    session: Session,
    principal: Principal,
    *,
    name: str | None,
    admin_email: str | None,
    ttl: int,
) -> Impersonation:
    """Issue a session acting as the domain's primary administrator (by
    ``name``) or as the administrator ``admin_email``."""
    require_admin_account(principal)
    if (name is None) == (admin_email is None):
        raise InvalidInput(
            "Give either the domain's name or an administrator's address.",
            field="name",
            code="INVALID",
        )
    if name is not None:
        admin, domain = _primary_admin(session, name)
    else:
        admin, domain = _named_admin(session, principal, admin_email)
    _check_enabled(admin, domain)

    ttl = _capped_ttl(session, principal, ttl)
    token = issue_token(
        session,
        Role.DOMAIN_ADMIN,
        ttl,
        user_id=admin.id,
        impersonator_id=principal.system_admin_id,
        parent_token_id=principal.token_id,
    )
    address = f"{admin.local_part}@{domain.name}"
    expires_at = utcnow() + timedelta(seconds=ttl)
    _note(session, domain, before=None, after=address)
    # Limitation: a session left to expire writes no closing entry; its
    # start entry records when it ends — a sweep of expired impersonation
    # tokens that writes one would lift it.
    audit.note_change(session, "expiresAt", None, expires_at)
    logger.info("%s impersonates %s.", principal.name, address)
    return Impersonation(token, expires_at, address, domain.name)


def impersonate_user(
    session: Session, principal: Principal, *, email: str, ttl: int
) -> Impersonation:
    """Issue a session acting as the user ``email``.

    System administrators may impersonate anyone; domain administrators the
    users of their own domain who are not administrators themselves.
    """
    require_authenticated(principal)
    chain = _impersonator_of(session, principal)
    user, domain = require_user(session, principal, email)
    if principal.role is Role.DOMAIN_ADMIN and user.is_domain_admin:
        raise PermissionDenied(
            "Only a system administrator may impersonate a domain administrator.",
            field="email",
        )
    _check_enabled(user, domain, field="email")

    ttl = _capped_ttl(session, principal, ttl)
    role = Role.DOMAIN_ADMIN if user.is_domain_admin else Role.USER
    token = issue_token(
        session, role, ttl, user_id=user.id, parent_token_id=principal.token_id, **chain
    )
    address = f"{user.local_part}@{domain.name}"
    expires_at = utcnow() + timedelta(seconds=ttl)
    _note_user(session, domain, address, before=None, after=address)
    audit.note_change(session, "expiresAt", None, expires_at)
    logger.info("%s impersonates %s.", principal.name, address)
    return Impersonation(token, expires_at, address, domain.name)


def _capped_ttl(session: Session, principal: Principal, ttl: int) -> int:
    """At most the impersonation limit, and no longer than the starting
    session has left: it ends with that session anyway."""
    ttl = min(ttl, IMPERSONATION_TTL_SECONDS)
    row = session.get(AuthToken, principal.token_id) if principal.token_id else None
    if row is not None:
        left = (as_utc(row.expires_at) - utcnow()).total_seconds()
        ttl = min(ttl, max(int(left), 1))
    return ttl


def _impersonator_of(session: Session, principal: Principal) -> dict[str, int | None]:
    """Who a new impersonation records: the caller, and whoever it acts for."""
    if principal.role is Role.SYSTEM_ADMIN and principal.system_admin_id is not None:
        return {"impersonator_id": principal.system_admin_id}
    if principal.role is Role.DOMAIN_ADMIN and principal.user_id is not None:
        row = session.get(AuthToken, principal.token_id) if principal.token_id else None
        upstream = row.impersonator_id if row is not None else None
        return {"impersonator_user_id": principal.user_id, "impersonator_id": upstream}
    raise PermissionDenied("Only administrators may impersonate users.")


def _primary_admin(session: Session, name: str) -> tuple[User, Domain]:
    domain = find_domain(session, name)
    if domain is None:
        raise domain_not_found(name, "name")
    admin = (
        session.get(User, domain.primary_admin_id) if domain.primary_admin_id else None
    )
    if admin is None:
        raise NotFound(
            f"The domain {domain.name} has no primary administrator.",
            field="name",
            code="DOMAIN_ADMIN_NOT_FOUND",
        )
    return admin, domain


def _named_admin(
    session: Session, principal: Principal, email: str
) -> tuple[User, Domain]:
    user, domain = require_user(session, principal, email, field="adminEmail")
    if not user.is_domain_admin:
        raise InvalidInput(
            f"{email} is not an administrator of its domain.",
            field="adminEmail",
            code="NOT_DOMAIN_ADMIN",
        )
    return user, domain


def _check_enabled(account: User, domain: Domain, *, field: str = "name") -> None:
    if account.status != "enabled" or domain.status != "enabled":
        raise Conflict(
            "A disabled account or domain can't be impersonated; enable it first.",
            field=field,
            code="ACCOUNT_DISABLED",
        )


def end_impersonation(session: Session, principal: Principal, token: str | None) -> str:
    """Revoke an impersonation session; returns the address it acted as.

    Without ``token`` the caller's own session must be one; with it, the
    caller must be the system administrator who started it.
    """
    require_authenticated(principal)
    row = _own_session(session, principal) if token is None else None
    if token is not None:
        row = _started_by(session, principal, token)
    revoke_session(session, row)

    user = session.get(User, row.user_id)
    domain = session.get(Domain, user.domain_id)
    address = f"{user.local_part}@{domain.name}"
    if row.impersonator_user_id is not None or row.role == Role.USER.value:
        _note_user(session, domain, address, before=address, after=None)
    else:
        _note(session, domain, before=address, after=None)
    logger.info("Impersonation of %s ended.", address)
    return address


def _own_session(session: Session, principal: Principal) -> AuthToken:
    row = session.get(AuthToken, principal.token_id) if principal.token_id else None
    if row is None or (
        row.impersonator_id is None and row.impersonator_user_id is None
    ):
        raise InvalidInput(
            "This session is not an impersonation.", code="NOT_IMPERSONATING"
        )
    return row


def _started_by(session: Session, principal: Principal, token: str) -> AuthToken:
    """The impersonation session ``token``, if the caller started it."""
    if principal.role is Role.DOMAIN_ADMIN and principal.user_id is not None:
        # The administrator's own sessions and a system administrator acting
        # as it are different people: each ends only what it started.
        upstream = _impersonator_of(session, principal)["impersonator_id"]
        started = (AuthToken.impersonator_user_id == principal.user_id) & (
            AuthToken.impersonator_id.is_(None)
            if upstream is None
            else AuthToken.impersonator_id == upstream
        )
    else:
        require_admin_account(principal)
        started = AuthToken.impersonator_id == principal.system_admin_id
    row = session.exec(
        select(AuthToken).where(AuthToken.token_hash == hash_token(token), started)
    ).first()
    if row is None:
        raise NotFound(
            "No impersonation of yours has that token.",
            field="token",
            code="IMPERSONATION_NOT_FOUND",
        )
    return row


def _note(session: Session, domain: Domain, *, before, after) -> None:
    target = audit.Target("domain", domain.name, domain.id, domain.name)
    audit.set_target(session, target)
    audit.note_change(session, "impersonating", before, after)


def _note_user(session: Session, domain: Domain, address: str, *, before, after):
    target = audit.Target("user", address, domain.id, domain.name)
    audit.set_target(session, target)
    audit.note_change(session, "impersonating", before, after)
