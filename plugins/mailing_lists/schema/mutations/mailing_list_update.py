"""updateMailingList: a list's description, posting policy and moderators."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_mutation
from plugins.mailing_lists.lists import update_list
from plugins.mailing_lists.models import PostingPolicy
from plugins.mailing_lists.schema.types import MailingListPayload, to_mailing_list


@strawberry.input(description="Changes to a list; fields left out stay.")
class MailingListUpdateInput:
    email: str = strawberry.field(description="The list's address.")
    description: str | None = strawberry.field(
        default=None, description="What the list is about."
    )
    posting_policy: PostingPolicy | None = strawberry.field(
        default=None, description="Who may post."
    )
    moderators: list[str] | None = strawberry.field(
        default=None, description="Addresses that may always post (all of them)."
    )


@strawberry.type
class MailingListUpdateMutation:
    @strawberry.mutation(
        description="Change a list's description, posting policy or moderators."
    )
    def update_mailing_list(
        self,
        info: Info,
        input: Annotated[
            MailingListUpdateInput, strawberry.argument(description="The change.")
        ],
    ) -> MailingListPayload:
        def act(session, ctx):
            row, domain = update_list(
                session,
                ctx.runtime,
                ctx.principal,
                input.email,
                description=input.description,
                posting_policy=input.posting_policy,
                moderators=input.moderators,
            )
            return {"mailing_list": to_mailing_list(row, domain)}

        return run_mutation(info, MailingListPayload, act)
