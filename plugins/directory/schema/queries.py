"""Directory queries: what can't be read from the domain's settings."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_query
from core.services.scope import require_managed_domain
from plugins.directory.credentials import has_bind_password


@strawberry.type
class DirectoryQueries:
    @strawberry.field(
        description="Whether a password is stored for the domain's "
        "directory.bindDn (the password itself is never shown)."
    )
    def directory_bind_password_set(
        self,
        info: Info,
        domain: Annotated[str, strawberry.argument(description="The domain name.")],
    ) -> bool:
        def read(session, ctx):
            row = require_managed_domain(session, ctx.principal, domain)
            return has_bind_password(session, row.id)

        return run_query(info, read)
