"""Server-wide settings and templates, one JSON document per key."""

from sqlmodel import Field, SQLModel

from core.models.base import json_field


class ServerSetting(SQLModel, table=True):
    """A named document: server settings, or a defaults template."""

    __tablename__ = "server_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: dict = json_field()
