"""attachFolder: add a mail folder found on disk to its account."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError
from core.schema.jobs.types import Job
from core.schema.restore.mutations.common import FolderInput, run_folder_job
from core.services.restore import request_attach_folder


@strawberry.input(description="The folder to attach and whose it is.")
class AttachFolderInput(FolderInput):
    recursive: bool = strawberry.field(
        default=False, description="Also attach the folders found below it."
    )


@strawberry.type(description="The result of attachFolder.")
class AttachFolderPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The job that gives the folder what a mail folder needs "
        "and its messages UIDs; its result lists any file skipped.",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class FolderAttachMutation:
    @strawberry.mutation(
        description="Attach a folder that is on disk but not in the account "
        "(system administrators); .eml files in it are taken in as messages."
    )
    def attach_folder(
        self,
        info: Info,
        input: Annotated[AttachFolderInput, strawberry.argument(description="Which.")],
    ) -> AttachFolderPayload:
        return run_folder_job(info, AttachFolderPayload, request_attach_folder, input)
