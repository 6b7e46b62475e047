"""API keys and audit entries as GraphQL shows them."""

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from core.models import AuditEntry as AuditEntryRow
from core.models.base import as_utc
from core.services.api_keys import ApiKeyRole, ApiKeyRow

strawberry.enum(
    ApiKeyRole,
    name="ApiKeyRole",
    description="What a key may do: read only, or read and change.",
)


@strawberry.enum(description="Whether an audited mutation did its work.")
class AuditOutcome(Enum):
    SUCCEEDED = "succeeded"
    REFUSED = "refused"


@strawberry.type(description="A key a portal uses to call the API.")
class ApiKey:
    id: strawberry.ID = strawberry.field(description="The key's id.")
    name: str = strawberry.field(description="The key's name.")
    prefix: str = strawberry.field(
        description="The first characters of the secret, to recognise it by."
    )
    role: ApiKeyRole = strawberry.field(description="What the key may do.")
    domains: list[str] | None = strawberry.field(
        description="The domains the key reaches; null when it reaches the whole "
        "server."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the key stops working; null for never."
    )
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used (to the minute)."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the key was revoked, if it was."
    )
    created_at: datetime = strawberry.field(description="When the key was created.")


def to_api_key(row: ApiKeyRow) -> ApiKey:
    key = row.key
    return ApiKey(
        id=strawberry.ID(str(key.id)),
        name=key.name,
        prefix=key.prefix,
        role=ApiKeyRole(key.role),
        domains=row.domains,
        expires_at=as_utc(key.expires_at),
        last_used_at=as_utc(key.last_used_at),
        revoked_at=as_utc(key.revoked_at),
        created_at=as_utc(key.created_at),
    )


@strawberry.type(description="One field an audited mutation changed.")
class AuditChange:
    object: str | None = strawberry.field(
        description="The object the field belongs to (kind and name), when it is "
        "not the entry's target."
    )
    field: str = strawberry.field(
        description="The field, with a path into settings (settings.limits.users)."
    )
    before: JSON | None = strawberry.field(description="The value before.")
    after: JSON | None = strawberry.field(description="The value after.")
    redacted: bool = strawberry.field(
        description="The field is a secret (a password): only the change is "
        "recorded, never its values."
    )


@strawberry.type(description="What one mutation did, by whom, when and from where.")
class AuditEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    action: str = strawberry.field(description="The mutation, as createDomain.")
    outcome: AuditOutcome = strawberry.field(
        description="Whether it did its work or was refused."
    )
    error_code: str | None = strawberry.field(
        description="The first error's code, when it was refused."
    )
    actor: str = strawberry.field(
        description="Who acted: a system administrator's username, a user's "
        "address, an API key's name, or anonymous. For an impersonation session, "
        "the system administrator behind it."
    )
    actor_kind: str = strawberry.field(
        description="What the actor's session was: system_admin, domain_admin, "
        "user, api_key or anonymous."
    )
    on_behalf_of: str | None = strawberry.field(
        description="The account whose rights an impersonation session used."
    )
    target_kind: str | None = strawberry.field(
        description="The kind of object acted on: domain, user, user_alias…"
    )
    target: str | None = strawberry.field(
        description="The object acted on, by name or address."
    )
    domain: str | None = strawberry.field(
        description="The domain the object belongs to, as it was named then."
    )
    changes: list[AuditChange] = strawberry.field(
        description="Each changed field with its values before and after."
    )
    at: datetime = strawberry.field(description="When it happened.")
    address: str | None = strawberry.field(
        description="The client address the request came from."
    )


def to_audit_entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        id=strawberry.ID(str(row.id)),
        action=row.action,
        outcome=AuditOutcome(row.outcome),
        error_code=row.error_code,
        actor=row.actor,
        actor_kind=row.actor_kind,
        on_behalf_of=row.on_behalf_of,
        target_kind=row.target_kind,
        target=row.target,
        domain=row.domain_name,
        changes=[_to_change(item) for item in row.changes],
        at=as_utc(row.at),
        address=row.address,
    )


def _to_change(item: dict) -> AuditChange:
    return AuditChange(
        object=item.get("object"),
        field=item["field"],
        before=item.get("before"),
        after=item.get("after"),
        redacted=bool(item.get("redacted")),
    )


@strawberry.input(description="Which audit entries to list; all given must match.")
class AuditLogFilterInput:
    domain: str | None = strawberry.field(
        default=None, description="Only entries about this domain."
    )
    actor: str | None = strawberry.field(
        default=None, description="Only entries by this actor."
    )
    action: str | None = strawberry.field(
        default=None, description="Only this mutation, as createDomain."
    )
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Only entries at or after this time."
    )
    to: datetime | None = strawberry.field(
        default=None, description="Only entries before this time."
    )
