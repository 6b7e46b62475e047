"""Mail carrying one-time codes: into a local mailbox, or over SMTP.

Services queue a message with ``queue_mail`` inside their transaction; the
plugin's mutation runner sends the queue once that transaction committed
(a local delivery takes its own transaction, which on SQLite can't start
while the caller's holds the write lock).
"""

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlmodel import Session, select

from core.db import session_scope
from core.errors import MailplaneError
from core.models import Domain, DomainAlias, User
from core.services.mail_delivery import deliver_to_user
from core.services.postmaster import postmaster_of
from core.services.smtp_relay import SmtpRelay, parse_smtp_url
from core.services.user_fields import split_mailbox_address

logger = logging.getLogger(__name__)

OUTBOX = "twostep.outbox"


class DeliveryFailed(MailplaneError):
    """Raised when a code could not be delivered to its address."""

    code = "DELIVERY_FAILED"


@dataclass(frozen=True)
class Outgoing:
    """A message waiting for its transaction to commit."""

    domain_name: str
    recipient: str
    subject: str
    text: str


def compose(domain_name: str, recipient: str, subject: str, text: str) -> Outgoing:
    """A plain message from the domain's postmaster, written when sent."""
    return Outgoing(domain_name, recipient, subject, text)


def render(message: Outgoing, sender: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=message.domain_name)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text)
    return mail.as_bytes()


def queue_mail(session: Session, message: Outgoing) -> None:
    session.info.setdefault(OUTBOX, []).append(message)


def queued_mail(session: Session) -> list[Outgoing]:
    return list(session.info.get(OUTBOX, []))


def send(runtime, message: Outgoing) -> None:
    """Deliver to a local mailbox if the address has one, else over SMTP.

    Raises ``DeliveryFailed`` when neither takes the message.
    """
    with session_scope(runtime.engine, write=False) as session:
        user_id = local_user_id(session, message.recipient)
        sender = postmaster_of(session, runtime, message.domain_name)
    raw = render(message, sender)
    try:
        if user_id is not None:
            deliver_to_user(runtime, user_id, raw)
        else:
            _relay(runtime, sender, message.recipient, raw)
    except DeliveryFailed as exc:
        logger.warning("A two-step code was not delivered: %s", exc.message)
        raise
    except MailplaneError as exc:
        logger.warning("A two-step code was not delivered: %s.", exc.code)
        raise DeliveryFailed(
            "The code could not be delivered; try again later.", field="email"
        ) from exc
    logger.info("Sent a two-step code to %s.", message.recipient)


def _relay(runtime, sender: str, recipient: str, raw: bytes) -> None:
    url = runtime.config.smtp_url
    if not url:
        raise DeliveryFailed(
            f"{recipient} is not a local mailbox and MAILPLANE_SMTP_URL is not set.",
            field="email",
        )
    with SmtpRelay(parse_smtp_url(url)) as relay:
        refusal = relay.send(sender, recipient, raw)
    if refusal is not None:
        raise DeliveryFailed(
            f"The SMTP server refused {recipient} ({refusal}).", field="email"
        )


def local_user_id(session: Session, address: str) -> int | None:
    """The user an address delivers to on a local domain or domain alias."""
    local_part, name = split_mailbox_address(address)
    on_domain = select(User.id).join(Domain, Domain.id == User.domain_id)
    on_alias = select(User.id).join(
        DomainAlias, DomainAlias.domain_id == User.domain_id
    )
    for query, named in ((on_domain, Domain.name), (on_alias, DomainAlias.name)):
        found = session.exec(
            query.where(named == name, User.local_part == local_part)
        ).first()
        if found is not None:
            return found
    return None
