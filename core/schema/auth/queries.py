"""me: who is asking."""

import strawberry

from core.principal import Role
from core.schema.auth.types import Me
from core.schema.context import Info
from core.schema.errors import run_query
from core.services.domains import get_domain_by_id


@strawberry.type
class AuthQueries:
    @strawberry.field(description="The caller of this request; null when anonymous.")
    def me(self, info: Info) -> Me | None:
        principal = info.context.principal
        if principal.role is Role.ANONYMOUS:
            return None

        def read(session, ctx):
            domain = None
            if principal.domain_id is not None:
                domain = get_domain_by_id(session, principal.domain_id).name
            return Me(
                role=principal.role,
                name=principal.name,
                domain=domain,
                impersonated_by=principal.impersonator,
            )

        return run_query(info, read)
