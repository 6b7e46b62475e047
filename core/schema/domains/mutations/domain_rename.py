"""renameDomain: every address and the default folder follow the new name."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.domains.mutations.common import change_domain
from core.schema.domains.types import Domain
from core.schema.errors import UserError
from core.services.domains import rename_domain


@strawberry.input(description="A domain and its new name.")
class DomainRenameInput:
    name: str = strawberry.field(description="The current name.")
    new_name: str = strawberry.field(description="The new name.")


@strawberry.type(description="The result of renameDomain.")
class DomainRenamePayload:
    domain: Domain | None = strawberry.field(
        default=None, description="The renamed domain."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class DomainRenameMutation:
    @strawberry.mutation(description="Rename a domain; the old name is free again.")
    def rename_domain(
        self,
        info: Info,
        input: Annotated[DomainRenameInput, strawberry.argument(description="Names.")],
    ) -> DomainRenamePayload:
        return change_domain(
            info,
            DomainRenamePayload,
            input.name,
            lambda session, ctx, domain: rename_domain(
                session, ctx.runtime, domain, input.new_name
            ),
        )
