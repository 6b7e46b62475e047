"""The Job type: long work with its state, progress and result."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from core.models import Job as JobRow
from core.models.base import as_utc
from core.models.job import JobState
from core.schema.errors import UserError
from core.services.exports import is_downloadable

strawberry.enum(JobState, description="Where a job is in its life.")


@strawberry.type(description="How far a job has come.")
class JobProgress:
    done: int = strawberry.field(description="Items handled so far.")
    total: int = strawberry.field(
        description="Items in all, once the job has counted them; 0 before."
    )


@strawberry.type(
    description="Long work run in the background: an export, a mass email, a "
    "notification. Its result is kept once it ends."
)
class Job:
    id: strawberry.ID = strawberry.field(description="The job's id.")
    kind: str = strawberry.field(
        description="What the job does, such as export_users or "
        "send_mass_email; other features and plugins add kinds of their own."
    )
    state: JobState = strawberry.field(description="Where the job is in its life.")
    progress: JobProgress = strawberry.field(description="How far it has come.")
    created_at: datetime = strawberry.field(description="When it was requested.")
    started_at: datetime | None = strawberry.field(
        description="When a worker first started it."
    )
    finished_at: datetime | None = strawberry.field(
        description="When it succeeded, failed or was cancelled."
    )
    result: JSON | None = strawberry.field(
        description="What it did, by kind: rows and downloadUrl for exports; "
        "delivered, skipped and skippedRecipients for mass email; notified "
        "for notifications; domainsChanged or usersChanged, and refused, for "
        "propagations; created, existing, skipped, skippedEntries, missing and "
        "missingUsers for directory imports. Partial while it runs."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed, if it did.")
    download_url: str | None = strawberry.field(
        description="Where the owner downloads a finished export (bearer token)."
    )


def to_job(row: JobRow) -> Job:
    return Job(
        id=strawberry.ID(str(row.id)),
        kind=row.kind,
        state=JobState(row.state),
        progress=JobProgress(done=row.done, total=row.total),
        created_at=as_utc(row.created_at),
        started_at=as_utc(row.started_at),
        finished_at=as_utc(row.finished_at),
        result=dict(row.result) if row.result else None,
        errors=[
            UserError(field=e.get("field"), code=e["code"], message=e["message"])
            for e in row.errors or []
        ],
        download_url=f"/downloads/{row.id}" if is_downloadable(row) else None,
    )


def parse_job_id(raw: str) -> int | None:
    """A job id from the API, or None when it can't be one."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None
