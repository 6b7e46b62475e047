"""regenerateRecoveryCodes: new recovery codes for the caller."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from plugins.twostep.codes import clock_of
from plugins.twostep.schema.runner import run_twostep_mutation
from plugins.twostep.self_service import regenerate_recovery_codes


@strawberry.input(description="Proof that the account's owner asks.")
class RecoveryCodesRegenerateInput:
    current_code: str | None = strawberry.field(
        default=None,
        description="A code of the authenticator, or one of the current "
        "recovery codes (CURRENT_CODE_REQUIRED without it).",
    )


@strawberry.type(description="The result of regenerateRecoveryCodes.")
class RecoveryCodesRegeneratePayload:
    recovery_codes: list[str] | None = strawberry.field(
        default=None, description="The new codes, shown this once."
    )
    errors: list[UserError] = strawberry.field(
        description="Why it was refused: a wrong code counts towards the same "
        "lock as wrong login codes."
    )


@strawberry.type
class RecoveryCodesRegenerateMutation:
    @strawberry.mutation(
        description="Replace the caller's recovery codes; the old ones stop "
        "working. Needs two-step to be on, and a current code."
    )
    def regenerate_recovery_codes(
        self,
        info: Info,
        input: Annotated[
            RecoveryCodesRegenerateInput | None,
            strawberry.argument(description="The proof."),
        ] = None,
    ) -> RecoveryCodesRegeneratePayload:
        current_code = input.current_code if input else None

        def act(session, ctx):
            codes = regenerate_recovery_codes(
                session, ctx.runtime, ctx.principal, current_code, clock_of(ctx.runtime)
            )
            return {"recovery_codes": codes}

        return run_twostep_mutation(info, RecoveryCodesRegeneratePayload, act)
