"""Per-user access to counted features (EAS, MAPI/EWS) and each domain's tally.

A domain's settings section of the feature says how many accounts it may
give out; ``FeatureAccountUsage.used`` counts those given, kept in the same
transaction as the ``FeatureAccount`` rows, so that a conditional update on
it enforces the limit under concurrency.
"""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import timestamp_field


class FeatureAccount(SQLModel, table=True):
    """A user's access to one counted feature."""

    __tablename__ = "feature_account"
    __table_args__ = (UniqueConstraint("user_id", "feature"),)

    id: int | None = Field(default=None, primary_key=True)
    domain_id: int = Field(foreign_key="domain.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    feature: str = Field(max_length=64)
    granted_by: str = Field(default="", max_length=320)
    granted_at: datetime = timestamp_field()


class FeatureAccountUsage(SQLModel, table=True):
    """How many accounts of a feature a domain has given out."""

    __tablename__ = "feature_account_usage"

    domain_id: int = Field(
        foreign_key="domain.id", ondelete="CASCADE", primary_key=True
    )
    feature: str = Field(max_length=64, primary_key=True)
    used: int = 0
