"""System administrators: accounts that manage the whole server."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.base import timestamp_field


class SystemAdmin(SQLModel, table=True):
    """A system administrator; logs in with a bare username."""

    __tablename__ = "system_admin"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime = timestamp_field()
