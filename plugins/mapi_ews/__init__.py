"""MAPI/EWS (Enterprise): per-domain accounts and per-user access for
desktop clients that speak MAPI or EWS.

The ``mapiEws`` domain section allots accounts and switches user
management; a user's ``mapiEws.enabled`` setting (or ``setMapiEwsAccess``)
gives access within the allotment, from the user template and its
propagation too.
"""

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.services.export_columns import ExportColumn
from core.services.feature_access import access_hooks
from core.services.feature_accounts import access_expression
from plugins.mapi_ews.settings import FEATURE, SECTION, USER_SECTION

PLUGIN_INFO = PluginInfo(
    name="mapi_ews",
    version="1.0.0",
    description="MAPI/EWS accounts and user management.",
    edition="enterprise",
    feature="mapi_ews",
)


@hookimpl
def register_domain_sections() -> list:
    return [SECTION]


@hookimpl
def register_user_sections() -> list:
    return [USER_SECTION]


@hookimpl
def register_schema(types) -> list:
    from plugins.mapi_ews.schema import contributions

    return contributions()


@hookimpl
def register_export_columns(kind: str) -> list:
    if kind != "users":
        return []
    return [ExportColumn(name="mapiEwsAccess", expression=access_expression(FEATURE))]


@hookimpl
def register_operation_rules() -> dict:
    from plugins.mapi_ews.schema import OPERATION_RULES

    return OPERATION_RULES


(
    after_user_settings,
    register_propagation_sections,
    validate_user_propagation,
    after_user_propagation,
) = (hookimpl(hook) for hook in access_hooks(FEATURE))
