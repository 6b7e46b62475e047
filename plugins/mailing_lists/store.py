"""Local users among a list's addresses, and delivery into their Inbox.

An address is local when its domain (or a domain alias of it) is served
here and a user of that domain has its local part; its mail goes into the
mail store through ``core.services.mail_delivery``, which keeps quotas,
disk usage and full-mailbox warnings. Anything else leaves through the SMTP
relay.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from core.errors import NotFound
from core.mailstore import MailStoreError
from core.models import Domain, DomainAlias, User
from core.services.mail_delivery import deliver_to_user

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalUser:
    """The user an address reaches."""

    user_id: int
    domain_id: int


def find_local_users(session: Session, addresses: list[str]) -> dict[str, LocalUser]:
    """Address -> ``LocalUser`` for the addresses that reach a user here.

    Three queries whatever the number of addresses: domains by name,
    domain aliases by name, then the users.
    """
    # Limitation: a subscribed address that is a user alias of this server
    # is not resolved here; it goes through the SMTP relay like a remote one
    # (and is skipped without one) — resolve alias targets to local users.
    pairs = [address.rpartition("@")[::2] for address in addresses]
    domains = _domain_ids(session, {name for _local, name in pairs})
    if not domains:
        return {}
    users = session.execute(
        select(User.id, User.domain_id, User.local_part).where(
            User.domain_id.in_(set(domains.values())),
            User.local_part.in_({local for local, name in pairs if name in domains}),
        )
    ).all()
    by_key = {(domain_id, local): user_id for user_id, domain_id, local in users}

    found = {}
    for address, (local, name) in zip(addresses, pairs, strict=True):
        domain_id = domains.get(name)
        user_id = by_key.get((domain_id, local))
        if user_id is not None:
            found[address] = LocalUser(user_id, domain_id)
    return found


def _domain_ids(session: Session, names: set[str]) -> dict[str, int]:
    """Domain or domain alias name -> the domain's id."""
    if not names:
        return {}
    domains = select(Domain.name, Domain.id).where(Domain.name.in_(names))
    found = {name: domain_id for name, domain_id in session.execute(domains)}
    aliases = select(DomainAlias.name, DomainAlias.domain_id).where(
        DomainAlias.name.in_(names - set(found))
    )
    found.update({name: domain_id for name, domain_id in session.execute(aliases)})
    return found


def deliver_local(runtime, user_id: int, raw: bytes, key: str | None) -> str | None:
    """Deliver into the user's Inbox; None, or the code that skipped it.

    ``key`` makes a second delivery of the same message store and count
    nothing.
    """
    try:
        deliver_to_user(runtime, user_id, raw, message_key=key)
    except (MailStoreError, NotFound) as exc:
        logger.warning("Skipped delivery to user %d: %s.", user_id, exc.code)
        return exc.code
    return None
