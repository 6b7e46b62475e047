"""What the sending mutations share: the group a message goes to, and its job."""

from collections.abc import Callable
from typing import Any, TypeVar

from core.models import Job as JobRow
from core.schema.context import Info
from core.schema.errors import run_mutation
from core.schema.jobs.types import to_job

P = TypeVar("P")


def run_send_job(
    info: Info,
    payload: Callable[..., P],
    request: Callable[..., JobRow],
    input,
    **content: Any,
) -> P:
    """Queue ``request``'s job for the group ``input`` addresses (its ``to``,
    ``domain`` and ``user``); ``content`` is the rest of what it sends."""

    def act(session, ctx):
        job = request(
            session,
            ctx.runtime,
            ctx.principal,
            group=input.to,
            domain=input.domain,
            user=input.user,
            **content,
        )
        return {"job": to_job(job)}

    return run_mutation(info, payload, act)
