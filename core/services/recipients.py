"""Who a mass email or a notification goes to, and who may send to them.

Only the system administrator may address all users or all domain
administrators; a domain administrator may address the users of its own
domain, or one of them. Recipients are read in batches by id, so a job can
resume after the last recipient it recorded.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import session_scope
from core.errors import InvalidInput, PermissionDenied
from core.models import Domain, User
from core.principal import Principal, Role, require_authenticated
from core.services.scope import administers, require_managed_domain
from core.services.users import require_user

BATCH_SIZE = 200


class RecipientGroup(Enum):
    """The groups a mass email or notification may address."""

    ALL_USERS = "all_users"
    ALL_DOMAIN_ADMINS = "all_domain_admins"
    DOMAIN_USERS = "domain_users"
    USER = "user"


SYSTEM_ADMIN_GROUPS = {RecipientGroup.ALL_USERS, RecipientGroup.ALL_DOMAIN_ADMINS}
# API keys send within their reach: all of it for a server-wide key.
SENDERS = {Role.SYSTEM_ADMIN, Role.DOMAIN_ADMIN, Role.API_KEY}


@dataclass(frozen=True)
class Audience:
    """A recipient group, resolved to ids; stored in a job's parameters."""

    group: RecipientGroup
    domain_id: int | None = None
    user_id: int | None = None

    def as_params(self) -> dict:
        return {
            "group": self.group.value,
            "domainId": self.domain_id,
            "userId": self.user_id,
        }

    @classmethod
    def from_params(cls, params: dict) -> "Audience":
        return cls(
            RecipientGroup(params["group"]),
            params.get("domainId"),
            params.get("userId"),
        )

    def conditions(self) -> list:
        if self.group is RecipientGroup.ALL_DOMAIN_ADMINS:
            return [User.is_domain_admin.is_(True)]
        if self.group is RecipientGroup.DOMAIN_USERS:
            return [User.domain_id == self.domain_id]
        if self.group is RecipientGroup.USER:
            return [User.id == self.user_id]
        return []


@dataclass(frozen=True)
class Recipient:
    """A user as a delivery needs it."""

    user_id: int
    local_part: str
    display_name: str
    domain_id: int
    domain_name: str

    @property
    def address(self) -> str:
        return f"{self.local_part}@{self.domain_name}"


def clean_audience(
    session: Session,
    principal: Principal,
    group: RecipientGroup,
    domain: str | None,
    user: str | None,
) -> Audience:
    """Resolve the group to ids after checking the caller may address it."""
    require_authenticated(principal)
    if principal.role not in SENDERS:
        raise PermissionDenied("Only administrators may send to users.", field="to")
    if group in SYSTEM_ADMIN_GROUPS and not principal.is_system_admin:
        raise PermissionDenied(
            "Only a system administrator may send to all users or all domain "
            "administrators.",
            field="to",
        )

    if group is RecipientGroup.DOMAIN_USERS:
        found = require_managed_domain(
            session, principal, _required(domain, "domain"), field="domain"
        )
        return Audience(group, domain_id=found.id)
    if group is RecipientGroup.USER:
        target, target_domain = require_user(
            session, principal, _required(user, "user"), field="user"
        )
        if not administers(principal, target_domain.id):
            raise PermissionDenied("Only administrators may send to users.")
        return Audience(group, domain_id=target_domain.id, user_id=target.id)
    return Audience(group)


def _required(value: str | None, field: str) -> str:
    if not value or not value.strip():
        raise InvalidInput(
            f"{field} is required for this recipient group.",
            field=field,
            code="REQUIRED",
        )
    return value


def count_recipients(engine: Engine, audience: Audience) -> int:
    with session_scope(engine, write=False) as session:
        return session.execute(
            select(func.count(User.id)).where(*audience.conditions())
        ).scalar_one()


def recipient_batches(
    engine: Engine, audience: Audience, after_id: int, size: int = BATCH_SIZE
) -> Iterator[list[Recipient]]:
    """Recipients in id order after ``after_id``, a short read per batch."""
    while True:
        with session_scope(engine, write=False) as session:
            rows = session.execute(
                select(
                    User.id,
                    User.local_part,
                    User.display_name,
                    Domain.id,
                    Domain.name,
                )
                .join(Domain, Domain.id == User.domain_id)
                .where(User.id > after_id, *audience.conditions())
                .order_by(User.id)
                .limit(size)
            ).all()
        if not rows:
            return
        batch = [Recipient(*row) for row in rows]
        yield batch
        after_id = batch[-1].user_id


def recipient_ids(
    engine: Engine, audience: Audience, after_id: int, size: int = BATCH_SIZE
) -> Iterator[list[int]]:
    """Only the ids, for work that needs nothing else (notifications)."""
    while True:
        with session_scope(engine, write=False) as session:
            ids = list(
                session.execute(
                    select(User.id)
                    .where(User.id > after_id, *audience.conditions())
                    .order_by(User.id)
                    .limit(size)
                ).scalars()
            )
        if not ids:
            return
        yield ids
        after_id = ids[-1]
