"""The subscribers of a list: adding and removing them, and listing them.

Every change first locks the list row, then checks and writes, and keeps
``subscriber_count`` in the same transaction, so the count stays exact
whatever runs at once (an import, a confirmation, an administrator).
"""

import logging

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import Conflict, InvalidInput, NotFound
from core.pagination import Page, clean_search
from core.principal import Principal
from core.runtime import Runtime
from core.services.user_fields import clean_target_address
from core.services.user_list import keyset_after, parse_text
from plugins.mailing_lists.addresses import canonical_address
from plugins.mailing_lists.lists import require_list
from plugins.mailing_lists.models import MailingList, Subscriber

logger = logging.getLogger(__name__)

MAX_DISPLAY_NAME = 255


def clean_subscriber_address(raw: str, *, field: str = "email") -> str:
    return clean_target_address(raw, field=field)


def clean_display_name(raw: str, *, field: str = "displayName") -> str:
    name = raw.strip()
    if len(name) > MAX_DISPLAY_NAME or not name.isprintable():
        raise InvalidInput(
            f"A display name is one printable line of at most {MAX_DISPLAY_NAME} "
            "characters.",
            field=field,
            code="INVALID",
        )
    return name


def lock_list(session: Session, list_id: int) -> None:
    """Hold the list row until commit (PostgreSQL); raise if it is gone."""
    found = session.execute(
        select(MailingList.id).where(MailingList.id == list_id).with_for_update()
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("The mailing list no longer exists.", code="LIST_NOT_FOUND")


def subscribe(
    session: Session, mailing_list: MailingList, address: str, display_name: str = ""
) -> Subscriber | None:
    """Add a normalised address; None when it is subscribed already."""
    lock_list(session, mailing_list.id)
    address = canonical_address(session, address)
    if find_subscriber(session, mailing_list.id, address) is not None:
        return None
    subscriber = Subscriber(
        list_id=mailing_list.id, address=address, display_name=display_name
    )
    session.add(subscriber)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"{address} subscribed at the same moment.",
            field="email",
            code="CONCURRENT_CHANGE",
        ) from None
    change_count(session, mailing_list.id, 1)
    return subscriber


def unsubscribe(session: Session, mailing_list: MailingList, address: str) -> bool:
    """Remove a normalised address; False when it was not subscribed."""
    lock_list(session, mailing_list.id)
    address = canonical_address(session, address)
    result = session.execute(
        delete(Subscriber).where(
            Subscriber.list_id == mailing_list.id, Subscriber.address == address
        )
    )
    if result.rowcount == 0:
        return False
    change_count(session, mailing_list.id, -result.rowcount)
    return True


def change_count(session: Session, list_id: int, change: int) -> None:
    session.execute(
        update(MailingList)
        .where(MailingList.id == list_id)
        .values(subscriber_count=MailingList.subscriber_count + change)
    )


def find_subscriber(session: Session, list_id: int, address: str) -> Subscriber | None:
    return session.execute(
        select(Subscriber).where(
            Subscriber.list_id == list_id, Subscriber.address == address
        )
    ).scalar_one_or_none()


# What administrators call.


def add_subscriber(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    list_email: str,
    email: str,
    display_name: str = "",
) -> tuple[Subscriber, MailingList]:
    """Subscribe an address at once: an administrator needs no confirmation."""
    mailing_list, _domain = require_list(session, runtime, principal, list_email)
    address = clean_subscriber_address(email)
    subscriber = subscribe(
        session, mailing_list, address, clean_display_name(display_name)
    )
    if subscriber is None:
        raise Conflict(
            f"{address} is subscribed already.", field="email", code="SUBSCRIBER_EXISTS"
        )
    return subscriber, mailing_list


def remove_subscriber(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    list_email: str,
    email: str,
) -> str:
    mailing_list, _domain = require_list(session, runtime, principal, list_email)
    address = clean_subscriber_address(email)
    if not unsubscribe(session, mailing_list, address):
        raise NotFound(
            f"{address} is not subscribed.", field="email", code="SUBSCRIBER_NOT_FOUND"
        )
    return address


def list_subscribers(
    session: Session,
    mailing_list: MailingList,
    *,
    first: int,
    after: str | None,
    search: str | None,
) -> Page:
    """Subscribers by address, a page in one query (two when searched)."""
    conditions = [Subscriber.list_id == mailing_list.id]
    total = mailing_list.subscriber_count
    needle = clean_search(search, field="search")
    if needle:
        conditions.append(Subscriber.address.contains(needle, autoescape=True))
        total = session.execute(
            select(func.count(Subscriber.id)).where(*conditions)
        ).scalar_one()
    if after:
        column = Subscriber.address
        conditions.append(keyset_after(column, Subscriber.id, after, False, parse_text))
    rows = session.execute(
        select(Subscriber)
        .where(*conditions)
        .order_by(Subscriber.address, Subscriber.id)
        .limit(first + 1)
    ).scalars()
    rows = list(rows)
    return Page(rows[:first], total, len(rows) > first, after is not None)
