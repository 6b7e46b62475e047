"""What the folder mutations share: naming a user's folder and starting its job."""

from collections.abc import Callable
from typing import TypeVar

import strawberry

from core.models import Job as JobRow
from core.schema.context import Info
from core.schema.errors import run_mutation
from core.schema.jobs.types import to_job

P = TypeVar("P")


# Decorated, or strawberry would drop these fields from the inputs built on it;
# no field takes it, so it never appears in the schema itself.
@strawberry.input(description="A user's mail folder, as the folder mutations name it.")
class FolderInput:
    email: str = strawberry.field(description="The address of the folder's user.")
    folder_path: str = strawberry.field(
        description="The folder as a mail client shows it, components separated "
        "by \\ or /: Inbox\\Example Folder, Archive/2024."
    )


def run_folder_job(
    info: Info, payload: Callable[..., P], request: Callable[..., JobRow], input
) -> P:
    """Start ``request``'s job on the folder ``input`` names (a ``FolderInput``
    with its own ``recursive``); the payload's ``job`` is that job."""

    def act(session, ctx):
        job = request(
            session,
            ctx.runtime,
            ctx.principal,
            input.email,
            input.folder_path,
            input.recursive,
        )
        return {"job": to_job(job)}

    return run_mutation(info, payload, act)
