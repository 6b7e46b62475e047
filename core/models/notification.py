"""In-app notifications: short messages a user reads in its notifications area."""

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import optional_timestamp_field, timestamp_field


class Notification(SQLModel, table=True):
    """A notification to one user, from a sendNotification job.

    The pair (job, user) is unique, so a job that runs twice notifies
    nobody twice.
    """

    __table_args__ = (
        UniqueConstraint("job_id", "user_id"),
        Index("ix_notification_user_id_id", "user_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    job_id: int | None = Field(default=None, foreign_key="job.id", ondelete="SET NULL")
    subject: str = Field(max_length=255)
    body: str = Field(sa_type=Text)
    created_at: datetime = timestamp_field()
    read_at: datetime | None = optional_timestamp_field()
