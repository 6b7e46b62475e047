"""Fixtures for the mail store: a domain folder, a user, and a mail corpus."""

import random
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import pytest

from core.mailstore import create_folder, locate_user_dir

VALID_NAMES = ("plain", "alternative", "attachment", "non_ascii")


def build_plain(subject: str = "Quarterly figures", body: str = "Hello.\n") -> bytes:
    message = EmailMessage()
    message["From"] = "Alice <alice@example.com>"
    message["To"] = "bob@example.com"
    message["Subject"] = subject
    message["Date"] = formatdate(1_700_000_000, localtime=False)
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content(body)
    return message.as_bytes()


def build_alternative() -> bytes:
    message = EmailMessage()
    message["From"] = "news@example.com"
    message["To"] = "bob@example.com"
    message["Subject"] = "Newsletter"
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content("Plain version.\n" * 20)
    message.add_alternative("<p>HTML version.</p>\n" * 20, subtype="html")
    return message.as_bytes()


def build_attachment() -> bytes:
    message = EmailMessage()
    message["From"] = "carol@example.com"
    message["To"] = "bob@example.com"
    message["Subject"] = "Report attached"
    message["Date"] = formatdate(1_700_000_100)
    message.set_content("See the attachment.\n")
    payload = random.Random(3).randbytes(3000)
    message.add_attachment(
        payload, maintype="application", subtype="pdf", filename="report.pdf"
    )
    return message.as_bytes()


def build_non_ascii() -> bytes:
    message = EmailMessage()
    message["From"] = "Jürgen Müller <juergen@example.com>"
    message["To"] = "bob@example.com"
    message["Subject"] = "Grüße aus Zürich — 東京"
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content("Grüezi mitenand.\n")
    return message.as_bytes()


def build_corpus() -> dict[str, bytes]:
    """Return name -> bytes: four messages that are mail, five that are not."""
    alternative = build_alternative()
    return {
        "plain": build_plain(),
        "alternative": alternative,
        "attachment": build_attachment(),
        "non_ascii": build_non_ascii(),
        "malformed": b"From: a@example.com\nthis line is no header\n\nbody\n",
        "truncated": alternative[: len(alternative) * 2 // 3],
        "headers_only": b"From: a@example.com\nSubject: cut\n",
        "binary": random.Random(7).randbytes(2048),
        "empty": b"",
    }


@pytest.fixture
def corpus() -> dict[str, bytes]:
    return build_corpus()


@pytest.fixture
def valid_mail(corpus: dict[str, bytes]) -> list[bytes]:
    """The corpus messages that are mail."""
    return [corpus[name] for name in VALID_NAMES]


@pytest.fixture
def make_mail() -> Callable[..., bytes]:
    """Build a plain message: ``make_mail(subject=..., body=...)``."""
    return build_plain


@pytest.fixture
def domain_dir(tmp_path: Path) -> Path:
    path = tmp_path / "domains" / "example.com"
    path.mkdir(parents=True)
    return path


@pytest.fixture
def user_dir(domain_dir: Path) -> Path:
    path = locate_user_dir(domain_dir, "alice")
    create_folder(path, "Inbox")
    return path


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory beside the domain folder that no path may reach."""
    path = tmp_path / "outside"
    path.mkdir()
    (path / "secret.eml").write_bytes(build_plain("Secret"))
    return path
