"""attachUser: make a user folder found on disk a user of its domain again."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from core.services.restore import request_attach_user


@strawberry.input(description="The user folder to attach.")
class AttachUserInput:
    email: str = strawberry.field(
        description="The user's address; its local part names the user folder "
        "inside the domain's folder."
    )


@strawberry.type(description="The result of attachUser.")
class AttachUserPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The job that indexes the user's mail and counts its disk "
        "usage; its result lists each folder and any file skipped.",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class UserAttachMutation:
    @strawberry.mutation(
        description="Attach a user that is on disk but not in the domain "
        "(system administrators): the user is created within the domain's "
        "limit, with an unusable password an administrator must reset, and "
        "keeps its mail."
    )
    def attach_user(
        self,
        info: Info,
        input: Annotated[AttachUserInput, strawberry.argument(description="Which.")],
    ) -> AttachUserPayload:
        def act(session, ctx):
            job = request_attach_user(session, ctx.runtime, ctx.principal, input.email)
            return {"job": to_job(job)}

        return run_mutation(info, AttachUserPayload, act)
