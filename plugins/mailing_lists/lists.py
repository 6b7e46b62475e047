"""Mailing lists: creating them within the domain's limit, changing, deleting.

Every change that adds or renames an address first locks the domain row
(the conditional UPDATE of its count, or a row lock), as users and aliases
do, so an address is checked free and taken with no other change between.
"""

import logging
import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.db import on_commit
from core.errors import Conflict, InvalidInput, LimitReached, NotFound, PermissionDenied
from core.models import Domain
from core.pagination import Page, clean_search
from core.principal import Principal, require_authenticated
from core.runtime import Runtime
from core.services.domain_aliases import find_domain_by_alias
from core.services.scope import administers, find_domain, require_managed_domain
from core.services.user_fields import clean_target_address, split_mailbox_address
from core.services.user_list import keyset_after, parse_text
from core.services.users import check_address_free
from core.validation import clean_domain_name
from plugins.mailing_lists.models import MailingList, PostingPolicy
from plugins.mailing_lists.settings import UNLIMITED, read_settings

logger = logging.getLogger(__name__)

MAX_MODERATORS = 50
MAX_DESCRIPTION = 512
# A list's name is also the label of its List-Id (RFC 2919): plain ASCII.
LIST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9_+-]|\.(?!\.))*")


@dataclass(frozen=True)
class ListCreate:
    email: str
    description: str = ""
    posting_policy: PostingPolicy = PostingPolicy.SUBSCRIBERS
    moderators: tuple[str, ...] = ()


def list_address(mailing_list: MailingList, domain: Domain) -> str:
    return f"{mailing_list.local_part}@{domain.name}"


# Finding lists, as a caller or as the mail transport.


def require_lists_domain(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    name: str,
    *,
    field: str = "domain",
) -> Domain:
    """A domain the caller administers and may keep lists in."""
    domain = require_managed_domain(session, principal, name, field=field)
    check_lists_allowed(runtime, principal, domain)
    return domain


def check_lists_allowed(runtime: Runtime, principal: Principal, domain: Domain) -> None:
    """Domain administrators use lists only where the domain enables them."""
    if principal.is_system_admin or read_settings(runtime, domain).enabled:
        return
    raise PermissionDenied(
        f"Mailing lists are off for {domain.name}.", code="MAILING_LISTS_DISABLED"
    )


def check_domain_sends(domain: Domain, *, field: str | None = None) -> None:
    """A disabled domain sends no mail (it still receives it), so its lists
    neither deliver posts nor answer commands: ``DOMAIN_DISABLED``."""
    if domain.status == "enabled":
        return
    raise PermissionDenied(
        f"The domain {domain.name} is disabled and sends no mail.",
        field=field,
        code="DOMAIN_DISABLED",
    )


def require_list(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    email: str,
    *,
    field: str = "list",
) -> tuple[MailingList, Domain]:
    """The list, if the caller administers its domain; else ``LIST_NOT_FOUND``."""
    require_authenticated(principal)
    found = find_list(session, email)
    if found is None or not administers(principal, found[1].id):
        raise list_not_found(email, field)
    check_lists_allowed(runtime, principal, found[1])
    return found


def find_list(session: Session, email: str) -> tuple[MailingList, Domain] | None:
    """The list at this address, under its domain's name or a domain alias's."""
    try:
        local_part, domain_name = split_mailbox_address(email)
    except InvalidInput:
        return None
    domain = find_mail_domain(session, domain_name)
    if domain is None:
        return None
    mailing_list = find_domain_list(session, domain, local_part)
    return None if mailing_list is None else (mailing_list, domain)


def find_mail_domain(session: Session, name: str) -> Domain | None:
    """The domain that mail to ``name`` reaches: the domain of that name, or
    the one a domain alias of that name points to."""
    try:
        clean = clean_domain_name(name)
    except InvalidInput:
        return None
    return find_domain(session, clean) or find_domain_by_alias(session, clean)


def find_domain_list(
    session: Session, domain: Domain, local_part: str
) -> MailingList | None:
    return session.execute(
        select(MailingList).where(
            MailingList.domain_id == domain.id, MailingList.local_part == local_part
        )
    ).scalar_one_or_none()


def list_not_found(email: str, field: str = "list") -> NotFound:
    return NotFound(f"No mailing list {email!r}.", field=field, code="LIST_NOT_FOUND")


def list_lists(
    session: Session, domain: Domain, *, first: int, after: str | None, search: str
) -> Page:
    """A domain's lists by address; the kept count is the total unless searched."""
    conditions = [MailingList.domain_id == domain.id]
    total = domain.mailing_list_count
    needle = clean_search(search, field="search")
    if needle:
        conditions.append(MailingList.local_part.contains(needle, autoescape=True))
        total = session.execute(
            select(func.count(MailingList.id)).where(*conditions)
        ).scalar_one()
    if after:
        column = MailingList.local_part
        conditions.append(
            keyset_after(column, MailingList.id, after, False, parse_text)
        )
    rows = session.execute(
        select(MailingList)
        .where(*conditions)
        .order_by(MailingList.local_part, MailingList.id)
        .limit(first + 1)
    ).scalars()
    rows = list(rows)
    return Page(rows[:first], total, len(rows) > first, after is not None)


# Changes.


def create_list(
    session: Session, runtime: Runtime, principal: Principal, data: ListCreate
) -> tuple[MailingList, Domain]:
    """Create a list at an address no user, alias or list of the domain has."""
    require_authenticated(principal)
    local_part, domain_name = split_mailbox_address(data.email)
    domain = require_lists_domain(
        session, runtime, principal, domain_name, field="email"
    )
    name = clean_list_name(runtime, domain, local_part, field="email")
    description = clean_description(data.description)
    moderators = clean_moderators(data.moderators)

    reserve_list_place(session, domain, read_settings(runtime, domain).max_lists)
    check_address_free(session, domain, name)
    mailing_list = MailingList(
        domain_id=domain.id,
        local_part=name,
        description=description,
        posting_policy=data.posting_policy.value,
        moderators=moderators,
    )
    session.add(mailing_list)
    _flush(session, f"{name}@{domain.name}", "email")
    address = list_address(mailing_list, domain)
    on_commit(session, lambda: logger.info("Created mailing list %s.", address))
    return mailing_list, domain


def reserve_list_place(session: Session, domain: Domain, limit: int) -> None:
    """Count one more list, or raise ``LimitReached``: one conditional UPDATE.

    The UPDATE also locks the domain row (PostgreSQL) for the rest of the
    transaction; SQLite's write lock is held already.
    """
    conditions = [Domain.id == domain.id]
    if limit != UNLIMITED:
        conditions.append(Domain.mailing_list_count < limit)
    result = session.execute(
        update(Domain)
        .where(*conditions)
        .values(mailing_list_count=Domain.mailing_list_count + 1)
    )
    if result.rowcount != 1:
        raise LimitReached(
            f"The domain {domain.name} already has its {limit} mailing lists.",
            code="MAILING_LIST_LIMIT_REACHED",
        )


def rename_list(
    session: Session, runtime: Runtime, principal: Principal, email: str, new_name: str
) -> tuple[MailingList, Domain]:
    """Give a list another address on its domain; subscribers stay."""
    mailing_list, domain = require_list(session, runtime, principal, email)
    name = clean_list_name(runtime, domain, new_name, field="newName")
    if name == mailing_list.local_part:
        raise InvalidInput(
            "The new name is the current name.", field="newName", code="UNCHANGED"
        )

    session.execute(select(Domain.id).where(Domain.id == domain.id).with_for_update())
    check_address_free(session, domain, name, field="newName")
    old = list_address(mailing_list, domain)
    mailing_list.local_part = name
    session.add(mailing_list)
    _flush(session, f"{name}@{domain.name}", "newName")
    new = list_address(mailing_list, domain)
    on_commit(session, lambda: logger.info("Renamed mailing list %s to %s.", old, new))
    return mailing_list, domain


def update_list(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    email: str,
    *,
    description: str | None = None,
    posting_policy: PostingPolicy | None = None,
    moderators: list[str] | None = None,
) -> tuple[MailingList, Domain]:
    """Change a list's description, posting policy or moderators (a patch)."""
    mailing_list, domain = require_list(session, runtime, principal, email)
    if description is not None:
        mailing_list.description = clean_description(description)
    if posting_policy is not None:
        mailing_list.posting_policy = posting_policy.value
    if moderators is not None:
        mailing_list.moderators = clean_moderators(moderators)
    session.add(mailing_list)
    return mailing_list, domain


def delete_list(
    session: Session, runtime: Runtime, principal: Principal, email: str
) -> str:
    """Delete a list with its subscribers, confirmations and posts."""
    mailing_list, domain = require_list(session, runtime, principal, email)
    address = list_address(mailing_list, domain)
    session.execute(
        update(Domain)
        .where(Domain.id == domain.id)
        .values(mailing_list_count=Domain.mailing_list_count - 1)
    )
    session.delete(mailing_list)
    session.flush()
    on_commit(session, lambda: logger.info("Deleted mailing list %s.", address))
    return address


# Cleaning input.


def clean_list_name(runtime: Runtime, domain: Domain, raw: str, *, field: str) -> str:
    """A list's local part: plain ASCII, and not the domain's command address."""
    name = raw.strip().lower()
    if len(name) > 64 or not LIST_NAME.fullmatch(name):
        raise InvalidInput(
            "A list name has letters, digits and . _ + - only.",
            field=field,
            code="INVALID_ADDRESS",
        )
    if name == read_settings(runtime, domain).command_address:
        raise Conflict(
            f"{name}@{domain.name} is the domain's list command address.",
            field=field,
            code="COMMAND_ADDRESS",
        )
    return name


def clean_description(raw: str) -> str:
    text = raw.strip()
    if len(text) > MAX_DESCRIPTION or not text.isprintable():
        raise InvalidInput(
            f"A description is one printable line of at most {MAX_DESCRIPTION} "
            "characters.",
            field="description",
            code="INVALID",
        )
    return text


def clean_moderators(raw) -> list[str]:
    if len(raw) > MAX_MODERATORS:
        raise InvalidInput(
            f"A list has at most {MAX_MODERATORS} moderators.",
            field="moderators",
            code="TOO_MANY_MODERATORS",
        )
    return list(dict.fromkeys(clean_target_address(a, field="moderators") for a in raw))


def _flush(session: Session, address: str, field: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"{address} is taken.", field=field, code="MAILING_LIST_EXISTS"
        ) from None
