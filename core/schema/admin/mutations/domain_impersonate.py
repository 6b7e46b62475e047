"""impersonateDomain: a short session acting as a domain administrator."""

from typing import Annotated

import strawberry

from core.schema.admin.mutations.common import (
    ImpersonationSession,
    run_impersonation,
)
from core.schema.context import Info
from core.schema.errors import UserError
from core.services.impersonation import impersonate_domain


@strawberry.input(
    description="Whom to impersonate: a domain (its primary administrator) or "
    "one of its administrators by address; give exactly one."
)
class DomainImpersonateInput:
    name: str | None = strawberry.field(
        default=None, description="The domain; acts as its primary administrator."
    )
    admin_email: str | None = strawberry.field(
        default=None, description="The address of a domain administrator."
    )


@strawberry.type(description="The result of impersonateDomain.")
class DomainImpersonatePayload(ImpersonationSession):
    admin: str | None = strawberry.field(
        default=None, description="The administrator the session acts as."
    )
    errors: list[UserError] = strawberry.field(description="Why no session began.")


@strawberry.type
class DomainImpersonateMutation:
    @strawberry.mutation(
        description="Sign in as a domain administrator to inspect the domain "
        "(system administrators). The session can do what that administrator "
        "can and nothing more, expires within 30 minutes, and is audited."
    )
    def impersonate_domain(
        self,
        info: Info,
        input: Annotated[
            DomainImpersonateInput, strawberry.argument(description="Whom.")
        ],
    ) -> DomainImpersonatePayload:
        return run_impersonation(
            info,
            DomainImpersonatePayload,
            impersonate_domain,
            "admin",
            name=input.name,
            admin_email=input.admin_email,
        )
