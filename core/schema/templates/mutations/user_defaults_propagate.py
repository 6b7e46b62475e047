"""propagateUserDefaults: copy chosen template settings to domains' users."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job
from core.schema.templates.preview_page import PreviewPageInput, PropagationPreviewPage
from core.schema.templates.propagation_outcome import request_window, to_outcome_fields
from core.schema.templates.types import (
    PropagationRefusal,
    UserPropagationPreview,
    to_user_preview,
)
from core.services.propagation_jobs import request_user_propagation


@strawberry.input(description="Which user template settings to copy, and to whom.")
class UserDefaultsPropagateInput:
    settings: list[str] = strawberry.field(
        description="Paths: a field (serviceAccess.pop, eas.enabled), a field "
        "or object inside a nested setting, or a whole section (serviceAccess)."
    )
    domains: list[str] | None = strawberry.field(
        default=None,
        description="Domains whose users change; null or empty means all domains.",
    )
    dry_run: bool = strawberry.field(
        default=False,
        description="Change nothing; report each domain's values before and after.",
    )
    run_as_job: bool | None = strawberry.field(
        default=None,
        description="True runs the propagation as a job, false in this request; "
        "null decides by the number of users of the chosen domains "
        "(MAILPLANE_PROPAGATION_JOB_ROWS). A dry run is always immediate.",
    )
    preview_page: PreviewPageInput | None = strawberry.field(
        default=None,
        description="Which page of a dry run's preview to return; a dry run "
        "without it returns the first 100 domains.",
    )


@strawberry.type(description="The result of propagateUserDefaults.")
class UserDefaultsPropagatePayload:
    users_changed: int = strawberry.field(
        default=0,
        description="Users whose settings changed (0 in a dry run or a job).",
    )
    refused: list[PropagationRefusal] = strawberry.field(
        default_factory=list,
        description="Domains left unchanged because a plugin refused (a limit) "
        "or, for core, a value with %domain% expanded would not be valid for "
        "their name; a domain two plugins refuse is listed once for each. A "
        "job lists them in its result instead.",
    )
    preview: list[UserPropagationPreview] = strawberry.field(
        default_factory=list,
        description="In a dry run, a page of the chosen domains not refused "
        "(see previewPage), before and after.",
    )
    preview_page: PropagationPreviewPage | None = strawberry.field(
        default=None,
        description="In a dry run, where the preview page sits and how many "
        "domains change in all (null otherwise).",
    )
    job: Job | None = strawberry.field(
        default=None,
        description="The propagating job, when it runs as one (null otherwise); "
        "its result holds usersChanged and refused (domain, plugin, message).",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class UserDefaultsPropagateMutation:
    @strawberry.mutation(
        description="Copy chosen settings of the user template to the users of all "
        "or the named domains, in one transaction: in this request, or as a job "
        "for many users, which reads the template when it runs "
        "(system administrators)."
    )
    def propagate_user_defaults(
        self,
        info: Info,
        input: Annotated[
            UserDefaultsPropagateInput,
            strawberry.argument(description="The settings to copy, and to whom."),
        ],
    ) -> UserDefaultsPropagatePayload:
        def act(session, ctx):
            outcome = request_user_propagation(
                session,
                ctx.runtime,
                ctx.principal,
                input.settings,
                domains=input.domains,
                dry_run=input.dry_run,
                run_as_job=input.run_as_job,
                window=request_window(input, ctx.runtime.config.max_page_size),
            )
            return to_outcome_fields(
                outcome,
                "users_changed",
                lambda item: to_user_preview(item, ctx.runtime),
            )

        return run_mutation(info, UserDefaultsPropagatePayload, act)
