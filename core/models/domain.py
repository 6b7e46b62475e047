"""Domains: one row each, with settings and the counts the domain list shows."""

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from core.models.base import json_field, timestamp_field


class Domain(SQLModel, table=True):
    """A mail domain.

    The counts are kept by the services in the same transaction as the rows
    they count, so the domain list reads them without aggregating, and a
    conditional update on them enforces limits under concurrency.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=253, unique=True)
    status: str = Field(default="enabled", max_length=16, index=True)
    hostname: str = Field(default="", max_length=253)
    folder: str = Field(max_length=1024, unique=True)
    primary_admin_id: int | None = Field(default=None)
    settings: dict = json_field()
    user_count: int = 0
    user_alias_count: int = 0
    domain_alias_count: int = 0
    mailing_list_count: int = 0
    disk_used_bytes: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = timestamp_field()
