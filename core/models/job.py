"""Jobs: long work run by dramatiq actors, recorded with state and progress."""

from datetime import datetime
from enum import Enum

from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from core.models.base import json_field, optional_timestamp_field, timestamp_field

JsonList = JSON().with_variant(JSONB(), "postgresql")


class JobState(Enum):
    """Where a job is in its life; the last three are final."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATES = (JobState.QUEUED.value, JobState.RUNNING.value)


class Job(SQLModel, table=True):
    """One piece of long work and who asked for it.

    Exactly one of ``owner_admin_id``, ``owner_user_id`` and
    ``owner_api_key_id`` is set (the last without a foreign key: API keys
    live in a migration branch of their own). The
    actor named ``kind`` receives the job's id. ``checkpoint`` is the
    actor's own resume mark (the last recipient handled, say), saved with
    ``done`` so that a redelivered message carries on where the last
    attempt stopped. ``errors`` is replaced as a whole, never edited.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64, index=True)
    state: str = Field(default=JobState.QUEUED.value, max_length=16, index=True)
    owner_admin_id: int | None = Field(
        default=None, foreign_key="system_admin.id", ondelete="CASCADE", index=True
    )
    owner_user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="CASCADE", index=True
    )
    owner_api_key_id: int | None = Field(default=None, index=True)
    params: dict = json_field()
    done: int = 0
    total: int = 0
    checkpoint: int = 0
    attempts: int = 0
    result: dict = json_field()
    errors: list = Field(default_factory=list, sa_type=JsonList)
    created_at: datetime = timestamp_field()
    started_at: datetime | None = optional_timestamp_field()
    finished_at: datetime | None = optional_timestamp_field()

    @property
    def is_final(self) -> bool:
        return self.state not in ACTIVE_STATES
