"""exportUsersCsv: write every user to a CSV file, as a job."""

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from core.services.exports import EXPORT_USERS, request_export


@strawberry.type(description="The result of exportUsersCsv.")
class ExportUsersCsvPayload:
    job: Job | None = strawberry.field(
        default=None, description="The export job; its downloadUrl once done."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class UsersExportMutation:
    @strawberry.mutation(
        description="Export every user, sorted by domain, with profile, disk "
        "use, status and last login to CSV (system administrators)."
    )
    def export_users_csv(self, info: Info) -> ExportUsersCsvPayload:
        def act(session, ctx):
            job = request_export(session, ctx.runtime, ctx.principal, EXPORT_USERS)
            return {"job": to_job(job)}

        return run_mutation(info, ExportUsersCsvPayload, act)
