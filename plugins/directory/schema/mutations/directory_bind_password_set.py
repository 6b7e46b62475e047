"""setDirectoryBindPassword: the password of the domain's directory.bindDn."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from plugins.directory.credentials import set_bind_password
from plugins.directory.service import require_directory_domain


@strawberry.input(description="The service account password of a domain's directory.")
class DirectoryBindPasswordSetInput:
    domain: str = strawberry.field(description="The domain's name.")
    password: str | None = strawberry.field(
        default=None,
        description="The password of directory.bindDn; null or empty removes it. "
        "It is stored encrypted, never shown, and used only while directory.url "
        "and directory.bindDn stay as they are now: set them first.",
    )


@strawberry.type(description="The result of setDirectoryBindPassword.")
class DirectoryBindPasswordSetPayload:
    bind_password_set: bool | None = strawberry.field(
        default=None, description="Whether a password is stored now."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class DirectoryBindPasswordSetMutation:
    @strawberry.mutation(
        description="Set or remove the password the server binds to the "
        "domain's directory with; domain administrators may while the "
        "domain's directoryIntegration feature is on."
    )
    def set_directory_bind_password(
        self,
        info: Info,
        input: Annotated[
            DirectoryBindPasswordSetInput,
            strawberry.argument(description="The change."),
        ],
    ) -> DirectoryBindPasswordSetPayload:
        def act(session, ctx):
            runtime = ctx.runtime
            domain = require_directory_domain(
                session, runtime, ctx.principal, input.domain
            )
            stored = set_bind_password(session, runtime, domain, input.password)
            return {"bind_password_set": stored}

        return run_mutation(info, DirectoryBindPasswordSetPayload, act)
