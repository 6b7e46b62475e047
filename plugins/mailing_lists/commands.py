"""Commands mailed to a domain's command address (``listserv@domain``).

The subject, or else the first line of the body, holds one command:
``SUBSCRIBE list``, ``UNSUBSCRIBE list``, ``HELP`` or ``CONFIRM token``.
Subscribing and unsubscribing take effect only once confirmed (see
``plugins.mailing_lists.confirmations``), so a forged sender changes
nothing. Every accepted command is answered by mail to the address
concerned; a refused one raises, and the mail transport bounces it.
"""

import logging
import re
from dataclasses import dataclass
from enum import Enum

from sqlmodel import Session

from core.errors import InvalidInput, NotFound
from core.models import Domain
from core.principal import Principal, require_authenticated
from core.services.scope import administers
from core.services.user_fields import split_mailbox_address
from plugins.mailing_lists import confirmations, messages, texts
from plugins.mailing_lists.lists import (
    check_domain_sends,
    find_domain_list,
    find_mail_domain,
    list_address,
    list_not_found,
)
from plugins.mailing_lists.models import ConfirmationAction, MailingList
from plugins.mailing_lists.outbound import send_answer
from plugins.mailing_lists.settings import read_settings
from plugins.mailing_lists.subscribers import find_subscriber, subscribe, unsubscribe

logger = logging.getLogger(__name__)

COMMAND = re.compile(r"(subscribe|unsubscribe|help|confirm)(?:\s+(\S+))?\s*$", re.I)


class CommandStatus(Enum):
    """What a command did."""

    CONFIRMATION_SENT = "confirmation_sent"
    CONFIRMATION_PENDING = "confirmation_pending"
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    ALREADY_SUBSCRIBED = "already_subscribed"
    NOT_SUBSCRIBED = "not_subscribed"
    HELP_SENT = "help_sent"


@dataclass(frozen=True)
class CommandResult:
    """The command understood, what it did, for which list, and who was told."""

    command: str
    status: CommandStatus
    list_address: str | None
    answered: str | None


@dataclass(frozen=True)
class CommandContext:
    session: Session
    runtime: object
    domain: Domain
    command_address: str
    sender: str


def process_command(
    session: Session,
    runtime,
    raw: bytes,
    *,
    recipient: str | None = None,
    principal: Principal | None = None,
) -> CommandResult:
    """Carry out the command of a raw message sent to a command address.

    ``recipient`` is the command address the transport delivered to; else
    it is read from the message's headers; a domain alias's command address
    is its domain's. With ``principal`` (an API caller), the domain must be
    one it administers. A disabled domain's command address answers nothing
    (``DOMAIN_DISABLED``): every command would mail an answer.
    """
    if principal is not None:
        require_authenticated(principal)
    message = messages.parse(raw)
    sender = messages.sender_of(message)
    if messages.is_automatic(message):
        raise InvalidInput(
            "Automatic messages get no answer.", field="rawMessage", code="AUTOMATIC"
        )
    addresses = [recipient] if recipient else messages.recipients_of(message)
    domain, command_address = find_command_domain(session, runtime, addresses)
    if principal is not None and not administers(principal, domain.id):
        raise _no_command_address()
    check_domain_sends(domain, field="rawMessage")

    verb, argument = parse_command(messages.command_lines(message))
    context = CommandContext(session, runtime, domain, command_address, sender)
    result = HANDLERS[verb](context, argument)
    logger.info("List command %s for %s: %s.", verb, domain.name, result.status.value)
    return result


def find_command_domain(
    session: Session, runtime, addresses: list[str]
) -> tuple[Domain, str]:
    """The first domain whose enabled command address is among ``addresses``."""
    for address in addresses:
        try:
            local_part, name = split_mailbox_address(address)
        except InvalidInput:
            continue
        domain = find_mail_domain(session, name)
        if domain is None:
            continue
        settings = read_settings(runtime, domain)
        if settings.enabled and settings.command_address == local_part:
            return domain, f"{local_part}@{domain.name}"
    raise _no_command_address()


def _no_command_address() -> NotFound:
    return NotFound(
        "The message is not addressed to a list command address.",
        field="rawMessage",
        code="COMMAND_ADDRESS_NOT_FOUND",
    )


def parse_command(lines: list[str]) -> tuple[str, str | None]:
    """(verb, argument) from the subject, or else the body's first line."""
    for line in lines:
        match = COMMAND.match(line)
        if match:
            return match.group(1).lower(), match.group(2)
    raise InvalidInput(
        "No command found: write SUBSCRIBE list, UNSUBSCRIBE list or HELP.",
        field="rawMessage",
        code="UNKNOWN_COMMAND",
    )


# The commands.


def handle_subscribe(context: CommandContext, argument: str | None) -> CommandResult:
    mailing_list = _require_list(context, argument)
    found = find_subscriber(context.session, mailing_list.id, context.sender)
    if found is not None:
        return _tell(context, "subscribe", mailing_list, texts.already_subscribed)
    return _ask(context, mailing_list, ConfirmationAction.SUBSCRIBE)


def handle_unsubscribe(context: CommandContext, argument: str | None) -> CommandResult:
    mailing_list = _require_list(context, argument)
    found = find_subscriber(context.session, mailing_list.id, context.sender)
    if found is None:
        return _tell(context, "unsubscribe", mailing_list, texts.not_subscribed)
    return _ask(context, mailing_list, ConfirmationAction.UNSUBSCRIBE)


def handle_help(context: CommandContext, _argument: str | None) -> CommandResult:
    subject, body = texts.help_text(context.command_address)
    _answer(context, context.sender, subject, body)
    return CommandResult("help", CommandStatus.HELP_SENT, None, context.sender)


def handle_confirm(context: CommandContext, argument: str | None) -> CommandResult:
    if not argument:
        raise InvalidInput(
            "CONFIRM needs the token.", field="rawMessage", code="MISSING_TOKEN"
        )
    pending = confirmations.redeem(context.session, argument, context.domain.id)
    mailing_list = context.session.get(MailingList, pending.list_id)
    address = pending.address
    if pending.action == ConfirmationAction.SUBSCRIBE.value:
        done = subscribe(context.session, mailing_list, address) is not None
        status = CommandStatus.SUBSCRIBED if done else CommandStatus.ALREADY_SUBSCRIBED
    else:
        done = unsubscribe(context.session, mailing_list, address)
        status = CommandStatus.UNSUBSCRIBED if done else CommandStatus.NOT_SUBSCRIBED
    name = list_address(mailing_list, context.domain)
    _answer(context, address, *texts.confirmed(status.value, name))
    return CommandResult("confirm", status, name, address)


HANDLERS = {
    "subscribe": handle_subscribe,
    "unsubscribe": handle_unsubscribe,
    "help": handle_help,
    "confirm": handle_confirm,
}


def _require_list(context: CommandContext, argument: str | None) -> MailingList:
    if not argument:
        raise InvalidInput(
            "Name the list after the command.", field="rawMessage", code="MISSING_LIST"
        )
    local_part, _, domain_name = argument.lower().partition("@")
    mailing_list = None
    if not domain_name or _names_domain(context, domain_name):
        mailing_list = find_domain_list(context.session, context.domain, local_part)
    if mailing_list is None:
        raise list_not_found(argument, "rawMessage")
    return mailing_list


def _names_domain(context: CommandContext, name: str) -> bool:
    """Whether ``name`` is the command's domain or one of its domain aliases."""
    if name == context.domain.name:
        return True
    named = find_mail_domain(context.session, name)
    return named is not None and named.id == context.domain.id


def _ask(
    context: CommandContext, mailing_list: MailingList, action: ConfirmationAction
) -> CommandResult:
    """Mail a token to the sender's address, unless one went out just now."""
    name = list_address(mailing_list, context.domain)
    token = confirmations.request_confirmation(
        context.session, mailing_list, context.sender, action
    )
    if token is None:
        status = CommandStatus.CONFIRMATION_PENDING
        return CommandResult(action.value, status, name, None)
    subject, body = texts.confirmation(action.value, name, token, context)
    _answer(context, context.sender, subject, body)
    status = CommandStatus.CONFIRMATION_SENT
    return CommandResult(action.value, status, name, context.sender)


def _tell(context, command: str, mailing_list: MailingList, text) -> CommandResult:
    name = list_address(mailing_list, context.domain)
    subject, body = text(name)
    _answer(context, context.sender, subject, body)
    status = (
        CommandStatus.ALREADY_SUBSCRIBED
        if command == "subscribe"
        else CommandStatus.NOT_SUBSCRIBED
    )
    return CommandResult(command, status, name, context.sender)


def _answer(context: CommandContext, to: str, subject: str, body: str) -> None:
    send_answer(
        context.session,
        context.runtime,
        sender=context.command_address,
        to=to,
        subject=subject,
        body=body,
    )
