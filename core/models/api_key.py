"""API keys: credentials for portals that call the API, such as a reseller's."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.base import optional_timestamp_field, timestamp_field


class ApiKey(SQLModel, table=True):
    """A named key; only the hash of its secret is stored.

    ``all_domains`` keys reach the whole server; the others only the
    domains listed in ``api_key_domain`` (none, for a reseller without
    domains yet). ``role`` is ``read_only`` or ``full``.
    """

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    prefix: str = Field(max_length=16)
    secret_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    all_domains: bool = False
    created_by_id: int | None = Field(
        default=None, foreign_key="system_admin.id", ondelete="SET NULL"
    )
    expires_at: datetime | None = optional_timestamp_field()
    last_used_at: datetime | None = optional_timestamp_field()
    revoked_at: datetime | None = optional_timestamp_field()
    created_at: datetime = timestamp_field()


class ApiKeyDomain(SQLModel, table=True):
    """A domain within a key's reach; goes with the key or the domain."""

    __tablename__ = "api_key_domain"

    api_key_id: int = Field(
        foreign_key="api_key.id", ondelete="CASCADE", primary_key=True
    )
    domain_id: int = Field(
        foreign_key="domain.id", ondelete="CASCADE", primary_key=True, index=True
    )
