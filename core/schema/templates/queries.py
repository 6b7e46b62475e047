"""domainDefaults and userDefaults: the templates, for the system administrator."""

import strawberry

from core.principal import require_system_admin
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.templates.types import (
    DomainDefaults,
    UserDefaults,
    to_domain_defaults,
    to_user_defaults,
)
from core.services.templates import read_domain_template, read_template_settings


@strawberry.type
class TemplateQueries:
    @strawberry.field(
        description="The template new domains start from (system administrators)."
    )
    def domain_defaults(self, info: Info) -> DomainDefaults:
        def read(session, ctx):
            require_system_admin(ctx.principal)
            template = read_domain_template(session, ctx.runtime)
            return to_domain_defaults(template, ctx.runtime)

        return run_query(info, read)

    @strawberry.field(
        description="The template new users start from (system administrators)."
    )
    def user_defaults(self, info: Info) -> UserDefaults:
        def read(session, ctx):
            require_system_admin(ctx.principal)
            settings = read_template_settings(session, ctx.runtime, "user")
            return to_user_defaults(settings, ctx.runtime)

        return run_query(info, read)
