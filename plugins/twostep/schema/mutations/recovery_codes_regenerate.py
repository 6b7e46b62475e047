"""regenerateRecoveryCodes: new recovery codes for the caller."""

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.twostep.accounts import regenerate_recovery_codes


@strawberry.type(description="The result of regenerateRecoveryCodes.")
class RecoveryCodesRegeneratePayload:
    recovery_codes: list[str] | None = strawberry.field(
        default=None, description="The new codes, shown this once."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class RecoveryCodesRegenerateMutation:
    @strawberry.mutation(
        description="Replace the caller's recovery codes; the old ones stop "
        "working. Needs two-step to be on."
    )
    def regenerate_recovery_codes(self, info: Info) -> RecoveryCodesRegeneratePayload:
        def act(session, ctx):
            return {"recovery_codes": regenerate_recovery_codes(session, ctx.principal)}

        return run_mutation(info, RecoveryCodesRegeneratePayload, act)
