"""The audit log: one entry a mutation, never changed once written."""

from datetime import datetime

from sqlalchemy import JSON, Index, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from core.models.base import timestamp_field

JsonList = JSON().with_variant(JSONB(), "postgresql")


class AuditEntry(SQLModel, table=True):
    """Who did what to which object, when, from where, and what changed.

    ``actor`` is the caller at the keyboard (a system administrator's
    username, an address, an API key's name); ``on_behalf_of`` is the
    account whose rights an impersonation session used. ``domain_id`` and
    ``domain_name`` have no foreign key: entries outlive their domain.
    ``changes`` holds ``{object, field, before, after, redacted}`` items.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_domain_id_id", "domain_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field(index=True)
    action: str = Field(max_length=64, index=True)
    outcome: str = Field(max_length=16)
    error_code: str | None = Field(default=None, max_length=64)
    actor: str = Field(max_length=320, index=True)
    actor_kind: str = Field(max_length=32)
    on_behalf_of: str | None = Field(default=None, max_length=320)
    target_kind: str | None = Field(default=None, max_length=64)
    target: str | None = Field(default=None, max_length=320)
    domain_id: int | None = Field(default=None)
    domain_name: str | None = Field(default=None, max_length=253)
    address: str | None = Field(default=None, max_length=64)
    changes: list = Field(default_factory=list, sa_type=JsonList)


class AuditEntryImmutable(Exception):
    """Raised when code tries to change or delete a written audit entry."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEntry) -> None:
    raise AuditEntryImmutable(f"Audit entry {target.id} can't be changed.")
