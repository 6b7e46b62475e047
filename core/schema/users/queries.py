"""Queries for users: a domain's list and one user."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.pagination import After, Connection, First, run_list, to_connection
from core.schema.users.types import (
    User,
    UserFilterInput,
    UserOrderInput,
    to_user,
)
from core.services.scope import require_managed_domain
from core.services.user_list import UserFilter, list_users, sort_value
from core.services.users import require_user


@strawberry.type
class UserQueries:
    @strawberry.field(
        description="The users of a domain the caller administers, a page at a time."
    )
    def users(
        self,
        info: Info,
        domain: Annotated[str, strawberry.argument(description="The domain name.")],
        first: First = None,
        after: After = None,
        filter: Annotated[
            UserFilterInput | None, strawberry.argument(description="Filters.")
        ] = None,
        order_by: Annotated[
            UserOrderInput | None, strawberry.argument(description="Order.")
        ] = None,
    ) -> Connection[User]:
        def read(session, ctx, request):
            row = require_managed_domain(session, ctx.principal, domain)
            order = order_by or UserOrderInput()
            flt = filter or UserFilterInput()
            page = list_users(
                session,
                row,
                first=request.size,
                after=request.after,
                filters=UserFilter(
                    flt.search,
                    flt.status.value if flt.status else None,
                    flt.is_domain_admin,
                ),
                order=order.field,
                descending=order.descending,
            )
            return to_connection(
                page,
                lambda user: to_user(user, row, ctx.runtime),
                lambda user: sort_value(user, order.field),
            )

        return run_list(info, first, after, read)

    @strawberry.field(
        description="One user by address; null when it does not exist or is "
        "outside the caller's scope."
    )
    def user(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The address.")],
    ) -> User | None:
        def read(session, ctx):
            try:
                user, domain = require_user(session, ctx.principal, email)
            except NotFound:
                return None
            return to_user(user, domain, ctx.runtime)

        return run_query(info, read)
