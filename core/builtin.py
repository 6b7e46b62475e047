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


@hookimpl
def register_operation_rules() -> dict:
    from core.schema.plugins import OPERATION_RULES

    return OPERATION_RULES


@hookimpl
def before_user_delete(session, runtime, user) -> None:
    # Core, not each plugin, gives counted accounts back, so that the tally
    # stays right even while the plugin that gave them is disabled.
    from core.services.feature_accounts import release_user

    release_user(session, user)
