"""addSubscriber: subscribe an address to a list, as its administrator."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.mailing_lists.schema.types import MailingListSubscriber, to_subscriber
from plugins.mailing_lists.subscribers import add_subscriber


@strawberry.input(description="A new subscriber of a list.")
class SubscriberAddInput:
    list: str = strawberry.field(description="The list's address.")
    email: str = strawberry.field(description="The address to subscribe.")
    display_name: str = strawberry.field(
        default="", description="The subscriber's name."
    )


@strawberry.type(description="The result of addSubscriber.")
class SubscriberAddPayload:
    subscriber: MailingListSubscriber | None = strawberry.field(
        default=None, description="The new subscriber."
    )
    errors: list[UserError] = strawberry.field(description="Why nobody was added.")


@strawberry.type
class SubscriberAddMutation:
    @strawberry.mutation(
        description="Subscribe an address at once (administrators of the list's "
        "domain need no confirmation from it)."
    )
    def add_subscriber(
        self,
        info: Info,
        input: Annotated[
            SubscriberAddInput, strawberry.argument(description="The subscriber.")
        ],
    ) -> SubscriberAddPayload:
        def act(session, ctx):
            row, _list = add_subscriber(
                session,
                ctx.runtime,
                ctx.principal,
                input.list,
                input.email,
                input.display_name,
            )
            return {"subscriber": to_subscriber(row)}

        return run_mutation(info, SubscriberAddPayload, act)
