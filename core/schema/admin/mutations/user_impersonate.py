"""impersonateUser: a short session acting as one user."""

from datetime import datetime
from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.impersonation import impersonate_user


@strawberry.input(description="The user to impersonate.")
class UserImpersonateInput:
    email: str = strawberry.field(description="The user's address.")


@strawberry.type(description="The result of impersonateUser.")
class UserImpersonatePayload:
    token: str | None = strawberry.field(
        default=None,
        description="Send as Authorization: Bearer <token>; `me.impersonatedBy` "
        "names you. End it with endImpersonation.",
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the session ends by itself."
    )
    user: str | None = strawberry.field(
        default=None, description="The user the session acts as."
    )
    errors: list[UserError] = strawberry.field(description="Why no session began.")


@strawberry.type
class UserImpersonateMutation:
    @strawberry.mutation(
        description="Sign in as a user to see what the user sees: system "
        "administrators as anyone, domain administrators as the users of their "
        "domain who are not administrators. The session can do what that user "
        "can and nothing more, expires within 30 minutes, and is audited."
    )
    def impersonate_user(
        self,
        info: Info,
        input: Annotated[
            UserImpersonateInput, strawberry.argument(description="Whom.")
        ],
    ) -> UserImpersonatePayload:
        def act(session, ctx):
            started = impersonate_user(
                session,
                ctx.principal,
                email=input.email,
                ttl=ctx.runtime.config.token_ttl_seconds,
            )
            return {
                "token": started.token,
                "expires_at": started.expires_at,
                "user": started.admin,
            }

        return run_mutation(info, UserImpersonatePayload, act)
