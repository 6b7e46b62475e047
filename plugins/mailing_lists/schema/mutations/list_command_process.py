"""processListCommand: carry out a command mailed to a command address."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.mailing_lists.commands import process_command
from plugins.mailing_lists.schema.types import ListCommandResult, to_command_result


@strawberry.input(description="A message sent to a domain's command address.")
class ListCommandInput:
    raw_message: str = strawberry.field(
        description="The whole message (RFC 5322), headers and body."
    )
    recipient: str | None = strawberry.field(
        default=None,
        description="The command address it was delivered to; by default the "
        "first command address among Delivered-To, X-Original-To, To and Cc.",
    )


@strawberry.type(description="The result of processListCommand.")
class ListCommandPayload:
    result: ListCommandResult | None = strawberry.field(
        default=None, description="What the command did."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class ListCommandProcessMutation:
    @strawberry.mutation(
        description="Carry out SUBSCRIBE, UNSUBSCRIBE, HELP or CONFIRM from a "
        "raw message, as the mail transport would (administrators of the "
        "domain). Subscribing and unsubscribing wait for a confirmation "
        "token mailed to the sender's address."
    )
    def process_list_command(
        self,
        info: Info,
        input: Annotated[
            ListCommandInput, strawberry.argument(description="The message.")
        ],
    ) -> ListCommandPayload:
        def act(session, ctx):
            result = process_command(
                session,
                ctx.runtime,
                input.raw_message.encode("utf-8"),
                recipient=input.recipient,
                principal=ctx.principal,
            )
            return {"result": to_command_result(result)}

        return run_mutation(info, ListCommandPayload, act)
