"""beginTwoStepSetup: a new authenticator secret for the caller."""

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.twostep.codes import clock_of
from plugins.twostep.setup import begin_setup


@strawberry.type(description="What an authenticator app needs to be set up.")
class TwoStepSetupBeginPayload:
    secret: str | None = strawberry.field(
        default=None, description="The secret, in base32, to type into the app."
    )
    uri: str | None = strawberry.field(
        default=None, description="The otpauth:// URI the QR code holds."
    )
    qr_svg: str | None = strawberry.field(
        default=None, description="The URI as a QR code: an SVG document."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class TwoStepSetupBeginMutation:
    @strawberry.mutation(
        description="Start setting up an authenticator app for the caller's "
        "account (a set-up-only session will do); confirmTwoStepSetup turns it "
        "on. Shown once; valid for ten minutes."
    )
    def begin_two_step_setup(self, info: Info) -> TwoStepSetupBeginPayload:
        def act(session, ctx):
            start = begin_setup(
                session, ctx.runtime, ctx.principal, clock_of(ctx.runtime)
            )
            return {"secret": start.secret, "uri": start.uri, "qr_svg": start.qr_svg}

        return run_mutation(info, TwoStepSetupBeginPayload, act)
