"""sendNotification: store an in-app notification for each user of a group."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from core.schema.jobs.types import Job
from core.schema.messaging.mutations.common import run_send_job
from core.services.notifications import request_notification
from core.services.recipients import RecipientGroup


@strawberry.input(description="A notification and who it goes to.")
class SendNotificationInput:
    to: RecipientGroup = strawberry.field(description="The recipients.")
    domain: str | None = strawberry.field(
        default=None, description="The domain, for DOMAIN_USERS."
    )
    user: str | None = strawberry.field(
        default=None, description="The user's address, for USER."
    )
    subject: str = strawberry.field(description="The subject, one line.")
    body: str = strawberry.field(description="The message, plain text.")


@strawberry.type(description="The result of sendNotification.")
class SendNotificationPayload:
    job: Job | None = strawberry.field(default=None, description="The notifying job.")
    errors: list[UserError] = strawberry.field(description="Why nothing was sent.")


@strawberry.type
class NotificationSendMutation:
    @strawberry.mutation(
        description="Notify each recipient in its notifications area; nothing "
        "is sent as email."
    )
    def send_notification(
        self,
        info: Info,
        input: Annotated[
            SendNotificationInput, strawberry.argument(description="The notice.")
        ],
    ) -> SendNotificationPayload:
        return run_send_job(
            info,
            SendNotificationPayload,
            request_notification,
            input,
            subject=input.subject,
            body=input.body,
        )
