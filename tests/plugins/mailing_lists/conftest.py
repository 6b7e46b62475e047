"""A runtime with the mailing lists plugin, domains with lists, raw messages."""

import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

import plugins.mailing_lists
from core.db import session_scope
from core.models import Domain
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.domain_aliases import create_domain_alias
from core.services.domains import set_domain_status
from plugins.mailing_lists.lists import ListCreate, create_list
from plugins.mailing_lists.models import PostingPolicy
from plugins.mailing_lists.subscribers import add_subscriber
from tests.conftest import cached_schema
from tests.plugin_support import PASSWORD, add_domain

SYSTEM = Principal(Role.SYSTEM_ADMIN, "admin", system_admin_id=1)

__all__ = ["PASSWORD", "SYSTEM"]


@pytest.fixture
def lists_runtime(runtime):
    """The test database (emptied, with its system administrator), the plugin on."""
    loaded = build_runtime(runtime.config, plugin_modules=[plugins.mailing_lists])
    yield loaded
    loaded.engine.dispose()


@pytest.fixture
def app(lists_runtime):
    from core.app import create_app

    return create_app(lists_runtime, schema=cached_schema(lists_runtime))


def make_domain(runtime, name: str, *, users=("user",), **section) -> Domain:
    """A domain with administrator ``admin@<name>``, ``users`` and a patch of
    its mailingLists section (snake_case fields)."""
    settings = {"mailingLists": section} if section else None
    add_domain(runtime, name, settings=settings, users=tuple(users))
    return domain_row(runtime, name)


def domain_row(runtime, name: str) -> Domain:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(select(Domain).where(Domain.name == name)).scalar_one()


def disable_domain(runtime, name: str) -> None:
    with session_scope(runtime.engine) as session:
        domain = session.execute(select(Domain).where(Domain.name == name)).scalar_one()
        set_domain_status(session, domain, "disabled")


def add_domain_alias(runtime, domain_name: str, alias_name: str) -> None:
    with session_scope(runtime.engine) as session:
        create_domain_alias(session, runtime, SYSTEM, domain_name, alias_name)


def make_list(
    runtime,
    email: str,
    *,
    policy: PostingPolicy = PostingPolicy.SUBSCRIBERS,
    moderators: tuple[str, ...] = (),
    subscribers: tuple[str, ...] = (),
    description: str = "",
) -> None:
    with session_scope(runtime.engine) as session:
        data = ListCreate(email, description, policy, moderators)
        create_list(session, runtime, SYSTEM, data)
        for address in subscribers:
            add_subscriber(session, runtime, SYSTEM, email, address)


def raw_message(
    sender: str,
    to: str,
    subject: str = "",
    body: str = "Hello.\n",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def inbox(domain: Domain, local_part: str) -> list[EmailMessage]:
    """The messages of a user's Inbox, read with the standard Maildir reader."""
    path = Path(domain.folder) / local_part / "Maildir"
    if not path.is_dir():
        return []
    return list(mailbox.Maildir(path, create=False))


def inbox_bytes(domain: Domain, local_part: str) -> list[bytes]:
    """The Inbox's message files byte for byte (the reader rewrites line ends)."""
    new = Path(domain.folder) / local_part / "Maildir" / "new"
    return [path.read_bytes() for path in sorted(new.iterdir())]


def token_in(message) -> str:
    """The token of a confirmation request, from its subject."""
    return str(message["Subject"]).split()[-1]
