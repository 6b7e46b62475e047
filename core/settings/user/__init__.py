"""Core's user settings sections."""

from core.settings.user.service_access import SECTION as SERVICE_ACCESS

SECTIONS = [SERVICE_ACCESS]
