"""renameMailingList: give a list another address on its domain."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_mutation
from plugins.mailing_lists.lists import rename_list
from plugins.mailing_lists.schema.types import MailingListPayload, to_mailing_list


@strawberry.input(description="A list and its new name.")
class MailingListRenameInput:
    email: str = strawberry.field(description="The list's current address.")
    new_name: str = strawberry.field(
        description="The new local part; the domain stays."
    )


@strawberry.type
class MailingListRenameMutation:
    @strawberry.mutation(
        description="Rename a list; its subscribers, moderators and policy stay."
    )
    def rename_mailing_list(
        self,
        info: Info,
        input: Annotated[
            MailingListRenameInput, strawberry.argument(description="The change.")
        ],
    ) -> MailingListPayload:
        def act(session, ctx):
            row, domain = rename_list(
                session, ctx.runtime, ctx.principal, input.email, input.new_name
            )
            return {"mailing_list": to_mailing_list(row, domain)}

        return run_mutation(info, MailingListPayload, act)
