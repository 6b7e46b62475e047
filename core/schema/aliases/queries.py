"""Queries for aliases: a domain's user aliases and domain aliases, and one alias."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.pagination import clean_page_size
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
from core.schema.pagination import Connection, to_connection
from core.services.alias_list import list_domain_aliases, list_user_aliases
from core.services.scope import require_managed_domain
from core.services.user_aliases import require_user_alias

DomainArgument = Annotated[str, strawberry.argument(description="The domain name.")]
FirstArgument = Annotated[int | None, strawberry.argument(description="Page size.")]
AfterArgument = Annotated[
    str | None, strawberry.argument(description="Cursor to start after.")
]


@strawberry.type
class AliasQueries:
    @strawberry.field(
        description="The user aliases of a domain the caller administers."
    )
    def user_aliases(
        self,
        info: Info,
        domain: DomainArgument,
        first: FirstArgument = None,
        after: AfterArgument = None,
        filter: Annotated[
            UserAliasFilterInput | None, strawberry.argument(description="Filters.")
        ] = None,
        order_by: Annotated[
            UserAliasOrderInput | None, strawberry.argument(description="Order.")
        ] = None,
    ) -> Connection[UserAlias]:
        def read(session, ctx):
            row = require_managed_domain(session, ctx.principal, domain)
            descending = (order_by or UserAliasOrderInput()).descending
            page = list_user_aliases(
                session,
                row,
                first=clean_page_size(first, ctx.runtime.config.max_page_size),
                after=after,
                search=(filter or UserAliasFilterInput()).search,
                descending=descending,
            )
            return to_connection(
                page,
                lambda alias: to_user_alias(alias, row),
                lambda alias: alias.local_part,
                lambda alias: alias.id,
            )

        return run_query(info, read)

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
        first: FirstArgument = None,
        after: AfterArgument = None,
    ) -> Connection[DomainAlias]:
        def read(session, ctx):
            row = require_managed_domain(session, ctx.principal, domain)
            page = list_domain_aliases(
                session,
                row,
                first=clean_page_size(first, ctx.runtime.config.max_page_size),
                after=after,
            )
            return to_connection(
                page,
                lambda alias: to_domain_alias(alias, row),
                lambda alias: alias.name,
                lambda alias: alias.id,
            )

        return run_query(info, read)
