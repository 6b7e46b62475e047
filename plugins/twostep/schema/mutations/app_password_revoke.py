"""revokeAppPassword: delete an app password."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.twostep.app_passwords import revoke_app_password


@strawberry.input(description="The app password to revoke.")
class AppPasswordRevokeInput:
    id: strawberry.ID = strawberry.field(description="The app password's id.")


@strawberry.type(description="The result of revokeAppPassword.")
class AppPasswordRevokePayload:
    ok: bool = strawberry.field(default=False, description="It was revoked.")
    errors: list[UserError] = strawberry.field(description="Why it was not.")


@strawberry.type
class AppPasswordRevokeMutation:
    @strawberry.mutation(
        description="Revoke an app password, as its user or an administrator "
        "of the user's domain; clients using it stop getting in."
    )
    def revoke_app_password(
        self,
        info: Info,
        input: Annotated[
            AppPasswordRevokeInput, strawberry.argument(description="Which.")
        ],
    ) -> AppPasswordRevokePayload:
        def act(session, ctx):
            if not str(input.id).isdigit():
                raise NotFound(
                    "No such app password.", field="id", code="APP_PASSWORD_NOT_FOUND"
                )
            revoke_app_password(session, ctx.principal, int(input.id))
            return {"ok": True}

        return run_mutation(info, AppPasswordRevokePayload, act)
