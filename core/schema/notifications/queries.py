"""The caller's notifications, a page at a time."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.notifications.types import Notification, to_notification
from core.schema.pagination import After, Connection, First, run_list, to_connection
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
        first: First = None,
        after: After = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only those not read yet.")
        ] = False,
    ) -> Connection[Notification]:
        def read(session, ctx, request):
            page = list_notifications(
                session,
                ctx.principal,
                first=request.size,
                after=request.after,
                unread_only=unread_only,
            )
            return to_connection(page, to_notification)

        return run_list(info, first, after, read)
