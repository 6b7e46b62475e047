"""Addresses kept by the plugin that follow a renamed domain.

List addresses follow by themselves (domain id and local part); what names
an address in full is rewritten: subscribers, moderators, and pending
confirmations, which are simply dropped (a new request mails a new token).
"""

from sqlalchemy import String, cast, delete, exists, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from plugins.mailing_lists.models import MailingList, PendingConfirmation, Subscriber


def follow_domain_rename(session: Session, old_name: str, new_name: str) -> None:
    """Point stored ``…@old_name`` addresses at ``new_name``."""
    _rename_subscribers(session, old_name, new_name)
    session.execute(
        delete(PendingConfirmation).where(
            PendingConfirmation.address.endswith(f"@{old_name}", autoescape=True)
        )
    )
    mentioning = cast(MailingList.moderators, String).like(f"%@{old_name}%")
    for mailing_list in session.execute(
        select(MailingList).where(mentioning)
    ).scalars():
        mailing_list.moderators = _renamed(mailing_list.moderators, old_name, new_name)
        session.add(mailing_list)


def _rename_subscribers(session: Session, old_name: str, new_name: str) -> None:
    # A list that has both addresses keeps the old one as it was: renaming
    # it would subscribe one mailbox twice.
    local_part = func.substr(
        Subscriber.address, 1, func.length(Subscriber.address) - len(old_name) - 1
    )
    renamed = local_part + f"@{new_name}"
    twin = aliased(Subscriber)
    session.execute(
        update(Subscriber)
        .where(
            Subscriber.address.endswith(f"@{old_name}", autoescape=True),
            ~exists().where(
                twin.list_id == Subscriber.list_id, twin.address == renamed
            ),
        )
        .values(address=renamed),
        execution_options={"synchronize_session": False},
    )


def _renamed(addresses: list[str], old_name: str, new_name: str) -> list[str]:
    suffix = f"@{old_name}"
    return [
        address[: -len(suffix)] + f"@{new_name}"
        if address.endswith(suffix)
        else address
        for address in addresses
    ]
