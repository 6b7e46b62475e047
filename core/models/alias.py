"""User aliases (addresses that forward) and domain aliases (names that share)."""

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from core.models.base import timestamp_field


class UserAlias(SQLModel, table=True):
    """An address of a domain that forwards to one or more target addresses.

    ``targets`` is a JSON list of normalised addresses, replaced as a whole on
    every change. A domain has at most one catch-all alias, which also takes
    mail for addresses of the domain that match nobody.
    """

    __tablename__ = "user_alias"
    __table_args__ = (
        UniqueConstraint("domain_id", "local_part"),
        Index(
            "uq_user_alias_catch_all",
            "domain_id",
            unique=True,
            sqlite_where=text("is_catch_all"),
            postgresql_where=text("is_catch_all"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    domain_id: int = Field(foreign_key="domain.id", ondelete="CASCADE", index=True)
    local_part: str = Field(max_length=64)
    targets: list = Field(default_factory=list, sa_type=JSON)
    is_catch_all: bool = False
    created_at: datetime = timestamp_field()


class DomainAlias(SQLModel, table=True):
    """Another domain name whose mail lands in the same domain's mailboxes."""

    __tablename__ = "domain_alias"

    id: int | None = Field(default=None, primary_key=True)
    domain_id: int = Field(foreign_key="domain.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=253, unique=True)
    created_at: datetime = timestamp_field()
