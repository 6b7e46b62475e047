"""propagateUserDefaults: copy chosen template settings to domains' users."""

from typing import Annotated

import strawberry

from core.principal import require_system_admin
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.templates.types import (
    PropagationRefusal,
    UserPropagationPreview,
    to_refusal,
    to_user_preview,
)
from core.services.propagation import propagate_user_defaults


@strawberry.input(description="Which user template settings to copy, and to whom.")
class UserDefaultsPropagateInput:
    settings: list[str] = strawberry.field(
        description="Paths: a field (serviceAccess.pop) or a whole section "
        "(serviceAccess)."
    )
    domains: list[str] | None = strawberry.field(
        default=None,
        description="Domains whose users change; null or empty means all domains.",
    )
    dry_run: bool = strawberry.field(
        default=False,
        description="Change nothing; report each domain's values before and after.",
    )


@strawberry.type(description="The result of propagateUserDefaults.")
class UserDefaultsPropagatePayload:
    users_changed: int = strawberry.field(
        default=0, description="Users whose settings changed (0 in a dry run)."
    )
    refused: list[PropagationRefusal] = strawberry.field(
        default_factory=list,
        description="Domains left unchanged because a plugin refused (a limit).",
    )
    preview: list[UserPropagationPreview] = strawberry.field(
        default_factory=list,
        description="In a dry run, each chosen domain not refused, before and after.",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class UserDefaultsPropagateMutation:
    @strawberry.mutation(
        description="Copy chosen settings of the user template to the users of all "
        "or the named domains, in one transaction (system administrators)."
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
            require_system_admin(ctx.principal)
            result = propagate_user_defaults(
                session,
                ctx.runtime,
                input.settings,
                domains=input.domains,
                dry_run=input.dry_run,
            )
            return {
                "users_changed": result.changed,
                "refused": [to_refusal(item) for item in result.refused],
                "preview": [to_user_preview(item) for item in result.preview],
            }

        return run_mutation(info, UserDefaultsPropagatePayload, act)
