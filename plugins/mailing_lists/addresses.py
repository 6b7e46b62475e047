"""Subscriber addresses as stored: under a domain's own name, not an alias.

``user@alias.test`` and ``user@a.test`` reach one mailbox when alias.test
is a domain alias of a.test, so a list keeps one subscription for both.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from core.models import Domain, DomainAlias


def canonical_addresses(session: Session, addresses: Iterable[str]) -> dict[str, str]:
    """Each address with its domain alias, if any, replaced by the domain.

    One query, whatever the number of addresses.
    """
    addresses = list(addresses)
    names = {address.rpartition("@")[2] for address in addresses}
    rows = session.execute(
        select(DomainAlias.name, Domain.name)
        .join(Domain, Domain.id == DomainAlias.domain_id)
        .where(DomainAlias.name.in_(names))
    )
    real = dict(rows.all())
    found = {}
    for address in addresses:
        local, _, name = address.rpartition("@")
        found[address] = f"{local}@{real[name]}" if name in real else address
    return found


def canonical_address(session: Session, address: str) -> str:
    return canonical_addresses(session, [address])[address]
