"""confirmTwoStepRecoveryEmail: make the pending address the recovery address."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from plugins.twostep.schema.mutations.common import run_method_confirm
from plugins.twostep.schema.types import TwoStepCodeInput, TwoStepEnabledPayload
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
        return run_method_confirm(info, confirm_recovery_email, input.code)
