"""rebuildFolder: take .eml files copied into an existing folder into it."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from core.schema.jobs.types import Job
from core.schema.restore.mutations.common import FolderInput, run_folder_job
from core.services.restore import request_rebuild_folder


@strawberry.input(description="The folder to rebuild and whose it is.")
class RebuildFolderInput(FolderInput):
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
        return run_folder_job(info, RebuildFolderPayload, request_rebuild_folder, input)
