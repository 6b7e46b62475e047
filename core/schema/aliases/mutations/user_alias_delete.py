"""deleteUserAlias: remove an alias; its place within the limit is free again."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.user_aliases import delete_user_alias


@strawberry.input(description="The user alias to delete.")
class UserAliasDeleteInput:
    email: str = strawberry.field(description="The alias address.")


@strawberry.type(description="The result of deleteUserAlias.")
class UserAliasDeletePayload:
    deleted_email: str | None = strawberry.field(
        default=None, description="Address deleted."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was deleted.")


@strawberry.type
class UserAliasDeleteMutation:
    @strawberry.mutation(
        description="Delete a user alias (administrators of its domain)."
    )
    def delete_user_alias(
        self,
        info: Info,
        input: Annotated[
            UserAliasDeleteInput, strawberry.argument(description="Which.")
        ],
    ) -> UserAliasDeletePayload:
        def act(session, ctx):
            return {
                "deleted_email": delete_user_alias(session, ctx.principal, input.email)
            }

        return run_mutation(info, UserAliasDeletePayload, act)
