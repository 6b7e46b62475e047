"""createDomainAlias: another name for a domain, free of every domain name."""

from typing import Annotated

import strawberry

from core.schema.aliases.types import DomainAlias, to_domain_alias
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.domain_aliases import create_domain_alias


@strawberry.input(description="A domain and another name for it.")
class DomainAliasCreateInput:
    domain: str = strawberry.field(description="The domain.")
    alias: str = strawberry.field(description="The other name, such as example.net.")


@strawberry.type(description="The result of createDomainAlias.")
class DomainAliasCreatePayload:
    domain_alias: DomainAlias | None = strawberry.field(
        default=None, description="The new domain alias."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was created.")


@strawberry.type
class DomainAliasCreateMutation:
    @strawberry.mutation(
        description="Add a domain alias (system administrators; domain "
        "administrators where the domain's misc settings allow), within the "
        "domain's limit."
    )
    def create_domain_alias(
        self,
        info: Info,
        input: Annotated[
            DomainAliasCreateInput, strawberry.argument(description="The alias.")
        ],
    ) -> DomainAliasCreatePayload:
        def act(session, ctx):
            alias, domain = create_domain_alias(
                session, ctx.runtime, ctx.principal, input.domain, input.alias
            )
            return {"domain_alias": to_domain_alias(alias, domain)}

        return run_mutation(info, DomainAliasCreatePayload, act)
