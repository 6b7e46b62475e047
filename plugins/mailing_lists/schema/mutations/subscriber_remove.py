"""removeSubscriber: take an address off a list."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.mailing_lists.schema.types import SubscriberInput
from plugins.mailing_lists.subscribers import remove_subscriber


@strawberry.type(description="The result of removeSubscriber.")
class SubscriberRemovePayload:
    email: str | None = strawberry.field(
        default=None, description="The address taken off the list."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class SubscriberRemoveMutation:
    @strawberry.mutation(description="Take an address off a list.")
    def remove_subscriber(
        self,
        info: Info,
        input: Annotated[
            SubscriberInput, strawberry.argument(description="The subscriber.")
        ],
    ) -> SubscriberRemovePayload:
        def act(session, ctx):
            email = remove_subscriber(
                session, ctx.runtime, ctx.principal, input.list, input.email
            )
            return {"email": email}

        return run_mutation(info, SubscriberRemovePayload, act)
