"""resetTwoStep: return a user to no two-step authentication."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.twostep.accounts import describe, reset_two_step
from plugins.twostep.schema.types import TwoStepAccount, to_account


@strawberry.input(description="The user whose two-step to reset.")
class TwoStepResetInput:
    email: str = strawberry.field(description="The user's address.")


@strawberry.type(description="The result of resetTwoStep.")
class TwoStepResetPayload:
    account: TwoStepAccount | None = strawberry.field(
        default=None, description="The user's two-step state now."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class TwoStepResetMutation:
    @strawberry.mutation(
        description="Remove a user's authenticator, recovery address, recovery "
        "codes, pending logins and app passwords, as a system administrator or "
        "an administrator of the user's domain (say, for a lost phone). Where "
        "the domain forces two-step, the user sets it up at the next login."
    )
    def reset_two_step(
        self,
        info: Info,
        input: Annotated[TwoStepResetInput, strawberry.argument(description="Whom.")],
    ) -> TwoStepResetPayload:
        def act(session, ctx):
            address = reset_two_step(session, ctx.principal, input.email)
            state = describe(session, ctx.runtime, ctx.principal, address)
            return {"account": to_account(state)}

        return run_mutation(info, TwoStepResetPayload, act)
