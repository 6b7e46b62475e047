"""Who is asking, as GraphQL shows it."""

import strawberry

from core.principal import Role

strawberry.enum(Role, name="Role", description="The kind of caller.")


@strawberry.type(description="The caller of this request.")
class Me:
    role: Role = strawberry.field(description="What kind of caller this is.")
    name: str = strawberry.field(description="Username or address.")
    domain: str | None = strawberry.field(
        description="Own domain of administrators and users."
    )
    impersonated_by: str | None = strawberry.field(
        description="The system administrator acting through this session, if any."
    )
