"""Queries for jobs: the caller's list and one job."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.models.job import JobState
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.jobs.types import Job, parse_job_id, to_job
from core.schema.pagination import After, Connection, First, run_list, to_connection
from core.services.jobs import list_jobs, require_job


@strawberry.type
class JobQueries:
    @strawberry.field(
        description="The caller's jobs, newest first (every job for system "
        "administrators)."
    )
    def jobs(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        state: Annotated[
            JobState | None, strawberry.argument(description="Only this state.")
        ] = None,
        kind: Annotated[
            str | None, strawberry.argument(description="Only this kind.")
        ] = None,
    ) -> Connection[Job]:
        def read(session, ctx, request):
            page = list_jobs(
                session,
                ctx.principal,
                first=request.size,
                after=request.after,
                state=state.value if state else None,
                kind=kind,
            )
            return to_connection(page, to_job)

        return run_list(info, first, after, read)

    @strawberry.field(description="One job; null when it is not the caller's.")
    def job(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The job.")],
    ) -> Job | None:
        def read(session, ctx):
            job_id = parse_job_id(id)
            if job_id is None:
                return None
            try:
                return to_job(require_job(session, ctx.principal, job_id))
            except NotFound:
                return None

        return run_query(info, read)
