"""Disk space warnings: who was told that a mailbox or a domain is full."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.base import timestamp_field


class DiskWarning(SQLModel, table=True):
    """The mark that a full mailbox's or domain's warning went out.

    While the row exists no second warning is sent; it is deleted once the
    usage falls back under the re-arm mark (see
    ``core.services.disk_usage``), so the next crossing warns again.
    ``subject`` is ``user:<id>`` or ``domain:<id>``: being unique, it lets
    only one of several concurrent refusals send the warning.
    """

    __tablename__ = "disk_warning"

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=32, unique=True)
    domain_id: int = Field(foreign_key="domain.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="CASCADE", index=True
    )
    created_at: datetime = timestamp_field()
