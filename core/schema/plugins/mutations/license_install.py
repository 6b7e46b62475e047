"""installLicense: check a signed license and put it in force."""

from typing import Annotated

import strawberry

from core.principal import require_system_admin
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.plugins.types import License, to_license
from core.services.license import (
    LicenseSource,
    LicenseStatus,
    count_mailboxes,
    install_license,
)


@strawberry.input(description="A license file to install.")
class LicenseInstallInput:
    text: str = strawberry.field(
        description="The license file's whole text, as the vendor sent it."
    )


@strawberry.type(description="The result of installLicense.")
class LicenseInstallPayload:
    license: License | None = strawberry.field(
        default=None, description="The license now in force."
    )
    restart_needed_for: list[str] = strawberry.field(
        default_factory=list,
        description="Plugins the new license loads or unloads once the "
        "server restarts.",
    )
    errors: list[UserError] = strawberry.field(
        description="Why the license was refused; the old one stays in force."
    )


@strawberry.type
class LicenseInstallMutation:
    @strawberry.mutation(
        description="Check a license and store it for every server process "
        "(system administrators). A forged, altered or expired one is refused."
    )
    def install_license(
        self,
        info: Info,
        input: Annotated[
            LicenseInstallInput, strawberry.argument(description="The license.")
        ],
    ) -> LicenseInstallPayload:
        def act(session, ctx):
            require_system_admin(ctx.principal)
            runtime = ctx.runtime
            document = install_license(
                session,
                runtime.config,
                runtime.license_status,
                input.text,
                ctx.principal.name,
            )
            installed = LicenseStatus(document, LicenseSource.INSTALLED)
            return {
                "license": to_license(installed, count_mailboxes(session)),
                "restart_needed_for": runtime.plugins.changes_under(document),
            }

        return run_mutation(info, LicenseInstallPayload, act)
