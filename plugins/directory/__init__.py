"""Directory integration (Enterprise): a domain's users authenticate against
its LDAP directory and are imported from it.

The ``directory`` domain section says where the directory is and how users
are found; ``setDirectoryBindPassword`` stores the service account's
password, encrypted. A user whose ``authType`` is DIRECTORY proves its
password by binding to the directory (``check_password``) while the
domain's ``features.directoryIntegration`` is on and ``directory.url`` is
set. ``importDirectoryUsers`` creates the directory's users as a job.
"""

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from plugins.directory import models  # noqa: F401  (puts the table on the metadata)
from plugins.directory.settings import FEATURE, SECTION

PLUGIN_INFO = PluginInfo(
    name="directory",
    version="1.0.0",
    description="Authenticate and import users from an LDAP directory.",
    edition="enterprise",
    feature=FEATURE,
)


@hookimpl
def register_domain_sections() -> list:
    return [SECTION]


@hookimpl
def register_schema(types) -> list:
    from plugins.directory.schema import contributions

    return contributions()


@hookimpl
def register_actors(broker) -> None:
    from plugins.directory.actors import declare_on

    declare_on(broker)


@hookimpl
def register_operation_rules() -> dict:
    from plugins.directory.schema import OPERATION_RULES

    return OPERATION_RULES


@hookimpl
def check_password(runtime, user, password) -> bool | None:
    # The caller's session is left alone: the check reads in its own, so
    # that none stays open while the directory is asked.
    from plugins.directory.service import check_user_password

    return check_user_password(runtime, user, password)
