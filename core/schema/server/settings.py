"""serverSettings and updateServerSettings: what domains choose from and share."""

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
    outbound_ipv6_enabled: bool = strawberry.field(
        description="Whether outgoing SMTP may use IPv6; while off, no domain "
        "may choose an outbound IPv6 address."
    )
    domain_admins_may_override_logout_url: bool = strawberry.field(
        description="Whether domain administrators may change their domain's "
        "misc.logoutUrl and misc.logoutUrlEnabled."
    )
    postmaster_address: str | None = strawberry.field(
        description="The postmaster of domains that have no postmaster account "
        "and do not use their primary administrator; null: postmaster@<domain>."
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
    outbound_ipv6_enabled: bool | None = strawberry.field(
        default=UNSET, description="Allow IPv6 for outgoing SMTP."
    )
    domain_admins_may_override_logout_url: bool | None = strawberry.field(
        default=UNSET,
        description="Let domain administrators change their domain's logout URL.",
    )
    postmaster_address: str | None = strawberry.field(
        default=UNSET, description="The server's postmaster address; null clears it."
    )


@strawberry.type(description="The result of updateServerSettings.")
class ServerSettingsUpdatePayload:
    server_settings: ServerSettings | None = strawberry.field(
        default=None, description="The settings as saved."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


# Null clears these; for the other fields it means "leave as is".
CLEARABLE = frozenset({"postmaster_address"})


def _changes(input: ServerSettingsUpdateInput) -> dict:
    return {
        key: value
        for key, value in vars(input).items()
        if value is not UNSET and (value is not None or key in CLEARABLE)
    }


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
            saved = update_server_settings(session, _changes(input))
            return {"server_settings": _to_type(saved)}

        return run_mutation(info, ServerSettingsUpdatePayload, act)
