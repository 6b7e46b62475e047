"""The caller's notifications, a page at a time."""

from typing import Annotated

import strawberry

from core.pagination import clean_page_size
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.notifications.types import Notification, to_notification
from core.schema.pagination import Connection, to_connection
from core.services.notifications import list_notifications


@strawberry.type
class NotificationQueries:
    @strawberry.field(
        description="The caller's own notifications, newest first; empty for "
        "system administrators."
    )
    def notifications(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="Page size.")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to start after.")
        ] = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only those not read yet.")
        ] = False,
    ) -> Connection[Notification]:
        def read(session, ctx):
            page = list_notifications(
                session,
                ctx.principal,
                first=clean_page_size(first, ctx.runtime.config.max_page_size),
                after=after,
                unread_only=unread_only,
            )
            return to_connection(
                page, to_notification, lambda row: row.id, lambda row: row.id
            )

        return run_query(info, read)
