"""What the confirming mutations share: turning a two-step method on."""

from collections.abc import Callable

from core.schema.context import Info
from plugins.twostep.accounts import Enabled, describe
from plugins.twostep.codes import clock_of
from plugins.twostep.schema.runner import run_twostep_mutation
from plugins.twostep.schema.types import TwoStepEnabledPayload, to_account


def run_method_confirm(
    info: Info, confirm: Callable[..., Enabled], code: str, **proof: str | None
) -> TwoStepEnabledPayload:
    """Turn a pending method on with ``confirm``, given ``code`` (and the
    ``proof`` it asks for); the payload shows the caller's two-step state
    after it and what turning it on issued."""

    def act(session, ctx):
        clock = clock_of(ctx.runtime)
        enabled = confirm(session, ctx.runtime, ctx.principal, code, clock, **proof)
        state = describe(session, ctx.runtime, ctx.principal, None)
        return {
            "account": to_account(state),
            "recovery_codes": enabled.recovery_codes,
            "token": enabled.token,
        }

    return run_twostep_mutation(info, TwoStepEnabledPayload, act)
