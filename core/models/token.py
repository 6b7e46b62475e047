"""Bearer tokens issued at login; only their hash is stored."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.base import optional_timestamp_field, timestamp_field


class AuthToken(SQLModel, table=True):
    """A session: who it acts as, until when, and whether it was revoked."""

    __tablename__ = "auth_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=32)
    system_admin_id: int | None = Field(
        default=None, foreign_key="system_admin.id", ondelete="CASCADE"
    )
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="CASCADE")
    impersonator_id: int | None = Field(
        default=None, foreign_key="system_admin.id", ondelete="CASCADE"
    )
    # A domain administrator impersonating one of its users; migration 0013.
    impersonator_user_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="CASCADE"
    )
    # The session that started this impersonation, which ends it with its
    # own end (logout, endImpersonation); migration 0015.
    parent_token_id: int | None = Field(
        default=None, foreign_key="auth_token.id", ondelete="CASCADE", index=True
    )
    # Set for a restricted session (Principal.restricted_to); migration 0008.
    restricted_to: str | None = Field(default=None, max_length=32)
    expires_at: datetime = timestamp_field()
    revoked_at: datetime | None = optional_timestamp_field()
    created_at: datetime = timestamp_field()

    @property
    def is_impersonation(self) -> bool:
        return self.impersonator_id is not None or self.impersonator_user_id is not None
