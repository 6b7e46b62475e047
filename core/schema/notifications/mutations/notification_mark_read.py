"""markNotificationRead: mark one of the caller's notifications read."""

from typing import Annotated

import strawberry

from core.errors import NotFound
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.notifications.types import (
    Notification,
    parse_notification_id,
    to_notification,
)
from core.services.notifications import mark_notification_read


@strawberry.input(description="The notification to mark read.")
class MarkNotificationReadInput:
    id: strawberry.ID = strawberry.field(description="The notification's id.")


@strawberry.type(description="The result of markNotificationRead.")
class MarkNotificationReadPayload:
    notification: Notification | None = strawberry.field(
        default=None, description="The notification, now read."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class NotificationMarkReadMutation:
    @strawberry.mutation(description="Mark one of the caller's notifications read.")
    def mark_notification_read(
        self,
        info: Info,
        input: Annotated[
            MarkNotificationReadInput, strawberry.argument(description="Which.")
        ],
    ) -> MarkNotificationReadPayload:
        def act(session, ctx):
            notification_id = parse_notification_id(input.id)
            if notification_id is None:
                raise NotFound(
                    "No such notification.",
                    field="id",
                    code="NOTIFICATION_NOT_FOUND",
                )
            row = mark_notification_read(session, ctx.principal, notification_id)
            return {"notification": to_notification(row)}

        return run_mutation(info, MarkNotificationReadPayload, act)
