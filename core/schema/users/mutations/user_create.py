"""createUser: a mailbox, its folder, and its place within the domain's limit."""

from typing import Annotated, Optional

import strawberry
from strawberry.types.unset import UNSET

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.users.mutations.common import settings_patch
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
from core.services.users import UserCreate, create_user


@strawberry.type(description="The result of createUser.")
class UserCreatePayload:
    user: User | None = strawberry.field(default=None, description="The new user.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


def build(types) -> type:
    """The mutation, with an input typed by this build's user settings sections."""

    @strawberry.input(description="A new user; fields left out take their defaults.")
    class UserCreateInput:
        email: str = strawberry.field(description="The address, on its domain.")
        password: str = strawberry.field(description="The password.")
        display_name: str = strawberry.field(
            default="", description="Name shown to others."
        )
        status: UserStatus = strawberry.field(
            default=UserStatus.ENABLED, description="Whether it may log in."
        )
        is_domain_admin: bool = strawberry.field(
            default=False, description="Make it an administrator of its domain."
        )
        auth_type: AuthType = strawberry.field(
            default=AuthType.PASSWORD, description="How the password is checked."
        )
        mailbox_size_mb: int = strawberry.field(
            default=0, description="Mailbox size limit in MB; 0 for none of its own."
        )
        profile: UserProfileInput | None = strawberry.field(
            default=None, description="Profile fields."
        )
        forwarding: UserForwardingInput | None = strawberry.field(
            default=None, description="Automated forwarding, where the domain allows."
        )
        settings: Optional[types.user_settings_input] = strawberry.field(  # noqa: UP045
            default=UNSET,
            description="Changes to the user defaults, such as serviceAccess.",
        )

    @strawberry.type
    class UserCreateMutation:
        @strawberry.mutation(
            description="Create a user (administrators of its domain)."
        )
        def create_user(
            self,
            info: Info,
            input: Annotated[
                UserCreateInput, strawberry.argument(description="The user.")
            ],
        ) -> UserCreatePayload:
            def act(session, ctx):
                data = UserCreate(
                    email=input.email,
                    password=input.password,
                    display_name=input.display_name,
                    status=input.status.value,
                    is_domain_admin=input.is_domain_admin,
                    auth_type=input.auth_type.value,
                    mailbox_size_mb=input.mailbox_size_mb,
                    profile=profile_changes(input.profile),
                    forwarding=forwarding_changes(input.forwarding),
                    settings=settings_patch(input.settings),
                )
                user, domain = create_user(session, ctx.runtime, ctx.principal, data)
                return {"user": to_user(user, domain, ctx.runtime)}

            return run_mutation(info, UserCreatePayload, act)

    return UserCreateMutation
