"""What the impersonation mutations share: starting a session and its token."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import strawberry

from core.schema.context import Info
from core.schema.errors import run_mutation
from core.services.impersonation import Impersonation

P = TypeVar("P")


# Decorated, or strawberry would drop these fields from the payloads built on
# it; no field returns it, so it never appears in the schema itself.
@strawberry.type(description="A started impersonation, as its payloads show it.")
class ImpersonationSession:
    token: str | None = strawberry.field(
        default=None,
        description="Send as Authorization: Bearer <token>; `me.impersonatedBy` "
        "names you. End it with endImpersonation.",
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the session ends by itself."
    )


def run_impersonation(
    info: Info,
    payload: Callable[..., P],
    impersonate: Callable[..., Impersonation],
    acts_as: str,
    **whom: Any,
) -> P:
    """Start ``impersonate``'s session on ``whom``; the payload gets its token,
    its expiry and, in its field ``acts_as``, the address the session acts as."""

    def act(session, ctx):
        started = impersonate(
            session,
            ctx.principal,
            ttl=ctx.runtime.config.token_ttl_seconds,
            **whom,
        )
        return {
            "token": started.token,
            "expires_at": started.expires_at,
            acts_as: started.admin,
        }

    return run_mutation(info, payload, act)
