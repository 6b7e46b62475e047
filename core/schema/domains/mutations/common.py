"""What the system administrator's domain mutations share."""

from collections.abc import Callable

from sqlmodel import Session

from core.models import Domain as DomainRow
from core.principal import require_domain_operator
from core.schema.context import Context, Info
from core.schema.domains.queries import load_row
from core.schema.domains.types import to_domain
from core.schema.errors import run_mutation
from core.services.domains import require_domain


def change_domain(
    info: Info,
    payload: type,
    name: str,
    change: Callable[[Session, Context, DomainRow], object],
):
    """Find the domain, apply ``change`` and return it, for system administrators
    (and API keys, on the domains they reach)."""

    def act(session: Session, ctx: Context) -> dict:
        require_domain_operator(ctx.principal)
        domain = require_domain(session, ctx.principal, name)
        change(session, ctx, domain)
        return {"domain": to_domain(load_row(session, domain), ctx.runtime)}

    return run_mutation(info, payload, act)
