"""Every table, imported here so that metadata and migrations see them all."""

from core.models.admin import SystemAdmin
from core.models.alias import DomainAlias, UserAlias
from core.models.api_key import ApiKey, ApiKeyDomain
from core.models.audit import AuditEntry
from core.models.disk_warning import DiskWarning
from core.models.domain import Domain
from core.models.feature_account import FeatureAccount, FeatureAccountUsage
from core.models.job import Job
from core.models.login_failure import LoginFailure
from core.models.notification import Notification
from core.models.server_setting import ServerSetting
from core.models.token import AuthToken
from core.models.user import User

__all__ = [
    "ApiKey",
    "ApiKeyDomain",
    "AuditEntry",
    "AuthToken",
    "DiskWarning",
    "Domain",
    "DomainAlias",
    "FeatureAccount",
    "FeatureAccountUsage",
    "Job",
    "LoginFailure",
    "Notification",
    "ServerSetting",
    "SystemAdmin",
    "User",
    "UserAlias",
]
