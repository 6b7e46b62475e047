"""confirmTwoStepSetup: turn the pending authenticator on with a code."""

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
from plugins.twostep.setup import confirm_setup


@strawberry.type
class TwoStepSetupConfirmMutation:
    @strawberry.mutation(
        description="Turn on the authenticator begun with beginTwoStepSetup, "
        "given a code it shows."
    )
    def confirm_two_step_setup(
        self,
        info: Info,
        input: Annotated[
            TwoStepCodeInput, strawberry.argument(description="The app's code.")
        ],
    ) -> TwoStepEnabledPayload:
        def act(session, ctx):
            clock = clock_of(ctx.runtime)
            enabled = confirm_setup(
                session, ctx.runtime, ctx.principal, input.code, clock
            )
            state = describe(session, ctx.runtime, ctx.principal, None)
            return {
                "account": to_account(state),
                "recovery_codes": enabled.recovery_codes,
                "token": enabled.token,
            }

        return run_twostep_mutation(info, TwoStepEnabledPayload, act)
