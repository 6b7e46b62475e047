"""disableTwoStep: a user turns its own two-step authentication off."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from plugins.twostep.accounts import describe
from plugins.twostep.codes import clock_of
from plugins.twostep.schema.runner import run_twostep_mutation
from plugins.twostep.schema.types import TwoStepAccount, to_account
from plugins.twostep.self_service import turn_off_two_step


@strawberry.input(description="Proof that the account's owner asks.")
class TwoStepDisableInput:
    password: str = strawberry.field(description="The account's password.")
    code: str = strawberry.field(
        description="A code from the authenticator app, or a recovery code."
    )


@strawberry.type(description="The result of disableTwoStep.")
class TwoStepDisablePayload:
    account: TwoStepAccount | None = strawberry.field(
        default=None, description="The caller's two-step state now."
    )
    errors: list[UserError] = strawberry.field(
        description="Why not: a wrong password or code counts towards the same "
        "lock as wrong login codes."
    )


@strawberry.type
class TwoStepDisableMutation:
    @strawberry.mutation(
        description="Turn the caller's two-step authentication off, with its "
        "password and a current code: the authenticator, recovery address, "
        "recovery codes and app passwords go. Refused (TWO_STEP_FORCED) where "
        "the domain forces two-step."
    )
    def disable_two_step(
        self,
        info: Info,
        input: Annotated[
            TwoStepDisableInput, strawberry.argument(description="The proof.")
        ],
    ) -> TwoStepDisablePayload:
        def act(session, ctx):
            clock = clock_of(ctx.runtime)
            turn_off_two_step(
                session, ctx.runtime, ctx.principal, input.password, input.code, clock
            )
            state = describe(session, ctx.runtime, ctx.principal, None)
            return {"account": to_account(state)}

        return run_twostep_mutation(info, TwoStepDisablePayload, act)
