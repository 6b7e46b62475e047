"""Mailing list queries: a domain's lists, one list, a list's subscribers."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.pagination import After, Connection, First, run_list, to_connection
from plugins.mailing_lists import lists, subscribers
from plugins.mailing_lists.schema.types import (
    MailingList,
    MailingListSubscriber,
    to_mailing_list,
    to_subscriber,
)

SearchArg = Annotated[
    str | None, strawberry.argument(description="Part of the address to look for.")
]


@strawberry.type
class MailingListQueries:
    @strawberry.field(
        description="The mailing lists of a domain the caller administers, by address."
    )
    def mailing_lists(
        self,
        info: Info,
        domain: Annotated[str, strawberry.argument(description="The domain name.")],
        first: First = None,
        after: After = None,
        search: SearchArg = None,
    ) -> Connection[MailingList]:
        def read(session, ctx, request):
            row = lists.require_lists_domain(
                session, ctx.runtime, ctx.principal, domain
            )
            page = lists.list_lists(
                session,
                row,
                first=request.size,
                after=request.after,
                search=search or "",
            )
            return to_connection(
                page,
                lambda item: to_mailing_list(item, row),
                lambda item: item.local_part,
            )

        return run_list(info, first, after, read)

    @strawberry.field(
        description="One mailing list by address; null when it does not exist "
        "or is outside the caller's scope."
    )
    def mailing_list(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The list's address.")],
    ) -> MailingList | None:
        def read(session, ctx):
            try:
                row, domain = lists.require_list(
                    session, ctx.runtime, ctx.principal, email
                )
            except NotFound:
                return None
            return to_mailing_list(row, domain)

        return run_query(info, read)

    @strawberry.field(description="The subscribers of a list, by address.")
    def subscribers(
        self,
        info: Info,
        list: Annotated[str, strawberry.argument(description="The list's address.")],
        first: First = None,
        after: After = None,
        search: SearchArg = None,
    ) -> Connection[MailingListSubscriber]:
        def read(session, ctx, request):
            row, _domain = lists.require_list(session, ctx.runtime, ctx.principal, list)
            page = subscribers.list_subscribers(
                session, row, first=request.size, after=request.after, search=search
            )
            return to_connection(page, to_subscriber, lambda item: item.address)

        return run_list(info, first, after, read)
