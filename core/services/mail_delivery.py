"""Delivering a message to a user: the one way into a mailbox.

The steps, and why in this order:

1. One transaction reserves the message's bytes: a conditional
   ``UPDATE ... SET disk_used_bytes = disk_used_bytes + :n`` on the domain,
   then on the user, each only while the bytes fit its limit. A refusal
   changes nothing and raises ``QuotaExceeded``.
2. The message is written to disk (``core.mailstore.deliver``).
3. If the write fails, the bytes are given back. If a message key found the
   message already delivered, they are given back too: the attempt that
   stored it had reserved them before writing.

Reserving first means usage never falls short of what is on disk, and a
keyed delivery repeated after a crash is counted once. A crash between 1
and 2 leaves bytes counted for a message that is not there; the next
``recalculate_disk_usage`` corrects it.

The first refusal for a full mailbox or domain sends the domain's primary
administrator a warning into its Inbox; ``core.services.disk_usage`` says
when the next one may follow.
"""

import logging
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.db import session_scope
from core.errors import NotFound
from core.mailstore import DeliveredMessage, QuotaExceeded, deliver, locate_user_dir
from core.models import DiskWarning, Domain, User
from core.services.disk_usage import (
    MIB,
    REARM_RATIO,
    add_usage,
    domain_limit_bytes,
    domain_subject,
    rearm_mark,
    user_limit_bytes,
    user_subject,
)
from core.services.postmaster import postmaster_address

logger = logging.getLogger(__name__)

INBOX = "Inbox"


@dataclass(frozen=True)
class Mailbox:
    """A user as a delivery needs it: where its mail goes, what it may hold."""

    user_id: int
    local_part: str
    domain_id: int
    domain_name: str
    domain_folder: str
    user_used: int
    user_limit: int | None
    domain_used: int
    domain_limit: int

    @property
    def address(self) -> str:
        return f"{self.local_part}@{self.domain_name}"

    def user_dir(self) -> Path:
        """The user's folder, made if the domain's folder exists without it."""
        user_dir = locate_user_dir(self.domain_folder, self.local_part)
        if not user_dir.exists() and Path(self.domain_folder).is_dir():
            user_dir.mkdir(mode=0o700, exist_ok=True)
        return user_dir


def deliver_to_user(
    runtime: Any,
    user_id: int,
    raw: bytes,
    *,
    folder_path: str = INBOX,
    message_key: str | None = None,
) -> DeliveredMessage:
    """Store ``raw`` in a folder of user ``user_id`` and count its bytes.

    ``message_key`` makes a repeated delivery (a redelivered job) store and
    count nothing the second time. Raises ``QuotaExceeded`` (``field`` is
    ``user`` or ``domain``) when the message does not fit, ``NotFound`` for
    a user that is gone, and the mail store's errors (``FolderNotFound``,
    ``UnsafePath``, ``NotMail``).
    """
    # Limitation: a crash after the reservation commits and before the write
    # leaves its bytes counted for no message — recalculateDiskUsage repairs
    # it; a reservation row swept by the worker's start-up would lift it.
    size = len(raw)
    mailbox = reserve_space(runtime, user_id, size)
    try:
        delivered = deliver(
            mailbox.user_dir(), folder_path, raw, message_key=message_key
        )
    except BaseException:
        _give_back(runtime, mailbox, size)
        raise

    if not delivered.created:
        _give_back(runtime, mailbox, size)
    return delivered


def reserve_space(runtime: Any, user_id: int, size: int) -> Mailbox:
    """Count ``size`` more bytes for a user and its domain, or refuse.

    A refusal sends the warning of a first crossing, then raises
    ``QuotaExceeded``.
    """
    try:
        with session_scope(runtime.engine) as session:
            mailbox = load_mailbox(session, runtime, user_id)
            _take_space(session, mailbox, size)
            _rearm_if_low(session, mailbox, size)
    except QuotaExceeded as refused:
        warn_once(runtime, mailbox, refused.field)
        raise
    return mailbox


def load_mailbox(session: Session, runtime: Any, user_id: int) -> Mailbox:
    row = session.execute(
        select(
            User.local_part,
            User.disk_used_bytes,
            User.mailbox_size_mb,
            Domain.id,
            Domain.name,
            Domain.folder,
            Domain.disk_used_bytes,
            Domain.settings,
        )
        .join(Domain, Domain.id == User.domain_id)
        .where(User.id == user_id)
    ).first()
    if row is None:
        raise NotFound(f"No user {user_id}.", code="USER_NOT_FOUND")
    local_part, user_used, size_mb, domain_id, name, folder, domain_used, settings = row
    return Mailbox(
        user_id,
        local_part,
        domain_id,
        name,
        folder,
        user_used,
        user_limit_bytes(size_mb),
        domain_used,
        domain_limit_bytes(runtime, settings),
    )


def _take_space(session: Session, mailbox: Mailbox, size: int) -> None:
    # The domain row first, as every change of a domain's counts does.
    taken = session.execute(
        update(Domain)
        .where(
            Domain.id == mailbox.domain_id,
            Domain.disk_used_bytes + size <= mailbox.domain_limit,
        )
        .values(disk_used_bytes=Domain.disk_used_bytes + size)
    )
    if taken.rowcount != 1:
        raise _refusal(mailbox, size, "domain")

    fits = [User.id == mailbox.user_id]
    if mailbox.user_limit is not None:
        fits.append(User.disk_used_bytes + size <= mailbox.user_limit)
    taken = session.execute(
        update(User).where(*fits).values(disk_used_bytes=User.disk_used_bytes + size)
    )
    if taken.rowcount != 1:
        raise _refusal(mailbox, size, "user")


def _refusal(mailbox: Mailbox, size: int, whose: str) -> QuotaExceeded:
    what = mailbox.address if whose == "user" else mailbox.domain_name
    return QuotaExceeded(
        f"A message of {size} bytes does not fit in the disk space left to {what}.",
        field=whose,
    )


def _rearm_if_low(session: Session, mailbox: Mailbox, size: int) -> None:
    """Delete the warning marks of a mailbox and domain back under their mark.

    A limit raised since the warning is what usually brings a mailbox back
    under its mark without a recalculation.
    """
    subjects = []
    user_mark = rearm_mark(mailbox.user_limit)
    if user_mark is None or mailbox.user_used + size < user_mark:
        subjects.append(user_subject(mailbox.user_id))
    if mailbox.domain_used + size < rearm_mark(mailbox.domain_limit):
        subjects.append(domain_subject(mailbox.domain_id))
    if subjects:
        session.execute(delete(DiskWarning).where(DiskWarning.subject.in_(subjects)))


def _give_back(runtime: Any, mailbox: Mailbox, size: int) -> None:
    with session_scope(runtime.engine) as session:
        add_usage(session, mailbox.user_id, mailbox.domain_id, -size)


# Warnings.


def warn_once(runtime: Any, mailbox: Mailbox, whose: str | None) -> bool:
    """Warn the domain's primary administrator, unless already warned.

    The warning mark and the message are written in one transaction: of
    concurrent refusals, one inserts the mark and the others find it. The
    warning is stored whatever the administrator's space (it is counted, not
    refused). Returns whether a warning went out; a failure is logged, not
    raised, and leaves no mark, so the next refusal tries again.
    """
    subject = (
        user_subject(mailbox.user_id)
        if whose == "user"
        else domain_subject(mailbox.domain_id)
    )
    try:
        with session_scope(runtime.engine) as session:
            if not _mark_warned(session, mailbox, subject, whose == "user"):
                return False
            return _send_warning(session, runtime, mailbox, whose == "user")
    except Exception:
        # The refusal stands whatever happens to its warning.
        logger.exception("Could not send the disk space warning for %s.", subject)
        return False


def _mark_warned(
    session: Session, mailbox: Mailbox, subject: str, of_user: bool
) -> bool:
    exists = session.execute(
        select(DiskWarning.id).where(DiskWarning.subject == subject)
    ).first()
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                DiskWarning(
                    subject=subject,
                    domain_id=mailbox.domain_id,
                    user_id=mailbox.user_id if of_user else None,
                )
            )
    except IntegrityError:
        return False  # a concurrent refusal marked it first
    return True


def _send_warning(
    session: Session, runtime: Any, mailbox: Mailbox, of_user: bool
) -> bool:
    admin = session.execute(
        select(User.id, User.local_part)
        .join(Domain, Domain.primary_admin_id == User.id)
        .where(Domain.id == mailbox.domain_id)
    ).first()
    if admin is None:
        logger.warning("Domain %s has no administrator to warn.", mailbox.domain_name)
        return False

    admin_id, admin_local = admin
    admin_box = replace(mailbox, user_id=admin_id, local_part=admin_local)
    domain = session.get(Domain, mailbox.domain_id)
    sender = postmaster_address(session, runtime, domain)
    raw = compose_warning(mailbox, admin_box.address, of_user, sender=sender)
    delivered = deliver(admin_box.user_dir(), INBOX, raw)
    add_usage(session, admin_id, mailbox.domain_id, delivered.size)
    logger.info(
        "Warned %s that %s is full.", admin_box.address, _what(mailbox, of_user)
    )
    return True


def _what(mailbox: Mailbox, of_user: bool) -> str:
    return f"mailbox {mailbox.address}" if of_user else f"domain {mailbox.domain_name}"


def compose_warning(
    mailbox: Mailbox, admin_address: str, of_user: bool, *, sender: str
) -> bytes:
    """The warning message, from the domain's postmaster to its administrator."""
    used, limit = (
        (mailbox.user_used, mailbox.user_limit)
        if of_user
        else (mailbox.domain_used, mailbox.domain_limit)
    )
    message = EmailMessage()
    message["From"] = f"Mail Server <{sender}>"
    message["To"] = admin_address
    message["Subject"] = f"Disk space full: {_what(mailbox, of_user)}"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=mailbox.domain_name)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"The {_what(mailbox, of_user)} uses {used / MIB:.1f} MB of its "
        f"{(limit or 0) / MIB:.0f} MB and refuses new mail.\n\n"
        "Free some space or raise the limit. This warning is sent once; "
        "another follows if the space runs out again after usage has fallen "
        f"back under {REARM_RATIO:.0%} of the limit.\n"
    )
    return message.as_bytes()
