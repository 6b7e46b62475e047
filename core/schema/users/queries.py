"""Queries for users: a domain's list and one user."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.pagination import clean_page_size
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.pagination import Connection, to_connection
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
        first: Annotated[
            int | None, strawberry.argument(description="Page size.")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to start after.")
        ] = None,
        filter: Annotated[
            UserFilterInput | None, strawberry.argument(description="Filters.")
        ] = None,
        order_by: Annotated[
            UserOrderInput | None, strawberry.argument(description="Order.")
        ] = None,
    ) -> Connection[User]:
        def read(session, ctx):
            row = require_managed_domain(session, ctx.principal, domain)
            order = order_by or UserOrderInput()
            flt = filter or UserFilterInput()
            page = list_users(
                session,
                row,
                first=clean_page_size(first, ctx.runtime.config.max_page_size),
                after=after,
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
                lambda user: user.id,
            )

        return run_query(info, read)

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
