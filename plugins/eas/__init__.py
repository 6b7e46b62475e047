"""EAS (Enterprise): per-domain EAS accounts, per-user access, devices and
remote wipe.

The ``eas`` domain section allots accounts and switches remote wipe and
user management; ``setEasAccess`` gives users access within the allotment;
devices register as they synchronise and can be asked to wipe themselves.
"""

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from plugins.eas import models  # noqa: F401  (puts the tables on the metadata)

PLUGIN_INFO = PluginInfo(
    name="eas",
    version="1.0.0",
    description="EAS accounts, user management, devices and remote wipe.",
    edition="enterprise",
    feature="eas",
)


@hookimpl
def register_domain_sections() -> list:
    from plugins.eas.settings import SECTION

    return [SECTION]


@hookimpl
def register_schema(types) -> list:
    from plugins.eas.schema import contributions

    return contributions()


@hookimpl
def register_export_columns(kind: str) -> list:
    from core.services.export_columns import ExportColumn
    from core.services.feature_accounts import access_expression
    from plugins.eas.settings import FEATURE

    if kind != "users":
        return []
    return [ExportColumn(name="easAccess", expression=access_expression(FEATURE))]


@hookimpl
def register_operation_rules() -> dict:
    from plugins.eas.schema import OPERATION_RULES

    return OPERATION_RULES
