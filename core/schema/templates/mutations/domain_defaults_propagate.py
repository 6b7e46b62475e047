"""propagateDomainDefaults: copy chosen template settings to every domain."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job
from core.schema.templates.preview_page import PreviewPageInput, PropagationPreviewPage
from core.schema.templates.propagation_outcome import request_window, to_outcome_fields
from core.schema.templates.types import (
    DomainPropagationPreview,
    PropagationRefusal,
    to_domain_preview,
)
from core.services.propagation_jobs import request_domain_propagation


@strawberry.input(description="Which domain template settings to copy to every domain.")
class DomainDefaultsPropagateInput:
    settings: list[str] = strawberry.field(
        description="Paths: a field (limits.diskSpaceMb), a field or object "
        "inside a nested setting (autodiscover.imap.port, autodiscover.imap), a "
        "whole section (throttling), hostname or status (disabling a domain "
        "this way is as setDomainStatus does)."
    )
    dry_run: bool = strawberry.field(
        default=False,
        description="Change nothing; report each domain's values before and after.",
    )
    run_as_job: bool | None = strawberry.field(
        default=None,
        description="True runs the propagation as a job, false in this request; "
        "null decides by the number of domains (MAILPLANE_PROPAGATION_JOB_ROWS). "
        "A dry run is always immediate.",
    )
    preview_page: PreviewPageInput | None = strawberry.field(
        default=None,
        description="Which page of a dry run's preview to return; a dry run "
        "without it returns the first 100 domains.",
    )


@strawberry.type(description="The result of propagateDomainDefaults.")
class DomainDefaultsPropagatePayload:
    domains_changed: int = strawberry.field(
        default=0,
        description="Domains whose settings, hostname or status changed (0 in a "
        "dry run or a job).",
    )
    refused: list[PropagationRefusal] = strawberry.field(
        default_factory=list,
        description="Domains left unchanged because a value, %domain% "
        "expanded, would not be valid for their name; a job lists them in its "
        "result instead.",
    )
    preview: list[DomainPropagationPreview] = strawberry.field(
        default_factory=list,
        description="In a dry run, a page of the domains not refused (see "
        "previewPage) with each setting before and after.",
    )
    preview_page: PropagationPreviewPage | None = strawberry.field(
        default=None,
        description="In a dry run, where the preview page sits and how many "
        "domains change in all (null otherwise).",
    )
    job: Job | None = strawberry.field(
        default=None,
        description="The propagating job, when it runs as one (null otherwise); "
        "its result holds domainsChanged and refused (domain, plugin, message).",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class DomainDefaultsPropagateMutation:
    @strawberry.mutation(
        description="Copy chosen settings of the domain template to every domain, "
        "%domain% expanded per domain, in one transaction: in this request, or "
        "as a job for many domains, which reads the template when it runs "
        "(system administrators)."
    )
    def propagate_domain_defaults(
        self,
        info: Info,
        input: Annotated[
            DomainDefaultsPropagateInput,
            strawberry.argument(description="The settings to copy."),
        ],
    ) -> DomainDefaultsPropagatePayload:
        def act(session, ctx):
            outcome = request_domain_propagation(
                session,
                ctx.runtime,
                ctx.principal,
                input.settings,
                dry_run=input.dry_run,
                run_as_job=input.run_as_job,
                window=request_window(input, ctx.runtime.config.max_page_size),
            )
            return to_outcome_fields(
                outcome,
                "domains_changed",
                lambda item: to_domain_preview(item, ctx.runtime),
            )

        return run_mutation(info, DomainDefaultsPropagatePayload, act)
