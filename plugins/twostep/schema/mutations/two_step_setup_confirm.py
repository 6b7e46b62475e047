"""confirmTwoStepSetup: turn the pending authenticator on with a code."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from plugins.twostep.schema.mutations.common import run_method_confirm
from plugins.twostep.schema.types import TwoStepCodeInput, TwoStepEnabledPayload
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
        return run_method_confirm(
            info, confirm_setup, input.code, current_code=input.current_code
        )
