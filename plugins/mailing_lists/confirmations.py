"""Confirmation tokens: a subscription changes only for who reads the mailbox.

A request by mail stores the SHA-256 of a random token and mails the token
to the address concerned (never to whoever sent the request, which may be
forged). Whoever sends the token back, by replying or with ``CONFIRM
<token>``, proves they read that mailbox; the change applies to the
address the token was mailed to. Tokens are single-use and expire.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from core.errors import InvalidInput
from core.models.base import as_utc, utcnow
from plugins.mailing_lists.models import (
    ConfirmationAction,
    MailingList,
    PendingConfirmation,
)

TOKEN_BYTES = 18
LIFETIME = timedelta(days=3)
# A repeated request within this time mails nothing: a forged sender can't
# make the list server flood someone's mailbox with confirmations.
RESEND_AFTER = timedelta(minutes=15)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_confirmation(
    session: Session,
    mailing_list: MailingList,
    address: str,
    action: ConfirmationAction,
) -> str | None:
    """A new token for the change (replacing an older one), or None when one
    was mailed within ``RESEND_AFTER``."""
    _forget_expired(session, mailing_list.id)
    earlier = _pending(session, mailing_list.id, address, action)
    if earlier is not None and as_utc(earlier.created_at) > utcnow() - RESEND_AFTER:
        return None
    if earlier is not None:
        session.delete(earlier)
        session.flush()

    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    session.add(
        PendingConfirmation(
            list_id=mailing_list.id,
            address=address,
            action=action.value,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    session.flush()
    return token


def _forget_expired(session: Session, list_id: int) -> None:
    session.execute(
        delete(PendingConfirmation).where(
            PendingConfirmation.list_id == list_id,
            PendingConfirmation.expires_at < utcnow(),
        )
    )


def _pending(
    session: Session, list_id: int, address: str, action: ConfirmationAction
) -> PendingConfirmation | None:
    return session.execute(
        select(PendingConfirmation)
        .where(
            PendingConfirmation.list_id == list_id,
            PendingConfirmation.address == address,
            PendingConfirmation.action == action.value,
        )
        .with_for_update()
    ).scalar_one_or_none()


def redeem(session: Session, token: str, domain_id: int) -> PendingConfirmation:
    """Take the confirmation a token stands for (of a list of the domain).

    The row is deleted, so a token works once. Raises ``InvalidInput``
    (``CONFIRMATION_NOT_FOUND`` or ``CONFIRMATION_EXPIRED``).
    """
    row = session.execute(
        select(PendingConfirmation)
        .join(MailingList, MailingList.id == PendingConfirmation.list_id)
        .where(
            PendingConfirmation.token_hash == token_hash(token),
            MailingList.domain_id == domain_id,
        )
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise InvalidInput(
            "No request waits for this token.",
            field="rawMessage",
            code="CONFIRMATION_NOT_FOUND",
        )
    if as_utc(row.expires_at) < utcnow():
        raise InvalidInput(
            "The token has expired; send the request again.",
            field="rawMessage",
            code="CONFIRMATION_EXPIRED",
        )
    session.execute(delete(PendingConfirmation).where(PendingConfirmation.id == row.id))
    return row
