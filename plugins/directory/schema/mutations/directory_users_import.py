"""importDirectoryUsers: create the users of a domain's directory, as a job."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from plugins.directory.user_import import request_import


@strawberry.input(description="The domain whose directory users to import.")
class DirectoryUsersImportInput:
    domain: str = strawberry.field(description="The domain's name.")
    disable_missing: bool = strawberry.field(
        default=False,
        description="Also disable the DIRECTORY users the directory no longer "
        "lists (all but the domain's primary administrator); left as they are "
        "by default.",
    )


@strawberry.type(description="The result of importDirectoryUsers.")
class DirectoryUsersImportPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The import job; its result counts created, existing and "
        "skipped entries, and lists skippedEntries (entry DN, code); missing "
        "counts the DIRECTORY users the directory no longer lists, "
        "missingUsers names the first 100, and disabled counts those the "
        "import disabled (with disableMissing; none otherwise).",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing started.")


@strawberry.type
class DirectoryUsersImportMutation:
    @strawberry.mutation(
        description="Create a DIRECTORY user for every directory entry whose "
        "login is not a user of the domain yet, in the background, within the "
        "domain's user limit. Needs the domain's directoryIntegration feature."
    )
    def import_directory_users(
        self,
        info: Info,
        input: Annotated[
            DirectoryUsersImportInput, strawberry.argument(description="The import.")
        ],
    ) -> DirectoryUsersImportPayload:
        def act(session, ctx):
            job = request_import(
                session,
                ctx.runtime,
                ctx.principal,
                input.domain,
                disable_missing=input.disable_missing,
            )
            return {"job": to_job(job)}

        return run_mutation(info, DirectoryUsersImportPayload, act)
