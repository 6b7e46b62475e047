"""Users (mailboxes): adding them within the limits, finding and deleting them.

Limits hold under concurrency because every change of a domain's counts is
one conditional UPDATE of the domain row, taken before any other check: on
PostgreSQL it locks the row, on SQLite the write lock is already held, so
concurrent changes to one domain run one after the other and each sees the
rows the previous one wrote.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import exists, func, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from core.db import on_commit
from core.errors import Conflict, InvalidInput, LimitReached, PermissionDenied
from core.models import Domain, User, UserAlias
from core.passwords import hash_password, validate_password
from core.principal import Principal, require_authenticated
from core.runtime import Runtime
from core.services import domain_folders, user_fields
from core.services.disk_usage import add_usage
from core.services.feature_gates import validate_user_features
from core.services.scope import (
    administers,
    domain_not_found,
    mailbox_addresses,
    owns_account,
    require_managed_domain,
    user_not_found,
)
from core.services.settings_access import clean_settings_patch
from core.services.template_expansion import validate_expanded
from core.services.templates import expand_variables, read_template_settings

logger = logging.getLogger(__name__)

# Any fixed number: the key of the PostgreSQL advisory lock that orders
# creations while a license caps the mailboxes of the whole server.
MAILBOX_CAP_LOCK = 0x6D61696C


@dataclass(frozen=True)
class UserCreate:
    """A new user; ``password_hash`` stands in for ``password`` in imports."""

    email: str
    password: str | None = None
    password_hash: str | None = None
    display_name: str = ""
    status: str = "enabled"
    is_domain_admin: bool = False
    auth_type: str = "password"
    mailbox_size_mb: int = 0
    profile: dict = field(default_factory=dict)
    forwarding: dict = field(default_factory=dict)
    settings: dict | None = None


def reserve_user_place(
    session: Session, domain: Domain, limit: int, *, mailbox_cap: int | None = None
) -> None:
    """Count one more user, or raise ``LimitReached`` if the domain is full.

    The check and the increment are one conditional UPDATE, so concurrent
    creations can never overshoot the limit: the row lock (PostgreSQL) or the
    write lock (SQLite) orders them. ``mailbox_cap`` is the license's cap on
    the users of the whole server, if any.
    """
    # Limitation: every count change rewrites the domain row, and PostgreSQL
    # keeps the old version until vacuum; after a bulk import the domain list
    # reads slower until autovacuum runs — VACUUM the domain table after one.
    result = session.execute(
        update(Domain)
        .where(Domain.id == domain.id, Domain.user_count < limit)
        .values(user_count=Domain.user_count + 1)
    )
    if result.rowcount != 1:
        check_domain_present(session, domain, field="email")
        raise LimitReached(
            f"The domain {domain.name} already has its {limit} users.",
            code="USER_LIMIT_REACHED",
        )
    if mailbox_cap is not None:
        _check_mailbox_cap(session, mailbox_cap)


def check_domain_present(session: Session, domain: Domain, *, field: str) -> None:
    """Raise ``DOMAIN_NOT_FOUND`` if the domain's row is gone.

    A place reservation that matched no row may have waited for a deletion
    of the domain that then committed: that caller is told the domain is
    gone, not that it is full.
    """
    if session.execute(select(Domain.id).where(Domain.id == domain.id)).first():
        return
    raise domain_not_found(domain.name, field)


def _check_mailbox_cap(session: Session, cap: int) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MAILBOX_CAP_LOCK}
        )
    total = session.execute(select(func.sum(Domain.user_count))).scalar_one()
    if total > cap:
        raise LimitReached(
            f"The license allows {cap} mailboxes on this server.",
            code="LICENSE_MAILBOX_CAP",
        )


def release_user_place(session: Session, domain_id: int) -> None:
    session.execute(
        update(Domain)
        .where(Domain.id == domain_id)
        .values(user_count=Domain.user_count - 1)
    )


def check_address_free(
    session: Session, domain: Domain, local_part: str, *, field: str = "email"
) -> None:
    """No user, user alias or plugin address of the domain has this local part.

    A plugin table holding addresses of a domain (a mailing list's, say)
    declares ``info={"domain_address": CODE}`` and has ``domain_id`` and
    ``local_part`` columns; a clash with one of its rows raises ``CODE``.
    """
    user_taken, alias_taken = session.execute(
        select(
            exists().where(User.domain_id == domain.id, User.local_part == local_part),
            exists().where(
                UserAlias.domain_id == domain.id, UserAlias.local_part == local_part
            ),
        )
    ).one()
    if user_taken or alias_taken:
        code = "USER_EXISTS" if user_taken else "ALIAS_EXISTS"
        raise Conflict(
            f"{local_part}@{domain.name} already exists.", field=field, code=code
        )
    for table in _address_tables():
        taken = exists().where(
            table.c.domain_id == domain.id, table.c.local_part == local_part
        )
        if session.execute(select(taken)).scalar():
            raise Conflict(
                f"{local_part}@{domain.name} already exists.",
                field=field,
                code=table.info["domain_address"],
            )


def _address_tables() -> list:
    return [t for t in SQLModel.metadata.tables.values() if "domain_address" in t.info]


def add_user(
    session: Session,
    domain: Domain,
    local_part: str,
    password: str | None,
    *,
    user_limit: int,
    is_domain_admin: bool = False,
    settings: dict | None = None,
    password_hash: str | None = None,
    mailbox_cap: int | None = None,
) -> User:
    """Insert a user after reserving its place; the caller makes its folder."""
    password_hash = password_hash or hash_password(password)
    reserve_user_place(session, domain, user_limit, mailbox_cap=mailbox_cap)
    check_address_free(session, domain, local_part)
    user = User(
        domain_id=domain.id,
        local_part=local_part,
        password_hash=password_hash,
        is_domain_admin=is_domain_admin,
        settings=settings or {},
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"{local_part}@{domain.name} already exists.",
            field="email",
            code="USER_EXISTS",
        ) from None
    return user


def mailbox_cap(runtime: Runtime) -> int | None:
    """The license's cap on the server's mailboxes; None when there is none."""
    return getattr(runtime.license, "mailbox_cap", None)


def create_user(
    session: Session, runtime: Runtime, principal: Principal, data: UserCreate
) -> tuple[User, Domain]:
    """Create a user and its folder, within the domain's limit, all or nothing."""
    require_authenticated(principal)
    local_part, domain_name = user_fields.split_mailbox_address(data.email)
    password_hash = _clean_new_password(data)

    domain = require_managed_domain(session, principal, domain_name, field="email")
    own = mailbox_addresses(session, domain, local_part)
    fields = _clean_create_fields(runtime, domain, data, own)
    stored = read_template_settings(session, runtime, "user")
    settings = expand_variables(stored, domain.name)
    patch: dict = {}
    if data.settings:
        patch = clean_settings_patch(session, runtime, principal, "user", data.settings)
    # Before the patch, which reads sections leniently (a value the name
    # broke would fall back to its default unseen); a value given in the
    # patch replaces the template's.
    validate_expanded(runtime, "user", stored, domain.name, given=patch)
    if patch:
        validate_user_features(runtime, domain.settings, settings, patch)
        settings = runtime.registry.apply_patch(
            "user", settings, patch, prefix="settings"
        )

    limit = runtime.registry.read("domain", domain.settings, "limits").users
    user = add_user(
        session,
        domain,
        local_part,
        None,
        user_limit=limit,
        is_domain_admin=data.is_domain_admin,
        settings=settings,
        password_hash=password_hash,
        mailbox_cap=mailbox_cap(runtime),
    )
    for name, value in fields.items():
        setattr(user, name, value)
    session.add(user)
    _create_user_folder(session, domain, local_part)
    # Every value given counts as asked for, even one equal to the
    # template's: plugins then refuse what they can't grant instead of
    # quietly falling back as they do for what only the template gave.
    announce_new_user(session, runtime, principal, user, domain, patch)
    on_commit(session, lambda: logger.info("Created user %s.", data.email))
    return user, domain


def announce_new_user(
    session: Session,
    runtime: Runtime,
    principal: Principal | None,
    user: User,
    domain: Domain,
    requested: dict | None = None,
) -> None:
    """Tell plugins a user exists: its settings first, then its creation."""
    runtime.plugins.after_user_settings(
        session=session,
        runtime=runtime,
        principal=principal,
        user=user,
        domain=domain,
        created=True,
        requested=requested or {},
    )
    runtime.plugins.after_user_create(session=session, runtime=runtime, user=user)


def _clean_new_password(data: UserCreate) -> str:
    if data.password_hash:
        return data.password_hash
    if data.password is None:
        raise InvalidInput("A new user needs a password.", field="password")
    validate_password(data.password)
    return hash_password(data.password)


def _clean_create_fields(
    runtime: Runtime, domain: Domain, data: UserCreate, own_addresses: set[str]
) -> dict:
    forwarding = user_fields.clean_forwarding(
        runtime,
        domain.settings,
        user_fields.read_forwarding({}),
        data.forwarding,
        own_addresses=own_addresses,
        by_admin=True,
    )
    return {
        "display_name": user_fields.clean_display_name(data.display_name),
        "status": user_fields.clean_status(data.status),
        "auth_type": user_fields.clean_auth_type(
            runtime, domain.settings, data.auth_type
        ),
        "mailbox_size_mb": user_fields.clean_mailbox_size(
            runtime, domain.settings, data.mailbox_size_mb
        ),
        "forwarding": forwarding.as_stored(),
        **user_fields.clean_profile({}, data.profile),
    }


def _create_user_folder(session: Session, domain: Domain, local_part: str) -> None:
    domain_root = Path(domain.folder)
    domain_folders.create_folder(session, domain_root)
    domain_folders.create_folder(session, domain_root / local_part)


def require_user(
    session: Session,
    principal: Principal,
    email: str,
    *,
    field: str = "email",
    for_update: bool = False,
) -> tuple[User, Domain]:
    """The user, if the caller administers its domain or is that user.

    Anyone else is told the user does not exist, as for a missing user.
    ``for_update`` locks the user's row (PostgreSQL) before a change that
    writes its settings back whole, so that a propagation running at the
    same time is neither overwritten nor deadlocked with: every writer
    locks the user's row before the domain's account tallies.
    """
    require_authenticated(principal)
    try:
        local_part, domain_name = user_fields.split_mailbox_address(email, field=field)
    except InvalidInput:
        raise user_not_found(email, field) from None
    query = (
        select(User, Domain)
        .join(Domain, Domain.id == User.domain_id)
        .where(Domain.name == domain_name, User.local_part == local_part)
    )
    if for_update:
        query = query.with_for_update(of=User).execution_options(populate_existing=True)
    row = session.exec(query).first()
    if row is None:
        raise user_not_found(email, field)
    user, domain = row
    if not (administers(principal, domain.id) or owns_account(principal, user.id)):
        raise user_not_found(email, field)
    return user, domain


def require_user_admin(principal: Principal, domain: Domain, action: str) -> None:
    """Refuse a user acting on its own account where only administrators may."""
    if not administers(principal, domain.id):
        raise PermissionDenied(
            f"Only an administrator of the domain may {action}.",
            code="PERMISSION_DENIED",
        )


def delete_user(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    email: str,
    *,
    delete_files: bool,
) -> str:
    """Delete a user; its folder too, once that has committed, if asked."""
    user, domain = require_user(session, principal, email, for_update=True)
    require_user_admin(principal, domain, "delete a user")
    address = f"{user.local_part}@{domain.name}"
    if domain.primary_admin_id == user.id:
        raise Conflict(
            "The primary domain administrator can't be deleted; change it first.",
            field="email",
            code="PRIMARY_ADMIN",
        )

    release_user_place(session, domain.id)
    # The domain's disk figure is the sum of its users'; the user's share
    # leaves with it.
    add_usage(session, user.id, domain.id, -user.disk_used_bytes)
    runtime.plugins.before_user_delete(session=session, runtime=runtime, user=user)
    user_id, folder = user.id, Path(domain.folder) / user.local_part
    session.delete(user)
    session.flush()
    if delete_files:
        on_commit(session, lambda: domain_folders.remove_tree(folder))
    on_commit(
        session,
        lambda: runtime.plugins.after_user_delete(
            runtime=runtime, user_id=user_id, email=address
        ),
    )
    on_commit(session, lambda: logger.info("Deleted user %s.", address))
    return address
