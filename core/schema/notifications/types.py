"""The Notification type."""

from datetime import datetime

import strawberry

from core.models import Notification as NotificationRow
from core.models.base import as_utc


@strawberry.type(description="A message in a user's notifications area.")
class Notification:
    id: strawberry.ID = strawberry.field(description="The notification's id.")
    subject: str = strawberry.field(description="Its subject, one line.")
    body: str = strawberry.field(description="Its message, plain text.")
    created_at: datetime = strawberry.field(description="When it was sent.")
    read: bool = strawberry.field(description="Whether the user has read it.")
    read_at: datetime | None = strawberry.field(
        description="When the user marked it read."
    )


def to_notification(row: NotificationRow) -> Notification:
    return Notification(
        id=strawberry.ID(str(row.id)),
        subject=row.subject,
        body=row.body,
        created_at=as_utc(row.created_at),
        read=row.read_at is not None,
        read_at=as_utc(row.read_at),
    )


def parse_notification_id(raw: str) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None
