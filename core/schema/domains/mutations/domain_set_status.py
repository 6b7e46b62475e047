"""setDomainStatus: enable or disable a domain."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.domains.mutations.common import change_domain
from core.schema.domains.types import Domain, DomainStatus
from core.schema.errors import UserError
from core.services.domains import set_domain_status


@strawberry.input(description="A domain and its new status.")
class DomainSetStatusInput:
    name: str = strawberry.field(description="The domain.")
    status: DomainStatus = strawberry.field(description="The new status.")


@strawberry.type(description="The result of setDomainStatus.")
class DomainSetStatusPayload:
    domain: Domain | None = strawberry.field(default=None, description="The domain.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class DomainSetStatusMutation:
    @strawberry.mutation(
        description="Enable or disable a domain; disabled ones still receive mail."
    )
    def set_domain_status(
        self,
        info: Info,
        input: Annotated[
            DomainSetStatusInput, strawberry.argument(description="Status.")
        ],
    ) -> DomainSetStatusPayload:
        return change_domain(
            info,
            DomainSetStatusPayload,
            input.name,
            lambda session, ctx, domain: set_domain_status(
                session, domain, input.status.value
            ),
        )
