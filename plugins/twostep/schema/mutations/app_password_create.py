"""createAppPassword: a named password for one of the caller's mail clients."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.twostep.app_passwords import create_app_password
from plugins.twostep.schema.types import AppPassword, to_app_password


@strawberry.input(description="A new app password.")
class AppPasswordCreateInput:
    name: str = strawberry.field(description="What it is for: a client, a device.")


@strawberry.type(description="The result of createAppPassword.")
class AppPasswordCreatePayload:
    app_password: AppPassword | None = strawberry.field(
        default=None, description="The new app password, its password shown once."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class AppPasswordCreateMutation:
    @strawberry.mutation(
        description="Create an app password for the caller's mail clients; the "
        "caller needs two-step on. The password is shown in this answer only."
    )
    def create_app_password(
        self,
        info: Info,
        input: Annotated[
            AppPasswordCreateInput, strawberry.argument(description="Its name.")
        ],
    ) -> AppPasswordCreatePayload:
        def act(session, ctx):
            row = create_app_password(session, ctx.runtime, ctx.principal, input.name)
            return {"app_password": to_app_password(row)}

        return run_mutation(info, AppPasswordCreatePayload, act)
