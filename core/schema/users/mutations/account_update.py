"""updateMyAccount: the caller changes its own account."""

from typing import Annotated

import strawberry
from strawberry.types.unset import UNSET

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.users.mutations.common import given
from core.schema.users.types import (
    User,
    UserForwardingInput,
    UserProfileInput,
    forwarding_changes,
    profile_changes,
    to_user,
)
from core.services.user_updates import UserChanges, update_my_account


@strawberry.input(description="Changes to one's own account; fields left out stay.")
class AccountUpdateInput:
    current_password: str | None = strawberry.field(
        default=UNSET, description="The current password; needed for a new one."
    )
    password: str | None = strawberry.field(
        default=UNSET, description="A new password; other sessions end."
    )
    display_name: str | None = strawberry.field(
        default=UNSET, description="Name shown to others."
    )
    profile: UserProfileInput | None = strawberry.field(
        default=UNSET, description="Changes to the profile."
    )
    forwarding: UserForwardingInput | None = strawberry.field(
        default=UNSET,
        description="Forwarding addresses, where the domain and an administrator "
        "allow it.",
    )


@strawberry.type(description="The result of updateMyAccount.")
class AccountUpdatePayload:
    user: User | None = strawberry.field(
        default=None, description="The account as saved."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class AccountUpdateMutation:
    @strawberry.mutation(
        description="Change the caller's own account (users and domain administrators)."
    )
    def update_my_account(
        self,
        info: Info,
        input: Annotated[
            AccountUpdateInput, strawberry.argument(description="The changes.")
        ],
    ) -> AccountUpdatePayload:
        def act(session, ctx):
            changes = UserChanges(
                password=given(input.password),
                display_name=given(input.display_name),
                profile=profile_changes(given(input.profile)) or None,
                forwarding=forwarding_changes(given(input.forwarding)) or None,
            )
            user, domain = update_my_account(
                session,
                ctx.runtime,
                ctx.principal,
                changes,
                current_password=given(input.current_password),
                client_address=ctx.client_address,
            )
            return {"user": to_user(user, domain, ctx.runtime)}

        return run_mutation(info, AccountUpdatePayload, act)
