"""Queries for domains: the list and one domain."""

from typing import Annotated

import strawberry
from sqlmodel import select

from core.errors import NotFound
from core.models import User
from core.principal import require_authenticated
from core.schema.context import Info
from core.schema.domains.types import (
    Domain,
    DomainFilterInput,
    DomainOrderInput,
    to_domain,
)
from core.schema.errors import run_query
from core.schema.pagination import After, Connection, First, run_list, to_connection
from core.services import domain_list
from core.services.domain_list import DomainFilter, DomainRow
from core.services.domains import require_domain


@strawberry.type
class DomainQueries:
    @strawberry.field(description="Domains the caller may see, one page at a time.")
    def domains(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            DomainFilterInput | None, strawberry.argument(description="Filters.")
        ] = None,
        order_by: Annotated[
            DomainOrderInput | None, strawberry.argument(description="Order.")
        ] = None,
    ) -> Connection[Domain]:
        def read(session, ctx, request):
            require_authenticated(ctx.principal)
            order = order_by or DomainOrderInput()
            flt = filter or DomainFilterInput()
            page = domain_list.list_domains(
                session,
                ctx.principal,
                first=request.size,
                after=request.after,
                filters=DomainFilter(
                    flt.search, flt.status.value if flt.status else None
                ),
                order=order.field,
                descending=order.descending,
            )
            return to_connection(
                page,
                lambda row: to_domain(row, ctx.runtime),
                lambda row: row.sort_value(order.field),
                lambda row: row.domain.id,
            )

        return run_list(info, first, after, read)

    @strawberry.field(description="One domain by name; null when it is not visible.")
    def domain(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The domain name.")],
    ) -> Domain | None:
        def read(session, ctx):
            try:
                domain = require_domain(session, ctx.principal, name)
            except NotFound:
                return None
            return to_domain(load_row(session, domain), ctx.runtime)

        return run_query(info, read)


def load_row(session, domain) -> DomainRow:
    """A domain with its primary administrator's address, for one-off reads."""
    local = None
    if domain.primary_admin_id is not None:
        local = session.exec(
            select(User.local_part).where(User.id == domain.primary_admin_id)
        ).first()
    return DomainRow(domain, f"{local}@{domain.name}" if local else None)
