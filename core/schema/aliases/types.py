"""The UserAlias and DomainAlias types and the inputs of their lists."""

from datetime import datetime

import strawberry

from core.models import Domain as DomainRow
from core.models import DomainAlias as DomainAliasRow
from core.models import UserAlias as UserAliasRow
from core.models.base import as_utc


@strawberry.type(description="An address of a domain that forwards to others.")
class UserAlias:
    id: strawberry.Private[int]
    email: str = strawberry.field(description="The alias address, normalised.")
    domain: str = strawberry.field(description="Name of the alias's domain.")
    targets: list[str] = strawberry.field(description="Where its mail goes.")
    is_catch_all: bool = strawberry.field(
        description="Also takes mail for addresses of the domain that match nobody."
    )
    created_at: datetime = strawberry.field(description="When it was created.")


@strawberry.type(description="Another domain name whose mail lands in a domain.")
class DomainAlias:
    id: strawberry.Private[int]
    name: str = strawberry.field(description="The alias name, IDNA-encoded.")
    domain: str = strawberry.field(description="The domain it stands for.")
    created_at: datetime = strawberry.field(description="When it was added.")


def to_user_alias(alias: UserAliasRow, domain: DomainRow) -> UserAlias:
    return UserAlias(
        id=alias.id,
        email=f"{alias.local_part}@{domain.name}",
        domain=domain.name,
        targets=list(alias.targets),
        is_catch_all=alias.is_catch_all,
        created_at=as_utc(alias.created_at),
    )


def to_domain_alias(alias: DomainAliasRow, domain: DomainRow) -> DomainAlias:
    return DomainAlias(
        id=alias.id,
        name=alias.name,
        domain=domain.name,
        created_at=as_utc(alias.created_at),
    )


@strawberry.input(description="Narrows the user alias list.")
class UserAliasFilterInput:
    search: str | None = strawberry.field(
        default=None, description="Part of the alias's local part."
    )


@strawberry.input(description="How the user alias list is sorted (by address).")
class UserAliasOrderInput:
    descending: bool = strawberry.field(default=False, description="Z to A.")
