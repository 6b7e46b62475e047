"""exportDomainsCsv: write every domain to a CSV file, as a job."""

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from core.services.exports import EXPORT_DOMAINS, request_export


@strawberry.type(description="The result of exportDomainsCsv.")
class ExportDomainsCsvPayload:
    job: Job | None = strawberry.field(
        default=None, description="The export job; its downloadUrl once done."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class DomainsExportMutation:
    @strawberry.mutation(
        description="Export every domain with its status, size, counts and "
        "settings to CSV (system administrators)."
    )
    def export_domains_csv(self, info: Info) -> ExportDomainsCsvPayload:
        def act(session, ctx):
            job = request_export(session, ctx.runtime, ctx.principal, EXPORT_DOMAINS)
            return {"job": to_job(job)}

        return run_mutation(info, ExportDomainsCsvPayload, act)
