"""endImpersonation: revoke an impersonation session."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.impersonation import end_impersonation


@strawberry.input(description="Which impersonation to end.")
class ImpersonationEndInput:
    token: str | None = strawberry.field(
        default=None,
        description="The impersonation's token, for the system administrator who "
        "started it; omit it to end the session the request is sent with.",
    )


@strawberry.type(description="The result of endImpersonation.")
class ImpersonationEndPayload:
    admin: str | None = strawberry.field(
        default=None, description="The administrator the session acted as."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing ended.")


@strawberry.type
class ImpersonationEndMutation:
    @strawberry.mutation(description="End an impersonation session; it is audited.")
    def end_impersonation(
        self,
        info: Info,
        input: Annotated[
            ImpersonationEndInput | None,
            strawberry.argument(description="Which one; the current by default."),
        ] = None,
    ) -> ImpersonationEndPayload:
        def act(session, ctx):
            token = input.token if input else None
            return {"admin": end_impersonation(session, ctx.principal, token)}

        return run_mutation(info, ImpersonationEndPayload, act)
