"""MAPI/EWS (Enterprise): per-domain accounts and per-user access for
desktop clients that speak MAPI or EWS.

The ``mapiEws`` domain section allots accounts and switches user
management; a user's ``mapiEws.enabled`` setting (or ``setMapiEwsAccess``)
gives access within the allotment, from the user template and its
propagation too.
"""

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.services.feature_access import CountedFeatureHooks
from plugins.mapi_ews.settings import FEATURE, SECTION, USER_SECTION

PLUGIN_INFO = PluginInfo(
    name="mapi_ews",
    version="1.0.0",
    description="MAPI/EWS accounts and user management.",
    edition="enterprise",
    feature="mapi_ews",
)

# The hooks every counted feature shares; pluggy looks for hooks among this
# module's attributes, hence one binding a hook.
HOOKS = CountedFeatureHooks(FEATURE, SECTION, USER_SECTION)
register_domain_sections = HOOKS.register_domain_sections
register_user_sections = HOOKS.register_user_sections
register_export_columns = HOOKS.register_export_columns
after_user_settings = HOOKS.after_user_settings
register_propagation_sections = HOOKS.register_propagation_sections
validate_user_propagation = HOOKS.validate_user_propagation
after_user_propagation = HOOKS.after_user_propagation


@hookimpl
def register_schema(types) -> list:
    from plugins.mapi_ews.schema import contributions

    return contributions()


@hookimpl
def register_operation_rules() -> dict:
    from plugins.mapi_ews.schema import OPERATION_RULES

    return OPERATION_RULES
