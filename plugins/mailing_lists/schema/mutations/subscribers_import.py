"""importSubscribers: subscribe the addresses of a CSV text, as a job."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from plugins.mailing_lists.subscriber_import import request_import


@strawberry.input(description="Subscribers to import into a list.")
class SubscribersImportInput:
    list: str = strawberry.field(description="The list's address.")
    csv: str = strawberry.field(
        description="One subscriber a line: address, then optionally a display "
        "name; a first line naming the columns (email, …) is skipped."
    )


@strawberry.type(description="The result of importSubscribers.")
class SubscribersImportPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The import job; its result counts added, alreadySubscribed "
        "and rejected lines, and lists rejectedLines (line, text, code).",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class SubscribersImportMutation:
    @strawberry.mutation(
        description="Subscribe every valid address of a CSV text, in the "
        "background; bad lines are reported, not fatal."
    )
    def import_subscribers(
        self,
        info: Info,
        input: Annotated[
            SubscribersImportInput, strawberry.argument(description="The import.")
        ],
    ) -> SubscribersImportPayload:
        def act(session, ctx):
            job = request_import(
                session, ctx.runtime, ctx.principal, input.list, input.csv
            )
            return {"job": to_job(job)}

        return run_mutation(info, SubscribersImportPayload, act)
