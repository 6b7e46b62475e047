"""Mailing list queries: a domain's lists, one list, a list's subscribers."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.pagination import clean_page_size
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.pagination import Connection, to_connection
from plugins.mailing_lists import lists, subscribers
from plugins.mailing_lists.schema.types import (
    MailingList,
    MailingListSubscriber,
    to_mailing_list,
    to_subscriber,
)

FirstArg = Annotated[int | None, strawberry.argument(description="Page size.")]
AfterArg = Annotated[
    str | None, strawberry.argument(description="Cursor to start after.")
]
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
        first: FirstArg = None,
        after: AfterArg = None,
        search: SearchArg = None,
    ) -> Connection[MailingList]:
        def read(session, ctx):
            row = lists.require_lists_domain(
                session, ctx.runtime, ctx.principal, domain
            )
            size = clean_page_size(first, ctx.runtime.config.max_page_size)
            page = lists.list_lists(
                session, row, first=size, after=after, search=search or ""
            )
            return to_connection(
                page,
                lambda item: to_mailing_list(item, row),
                lambda item: item.local_part,
                lambda item: item.id,
            )

        return run_query(info, read)

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
        first: FirstArg = None,
        after: AfterArg = None,
        search: SearchArg = None,
    ) -> Connection[MailingListSubscriber]:
        def read(session, ctx):
            row, _domain = lists.require_list(session, ctx.runtime, ctx.principal, list)
            size = clean_page_size(first, ctx.runtime.config.max_page_size)
            page = subscribers.list_subscribers(
                session, row, first=size, after=after, search=search
            )
            return to_connection(
                page, to_subscriber, lambda item: item.address, lambda item: item.id
            )

        return run_query(info, read)
