"""deleteDomainAlias: remove another name of a domain."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.domain_aliases import delete_domain_alias


@strawberry.input(description="The domain alias to remove.")
class DomainAliasDeleteInput:
    alias: str = strawberry.field(description="The alias name.")


@strawberry.type(description="The result of deleteDomainAlias.")
class DomainAliasDeletePayload:
    deleted_alias: str | None = strawberry.field(
        default=None, description="Name removed."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was removed.")


@strawberry.type
class DomainAliasDeleteMutation:
    @strawberry.mutation(
        description="Remove a domain alias (as for createDomainAlias)."
    )
    def delete_domain_alias(
        self,
        info: Info,
        input: Annotated[
            DomainAliasDeleteInput, strawberry.argument(description="Which.")
        ],
    ) -> DomainAliasDeletePayload:
        def act(session, ctx):
            name = delete_domain_alias(session, ctx.runtime, ctx.principal, input.alias)
            return {"deleted_alias": name}

        return run_mutation(info, DomainAliasDeletePayload, act)
