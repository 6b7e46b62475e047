"""setTwoStepRecoveryEmail: send a confirmation code to a recovery address."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from plugins.twostep.codes import clock_of
from plugins.twostep.schema.runner import run_twostep_mutation
from plugins.twostep.setup import set_recovery_email


@strawberry.input(description="A recovery address, or none.")
class RecoveryEmailSetInput:
    email: str | None = strawberry.field(
        default=None, description="Another mailbox of the user; null removes it."
    )
    current_code: str | None = strawberry.field(
        default=None,
        description="While two-step is on: a code of the authenticator, or a "
        "recovery code (CURRENT_CODE_REQUIRED without it).",
    )


@strawberry.type(description="The result of setTwoStepRecoveryEmail.")
class RecoveryEmailSetPayload:
    pending_recovery_email: str | None = strawberry.field(
        default=None,
        description="The address a code was sent to; confirm it with "
        "confirmTwoStepRecoveryEmail.",
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class RecoveryEmailSetMutation:
    @strawberry.mutation(
        description="Send a confirmation code to a new recovery address (into "
        "its mailbox when local, else over SMTP), or remove the address. The "
        "current address stays until the new one is confirmed."
    )
    def set_two_step_recovery_email(
        self,
        info: Info,
        input: Annotated[
            RecoveryEmailSetInput, strawberry.argument(description="The address.")
        ],
    ) -> RecoveryEmailSetPayload:
        def act(session, ctx):
            clock = clock_of(ctx.runtime)
            pending = set_recovery_email(
                session,
                ctx.runtime,
                ctx.principal,
                input.email,
                clock,
                current_code=input.current_code,
            )
            return {"pending_recovery_email": pending}

        return run_twostep_mutation(info, RecoveryEmailSetPayload, act)
