"""The plugins and license queries."""

import strawberry

from core.principal import require_system_admin
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.plugins.types import License, Plugin, to_license, to_plugin
from core.services.license import count_mailboxes


@strawberry.type
class PluginQueries:
    @strawberry.field(
        description="Every known plugin, loaded or not, with the reason "
        "(system administrators). The list is small and fixed at start-up."
    )
    def plugins(self, info: Info) -> list[Plugin]:
        require_system_admin(info.context.principal)
        statuses = info.context.runtime.plugins.current_statuses()
        return [to_plugin(status) for status in statuses]

    @strawberry.field(
        description="The license the server runs under (system administrators)."
    )
    def license(self, info: Info) -> License:
        def read(session, ctx):
            require_system_admin(ctx.principal)
            return to_license(ctx.runtime.license_status, count_mailboxes(session))

        return run_query(info, read)
