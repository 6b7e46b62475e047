"""Core's user settings sections."""

from core.settings.user.service_access import SECTION as SERVICE_ACCESS
from core.settings.user.smtp_accounts import SECTION as SMTP_ACCOUNTS

SECTIONS = [SERVICE_ACCESS, SMTP_ACCOUNTS]
