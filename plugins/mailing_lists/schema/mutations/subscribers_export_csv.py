"""exportSubscribersCsv: write a list's subscribers to a CSV file, as a job."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from plugins.mailing_lists.schema.types import MailingListInput
from plugins.mailing_lists.subscriber_export import request_subscribers_export


@strawberry.type(description="The result of exportSubscribersCsv.")
class SubscribersExportCsvPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The export job; its downloadUrl once done (columns email, "
        "displayName, subscribedAt, by address).",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class SubscribersExportCsvMutation:
    @strawberry.mutation(
        description="Export a list's subscribers, however many, to a CSV file "
        "that the caller downloads once the job is done."
    )
    def export_subscribers_csv(
        self,
        info: Info,
        input: Annotated[
            MailingListInput, strawberry.argument(description="The list.")
        ],
    ) -> SubscribersExportCsvPayload:
        def act(session, ctx):
            job = request_subscribers_export(
                session, ctx.runtime, ctx.principal, input.email
            )
            return {"job": to_job(job)}

        return run_mutation(info, SubscribersExportCsvPayload, act)
