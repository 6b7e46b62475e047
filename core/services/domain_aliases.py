"""Domain aliases: other names whose mail lands in a domain's mailboxes.

Domain names and domain alias names share one namespace. Two creations of
the same name in different tables can't both pass their checks: SQLite
holds the write lock, and PostgreSQL takes an advisory lock on the name
before checking (``lock_domain_name``).
"""

import hashlib
import logging

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.db import on_commit
from core.errors import (
    Conflict,
    InvalidInput,
    LimitReached,
    NotFound,
    PermissionDenied,
)
from core.models import Domain, DomainAlias
from core.principal import Principal, require_authenticated
from core.runtime import Runtime
from core.services.scope import administers, require_managed_domain
from core.services.users import check_domain_present
from core.validation import clean_domain_name

logger = logging.getLogger(__name__)


def lock_domain_name(session: Session, name: str) -> None:
    """Hold a name until the transaction ends, so its uniqueness check is safe."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"domain-name:{name}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def check_domain_name_free(session: Session, name: str, *, field: str) -> None:
    """No domain and no domain alias has this name."""
    if session.exec(select(Domain.id).where(Domain.name == name)).first():
        code, kind = "DOMAIN_EXISTS", "domain"
    elif session.exec(select(DomainAlias.id).where(DomainAlias.name == name)).first():
        code, kind = "DOMAIN_ALIAS_EXISTS", "domain alias"
    else:
        return
    raise Conflict(f"The {kind} {name} already exists.", field=field, code=code)


def find_domain_by_alias(session: Session, name: str) -> Domain | None:
    return session.exec(
        select(Domain)
        .join(DomainAlias, DomainAlias.domain_id == Domain.id)
        .where(DomainAlias.name == name)
    ).first()


def create_domain_alias(
    session: Session, runtime: Runtime, principal: Principal, domain: str, alias: str
) -> tuple[DomainAlias, Domain]:
    """Give ``domain`` another name, within its limit and the caller's rights."""
    target = require_managed_domain(session, principal, domain)
    require_alias_rights(runtime, principal, target)
    name = clean_domain_name(alias, field="alias")

    lock_domain_name(session, name)
    limit = runtime.registry.read("domain", target.settings, "limits").domain_aliases
    _reserve_place(session, target, limit)
    check_domain_name_free(session, name, field="alias")
    row = DomainAlias(domain_id=target.id, name=name)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"The domain alias {name} already exists.",
            field="alias",
            code="DOMAIN_ALIAS_EXISTS",
        ) from None
    on_commit(
        session, lambda: logger.info("Added domain alias %s to %s.", name, target.name)
    )
    return row, target


def require_alias_rights(
    runtime: Runtime, principal: Principal, domain: Domain
) -> None:
    """Domain administrators manage domain aliases only where ``misc`` lets them."""
    if principal.is_system_admin:
        return
    misc = runtime.registry.read("domain", domain.settings, "misc")
    if not misc.domain_admins_create_domain_aliases:
        raise PermissionDenied(
            "Only a system administrator may manage this domain's aliases.",
            field="alias",
        )


def require_domain_alias(
    session: Session, principal: Principal, name: str
) -> tuple[DomainAlias, Domain]:
    """The alias, if the caller administers its domain; else not found."""
    require_authenticated(principal)
    try:
        clean = clean_domain_name(name, field="alias")
    except InvalidInput:
        raise _not_found(name) from None
    row = session.exec(
        select(DomainAlias, Domain)
        .join(Domain, Domain.id == DomainAlias.domain_id)
        .where(DomainAlias.name == clean)
    ).first()
    if row is None or not administers(principal, row[1].id):
        raise _not_found(name)
    return row


def _not_found(name: str) -> NotFound:
    return NotFound(
        f"No domain alias {name!r}.", field="alias", code="DOMAIN_ALIAS_NOT_FOUND"
    )


def delete_domain_alias(
    session: Session, runtime: Runtime, principal: Principal, name: str
) -> str:
    alias, domain = require_domain_alias(session, principal, name)
    require_alias_rights(runtime, principal, domain)
    removed = alias.name
    # The domain's row first, as in ``delete_user_alias``: deletions queue
    # on it, and an alias no longer there means another took it.
    session.execute(
        update(Domain)
        .where(Domain.id == domain.id)
        .values(domain_alias_count=Domain.domain_alias_count - 1)
    )
    still = session.exec(
        select(DomainAlias.id).where(DomainAlias.id == alias.id)
    ).first()
    if still is None:
        raise _not_found(name)
    # Through the ORM, so that the audit entry shows the alias removed.
    session.delete(alias)
    session.flush()
    on_commit(session, lambda: logger.info("Removed domain alias %s.", removed))
    return removed


def _reserve_place(session: Session, domain: Domain, limit: int) -> None:
    result = session.execute(
        update(Domain)
        .where(Domain.id == domain.id, Domain.domain_alias_count < limit)
        .values(domain_alias_count=Domain.domain_alias_count + 1)
    )
    if result.rowcount != 1:
        check_domain_present(session, domain, field="domain")
        raise LimitReached(
            f"The domain {domain.name} already has its {limit} domain aliases.",
            code="DOMAIN_ALIAS_LIMIT_REACHED",
        )
