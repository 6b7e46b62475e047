"""The devices a user synchronises over EAS, and remote wipe requests for them."""

from datetime import datetime
from enum import Enum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import optional_timestamp_field, timestamp_field


class WipeState(Enum):
    PENDING = "pending"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class EasDevice(SQLModel, table=True):
    """A device that synchronised a user's mailbox, named by the device itself."""

    __tablename__ = "eas_device"
    __table_args__ = (UniqueConstraint("user_id", "device_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    device_id: str = Field(max_length=128)
    model: str = Field(default="", max_length=128)
    registered_at: datetime = timestamp_field()
    last_sync_at: datetime = timestamp_field()


class EasWipeRequest(SQLModel, table=True):
    """A request to erase a device at its next synchronisation, with its state."""

    __tablename__ = "eas_wipe_request"

    id: int | None = Field(default=None, primary_key=True)
    device_pk: int = Field(foreign_key="eas_device.id", ondelete="CASCADE", index=True)
    state: str = Field(default=WipeState.PENDING.value, max_length=16)
    requested_by: str = Field(max_length=320)
    requested_at: datetime = timestamp_field()
    finished_at: datetime | None = optional_timestamp_field()
