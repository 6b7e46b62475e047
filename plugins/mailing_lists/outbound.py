"""Single messages the list server writes itself: answers to commands.

An answer goes into the recipient's Inbox when the address is local, else
through the SMTP relay (``MAILPLANE_SMTP_URL``); with neither, the command
is refused, since a confirmation nobody receives helps no one.
"""

import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlmodel import Session

from core.db import on_commit
from core.errors import InvalidInput
from core.services.smtp_relay import SmtpRelay, parse_smtp_url
from plugins.mailing_lists.store import deliver_local, find_local_users

logger = logging.getLogger(__name__)


def compose(sender: str, to: str, subject: str, body: str) -> bytes:
    """A plain-text automatic answer (RFC 3834's Auto-Submitted)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-replied"
    message.set_content(body)
    return message.as_bytes()


def send_answer(
    session: Session, runtime, *, sender: str, to: str, subject: str, body: str
) -> None:
    """Send an answer; raise a ``MailplaneError`` when it can't go out.

    A local answer is delivered once the command's transaction committed:
    delivery counts disk usage in a transaction of its own, which must not
    wait for the command's locks. A failure then is logged; the command
    stands and may be sent again. A remote answer goes out at once, so a
    relay that refuses it or is down undoes the command.
    """
    raw = compose(sender, to, subject, body)
    local = find_local_users(session, [to]).get(to)
    if local is not None:
        on_commit(session, lambda: _deliver_answer(runtime, local.user_id, raw))
        return
    _relay(runtime, sender, to, raw)


def _deliver_answer(runtime, user_id: int, raw: bytes) -> None:
    code = deliver_local(runtime, user_id, raw, None)
    if code is not None:
        logger.warning("An answer of the list server was not stored: %s.", code)


def _relay(runtime, sender: str, to: str, raw: bytes) -> None:
    if not runtime.config.smtp_url:
        raise InvalidInput(
            f"{to} is not local and no SMTP relay is configured.",
            field="rawMessage",
            code="NO_RELAY",
        )
    with SmtpRelay(parse_smtp_url(runtime.config.smtp_url)) as relay:
        code = relay.send(sender, to, raw)
    if code is not None:
        logger.warning("An answer of the list server was refused: %s.", code)
        raise InvalidInput(
            f"The answer to {to} was refused ({code}).",
            field="rawMessage",
            code="ANSWER_UNDELIVERABLE",
        )
