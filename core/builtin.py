"""Core's own contributions, registered through the plugin manager like any plugin."""

from core.hookspecs import hookimpl
from core.settings.domain import SECTIONS as DOMAIN_SECTIONS
from core.settings.user import SECTIONS as USER_SECTIONS


@hookimpl
def register_domain_sections() -> list:
    return DOMAIN_SECTIONS


@hookimpl
def register_user_sections() -> list:
    return USER_SECTIONS
