"""Domains: creation, settings, status, renaming, moving and deletion."""

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.addresses import clean_local_part
from core.db import on_commit
from core.errors import Conflict, InvalidInput, NotFound
from core.models import Domain, User
from core.passwords import hash_password, validate_password
from core.principal import (
    Principal,
    domain_not_found,
    require_authenticated,
    require_domain_scope,
)
from core.runtime import Runtime
from core.services import domain_folders
from core.services.domain_addresses import rewrite_addresses
from core.services.feature_gates import withhold_unlicensed
from core.services.settings_access import clean_settings_patch
from core.services.template_expansion import validate_expanded
from core.services.templates import domain_template, expand_variables, user_template
from core.services.users import add_user, announce_new_user, mailbox_cap
from core.validation import clean_domain_name, clean_hostname, expand_hostname

logger = logging.getLogger(__name__)

DOMAIN_STATUSES = frozenset({"enabled", "disabled"})


@dataclass(frozen=True)
class DomainCreate:
    name: str
    admin_username: str
    admin_password: str
    hostname: str | None = None
    folder: str | None = None


def require_domain(session: Session, principal: Principal, name: str) -> Domain:
    """The domain named, if the caller may see it; else ``DOMAIN_NOT_FOUND``."""
    # Anonymous callers are refused before the lookup, so that the answer
    # never depends on whether the domain exists.
    require_authenticated(principal)
    try:
        clean = clean_domain_name(name)
    except InvalidInput:
        raise domain_not_found(name) from None
    domain = session.exec(select(Domain).where(Domain.name == clean)).first()
    if domain is None:
        raise domain_not_found(name)
    require_domain_scope(principal, domain.id, name)
    return domain


def lock_domain(session: Session, domain: Domain) -> Domain:
    """Lock the domain's row till commit and reload it; ``DOMAIN_NOT_FOUND``
    if it was deleted or renamed since the caller looked it up.

    Of parallel changes of one domain, the first wins and the others, once
    it has committed, find the name they asked for gone (PostgreSQL; SQLite
    runs writes one at a time anyway).
    """
    name = domain.name
    query = (
        select(Domain)
        .where(Domain.id == domain.id, Domain.name == name)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if session.exec(query).first() is None:
        raise domain_not_found(name)
    return domain


def create_domain(session: Session, runtime: Runtime, data: DomainCreate) -> Domain:
    """Create the domain row, its folder and its primary domain administrator.

    Every check runs before anything is written; the folder is made last,
    and removed again if the transaction fails after all.
    """
    name = clean_domain_name(data.name)
    local_part = clean_local_part(data.admin_username, field="adminUsername")
    validate_password(data.admin_password, field="adminPassword")
    folder = domain_folders.clean_folder(runtime.config, data.folder, name)
    _check_name_free(session, name)
    domain_folders.check_folder_free(session, folder, own_id=None)
    template = _domain_template(session, runtime, name)
    hostname = _new_hostname(data.hostname, template["hostname"], name)
    admin_settings = user_template(session, runtime, name, field="name")

    # A disabled domain is created whole (folder, administrator): its users
    # just can't log in or send until it is enabled.
    domain = Domain(
        name=name,
        status=template["status"],
        hostname=hostname,
        folder=str(folder),
        settings=withhold_unlicensed(runtime.license, template["settings"]),
    )
    session.add(domain)
    _flush_unique(session, name, folder)
    # The first administrator comes with the domain, whatever its user limit.
    admin = _add_admin(
        session, runtime, domain, local_part, data.admin_password, admin_settings, 1
    )
    domain.primary_admin_id = admin.id

    domain_folders.create_folder(session, folder)
    domain_folders.create_folder(session, folder / local_part)
    runtime.plugins.after_domain_create(session=session, runtime=runtime, domain=domain)
    on_commit(session, lambda: logger.info("Created domain %s in %s.", name, folder))
    return domain


def _add_admin(
    session: Session,
    runtime: Runtime,
    domain: Domain,
    local_part: str,
    password: str,
    settings: dict,
    least_limit: int = 0,
) -> User:
    """Add a domain administrator within the domain's and the license's limits."""
    limit = runtime.registry.read("domain", domain.settings, "limits").users
    user = add_user(
        session,
        domain,
        local_part,
        password,
        user_limit=max(limit, least_limit),
        is_domain_admin=True,
        settings=settings,
        mailbox_cap=mailbox_cap(runtime),
    )
    announce_new_user(session, runtime, None, user, domain)
    return user


def _domain_template(session: Session, runtime: Runtime, name: str) -> dict:
    """The hostname pattern, status and settings a new domain starts from."""
    template = domain_template(session, runtime)
    validate_expanded(runtime, "domain", template["settings"], name, field="name")
    return {**template, "settings": expand_variables(template["settings"], name)}


def _check_name_free(session: Session, name: str, *, field: str = "name") -> None:
    """No domain and no domain alias has the name; it stays held until commit."""
    from core.services.domain_aliases import check_domain_name_free, lock_domain_name

    lock_domain_name(session, name)
    check_domain_name_free(session, name, field=field)


def _flush_unique(session: Session, name: str, folder: Path | None = None) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        if folder is not None and _is_folder_clash(exc):
            raise domain_folders.folder_taken(folder) from None
        raise Conflict(
            f"The domain {name} already exists.", field="name", code="DOMAIN_EXISTS"
        ) from None


def _is_folder_clash(exc: IntegrityError) -> bool:
    """The unique folder, not the unique name, refused the row."""
    # PostgreSQL names the constraint; SQLite only says it in its message
    # (a name may hold "folder", so the message is matched whole).
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:
        return diag.constraint_name == "uq_domain_folder"
    return str(exc.orig) == "UNIQUE constraint failed: domain.folder"


def update_domain(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    domain: Domain,
    *,
    hostname: str | None,
    settings: dict[str, dict] | None,
) -> Domain:
    """Apply a hostname and a partial settings patch, all or nothing."""
    # Locked first: a patch merges into the settings as they are now, and a
    # domain deleted meanwhile is reported, not written to.
    lock_domain(session, domain)
    if hostname is not None:
        domain.hostname = expand_hostname(clean_hostname(hostname), domain.name)
    if settings:
        patch = clean_settings_patch(session, runtime, principal, "domain", settings)
        domain.settings = runtime.registry.apply_patch(
            "domain", domain.settings, patch, prefix="settings"
        )
    session.add(domain)
    return domain


def clean_domain_status(status: str, *, field: str = "status") -> str:
    """``status`` if it is one of ``DOMAIN_STATUSES``; else ``INVALID``."""
    if status not in DOMAIN_STATUSES:
        raise InvalidInput(
            "Status must be enabled or disabled.", field=field, code="INVALID"
        )
    return status


def set_domain_status(session: Session, domain: Domain, status: str) -> Domain:
    """Enable or disable a domain; a disabled one's users can't log in or send.

    Nothing else changes: every check of a login, a session or a sending
    reads the domain's status as it is then, so no session needs revoking.
    Propagating ``status`` from the template relies on the same.
    """
    clean = clean_domain_status(status)
    lock_domain(session, domain)
    domain.status = clean
    session.add(domain)
    on_commit(session, lambda: logger.info("Domain %s is now %s.", domain.name, status))
    return domain


def rename_domain(
    session: Session, runtime: Runtime, domain: Domain, new_name: str
) -> Domain:
    """Give the domain a new name; addresses, hostname and folder follow.

    The folder follows when it is named after the domain (as the default
    one is): it moves beside itself under the new name.
    """
    from core.services.domain_aliases import check_domain_name_free, lock_domain_name

    new = clean_domain_name(new_name, field="newName")
    if new == domain.name:
        raise InvalidInput(
            "The new name is the current name.", field="newName", code="UNCHANGED"
        )
    # Locks in their one order (see ``domain_folders``); the row's last, so
    # that a rename that waited for another finds the old name gone.
    lock_domain_name(session, new)
    domain_folders.lock_folders(session)
    lock_domain(session, domain)
    check_domain_name_free(session, new, field="newName")
    old_name, old_folder = domain.name, Path(domain.folder)
    new_folder = old_folder.with_name(new) if old_folder.name == old_name else None
    if new_folder is not None:
        domain_folders.check_folder_free(session, new_folder, own_id=domain.id)

    hostname = _renamed_host(domain.hostname, old_name, new)
    domain.name = new
    domain.hostname = hostname
    if new_folder is not None:
        domain_folders.move_folder(session, old_folder, new_folder)
        domain.folder = str(new_folder)
    session.add(domain)
    _flush_unique(session, new, new_folder)
    rewrite_addresses(session, old_name, new)
    runtime.plugins.after_domain_rename(
        session=session, runtime=runtime, domain=domain, old_name=old_name
    )
    on_commit(session, lambda: logger.info("Renamed domain %s to %s.", old_name, new))
    return domain


def _renamed_host(hostname: str, old_name: str, new_name: str) -> str:
    if hostname.endswith(f".{old_name}"):
        renamed = hostname[: -len(old_name)] + new_name
        try:
            return expand_hostname(renamed, new_name, field="newName")
        except InvalidInput:
            raise InvalidInput(
                f"The hostname would become {renamed!r}, which is too long for "
                "a host name; choose a shorter name or change the hostname first.",
                field="newName",
                code="HOSTNAME_TOO_LONG",
            ) from None
    return new_name if hostname == old_name else hostname


def _new_hostname(given: str | None, pattern: str, name: str) -> str:
    """The new domain's hostname: the one given, or the template's pattern."""
    if given:
        return expand_hostname(clean_hostname(given), name)
    try:
        return expand_hostname(pattern, name, field="name")
    except InvalidInput:
        raise InvalidInput(
            f"The domain defaults' hostname {pattern!r} is too long for the "
            f"name {name!r}; give a hostname or a shorter name.",
            field="name",
            code="TEMPLATE_VALUE_INVALID",
        ) from None


def change_domain_path(
    session: Session, runtime: Runtime, domain: Domain, raw: str
) -> Domain:
    """Move the domain's folder and everything in it (see ``domain_folders``)."""
    folder = domain_folders.clean_folder(runtime.config, raw, domain.name)
    domain_folders.lock_folders(session)
    old = Path(lock_domain(session, domain).folder)
    if folder == old:
        raise InvalidInput(
            "The domain already lives there.", field="folder", code="UNCHANGED"
        )
    domain_folders.check_not_nested(old, folder)
    domain_folders.check_folder_free(session, folder, own_id=domain.id)

    domain_folders.move_folder(session, old, folder)
    domain.folder = str(folder)
    session.add(domain)
    on_commit(
        session, lambda: logger.info("Moved domain %s to %s.", domain.name, folder)
    )
    return domain


def change_domain_admin(
    session: Session,
    runtime: Runtime,
    domain: Domain,
    username: str,
    password: str | None,
) -> Domain:
    """Make an existing user, or a new one, the primary domain administrator."""
    local_part = clean_local_part(username, field="username")
    if password:
        validate_password(password, field="password")
    lock_domain(session, domain)
    user = session.exec(
        select(User).where(User.domain_id == domain.id, User.local_part == local_part)
    ).first()

    if user is None:
        user = _new_admin(session, runtime, domain, local_part, password)
    elif password:
        user.password_hash = hash_password(password)
    user.is_domain_admin = True
    session.add(user)
    domain.primary_admin_id = user.id
    session.add(domain)
    return domain


def _new_admin(session, runtime, domain, local_part, password) -> User:
    if not password:
        raise InvalidInput(
            "A new domain administrator needs a password.",
            field="password",
            code="REQUIRED",
        )
    settings = user_template(session, runtime, domain.name, field="username")
    user = _add_admin(session, runtime, domain, local_part, password, settings)
    domain_folders.create_folder(session, Path(domain.folder) / local_part)
    return user


def delete_domain(
    session: Session, runtime: Runtime, domain: Domain, delete_files: bool
) -> None:
    """Delete the domain's rows; its folder too once that has committed.

    The folder stays if another domain's folder is inside it or around it,
    which no claim allows but a folder set by hand might.
    """
    if delete_files:
        domain_folders.lock_folders(session)
    lock_domain(session, domain)
    runtime.plugins.before_domain_delete(
        session=session, runtime=runtime, domain=domain
    )
    domain_id, name, folder = domain.id, domain.name, Path(domain.folder)
    session.delete(domain)
    session.flush()
    if delete_files:
        _remove_folder_after_commit(session, folder, domain_id)
    on_commit(
        session,
        lambda: runtime.plugins.after_domain_delete(
            runtime=runtime, domain_id=domain_id, name=name
        ),
    )
    on_commit(session, lambda: logger.info("Deleted domain %s.", name))


def _remove_folder_after_commit(session: Session, folder: Path, domain_id: int) -> None:
    # Limitation: the folders' lock ends at the commit, before the removal;
    # a domain created in that moment with a folder inside this one loses
    # it — removing the tree while holding the lock (in a job) would lift it.
    if domain_folders.holds_other_domain(session, folder, own_id=domain_id):
        logger.warning(
            "Kept folder %s: another domain's folder lies inside or around it.",
            folder,
        )
        return
    on_commit(session, lambda: domain_folders.remove_tree(folder))


def get_domain_by_id(session: Session, domain_id: int) -> Domain:
    domain = session.get(Domain, domain_id)
    if domain is None:
        raise NotFound("No such domain.", code="DOMAIN_NOT_FOUND")
    return domain
