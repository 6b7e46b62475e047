"""confirmTwoStepRecoveryEmail: make the pending address the recovery address."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from plugins.twostep.accounts import describe
from plugins.twostep.codes import clock_of
from plugins.twostep.schema.runner import run_twostep_mutation
from plugins.twostep.schema.types import (
    TwoStepCodeInput,
    TwoStepEnabledPayload,
    to_account,
)
from plugins.twostep.setup import confirm_recovery_email


@strawberry.type
class RecoveryEmailConfirmMutation:
    @strawberry.mutation(
        description="Confirm the pending recovery address with the code sent "
        "there; wrong codes count, and the fifth drops the pending address."
    )
    def confirm_two_step_recovery_email(
        self,
        info: Info,
        input: Annotated[
            TwoStepCodeInput, strawberry.argument(description="The mailed code.")
        ],
    ) -> TwoStepEnabledPayload:
        def act(session, ctx):
            clock = clock_of(ctx.runtime)
            enabled = confirm_recovery_email(
                session, ctx.runtime, ctx.principal, input.code, clock
            )
            state = describe(session, ctx.runtime, ctx.principal, None)
            return {
                "account": to_account(state),
                "recovery_codes": enabled.recovery_codes,
                "token": enabled.token,
            }

        return run_twostep_mutation(info, TwoStepEnabledPayload, act)
