"""Two-step state of users: authenticator secrets, recovery, challenges and
app passwords.

Secrets that must be read back (the authenticator secret, app passwords
domain administrators may be shown) are stored encrypted with the key of
``plugins.twostep.vault``; codes that are only checked are stored hashed.
"""

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import optional_timestamp_field, timestamp_field


class TwoStepAccount(SQLModel, table=True):
    """A user's two-step methods, and what a set-up in progress holds.

    ``last_time_step`` is the authenticator time step of the last code
    accepted: codes of that step or earlier are refused (no replay).
    """

    __tablename__ = "twostep_account"

    user_id: int = Field(primary_key=True, foreign_key="user.id", ondelete="CASCADE")
    secret: str | None = Field(default=None, max_length=255)
    pending_secret: str | None = Field(default=None, max_length=255)
    pending_secret_at: datetime | None = optional_timestamp_field()
    last_time_step: int | None = Field(default=None, sa_type=BigInteger)
    recovery_email: str | None = Field(default=None, max_length=320)
    pending_email: str | None = Field(default=None, max_length=320)
    pending_email_code_hash: str | None = Field(default=None, max_length=128)
    pending_email_expires_at: datetime | None = optional_timestamp_field()
    pending_email_attempts: int = 0
    updated_at: datetime = timestamp_field()

    @property
    def is_active(self) -> bool:
        """Whether logins need a second step: an authenticator or an address."""
        return self.secret is not None or self.recovery_email is not None


class TwoStepChallenge(SQLModel, table=True):
    """A login waiting for its second step; only the challenge's hash is kept."""

    __tablename__ = "twostep_challenge"

    id: int | None = Field(default=None, primary_key=True)
    challenge_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    expires_at: datetime = timestamp_field()
    attempts: int = 0
    email_code_hash: str | None = Field(default=None, max_length=128)
    email_codes_sent: int = 0
    used_at: datetime | None = optional_timestamp_field()
    created_at: datetime = timestamp_field()


class TwoStepRecoveryCode(SQLModel, table=True):
    """A one-time recovery code, salted and hashed."""

    __tablename__ = "twostep_recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    code_hash: str = Field(max_length=128)
    used_at: datetime | None = optional_timestamp_field()
    created_at: datetime = timestamp_field()


class AppPassword(SQLModel, table=True):
    """A named password for a mail client of a user with two-step.

    ``password_hash`` (SHA-256 of a random password) finds it at a login;
    ``password_encrypted`` lets domain administrators see it where the
    domain's features allow.
    """

    __tablename__ = "twostep_app_password"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=64)
    password_hash: str = Field(max_length=64, index=True)
    password_encrypted: str = Field(max_length=255)
    created_at: datetime = timestamp_field()
    last_used_at: datetime | None = optional_timestamp_field()
