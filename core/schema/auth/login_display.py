"""loginDisplay: a domain's login page customisation, for anonymous login pages."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_query
from core.services.login_display import get_login_display


@strawberry.type(
    description="What a domain's login page shows in place of the default."
)
class LoginDisplay:
    logo_url: str | None = strawberry.field(description="URL of the logo to show.")
    branding_text: str | None = strawberry.field(
        description="Text to show beside the login form."
    )
    login_title: str | None = strawberry.field(
        description="Title of the login form; the default one when null."
    )


@strawberry.type
class LoginDisplayQueries:
    @strawberry.field(
        description="A domain's login page customisation, for anyone, logged in or "
        "not; null when the domain has none in force, or no such domain exists."
    )
    def login_display(
        self,
        info: Info,
        domain: Annotated[
            str,
            strawberry.argument(
                description="Domain name, or domain alias, of the address logging in."
            ),
        ],
    ) -> LoginDisplay | None:
        def read(session, ctx):
            display = get_login_display(session, ctx.runtime, domain)
            if display is None:
                return None
            return LoginDisplay(
                logo_url=display.logo_url,
                branding_text=display.branding_text,
                login_title=display.login_title,
            )

        return run_query(info, read)
