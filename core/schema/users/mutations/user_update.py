"""updateUser: administrators change any field, users their own account's."""

from typing import Annotated, Optional

import strawberry
from strawberry.types.unset import UNSET

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.users.mutations.common import given, settings_patch
from core.schema.users.types import (
    AuthType,
    User,
    UserForwardingInput,
    UserProfileInput,
    UserStatus,
    forwarding_changes,
    profile_changes,
    to_user,
)
from core.services.user_updates import UserChanges, update_user


@strawberry.type(description="The result of updateUser.")
class UserUpdatePayload:
    user: User | None = strawberry.field(default=None, description="The user as saved.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


def build(types) -> type:
    """The mutation, with an input typed by this build's user settings sections."""

    @strawberry.input(description="Changes to a user; fields left out stay.")
    class UserUpdateInput:
        email: str = strawberry.field(description="The user to change.")
        password: str | None = strawberry.field(
            default=UNSET, description="A new password (administrators)."
        )
        display_name: str | None = strawberry.field(
            default=UNSET, description="Name shown to others."
        )
        status: UserStatus | None = strawberry.field(
            default=UNSET, description="Whether it may log in (administrators)."
        )
        is_domain_admin: bool | None = strawberry.field(
            default=UNSET, description="Administrator of its domain (administrators)."
        )
        auth_type: AuthType | None = strawberry.field(
            default=UNSET, description="How the password is checked (administrators)."
        )
        mailbox_size_mb: int | None = strawberry.field(
            default=UNSET, description="Mailbox size limit in MB (administrators)."
        )
        profile: UserProfileInput | None = strawberry.field(
            default=UNSET, description="Changes to the profile."
        )
        forwarding: UserForwardingInput | None = strawberry.field(
            default=UNSET, description="Changes to automated forwarding."
        )
        settings: Optional[types.user_settings_input] = strawberry.field(  # noqa: UP045
            default=UNSET, description="A partial patch of the settings."
        )

    @strawberry.type
    class UserUpdateMutation:
        @strawberry.mutation(
            description="Change a user, all or nothing; a user may change its own "
            "display name, profile and forwarding."
        )
        def update_user(
            self,
            info: Info,
            input: Annotated[
                UserUpdateInput, strawberry.argument(description="The changes.")
            ],
        ) -> UserUpdatePayload:
            def act(session, ctx):
                user, domain = update_user(
                    session, ctx.runtime, ctx.principal, input.email, _changes(input)
                )
                return {"user": to_user(user, domain, ctx.runtime)}

            return run_mutation(info, UserUpdatePayload, act)

    return UserUpdateMutation


def _changes(input) -> UserChanges:
    status, auth_type = given(input.status), given(input.auth_type)
    return UserChanges(
        password=given(input.password),
        display_name=given(input.display_name),
        status=status.value if status else None,
        is_domain_admin=given(input.is_domain_admin),
        auth_type=auth_type.value if auth_type else None,
        mailbox_size_mb=given(input.mailbox_size_mb),
        profile=profile_changes(given(input.profile)) or None,
        forwarding=forwarding_changes(given(input.forwarding)) or None,
        settings=settings_patch(input.settings),
    )
