"""Every table, imported here so that metadata and migrations see them all."""

from core.models.admin import SystemAdmin
from core.models.domain import Domain
from core.models.server_setting import ServerSetting
from core.models.token import AuthToken
from core.models.user import User

__all__ = ["AuthToken", "Domain", "ServerSetting", "SystemAdmin", "User"]
