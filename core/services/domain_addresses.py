"""Addresses stored as text that must follow a renamed domain.

Users and aliases are kept by domain id and local part, so their own
addresses follow a rename by themselves. What names an address in full is
rewritten here: the targets of user aliases and the forwarding addresses of
users, on every domain of the server.
"""

from sqlalchemy import String, cast
from sqlmodel import Session, select

from core.models import User, UserAlias


def rewrite_addresses(session: Session, old_name: str, new_name: str) -> int:
    """Point every stored ``…@old_name`` at ``new_name``; return rows changed."""
    changed = 0
    for alias in session.exec(select(UserAlias).where(_mentions(UserAlias, old_name))):
        alias.targets = _renamed(alias.targets, old_name, new_name)
        session.add(alias)
        changed += 1
    for user in session.exec(select(User).where(_mentions(User, old_name))):
        forwarding = dict(user.forwarding)
        forwarding["addresses"] = _renamed(
            forwarding.get("addresses", []), old_name, new_name
        )
        user.forwarding = forwarding
        session.add(user)
        changed += 1
    return changed


def _mentions(model, name: str):
    """A coarse text filter on the JSON column; ``_renamed`` is exact."""
    column = model.targets if model is UserAlias else model.forwarding
    return cast(column, String).like(f"%@{name}%")


def _renamed(addresses: list[str], old_name: str, new_name: str) -> list[str]:
    suffix = f"@{old_name}"
    return [
        address[: -len(suffix)] + f"@{new_name}"
        if address.lower().endswith(suffix)
        else address
        for address in addresses
    ]
