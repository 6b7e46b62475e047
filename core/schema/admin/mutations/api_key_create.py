"""createApiKey: a key for a portal, shown once."""

from datetime import datetime
from typing import Annotated

import strawberry

from core.schema.admin.types import ApiKey, to_api_key
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.api_keys import ApiKeyCreate, ApiKeyRole, create_api_key


@strawberry.input(description="A new API key.")
class ApiKeyCreateInput:
    name: str = strawberry.field(description="A name to know the key by; unique.")
    domains: list[str] | None = strawberry.field(
        default=None,
        description="The domains the key reaches (a reseller's; may be empty, "
        "and domains the key creates join them). Null reaches the whole server.",
    )
    role: ApiKeyRole = strawberry.field(description="What the key may do.")
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the key stops working; null for never."
    )


@strawberry.type(description="The result of createApiKey.")
class ApiKeyCreatePayload:
    api_key: ApiKey | None = strawberry.field(default=None, description="The key.")
    secret: str | None = strawberry.field(
        default=None,
        description="Send as Authorization: Bearer <secret>. Shown this once: "
        "only its hash is kept.",
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was created.")


@strawberry.type
class ApiKeyCreateMutation:
    @strawberry.mutation(description="Create an API key (system administrators).")
    def create_api_key(
        self,
        info: Info,
        input: Annotated[
            ApiKeyCreateInput, strawberry.argument(description="The key.")
        ],
    ) -> ApiKeyCreatePayload:
        def act(session, ctx):
            data = ApiKeyCreate(
                name=input.name,
                role=input.role,
                domains=input.domains,
                expires_at=input.expires_at,
            )
            row, secret = create_api_key(session, ctx.principal, data)
            return {"api_key": to_api_key(row), "secret": secret}

        return run_mutation(info, ApiKeyCreatePayload, act)
