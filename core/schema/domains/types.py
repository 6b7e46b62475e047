"""The Domain type and the inputs of the domain list."""

from datetime import datetime
from enum import Enum

import strawberry

from core.models.base import as_utc
from core.runtime import Runtime
from core.schema.scalars import BigInt
from core.schema.settings_types import SettingsView
from core.services.domain_list import DomainOrderField, DomainRow


@strawberry.enum(description="Whether a domain's users may log in and send.")
class DomainStatus(Enum):
    ENABLED = "enabled"
    DISABLED = "disabled"


strawberry.enum(DomainOrderField, description="What the domain list is sorted by.")


@strawberry.type(description="A mail domain with its counts and settings.")
class Domain:
    id: strawberry.Private[int]
    name: str = strawberry.field(
        description="The domain name, lower case, IDNA-encoded."
    )
    status: DomainStatus = strawberry.field(
        description="Disabled domains still receive mail but can't send or log in."
    )
    hostname: str = strawberry.field(description="Mail server name given to clients.")
    folder: str = strawberry.field(
        description="Folder on disk holding the domain's data."
    )
    primary_admin: str | None = strawberry.field(
        description="Address of the primary domain administrator."
    )
    user_count: int = strawberry.field(description="Users (mailboxes) of the domain.")
    user_alias_count: int = strawberry.field(description="User aliases of the domain.")
    domain_alias_count: int = strawberry.field(
        description="Domain aliases of the domain."
    )
    mailing_list_count: int = strawberry.field(
        description="Mailing lists of the domain."
    )
    disk_used_bytes: BigInt = strawberry.field(description="Disk space used, in bytes.")
    created_at: datetime = strawberry.field(description="When the domain was created.")
    # The settings type is built from the registry; the schema builder binds
    # this field's type before every build.
    settings: "DomainSettings" = strawberry.field(  # noqa: F821
        description="Every settings section of the domain."
    )


def to_domain(row: DomainRow, runtime: Runtime) -> Domain:
    domain = row.domain
    return Domain(
        id=domain.id,
        name=domain.name,
        status=DomainStatus(domain.status),
        hostname=domain.hostname,
        folder=domain.folder,
        primary_admin=row.primary_admin,
        user_count=domain.user_count,
        user_alias_count=domain.user_alias_count,
        domain_alias_count=domain.domain_alias_count,
        mailing_list_count=domain.mailing_list_count,
        disk_used_bytes=domain.disk_used_bytes,
        created_at=as_utc(domain.created_at),
        settings=SettingsView(runtime.registry, "domain", domain.settings),
    )


@strawberry.input(description="Narrows the domain list.")
class DomainFilterInput:
    search: str | None = strawberry.field(default=None, description="Part of the name.")
    status: DomainStatus | None = strawberry.field(
        default=None, description="Only this status."
    )


@strawberry.input(description="How the domain list is sorted.")
class DomainOrderInput:
    field: DomainOrderField = strawberry.field(
        default=DomainOrderField.NAME, description="The sort key."
    )
    descending: bool = strawberry.field(default=False, description="Largest first.")
