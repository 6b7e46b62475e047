"""serverSettings and updateServerSettings: lists domains choose from."""

from typing import Annotated

import strawberry
from strawberry.types.unset import UNSET

from core.principal import require_system_admin
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation, run_query
from core.services.server_settings import read_server_settings, update_server_settings


@strawberry.type(description="Server-wide settings.")
class ServerSettings:
    outgoing_gateways: list[str] = strawberry.field(
        description="Gateways a domain may relay outgoing mail through."
    )
    outbound_ipv4_addresses: list[str] = strawberry.field(
        description="IPv4 addresses a domain may send from."
    )
    outbound_ipv6_addresses: list[str] = strawberry.field(
        description="IPv6 addresses a domain may send from."
    )
    two_step_available: bool = strawberry.field(
        description="Whether two-step authentication is offered at all."
    )


@strawberry.input(description="Changes to server settings; fields left out stay.")
class ServerSettingsUpdateInput:
    outgoing_gateways: list[str] | None = strawberry.field(
        default=UNSET, description="Gateways."
    )
    outbound_ipv4_addresses: list[str] | None = strawberry.field(
        default=UNSET, description="IPv4 addresses."
    )
    outbound_ipv6_addresses: list[str] | None = strawberry.field(
        default=UNSET, description="IPv6 addresses."
    )
    two_step_available: bool | None = strawberry.field(
        default=UNSET, description="Offer two-step authentication."
    )


@strawberry.type(description="The result of updateServerSettings.")
class ServerSettingsUpdatePayload:
    server_settings: ServerSettings | None = strawberry.field(
        default=None, description="The settings as saved."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


def _to_type(settings) -> ServerSettings:
    return ServerSettings(**settings.model_dump())


@strawberry.type
class ServerSettingsQueries:
    @strawberry.field(description="Server-wide settings (system administrators).")
    def server_settings(self, info: Info) -> ServerSettings:
        def read(session, ctx):
            require_system_admin(ctx.principal)
            return _to_type(read_server_settings(session))

        return run_query(info, read)


@strawberry.type
class ServerSettingsMutation:
    @strawberry.mutation(
        description="Change server-wide settings (system administrators)."
    )
    def update_server_settings(
        self,
        info: Info,
        input: Annotated[
            ServerSettingsUpdateInput, strawberry.argument(description="Changes.")
        ],
    ) -> ServerSettingsUpdatePayload:
        def act(session, ctx):
            require_system_admin(ctx.principal)
            changes = {
                k: v for k, v in vars(input).items() if v is not UNSET and v is not None
            }
            return {
                "server_settings": _to_type(update_server_settings(session, changes))
            }

        return run_mutation(info, ServerSettingsUpdatePayload, act)
