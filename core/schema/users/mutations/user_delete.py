"""deleteUser: remove a user, and its folder if asked."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.users import delete_user


@strawberry.input(description="The user to delete.")
class UserDeleteInput:
    email: str = strawberry.field(description="The user's address.")
    delete_files: bool = strawberry.field(
        default=False, description="Also remove its folder once deleted."
    )


@strawberry.type(description="The result of deleteUser.")
class UserDeletePayload:
    deleted_email: str | None = strawberry.field(
        default=None, description="Address deleted."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was deleted.")


@strawberry.type
class UserDeleteMutation:
    @strawberry.mutation(
        description="Delete a user (administrators of its domain); its place "
        "within the domain's limit is free again."
    )
    def delete_user(
        self,
        info: Info,
        input: Annotated[UserDeleteInput, strawberry.argument(description="Which.")],
    ) -> UserDeletePayload:
        def act(session, ctx):
            email = delete_user(
                session,
                ctx.runtime,
                ctx.principal,
                input.email,
                delete_files=input.delete_files,
            )
            return {"deleted_email": email}

        return run_mutation(info, UserDeletePayload, act)
