"""User aliases: addresses of a domain that forward to one or more others."""

import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.db import on_commit
from core.errors import Conflict, InvalidInput, LimitReached, NotFound, PermissionDenied
from core.models import Domain, UserAlias
from core.principal import Principal, require_authenticated
from core.runtime import Runtime
from core.services.scope import (
    administers,
    mailbox_addresses,
    require_managed_domain,
)
from core.services.user_fields import clean_target_address, split_mailbox_address
from core.services.users import check_address_free, check_domain_present

logger = logging.getLogger(__name__)

MAX_TARGETS = 100


@dataclass(frozen=True)
class UserAliasCreate:
    email: str
    targets: list[str]
    is_catch_all: bool = False


def reserve_alias_place(session: Session, domain: Domain, limit: int) -> None:
    """Count one more alias or raise ``LimitReached``; one conditional UPDATE."""
    result = session.execute(
        update(Domain)
        .where(Domain.id == domain.id, Domain.user_alias_count < limit)
        .values(user_alias_count=Domain.user_alias_count + 1)
    )
    if result.rowcount != 1:
        check_domain_present(session, domain, field="email")
        raise LimitReached(
            f"The domain {domain.name} already has its {limit} user aliases.",
            code="USER_ALIAS_LIMIT_REACHED",
        )


def create_user_alias(
    session: Session, runtime: Runtime, principal: Principal, data: UserAliasCreate
) -> tuple[UserAlias, Domain]:
    """Create an alias whose address no user or alias of the domain has."""
    require_authenticated(principal)
    local_part, domain_name = split_mailbox_address(data.email)
    domain = require_managed_domain(session, principal, domain_name, field="email")
    address = f"{local_part}@{domain.name}"
    targets = clean_targets(
        data.targets, mailbox_addresses(session, domain, local_part)
    )
    if data.is_catch_all:
        _check_catch_all_allowed(runtime, domain)

    limit = runtime.registry.read("domain", domain.settings, "limits").user_aliases
    reserve_alias_place(session, domain, limit)
    check_address_free(session, domain, local_part)
    if data.is_catch_all:
        _check_no_catch_all(session, domain, own_id=None)
    alias = UserAlias(
        domain_id=domain.id,
        local_part=local_part,
        targets=targets,
        is_catch_all=data.is_catch_all,
    )
    session.add(alias)
    _flush(session, address)
    on_commit(session, lambda: logger.info("Created user alias %s.", address))
    return alias, domain


def require_user_alias(
    session: Session, principal: Principal, email: str
) -> tuple[UserAlias, Domain]:
    """The alias, if the caller administers its domain; else ``ALIAS_NOT_FOUND``."""
    require_authenticated(principal)
    try:
        local_part, domain_name = split_mailbox_address(email)
    except InvalidInput:
        raise _not_found(email) from None
    row = session.exec(
        select(UserAlias, Domain)
        .join(Domain, Domain.id == UserAlias.domain_id)
        .where(Domain.name == domain_name, UserAlias.local_part == local_part)
    ).first()
    if row is None or not administers(principal, row[1].id):
        raise _not_found(email)
    return row


def update_user_alias(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    email: str,
    *,
    targets: list[str] | None = None,
    is_catch_all: bool | None = None,
) -> tuple[UserAlias, Domain]:
    """Replace the targets and switch catch-all on or off."""
    alias, domain = require_user_alias(session, principal, email)
    address = f"{alias.local_part}@{domain.name}"
    if targets is not None:
        own = mailbox_addresses(session, domain, alias.local_part)
        alias.targets = clean_targets(targets, own)
    if is_catch_all and not alias.is_catch_all:
        _check_catch_all_allowed(runtime, domain)
        _lock_domain(session, domain)
        _check_no_catch_all(session, domain, own_id=alias.id)
    if is_catch_all is not None:
        alias.is_catch_all = is_catch_all
    session.add(alias)
    _flush(session, address)
    return alias, domain


def delete_user_alias(session: Session, principal: Principal, email: str) -> str:
    """Delete an alias; of parallel deletions of one alias, only one succeeds."""
    alias, domain = require_user_alias(session, principal, email)
    address = f"{alias.local_part}@{domain.name}"
    # The domain's row first, as creations and the domain's deletion lock
    # it, so deletions queue there without deadlocking; reading the alias
    # again then tells whether one before us took it (and so the count),
    # which rolls the decrement back.
    session.execute(
        update(Domain)
        .where(Domain.id == domain.id)
        .values(user_alias_count=Domain.user_alias_count - 1)
    )
    still = session.exec(select(UserAlias.id).where(UserAlias.id == alias.id)).first()
    if still is None:
        raise _not_found(email)
    # Through the ORM, so that the audit entry shows the alias removed.
    session.delete(alias)
    session.flush()
    on_commit(session, lambda: logger.info("Deleted user alias %s.", address))
    return address


def clean_targets(raw: list[str], own_addresses: set[str]) -> list[str]:
    """Normalised, distinct target addresses; never the alias itself."""
    if not raw:
        raise InvalidInput(
            "An alias needs at least one target.", field="targets", code="REQUIRED"
        )
    if len(raw) > MAX_TARGETS:
        raise InvalidInput(
            f"An alias has at most {MAX_TARGETS} targets.",
            field="targets",
            code="TOO_MANY_TARGETS",
        )
    targets = list(dict.fromkeys(clean_target_address(t, field="targets") for t in raw))
    if own_addresses.intersection(targets):
        raise InvalidInput(
            "An alias can't forward to itself (under any of its domain's names).",
            field="targets",
            code="ALIAS_LOOP",
        )
    return targets


def _check_catch_all_allowed(runtime: Runtime, domain: Domain) -> None:
    features = runtime.registry.read("domain", domain.settings, "features")
    if not features.catch_all_alias:
        raise PermissionDenied(
            "The domain's features do not allow a catch-all alias.",
            field="isCatchAll",
            code="CATCH_ALL_NOT_ALLOWED",
        )


def _check_no_catch_all(session: Session, domain: Domain, own_id: int | None) -> None:
    query = select(UserAlias.id).where(
        UserAlias.domain_id == domain.id, UserAlias.is_catch_all
    )
    other = session.exec(query).first()
    if other is not None and other != own_id:
        raise Conflict(
            f"The domain {domain.name} already has a catch-all alias.",
            field="isCatchAll",
            code="CATCH_ALL_EXISTS",
        )


def _lock_domain(session: Session, domain: Domain) -> None:
    """Order changes of one domain's aliases (a row lock on PostgreSQL)."""
    session.execute(select(Domain.id).where(Domain.id == domain.id).with_for_update())


def _flush(session: Session, address: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"{address} is taken.", field="email", code="ALIAS_EXISTS"
        ) from None


def _not_found(email: str) -> NotFound:
    return NotFound(f"No user alias {email!r}.", field="email", code="ALIAS_NOT_FOUND")
