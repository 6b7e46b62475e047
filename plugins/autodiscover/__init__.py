"""Autodiscover: the endpoints mail clients configure themselves from.

The ``autodiscover`` domain section says which protocols the domain's
answers announce, on which ports and with what encryption; desktop and
mobile clients sign in to ``/autodiscover/autodiscover.xml`` and get the
protocols their service access allows; autoconfig clients get the domain's
servers without signing in. Administrators may replace either answer with
custom XML (``setAutodiscoverOverride``).
"""

from core.hookspecs import hookimpl
from core.plugins import PluginInfo

PLUGIN_INFO = PluginInfo(
    name="autodiscover",
    version="1.0.0",
    description="Autodiscover and autoconfig answers for mail clients.",
)


@hookimpl
def register_domain_sections() -> list:
    from plugins.autodiscover.settings import SECTION

    return [SECTION]


@hookimpl
def register_routes() -> list:
    from plugins.autodiscover.routes import routes

    return routes()


@hookimpl
def register_schema(types) -> list:
    from plugins.autodiscover.schema import contributions

    return contributions()


@hookimpl
def register_operation_rules() -> dict:
    from plugins.autodiscover.schema import OPERATION_RULES

    return OPERATION_RULES
