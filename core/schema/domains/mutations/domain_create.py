"""createDomain: a domain, its folder and its primary domain administrator."""

from typing import Annotated

import strawberry

from core.principal import require_domain_operator
from core.schema.context import Info
from core.schema.domains.queries import load_row
from core.schema.domains.types import Domain, to_domain
from core.schema.errors import UserError, run_mutation
from core.services.api_keys import adopt_domain
from core.services.domains import DomainCreate, create_domain


@strawberry.input(description="A new domain and its first domain administrator.")
class DomainCreateInput:
    name: str = strawberry.field(description="Domain name, such as example.com.")
    admin_username: str = strawberry.field(
        description="Local part of the primary domain administrator "
        "(jdoe of jdoe@example.com)."
    )
    admin_password: str = strawberry.field(description="That administrator's password.")
    hostname: str | None = strawberry.field(
        default=None,
        description="Mail server name for clients; the template's by default.",
    )
    folder: str | None = strawberry.field(
        default=None, description="Folder on disk; <data>/domains/<name> by default."
    )


@strawberry.type(description="The result of createDomain.")
class DomainCreatePayload:
    domain: Domain | None = strawberry.field(
        default=None, description="The new domain."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was created.")


@strawberry.type
class DomainCreateMutation:
    @strawberry.mutation(description="Create a domain (system administrators).")
    def create_domain(
        self,
        info: Info,
        input: Annotated[
            DomainCreateInput, strawberry.argument(description="The domain.")
        ],
    ) -> DomainCreatePayload:
        def act(session, ctx):
            require_domain_operator(ctx.principal)
            data = DomainCreate(
                name=input.name,
                admin_username=input.admin_username,
                admin_password=input.admin_password,
                hostname=input.hostname,
                folder=input.folder,
            )
            domain = create_domain(session, ctx.runtime, data)
            adopt_domain(session, ctx.principal, domain)
            return {"domain": to_domain(load_row(session, domain), ctx.runtime)}

        return run_mutation(info, DomainCreatePayload, act)
