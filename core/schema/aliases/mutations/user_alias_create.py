"""createUserAlias: an address that forwards to one or more others."""

from typing import Annotated

import strawberry

from core.schema.aliases.types import UserAlias, to_user_alias
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.user_aliases import UserAliasCreate, create_user_alias


@strawberry.input(description="A new user alias.")
class UserAliasCreateInput:
    email: str = strawberry.field(description="The alias address, on its domain.")
    targets: list[str] = strawberry.field(description="Addresses its mail goes to.")
    is_catch_all: bool = strawberry.field(
        default=False,
        description="Make it the domain's catch-all, where the domain's features "
        "allow one.",
    )


@strawberry.type(description="The result of createUserAlias.")
class UserAliasCreatePayload:
    user_alias: UserAlias | None = strawberry.field(
        default=None, description="The new alias."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was created.")


@strawberry.type
class UserAliasCreateMutation:
    @strawberry.mutation(
        description="Create a user alias (administrators of its domain), within "
        "the domain's limit."
    )
    def create_user_alias(
        self,
        info: Info,
        input: Annotated[
            UserAliasCreateInput, strawberry.argument(description="The alias.")
        ],
    ) -> UserAliasCreatePayload:
        def act(session, ctx):
            data = UserAliasCreate(input.email, input.targets, input.is_catch_all)
            alias, domain = create_user_alias(session, ctx.runtime, ctx.principal, data)
            return {"user_alias": to_user_alias(alias, domain)}

        return run_mutation(info, UserAliasCreatePayload, act)
