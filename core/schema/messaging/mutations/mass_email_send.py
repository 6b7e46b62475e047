"""sendMassEmail: deliver one message to each user of a group, as a job."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from core.schema.jobs.types import Job
from core.schema.messaging.mutations.common import run_send_job
from core.services.mass_mail import request_mass_email
from core.services.recipients import RecipientGroup


@strawberry.input(description="A mass email and who it goes to.")
class SendMassEmailInput:
    sender: str | None = strawberry.field(
        default=None,
        name="from",
        description='The sender: a name, an address or "Name <address>"; '
        "a bare name is sent from the postmaster of each recipient's domain. "
        'Defaults to "System Administrator".',
    )
    to: RecipientGroup = strawberry.field(description="The recipients.")
    domain: str | None = strawberry.field(
        default=None, description="The domain, for DOMAIN_USERS."
    )
    user: str | None = strawberry.field(
        default=None, description="The user's address, for USER."
    )
    to_friendly_name: str | None = strawberry.field(
        default=None,
        description="Name shown beside each recipient's address in To "
        "(defaults to the user's display name).",
    )
    subject: str = strawberry.field(description="The subject.")
    body: str = strawberry.field(description="The message, plain text or HTML.")
    html: bool = strawberry.field(
        default=False,
        description="The body is HTML; a plain-text alternative is added.",
    )


@strawberry.type(description="The result of sendMassEmail.")
class SendMassEmailPayload:
    job: Job | None = strawberry.field(default=None, description="The sending job.")
    errors: list[UserError] = strawberry.field(description="Why nothing was sent.")


@strawberry.type
class MassEmailSendMutation:
    @strawberry.mutation(
        description="Deliver an email to each recipient's Inbox (or through the "
        "configured SMTP server); recipients over their disk space are "
        "skipped and listed in the job's result."
    )
    def send_mass_email(
        self,
        info: Info,
        input: Annotated[
            SendMassEmailInput, strawberry.argument(description="The message.")
        ],
    ) -> SendMassEmailPayload:
        return run_send_job(
            info,
            SendMassEmailPayload,
            request_mass_email,
            input,
            sender=input.sender,
            friendly_name=input.to_friendly_name,
            subject=input.subject,
            body=input.body,
            html=input.html,
        )
