"""deleteMailingList: a list with its subscribers."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.mailing_lists.lists import delete_list
from plugins.mailing_lists.schema.types import MailingListInput


@strawberry.type(description="The result of deleteMailingList.")
class MailingListDeletePayload:
    email: str | None = strawberry.field(
        default=None, description="Address of the deleted list."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was deleted.")


@strawberry.type
class MailingListDeleteMutation:
    @strawberry.mutation(
        description="Delete a list with its subscribers, pending confirmations "
        "and undelivered posts."
    )
    def delete_mailing_list(
        self,
        info: Info,
        input: Annotated[
            MailingListInput, strawberry.argument(description="The list.")
        ],
    ) -> MailingListDeletePayload:
        def act(session, ctx):
            email = delete_list(session, ctx.runtime, ctx.principal, input.email)
            return {"email": email}

        return run_mutation(info, MailingListDeletePayload, act)
