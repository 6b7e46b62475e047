"""User errors in payloads, and the boundary that turns service errors into them."""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from sqlmodel import Session

from core.db import session_scope
from core.errors import InvalidInputs, MailplaneError
from core.schema.admin import auditing
from core.schema.context import Context, Info
from core.schema.license_guard import refuse_lapsed_mutation
from core.services.api_keys import refuse_read_only

logger = logging.getLogger(__name__)

P = TypeVar("P")


@strawberry.type(
    description="An expected failure of a mutation: bad input, a limit, a permission."
)
class UserError:
    field: str | None = strawberry.field(
        description="Path of the input field at fault (settings.limits.users), if any."
    )
    code: str = strawberry.field(description="Stable, machine-readable error code.")
    message: str = strawberry.field(description="Human-readable explanation.")


def user_errors(exc: MailplaneError) -> list[UserError]:
    if isinstance(exc, InvalidInputs):
        return [item for error in exc.errors for item in user_errors(error)]
    return [UserError(field=exc.field, code=exc.code, message=exc.message)]


def run_mutation(
    info: Info,
    payload: Callable[..., P],
    action: Callable[[Session, Context], dict[str, Any]],
) -> P:
    """Run ``action`` in one transaction and build the payload.

    ``action`` returns the payload's fields. A ``MailplaneError`` rolls back
    everything and becomes the payload's ``errors``; anything else propagates
    to the masking extension, which logs it and hides it from the client.
    Either way that ends in an audit entry; read-only API keys get no further,
    nor do the mutations of a plugin whose license has expired.
    """
    context: Context = info.context
    try:
        refuse_lapsed_mutation(info)
        with session_scope(context.runtime.engine) as session:
            session.info["context"] = context
            auditing.watch_mutation(session)
            refuse_read_only(context.principal)
            fields = action(session, context)
            auditing.record_success(session, info)
    except MailplaneError as exc:
        logger.info("Refused %s: %s.", info.field_name, exc.code)
        auditing.record_refusal(info, exc)
        return payload(errors=user_errors(exc))
    return payload(errors=[], **fields)


def run_query(info: Info, action: Callable[[Session, Context], P]) -> P:
    """Run a read in its own session; service errors surface as GraphQL errors."""
    context: Context = info.context
    with session_scope(context.runtime.engine, write=False) as session:
        return action(session, context)
