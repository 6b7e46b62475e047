"""notificationAdded: the caller's new notifications, pushed as they arrive."""

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from starlette.concurrency import run_in_threadpool

from core.principal import require_authenticated
from core.schema.context import Context, Info
from core.schema.notifications.types import Notification, to_notification
from core.schema.session_guard import check_still_signed_in
from core.services.notifications import latest_notification_id, notifications_after

# Limitation: each subscriber polls the database every POLL_SECONDS — a
# broker channel fed by the notifying job would push new rows instead.
POLL_SECONDS = 1.0


@strawberry.type
class NotificationSubscriptions:
    @strawberry.subscription(
        description="Each notification the caller receives from now on."
    )
    async def notification_added(
        self, info: Info
    ) -> AsyncGenerator[Notification, None]:
        context: Context = info.context
        require_authenticated(context.principal)
        engine = context.runtime.engine
        seen = await run_in_threadpool(
            latest_notification_id, engine, context.principal
        )
        while True:
            await run_in_threadpool(check_still_signed_in, engine, context.principal)
            rows = await run_in_threadpool(
                notifications_after, engine, context.principal, seen
            )
            for row in rows:
                seen = row.id
                yield to_notification(row)
            await asyncio.sleep(POLL_SECONDS)
