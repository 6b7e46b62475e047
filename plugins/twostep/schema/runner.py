"""The plugin's mutation boundary: counted refusals commit, mail goes after.

Like ``core.schema.errors.run_mutation`` (the same audit entries, the same
refusal of read-only API keys), with two differences. A ``CodeRefused``
commits the transaction (a wrong code's count) before it becomes the
payload's errors and a refusal's audit entry. Mail the action queued
(``plugins.twostep.delivery.queue_mail``) is sent once the transaction
committed; a failed delivery becomes the payload's errors, the change
that asked for it staying done.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session

from core.db import session_scope
from core.errors import MailplaneError
from core.schema.admin import auditing
from core.schema.context import Context, Info
from core.schema.errors import user_errors
from core.services.api_keys import refuse_read_only
from plugins.twostep.delivery import DeliveryFailed, queued_mail, send
from plugins.twostep.errors import CodeRefused

logger = logging.getLogger(__name__)

P = TypeVar("P")


def run_twostep_mutation(
    info: Info,
    payload: Callable[..., P],
    action: Callable[[Session, Context], dict[str, Any]],
) -> P:
    context: Context = info.context
    try:
        fields, outbox = _run_counted(info, action)
    except MailplaneError as exc:
        logger.info("Refused %s: %s.", info.field_name, exc.code)
        auditing.record_refusal(info, exc)
        return payload(errors=user_errors(exc))

    try:
        for message in outbox:
            send(context.runtime, message)
    except DeliveryFailed as exc:
        return payload(errors=user_errors(exc))
    return payload(errors=[], **fields)


def _run_counted(info: Info, action) -> tuple[dict[str, Any], list]:
    """The action's fields and queued mail; a ``CodeRefused`` is raised only
    once its transaction committed."""
    context: Context = info.context
    refused: CodeRefused | None = None
    with session_scope(context.runtime.engine) as session:
        session.info["context"] = context
        auditing.watch_mutation(session)
        refuse_read_only(context.principal)
        try:
            fields = action(session, context)
            auditing.record_success(session, info)
        except CodeRefused as exc:
            refused = exc
        outbox = queued_mail(session)
    if refused is not None:
        raise refused
    return fields, outbox
