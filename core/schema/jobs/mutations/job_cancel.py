"""cancelJob: stop a queued or running job."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, parse_job_id, to_job
from core.services.jobs import cancel_job


@strawberry.input(description="The job to cancel.")
class CancelJobInput:
    id: strawberry.ID = strawberry.field(description="The job's id.")


@strawberry.type(description="The result of cancelJob.")
class CancelJobPayload:
    job: Job | None = strawberry.field(default=None, description="The job, now.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class CancelJobMutation:
    @strawberry.mutation(
        description="Cancel one of the caller's queued or running jobs (any job, "
        "for system administrators); work already done stays done."
    )
    def cancel_job(
        self,
        info: Info,
        input: Annotated[CancelJobInput, strawberry.argument(description="Which.")],
    ) -> CancelJobPayload:
        def act(session, ctx):
            job_id = parse_job_id(input.id)
            if job_id is None:
                raise NotFound("No such job.", field="id", code="JOB_NOT_FOUND")
            return {"job": to_job(cancel_job(session, ctx.principal, job_id))}

        return run_mutation(info, CancelJobPayload, act)
