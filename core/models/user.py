"""Users (mailboxes) of a domain, domain administrators included."""

from datetime import date, datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import json_field, optional_timestamp_field, timestamp_field


class User(SQLModel, table=True):
    """A mailbox: an address on its domain, its credentials and profile.

    ``settings`` holds the user settings sections of the registry
    (``serviceAccess`` and the plugins'). ``forwarding`` holds automated
    forwarding as ``{"allowed": bool, "keep_copy": bool, "addresses": [...]}``;
    a missing key reads as its default (see ``core.services.users``).
    ``mailbox_size_mb`` of 0 means no limit of its own.
    """

    __table_args__ = (UniqueConstraint("domain_id", "local_part"),)

    id: int | None = Field(default=None, primary_key=True)
    domain_id: int = Field(foreign_key="domain.id", ondelete="CASCADE", index=True)
    local_part: str = Field(max_length=64)
    password_hash: str = Field(max_length=255)
    display_name: str = Field(default="", max_length=255)
    status: str = Field(default="enabled", max_length=16)
    is_domain_admin: bool = False
    auth_type: str = Field(default="password", max_length=32)
    mailbox_size_mb: int = 0
    settings: dict = json_field()
    forwarding: dict = json_field()
    title: str = Field(default="", max_length=64)
    full_name: str = Field(default="", max_length=255)
    birthday: date | None = None
    mobile_phone: str = Field(default="", max_length=64)
    home_phone: str = Field(default="", max_length=64)
    work_phone: str = Field(default="", max_length=64)
    home_address: str = Field(default="", max_length=512)
    work_address: str = Field(default="", max_length=512)
    job_title: str = Field(default="", max_length=128)
    disk_used_bytes: int = Field(default=0, sa_type=BigInteger)
    last_login_at: datetime | None = optional_timestamp_field()
    created_at: datetime = timestamp_field()
