"""Two-step queries: a user's state and app passwords."""

from typing import Annotated

import strawberry

from core.pagination import clean_page_size
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.pagination import Connection, to_connection
from plugins.twostep.accounts import describe
from plugins.twostep.app_passwords import list_app_passwords
from plugins.twostep.schema.types import (
    AppPassword,
    TwoStepAccount,
    to_account,
    to_app_password,
)

EmailArg = Annotated[
    str | None,
    strawberry.argument(description="The user; the caller's own account if left out."),
]
FirstArg = Annotated[int | None, strawberry.argument(description="Page size.")]
AfterArg = Annotated[
    str | None, strawberry.argument(description="Cursor to start after.")
]


@strawberry.type
class TwoStepQueries:
    @strawberry.field(
        description="A user's two-step authentication: the caller's own (a "
        "set-up-only session included), or a user's for administrators of its "
        "domain."
    )
    def two_step(self, info: Info, email: EmailArg = None) -> TwoStepAccount:
        def read(session, ctx):
            state = describe(session, ctx.runtime, ctx.principal, email)
            return to_account(state)

        return run_query(info, read)

    @strawberry.field(description="A user's app passwords, oldest first.")
    def app_passwords(
        self,
        info: Info,
        email: EmailArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[AppPassword]:
        def read(session, ctx):
            size = clean_page_size(first, ctx.runtime.config.max_page_size)
            page = list_app_passwords(
                session, ctx.runtime, ctx.principal, email, first=size, after=after
            )
            return to_connection(
                page, to_app_password, lambda r: r.row.id, lambda r: r.row.id
            )

        return run_query(info, read)
