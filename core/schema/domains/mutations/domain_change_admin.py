"""changeDomainAdmin: pick an existing user, or create one, as primary administrator."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.domains.mutations.common import change_domain
from core.schema.domains.types import Domain
from core.schema.errors import UserError
from core.services.domains import change_domain_admin


@strawberry.input(description="The domain and its new primary administrator.")
class DomainChangeAdminInput:
    name: str = strawberry.field(description="The domain.")
    username: str = strawberry.field(
        description="Local part of an existing or new user."
    )
    password: str | None = strawberry.field(
        default=None, description="Required for a new user; resets an existing one's."
    )


@strawberry.type(description="The result of changeDomainAdmin.")
class DomainChangeAdminPayload:
    domain: Domain | None = strawberry.field(default=None, description="The domain.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class DomainChangeAdminMutation:
    @strawberry.mutation(description="Change the primary domain administrator.")
    def change_domain_admin(
        self,
        info: Info,
        input: Annotated[
            DomainChangeAdminInput, strawberry.argument(description="Who.")
        ],
    ) -> DomainChangeAdminPayload:
        return change_domain(
            info,
            DomainChangeAdminPayload,
            input.name,
            lambda session, ctx, domain: change_domain_admin(
                session, ctx.runtime, domain, input.username, input.password
            ),
        )
