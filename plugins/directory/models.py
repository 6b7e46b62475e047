"""The plugin's table: each domain's encrypted service-account password."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.models.base import timestamp_field


class DirectoryCredential(SQLModel, table=True):
    """The password of a domain's ``directory.bindDn``, encrypted.

    It must be read back to bind, so it is encrypted (``plugins.directory.
    vault``) rather than hashed; the row goes with its domain.
    """

    __tablename__ = "directory_credential"

    domain_id: int = Field(
        primary_key=True, foreign_key="domain.id", ondelete="CASCADE"
    )
    bind_password_encrypted: str = Field(max_length=2048)
    updated_at: datetime = timestamp_field()
