"""updateDomain: hostname and a partial patch of any settings sections."""

from typing import Annotated, Optional

import strawberry
from strawberry.types.unset import UNSET

from core.errors import PermissionDenied
from core.principal import require_authenticated
from core.schema.context import Info
from core.schema.domains.queries import load_row
from core.schema.domains.types import Domain, to_domain
from core.schema.errors import UserError, run_mutation
from core.schema.settings_types import settings_patch
from core.services.domains import require_domain, update_domain


@strawberry.type(description="The result of updateDomain.")
class DomainUpdatePayload:
    domain: Domain | None = strawberry.field(
        default=None, description="The domain as saved."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


def build(types) -> type:
    """The mutation, with an input typed by this build's settings sections."""

    @strawberry.input(
        description="Changes to a domain; fields left out stay as they are."
    )
    class DomainUpdateInput:
        name: str = strawberry.field(description="The domain to change.")
        hostname: Optional[str] = strawberry.field(  # noqa: UP045
            default=UNSET, description="New mail server name; %domain% is expanded."
        )
        settings: Optional[types.domain_settings_input] = strawberry.field(  # noqa: UP045
            default=UNSET, description="A partial patch of the settings."
        )

    @strawberry.type
    class DomainUpdateMutation:
        @strawberry.mutation(
            description="Change a domain's hostname and settings, all or nothing."
        )
        def update_domain(
            self,
            info: Info,
            input: Annotated[
                DomainUpdateInput, strawberry.argument(description="The changes.")
            ],
        ) -> DomainUpdatePayload:
            def act(session, ctx):
                require_authenticated(ctx.principal)
                domain = require_domain(session, ctx.principal, input.name)
                hostname = None if input.hostname in (UNSET, None) else input.hostname
                settings = settings_patch(input.settings)
                update_domain(
                    session,
                    ctx.runtime,
                    ctx.principal,
                    domain,
                    hostname=_only_admin_hostname(ctx.principal, hostname),
                    settings=settings,
                )
                return {"domain": to_domain(load_row(session, domain), ctx.runtime)}

            return run_mutation(info, DomainUpdatePayload, act)

    return DomainUpdateMutation


def _only_admin_hostname(principal, hostname: str | None) -> str | None:
    if hostname is not None and not principal.is_system_admin:
        raise PermissionDenied(
            "Only a system administrator may change the hostname.", field="hostname"
        )
    return hostname
