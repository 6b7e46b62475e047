"""completeLogin: answer a login's challenge with a code and get a token."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from plugins.twostep.challenges import complete_login
from plugins.twostep.codes import clock_of
from plugins.twostep.schema.runner import run_twostep_mutation


@strawberry.input(description="The second step of a login.")
class LoginCompleteInput:
    challenge: str = strawberry.field(description="The challenge login returned.")
    code: str = strawberry.field(
        description="A code from the authenticator app, the code mailed to the "
        "recovery address, or a recovery code."
    )


@strawberry.type(description="The result of completeLogin.")
class LoginCompletePayload:
    token: str | None = strawberry.field(
        default=None, description="Send as Authorization: Bearer <token>."
    )
    errors: list[UserError] = strawberry.field(
        description="Why not: a wrong code counts towards locking the challenge."
    )


@strawberry.type
class LoginCompleteMutation:
    @strawberry.mutation(
        description="Trade a login's challenge and one valid code for a token. "
        "A code is good once; the challenge expires, and wrong codes lock it."
    )
    def complete_login(
        self,
        info: Info,
        input: Annotated[
            LoginCompleteInput, strawberry.argument(description="The answer.")
        ],
    ) -> LoginCompletePayload:
        def act(session, ctx):
            clock = clock_of(ctx.runtime)
            token = complete_login(
                session, ctx.runtime, input.challenge, input.code, clock
            )
            return {"token": token}

        return run_twostep_mutation(info, LoginCompletePayload, act)
