"""EAS (Enterprise): per-domain EAS accounts, per-user access, devices and
remote wipe.

The ``eas`` domain section allots accounts and switches remote wipe and
user management; a user's ``eas.enabled`` setting (or ``setEasAccess``)
gives access within the allotment, from the user template and its
propagation too; devices register as they synchronise and can be asked to
wipe themselves.
"""

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.services.feature_access import CountedFeatureHooks
from plugins.eas import models  # noqa: F401  (puts the tables on the metadata)
from plugins.eas.settings import FEATURE, SECTION, USER_SECTION

PLUGIN_INFO = PluginInfo(
    name="eas",
    version="1.0.0",
    description="EAS accounts, user management, devices and remote wipe.",
    edition="enterprise",
    feature="eas",
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
    from plugins.eas.schema import contributions

    return contributions()


@hookimpl
def register_operation_rules() -> dict:
    from plugins.eas.schema import OPERATION_RULES

    return OPERATION_RULES
