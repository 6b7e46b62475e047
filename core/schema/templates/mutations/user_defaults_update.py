"""updateUserDefaults: a patch of the user template."""

from typing import Annotated

import strawberry

from core.principal import require_system_admin
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.settings_types import settings_patch
from core.schema.templates.types import UserDefaults, to_user_defaults
from core.services.templates import update_user_template


@strawberry.type(description="The result of updateUserDefaults.")
class UserDefaultsUpdatePayload:
    user_defaults: UserDefaults | None = strawberry.field(
        default=None, description="The template as saved."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


def build(types) -> type:
    """The mutation, with an input typed by this build's settings sections."""

    @strawberry.input(
        description="Changes to the user template; fields left out stay as they are."
    )
    class UserDefaultsUpdateInput:
        settings: types.user_settings_input = strawberry.field(
            description="A partial patch; string values may hold %domain%."
        )

    @strawberry.type
    class UserDefaultsUpdateMutation:
        @strawberry.mutation(
            description="Change the template new users start from; existing "
            "users keep their settings (system administrators)."
        )
        def update_user_defaults(
            self,
            info: Info,
            input: Annotated[
                UserDefaultsUpdateInput, strawberry.argument(description="The changes.")
            ],
        ) -> UserDefaultsUpdatePayload:
            def act(session, ctx):
                require_system_admin(ctx.principal)
                patch = settings_patch(input.settings) or {}
                settings = update_user_template(
                    session, ctx.runtime, ctx.principal, patch
                )
                return {"user_defaults": to_user_defaults(settings, ctx.runtime)}

            return run_mutation(info, UserDefaultsUpdatePayload, act)

    return UserDefaultsUpdateMutation
