"""rebuildFolder: take .eml files copied into an existing folder into it."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from core.services.restore import request_rebuild_folder


@strawberry.input(description="The folder to rebuild and whose it is.")
class RebuildFolderInput:
    email: str = strawberry.field(description="The address of the folder's user.")
    folder_path: str = strawberry.field(
        description="The folder as a mail client shows it, components separated "
        "by \\ or /: Inbox\\Example Folder, Archive/2024."
    )
    recursive: bool = strawberry.field(
        default=False, description="Also rebuild the folders below it."
    )


@strawberry.type(description="The result of rebuildFolder.")
class RebuildFolderPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The job that takes the .eml files in; its result counts "
        "them per folder and lists the files skipped as not mail.",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class FolderRebuildMutation:
    @strawberry.mutation(
        description="Rebuild an existing folder from the .eml files copied into "
        "it (system administrators): messages already there keep their UIDs, "
        "new ones get fresh UIDs, so restoring twice never clashes."
    )
    def rebuild_folder(
        self,
        info: Info,
        input: Annotated[RebuildFolderInput, strawberry.argument(description="Which.")],
    ) -> RebuildFolderPayload:
        def act(session, ctx):
            job = request_rebuild_folder(
                session,
                ctx.runtime,
                ctx.principal,
                input.email,
                input.folder_path,
                input.recursive,
            )
            return {"job": to_job(job)}

        return run_mutation(info, RebuildFolderPayload, act)
