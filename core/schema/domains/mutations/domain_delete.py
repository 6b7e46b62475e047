"""deleteDomain: remove a domain, and its files if asked."""

from typing import Annotated

import strawberry

from core.principal import require_domain_operator
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.domains import delete_domain, require_domain


@strawberry.input(description="The domain to delete.")
class DomainDeleteInput:
    name: str = strawberry.field(description="The domain.")
    delete_files: bool = strawberry.field(
        default=False, description="Also remove its folder from disk once deleted."
    )


@strawberry.type(description="The result of deleteDomain.")
class DomainDeletePayload:
    deleted_name: str | None = strawberry.field(
        default=None, description="Name deleted."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was deleted.")


@strawberry.type
class DomainDeleteMutation:
    @strawberry.mutation(description="Delete a domain with its users and aliases.")
    def delete_domain(
        self,
        info: Info,
        input: Annotated[DomainDeleteInput, strawberry.argument(description="Which.")],
    ) -> DomainDeletePayload:
        def act(session, ctx):
            require_domain_operator(ctx.principal)
            domain = require_domain(session, ctx.principal, input.name)
            delete_domain(session, ctx.runtime, domain, input.delete_files)
            return {"deleted_name": domain.name}

        return run_mutation(info, DomainDeletePayload, act)
