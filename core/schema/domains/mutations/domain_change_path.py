"""changeDomainPath: move a domain's folder with everything in it."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.domains.mutations.common import change_domain
from core.schema.domains.types import Domain
from core.schema.errors import UserError
from core.services.domains import change_domain_path


@strawberry.input(description="A domain and the folder to move it to.")
class DomainChangePathInput:
    name: str = strawberry.field(description="The domain.")
    folder: str = strawberry.field(description="The new folder, under an allowed root.")


@strawberry.type(description="The result of changeDomainPath.")
class DomainChangePathPayload:
    domain: Domain | None = strawberry.field(
        default=None, description="The moved domain."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing moved.")


@strawberry.type
class DomainChangePathMutation:
    @strawberry.mutation(
        description="Move a domain's folder; no file is lost on a crash."
    )
    def change_domain_path(
        self,
        info: Info,
        input: Annotated[
            DomainChangePathInput, strawberry.argument(description="Move.")
        ],
    ) -> DomainChangePathPayload:
        return change_domain(
            info,
            DomainChangePathPayload,
            input.name,
            lambda session, ctx, domain: change_domain_path(
                session, ctx.runtime, domain, input.folder
            ),
        )
