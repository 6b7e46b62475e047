"""sendTwoStepRecoveryCode: mail a login's one-time code to the recovery address."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from plugins.twostep.challenges import send_login_code
from plugins.twostep.codes import clock_of
from plugins.twostep.schema.runner import run_twostep_mutation


@strawberry.input(description="The login waiting for its second step.")
class RecoveryCodeSendInput:
    challenge: str = strawberry.field(description="The challenge login returned.")


@strawberry.type(description="The result of sendTwoStepRecoveryCode.")
class RecoveryCodeSendPayload:
    sent_to: str | None = strawberry.field(
        default=None, description="The recovery address, partly hidden."
    )
    errors: list[UserError] = strawberry.field(description="Why it was not sent.")


@strawberry.type
class RecoveryCodeSendMutation:
    @strawberry.mutation(
        description="Mail a one-time code for this login to the user's recovery "
        "address; answer it with completeLogin. A new code replaces the last; "
        "a login gets three at most."
    )
    def send_two_step_recovery_code(
        self,
        info: Info,
        input: Annotated[
            RecoveryCodeSendInput, strawberry.argument(description="The login.")
        ],
    ) -> RecoveryCodeSendPayload:
        def act(session, ctx):
            clock = clock_of(ctx.runtime)
            sent_to = send_login_code(session, ctx.runtime, input.challenge, clock)
            return {"sent_to": sent_to}

        return run_twostep_mutation(info, RecoveryCodeSendPayload, act)
