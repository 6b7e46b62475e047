"""updateDomainDefaults: the hostname pattern, status and a settings patch of the
domain template."""

from typing import Annotated, Optional

import strawberry
from strawberry.types.unset import UNSET

from core.principal import require_system_admin
from core.schema.context import Info
from core.schema.domains.types import DomainStatus
from core.schema.errors import UserError, run_mutation
from core.schema.settings_types import settings_patch
from core.schema.templates.types import DomainDefaults, to_domain_defaults
from core.services.templates import update_domain_template


@strawberry.type(description="The result of updateDomainDefaults.")
class DomainDefaultsUpdatePayload:
    domain_defaults: DomainDefaults | None = strawberry.field(
        default=None, description="The template as saved."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


def build(types) -> type:
    """The mutation, with an input typed by this build's settings sections."""

    @strawberry.input(
        description="Changes to the domain template; fields left out stay as they are."
    )
    class DomainDefaultsUpdateInput:
        hostname: Optional[str] = strawberry.field(  # noqa: UP045
            default=UNSET,
            description="Mail server name pattern; %domain% stands for the domain.",
        )
        status: Optional[DomainStatus] = strawberry.field(  # noqa: UP045
            default=UNSET, description="The status new domains start with."
        )
        settings: Optional[types.domain_settings_input] = strawberry.field(  # noqa: UP045
            default=UNSET,
            description="A partial patch; string values may hold %domain%.",
        )

    @strawberry.type
    class DomainDefaultsUpdateMutation:
        @strawberry.mutation(
            description="Change the template new domains start from; existing "
            "domains keep their settings (system administrators)."
        )
        def update_domain_defaults(
            self,
            info: Info,
            input: Annotated[
                DomainDefaultsUpdateInput,
                strawberry.argument(description="The changes."),
            ],
        ) -> DomainDefaultsUpdatePayload:
            def act(session, ctx):
                require_system_admin(ctx.principal)
                template = update_domain_template(
                    session,
                    ctx.runtime,
                    ctx.principal,
                    hostname=None
                    if input.hostname in (UNSET, None)
                    else input.hostname,
                    settings=settings_patch(input.settings),
                    status=None
                    if input.status in (UNSET, None)
                    else input.status.value,
                )
                return {"domain_defaults": to_domain_defaults(template, ctx.runtime)}

            return run_mutation(info, DomainDefaultsUpdatePayload, act)

    return DomainDefaultsUpdateMutation
