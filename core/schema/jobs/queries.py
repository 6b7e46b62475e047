"""Queries for jobs: the caller's list and one job."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.models.job import JobState
from core.pagination import clean_page_size
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.jobs.types import Job, parse_job_id, to_job
from core.schema.pagination import Connection, to_connection
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
        first: Annotated[
            int | None, strawberry.argument(description="Page size.")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to start after.")
        ] = None,
        state: Annotated[
            JobState | None, strawberry.argument(description="Only this state.")
        ] = None,
        kind: Annotated[
            str | None, strawberry.argument(description="Only this kind.")
        ] = None,
    ) -> Connection[Job]:
        def read(session, ctx):
            page = list_jobs(
                session,
                ctx.principal,
                first=clean_page_size(first, ctx.runtime.config.max_page_size),
                after=after,
                state=state.value if state else None,
                kind=kind,
            )
            return to_connection(page, to_job, lambda row: row.id, lambda row: row.id)

        return run_query(info, read)

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
