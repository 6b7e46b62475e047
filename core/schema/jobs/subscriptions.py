"""jobProgress: a job's progress, pushed over graphql-transport-ws until it ends."""

import asyncio
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from starlette.concurrency import run_in_threadpool

from core.db import session_scope
from core.errors import NotFound
from core.models import Job as JobRow
from core.schema.context import Context, Info
from core.schema.jobs.types import Job, parse_job_id, to_job
from core.schema.session_guard import require_still_signed_in
from core.services.jobs import require_job

# Limitation: each subscriber reads its job from the database every
# POLL_SECONDS — a broker channel (Redis pub/sub, PostgreSQL LISTEN) fed by
# the workers would push changes instead.
POLL_SECONDS = 0.25


@strawberry.type
class JobSubscriptions:
    @strawberry.subscription(
        description="The job now, then again whenever its state or progress "
        "changes; the stream ends once the job has ended."
    )
    async def job_progress(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The job.")],
    ) -> AsyncGenerator[Job, None]:
        context: Context = info.context
        seen = None
        while True:
            row = await run_in_threadpool(read_job, context, id)
            snapshot = (row.state, row.done, row.total)
            if snapshot != seen:
                seen = snapshot
                yield to_job(row)
            if row.is_final:
                return
            await asyncio.sleep(POLL_SECONDS)


def read_job(context: Context, raw_id: str) -> JobRow:
    job_id = parse_job_id(raw_id)
    if job_id is None:
        raise NotFound("No such job.", field="id", code="JOB_NOT_FOUND")
    with session_scope(context.runtime.engine, write=False) as session:
        require_still_signed_in(session, context.principal)
        return require_job(session, context.principal, job_id)
