"""exportSubscribers: a list's subscribers as CSV text."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.mailing_lists.schema.types import MailingListInput
from plugins.mailing_lists.subscriber_export import export_subscribers


@strawberry.type(description="The result of exportSubscribers.")
class SubscribersExportPayload:
    csv: str | None = strawberry.field(
        default=None,
        description="Header email,displayName,subscribedAt, then one line a "
        "subscriber, by address.",
    )
    count: int = strawberry.field(default=0, description="Subscribers exported.")
    errors: list[UserError] = strawberry.field(description="Why nothing came.")


@strawberry.type
class SubscribersExportMutation:
    @strawberry.mutation(
        description="Export a list's subscribers as CSV text, up to 10,000 "
        "subscribers (exportSubscribersCsv writes larger lists to a file)."
    )
    def export_subscribers(
        self,
        info: Info,
        input: Annotated[
            MailingListInput, strawberry.argument(description="The list.")
        ],
    ) -> SubscribersExportPayload:
        def act(session, ctx):
            text, count = export_subscribers(
                session, ctx.runtime, ctx.principal, input.email
            )
            return {"csv": text, "count": count}

        return run_mutation(info, SubscribersExportPayload, act)
