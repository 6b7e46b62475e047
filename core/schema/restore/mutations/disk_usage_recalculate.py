"""recalculateDiskUsage: rescan a domain's folder and repair its usage."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from core.services.disk_usage import request_recalculation


@strawberry.input(description="The domain whose disk usage to recount.")
class RecalculateDiskUsageInput:
    domain: str = strawberry.field(description="The domain's name.")


@strawberry.type(description="The result of recalculateDiskUsage.")
class RecalculateDiskUsagePayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The recount job; its result holds diskUsedBytes, the "
        "users corrected and the user folders on disk that are no user.",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class DiskUsageRecalculateMutation:
    @strawberry.mutation(
        description="Recount the disk used by each user of a domain and by the "
        "domain from the mail on disk (system administrators)."
    )
    def recalculate_disk_usage(
        self,
        info: Info,
        input: Annotated[
            RecalculateDiskUsageInput, strawberry.argument(description="Which.")
        ],
    ) -> RecalculateDiskUsagePayload:
        def act(session, ctx):
            job = request_recalculation(
                session, ctx.runtime, ctx.principal, input.domain
            )
            return {"job": to_job(job)}

        return run_mutation(info, RecalculateDiskUsagePayload, act)
