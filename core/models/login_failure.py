"""Failed logins per account and per client address, for throttling."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.base import optional_timestamp_field, timestamp_field


class LoginFailure(SQLModel, table=True):
    """Recent failures of one throttle key (an account or an address).

    ``key_hash`` is the SHA-256 of the key, so that mistyped usernames
    (or passwords typed into the username field) are not stored.
    """

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True)
    failures: int = 0
    last_failure_at: datetime = timestamp_field()
    locked_until: datetime | None = optional_timestamp_field()
