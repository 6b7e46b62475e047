"""What the restore, delivery and disk usage tests share: mail, stores, users.

The corpus is built with the ``email`` package: plain and multipart
messages, attachments, non-ASCII headers both encoded and raw UTF-8, and
files that are not mail (a broken header, a multipart cut short, binary
data, an empty file, headers with no end). Stores on disk are written with
``mailbox.Maildir``, as another mail server or a backup would leave them.
"""

import mailbox
import random
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from sqlalchemy import select, update

from core.db import session_scope
from core.mailstore import folder_usage
from core.models import Domain, User
from core.principal import Principal, Role

MIB = 1024 * 1024


def _message(subject: str, sender: str = "Alice <alice@example.com>") -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "carol@example.com"
    message["Subject"] = subject
    message["Date"] = formatdate(1_700_000_000)
    message["Message-ID"] = make_msgid(domain="example.com")
    return message


def plain(subject: str = "Plain words", body: str = "Hello there.\n") -> bytes:
    message = _message(subject)
    message.set_content(body)
    return message.as_bytes()


def alternative() -> bytes:
    message = _message("Newsletter")
    message.set_content("Plain version.\n" * 30)
    message.add_alternative("<p>HTML version.</p>\n" * 30, subtype="html")
    return message.as_bytes()


def with_attachment() -> bytes:
    message = _message("Report attached")
    message.set_content("See the attachment.\n")
    data = random.Random(5).randbytes(4000)
    message.add_attachment(
        data, maintype="application", subtype="pdf", filename="report.pdf"
    )
    return message.as_bytes()


def encoded_headers() -> bytes:
    message = _message("Grüße aus Zürich — 東京", "Jürgen Müller <j@example.com>")
    message.set_content("Grüezi mitenand.\n")
    return message.as_bytes()


def raw_utf8_headers() -> bytes:
    return (
        "From: Łukasz <lukasz@example.com>\r\n"
        "To: carol@example.com\r\n"
        "Subject: Zażółć gęślą jaźń\r\n"
        "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
        "\r\n"
        "Treść wiadomości.\r\n"
    ).encode()


VALID = {
    "plain": plain,
    "alternative": alternative,
    "attachment": with_attachment,
    "encoded": encoded_headers,
    "utf8": raw_utf8_headers,
}


def invalid() -> dict[str, bytes]:
    """File name stem -> bytes that are not mail, with the code a restore gives."""
    cut = alternative()
    return {
        "broken_header": b"From: a@example.com\nthis line is no header\n\nbody\n",
        "truncated": cut[: len(cut) * 2 // 3],
        "binary": random.Random(9).randbytes(3000),
        "empty": b"",
        "no_end": b"From: a@example.com\nSubject: cut\n",
    }


INVALID_CODES = {
    "broken_header": "MALFORMED_HEADERS",
    "truncated": "TRUNCATED",
    "binary": "BINARY",
    "empty": "EMPTY",
    "no_end": "NO_BODY_SEPARATOR",
}


def corpus() -> dict[str, bytes]:
    """Every valid message by name."""
    return {name: build() for name, build in VALID.items()}


def write_eml(folder_dir: Path, messages: dict[str, bytes], sub: str = "") -> None:
    """Copy ``messages`` as ``<name>.eml`` files into a folder (or its ``sub``)."""
    target = folder_dir / sub if sub else folder_dir
    target.mkdir(parents=True, exist_ok=True)
    for name, raw in messages.items():
        (target / f"{name}.eml").write_bytes(raw)


def write_store(user_dir: Path, folders: dict[str, list[bytes]]) -> None:
    """A user's Maildir++ store as another server leaves it: no UID index.

    ``folders`` maps ``mailbox`` folder names (``""`` is the Inbox,
    ``INBOX.Projects``, ``Archive``) to the messages they hold.
    """
    user_dir.mkdir(parents=True, exist_ok=True)
    root = mailbox.Maildir(user_dir / "Maildir", create=True)
    for name, messages in folders.items():
        box = root if not name else root.add_folder(name)
        for raw in messages:
            box.add(raw)


def read_folder(user_dir: Path, name: str = "") -> list[bytes]:
    """The raw messages of a folder as ``mailbox.Maildir`` reads them."""
    if not (user_dir / "Maildir").is_dir():
        return []
    root = mailbox.Maildir(user_dir / "Maildir", create=False)
    box = root if not name else root.get_folder(name)
    return sorted(box.get_bytes(key) for key in box.iterkeys())


def uid_index(folder_dir: Path) -> dict[str, int]:
    """Basename -> UID from a folder's ``dovecot-uidlist``."""
    lines = (folder_dir / "dovecot-uidlist").read_text().splitlines()[1:]
    entries = (line.split(" :", 1) for line in lines)
    return {name: int(uid.split()[0]) for uid, name in entries}


def counters(runtime, domain: Domain, local_part: str) -> tuple[int, int]:
    """(the user's disk_used_bytes, its domain's)."""
    with session_scope(runtime.engine, write=False) as session:
        user_used = session.execute(
            select(User.disk_used_bytes).where(
                User.domain_id == domain.id, User.local_part == local_part
            )
        ).scalar_one()
        domain_used = session.get(Domain, domain.id).disk_used_bytes
    return user_used, domain_used


def exact_usage(domain: Domain, *local_parts: str) -> int:
    return sum(folder_usage(Path(domain.folder) / part) for part in local_parts)


def user_id_of(runtime, domain: Domain, local_part: str) -> int:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(
            select(User.id).where(
                User.domain_id == domain.id, User.local_part == local_part
            )
        ).scalar_one()


def set_user(runtime, user_id: int, **values) -> None:
    with session_scope(runtime.engine) as session:
        session.execute(update(User).where(User.id == user_id).values(**values))


def set_domain(runtime, domain_id: int, **values) -> None:
    with session_scope(runtime.engine) as session:
        session.execute(update(Domain).where(Domain.id == domain_id).values(**values))


def domain_admin_of(domain: Domain) -> Principal:
    return Principal(
        Role.DOMAIN_ADMIN,
        f"boss@{domain.name}",
        user_id=domain.primary_admin_id,
        domain_id=domain.id,
    )
