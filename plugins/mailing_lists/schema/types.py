"""The mailing list types, and the payloads their mutations share."""

from datetime import datetime

import strawberry

from core.models import Domain as DomainRow
from core.models.base import as_utc
from core.schema.errors import UserError
from plugins.mailing_lists.commands import CommandResult, CommandStatus
from plugins.mailing_lists.models import MailingList as MailingListRow
from plugins.mailing_lists.models import PostingPolicy
from plugins.mailing_lists.models import Subscriber as SubscriberRow

strawberry.enum(
    PostingPolicy,
    description="Who may post to a list: ANYONE, its SUBSCRIBERS (and "
    "moderators), or its MODERATORS only.",
)
strawberry.enum(
    CommandStatus, name="ListCommandStatus", description="What a list command did."
)


@strawberry.type(description="An address of a domain whose mail goes to subscribers.")
class MailingList:
    id: strawberry.Private[int]
    email: str = strawberry.field(description="The list's address.")
    name: str = strawberry.field(description="The local part of its address.")
    domain: str = strawberry.field(description="Name of the list's domain.")
    description: str = strawberry.field(
        description="What the list is about; shown in its List-Id header."
    )
    posting_policy: PostingPolicy = strawberry.field(description="Who may post.")
    moderators: list[str] = strawberry.field(
        description="Addresses that may always post."
    )
    subscriber_count: int = strawberry.field(description="Subscribers of the list.")
    created_at: datetime = strawberry.field(description="When it was created.")


@strawberry.type(description="An address that receives a list's posts.")
class MailingListSubscriber:
    id: strawberry.Private[int]
    email: str = strawberry.field(description="The subscribed address.")
    display_name: str = strawberry.field(description="The subscriber's name, if known.")
    subscribed_at: datetime = strawberry.field(description="When it subscribed.")


@strawberry.type(description="What a command mailed to a command address did.")
class ListCommandResult:
    command: str = strawberry.field(
        description="The command understood: subscribe, unsubscribe, help or confirm."
    )
    status: CommandStatus = strawberry.field(description="What it did.")
    list: str | None = strawberry.field(description="The list concerned, if any.")
    answered_to: str | None = strawberry.field(
        description="Who was sent the answer (the confirmation request, say)."
    )


def to_mailing_list(row: MailingListRow, domain: DomainRow) -> MailingList:
    return MailingList(
        id=row.id,
        email=f"{row.local_part}@{domain.name}",
        name=row.local_part,
        domain=domain.name,
        description=row.description,
        posting_policy=PostingPolicy(row.posting_policy),
        moderators=list(row.moderators),
        subscriber_count=row.subscriber_count,
        created_at=as_utc(row.created_at),
    )


def to_subscriber(row: SubscriberRow) -> MailingListSubscriber:
    return MailingListSubscriber(
        id=row.id,
        email=row.address,
        display_name=row.display_name,
        subscribed_at=as_utc(row.created_at),
    )


def to_command_result(result: CommandResult) -> ListCommandResult:
    return ListCommandResult(
        command=result.command,
        status=result.status,
        list=result.list_address,
        answered_to=result.answered,
    )


@strawberry.type(description="The result of a change to a mailing list.")
class MailingListPayload:
    mailing_list: MailingList | None = strawberry.field(
        default=None, description="The list after the change."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.input(description="One list, by address.")
class MailingListInput:
    email: str = strawberry.field(description="The list's address.")


@strawberry.input(description="One subscriber of one list.")
class SubscriberInput:
    list: str = strawberry.field(description="The list's address.")
    email: str = strawberry.field(description="The subscriber's address.")
