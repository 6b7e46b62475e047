"""Queries for aliases: a domain's user aliases and domain aliases, and one alias."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.schema.aliases.types import (
    DomainAlias,
    UserAlias,
    UserAliasFilterInput,
    UserAliasOrderInput,
    to_domain_alias,
    to_user_alias,
)
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.pagination import After, Connection, First, run_list, to_connection
from core.services.alias_list import list_domain_aliases, list_user_aliases
from core.services.scope import require_managed_domain
from core.services.user_aliases import require_user_alias

DomainArgument = Annotated[str, strawberry.argument(description="The domain name.")]


@strawberry.type
class AliasQueries:
    @strawberry.field(
        description="The user aliases of a domain the caller administers."
    )
    def user_aliases(
        self,
        info: Info,
        domain: DomainArgument,
        first: First = None,
        after: After = None,
        filter: Annotated[
            UserAliasFilterInput | None, strawberry.argument(description="Filters.")
        ] = None,
        order_by: Annotated[
            UserAliasOrderInput | None, strawberry.argument(description="Order.")
        ] = None,
    ) -> Connection[UserAlias]:
        def read(session, ctx, request):
            row = require_managed_domain(session, ctx.principal, domain)
            descending = (order_by or UserAliasOrderInput()).descending
            page = list_user_aliases(
                session,
                row,
                first=request.size,
                after=request.after,
                search=(filter or UserAliasFilterInput()).search,
                descending=descending,
            )
            return to_connection(
                page,
                lambda alias: to_user_alias(alias, row),
                lambda alias: alias.local_part,
            )

        return run_list(info, first, after, read)

    @strawberry.field(
        description="One user alias by address; null when it does not exist or "
        "is outside the caller's scope."
    )
    def user_alias(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The alias address.")],
    ) -> UserAlias | None:
        def read(session, ctx):
            try:
                alias, domain = require_user_alias(session, ctx.principal, email)
            except NotFound:
                return None
            return to_user_alias(alias, domain)

        return run_query(info, read)

    @strawberry.field(
        description="The domain aliases of a domain the caller administers."
    )
    def domain_aliases(
        self,
        info: Info,
        domain: DomainArgument,
        first: First = None,
        after: After = None,
    ) -> Connection[DomainAlias]:
        def read(session, ctx, request):
            row = require_managed_domain(session, ctx.principal, domain)
            page = list_domain_aliases(
                session, row, first=request.size, after=request.after
            )
            return to_connection(
                page,
                lambda alias: to_domain_alias(alias, row),
                lambda alias: alias.name,
            )

        return run_list(info, first, after, read)
