"""createMailingList: a new list on a domain, within its limit."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_mutation
from plugins.mailing_lists.lists import ListCreate, create_list
from plugins.mailing_lists.models import PostingPolicy
from plugins.mailing_lists.schema.types import MailingListPayload, to_mailing_list


@strawberry.input(description="A new mailing list.")
class MailingListCreateInput:
    email: str = strawberry.field(description="The list's address, on its domain.")
    description: str = strawberry.field(
        default="", description="What the list is about."
    )
    posting_policy: PostingPolicy = strawberry.field(
        default=PostingPolicy.SUBSCRIBERS, description="Who may post."
    )
    moderators: list[str] = strawberry.field(
        default_factory=list, description="Addresses that may always post."
    )


@strawberry.type
class MailingListCreateMutation:
    @strawberry.mutation(
        description="Create a mailing list (administrators of a domain whose "
        "mailingLists section enables lists), within mailingLists.maxLists. "
        "Its address must be no user's, alias's or other list's."
    )
    def create_mailing_list(
        self,
        info: Info,
        input: Annotated[
            MailingListCreateInput, strawberry.argument(description="The list.")
        ],
    ) -> MailingListPayload:
        def act(session, ctx):
            data = ListCreate(
                input.email,
                input.description,
                input.posting_policy,
                tuple(input.moderators),
            )
            row, domain = create_list(session, ctx.runtime, ctx.principal, data)
            return {"mailing_list": to_mailing_list(row, domain)}

        return run_mutation(info, MailingListPayload, act)
