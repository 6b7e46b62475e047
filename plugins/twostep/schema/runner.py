"""The plugin's mutation boundary: counted refusals commit, mail goes after.

Like ``core.schema.errors.run_mutation``, with two differences. A
``CodeRefused`` commits the transaction before it becomes the payload's
errors, so that wrong codes add up to a lock. Mail the action queued
(``plugins.twostep.delivery.queue_mail``) is sent once the transaction
committed; a failed delivery becomes the payload's errors.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session

from core.db import session_scope
from core.errors import MailplaneError
from core.schema.context import Context, Info
from core.schema.errors import user_errors
from plugins.twostep.delivery import queued_mail, send
from plugins.twostep.errors import CodeRefused

logger = logging.getLogger(__name__)

P = TypeVar("P")


def run_twostep_mutation(
    info: Info,
    payload: Callable[..., P],
    action: Callable[[Session, Context], dict[str, Any]],
) -> P:
    context: Context = info.context
    refused: CodeRefused | None = None
    try:
        with session_scope(context.runtime.engine) as session:
            session.info["context"] = context
            try:
                fields = action(session, context)
            except CodeRefused as exc:
                refused = exc
            outbox = queued_mail(session)
        if refused is not None:
            raise refused
        for message in outbox:
            send(context.runtime, message)
    except MailplaneError as exc:
        logger.info("Refused %s: %s.", info.field_name, exc.code)
        return payload(errors=user_errors(exc))
    return payload(errors=[], **fields)
