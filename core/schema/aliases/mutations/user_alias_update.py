"""updateUserAlias: new targets, or catch-all on or off."""

from typing import Annotated

import strawberry
from strawberry.types.unset import UNSET

from core.schema.aliases.types import UserAlias, to_user_alias
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.user_aliases import update_user_alias


@strawberry.input(description="Changes to a user alias; fields left out stay.")
class UserAliasUpdateInput:
    email: str = strawberry.field(description="The alias to change.")
    targets: list[str] | None = strawberry.field(
        default=UNSET, description="The whole new list of targets."
    )
    is_catch_all: bool | None = strawberry.field(
        default=UNSET, description="Make it, or stop it being, the catch-all."
    )


@strawberry.type(description="The result of updateUserAlias.")
class UserAliasUpdatePayload:
    user_alias: UserAlias | None = strawberry.field(
        default=None, description="The alias as saved."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class UserAliasUpdateMutation:
    @strawberry.mutation(
        description="Change a user alias (administrators of its domain)."
    )
    def update_user_alias(
        self,
        info: Info,
        input: Annotated[
            UserAliasUpdateInput, strawberry.argument(description="The changes.")
        ],
    ) -> UserAliasUpdatePayload:
        def act(session, ctx):
            alias, domain = update_user_alias(
                session,
                ctx.runtime,
                ctx.principal,
                input.email,
                targets=_given(input.targets),
                is_catch_all=_given(input.is_catch_all),
            )
            return {"user_alias": to_user_alias(alias, domain)}

        return run_mutation(info, UserAliasUpdatePayload, act)


def _given(value):
    return None if value is UNSET else value
