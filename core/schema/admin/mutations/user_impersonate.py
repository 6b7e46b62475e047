"""impersonateUser: a short session acting as one user."""

from typing import Annotated

import strawberry

from core.schema.admin.mutations.common import (
    ImpersonationSession,
    run_impersonation,
)
from core.schema.context import Info
from core.schema.errors import UserError
from core.services.impersonation import impersonate_user


@strawberry.input(description="The user to impersonate.")
class UserImpersonateInput:
    email: str = strawberry.field(description="The user's address.")


@strawberry.type(description="The result of impersonateUser.")
class UserImpersonatePayload(ImpersonationSession):
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
        return run_impersonation(
            info,
            UserImpersonatePayload,
            impersonate_user,
            "user",
            email=input.email,
        )
