"""revokeApiKey: a key stops working for good."""

from typing import Annotated

import strawberry

from core.schema.admin.types import ApiKey, to_api_key
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.api_keys import revoke_api_key


@strawberry.input(description="The key to revoke.")
class ApiKeyRevokeInput:
    id: strawberry.ID = strawberry.field(description="The key's id.")


@strawberry.type(description="The result of revokeApiKey.")
class ApiKeyRevokePayload:
    api_key: ApiKey | None = strawberry.field(
        default=None, description="The revoked key."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class ApiKeyRevokeMutation:
    @strawberry.mutation(
        description="Revoke an API key (system administrators); revoking a "
        "revoked key changes nothing."
    )
    def revoke_api_key(
        self,
        info: Info,
        input: Annotated[
            ApiKeyRevokeInput, strawberry.argument(description="The key.")
        ],
    ) -> ApiKeyRevokePayload:
        def act(session, ctx):
            key_id = int(input.id) if str(input.id).isdigit() else 0
            row = revoke_api_key(session, ctx.principal, key_id)
            return {"api_key": to_api_key(row)}

        return run_mutation(info, ApiKeyRevokePayload, act)
