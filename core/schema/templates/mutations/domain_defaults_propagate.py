"""propagateDomainDefaults: copy chosen template settings to every domain."""

from typing import Annotated

import strawberry

from core.principal import require_system_admin
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.templates.types import DomainPropagationPreview, to_domain_preview
from core.services.propagation import propagate_domain_defaults


@strawberry.input(description="Which domain template settings to copy to every domain.")
class DomainDefaultsPropagateInput:
    settings: list[str] = strawberry.field(
        description="Paths: a field (limits.diskSpaceMb), a whole section "
        "(throttling) or hostname."
    )
    dry_run: bool = strawberry.field(
        default=False,
        description="Change nothing; report each domain's values before and after.",
    )


@strawberry.type(description="The result of propagateDomainDefaults.")
class DomainDefaultsPropagatePayload:
    domains_changed: int = strawberry.field(
        default=0, description="Domains whose settings changed (0 in a dry run)."
    )
    preview: list[DomainPropagationPreview] = strawberry.field(
        default_factory=list,
        description="In a dry run, every domain with each setting before and after.",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class DomainDefaultsPropagateMutation:
    @strawberry.mutation(
        description="Copy chosen settings of the domain template to every domain, "
        "%domain% expanded per domain, in one transaction (system administrators)."
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
            require_system_admin(ctx.principal)
            result = propagate_domain_defaults(
                session, ctx.runtime, input.settings, dry_run=input.dry_run
            )
            return {
                "domains_changed": result.changed,
                "preview": [to_domain_preview(item) for item in result.preview],
            }

        return run_mutation(info, DomainDefaultsPropagatePayload, act)
