"""Server-wide settings: what domains choose from, and what holds for all of them."""

from ipaddress import IPv4Address, IPv6Address
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from sqlmodel import Session

from core.addresses import clean_address
from core.errors import InvalidInput, InvalidInputs
from core.models import ServerSetting
from core.settings.registry import field_errors
from core.validation import clean_hostname_or_ip

KEY = "server"


def clean_ipv4(value: str) -> str:
    return str(IPv4Address(value.strip()))


def clean_ipv6(value: str) -> str:
    return str(IPv6Address(value.strip()))


def clean_postmaster(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return clean_address(value)
    except InvalidInput:
        raise ValueError("must be a valid email address") from None


# Each entry is checked on its own, so an error names its position.
Gateway = Annotated[str, AfterValidator(clean_hostname_or_ip)]
IPv4 = Annotated[str, AfterValidator(clean_ipv4)]
IPv6 = Annotated[str, AfterValidator(clean_ipv6)]


class ServerSettings(BaseModel):
    """What domains may choose from, and what holds for all of them."""

    model_config = ConfigDict(extra="forbid")

    outgoing_gateways: list[Gateway] = Field(default_factory=list, max_length=100)
    outbound_ipv4_addresses: list[IPv4] = Field(default_factory=list, max_length=256)
    outbound_ipv6_addresses: list[IPv6] = Field(default_factory=list, max_length=256)
    two_step_available: bool = True
    # Off: no domain may choose an IPv6 address for outgoing SMTP.
    outbound_ipv6_enabled: bool = False
    domain_admins_may_override_logout_url: bool = False
    # Sends system messages of domains that have no postmaster of their own
    # (core.services.postmaster).
    postmaster_address: Annotated[str | None, AfterValidator(clean_postmaster)] = None

    @field_validator(
        "outgoing_gateways", "outbound_ipv4_addresses", "outbound_ipv6_addresses"
    )
    @classmethod
    def drop_duplicates(cls, values: list[str]) -> list[str]:
        return _unique(values)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def read_server_settings(session: Session) -> ServerSettings:
    row = session.get(ServerSetting, KEY)
    return ServerSettings.model_validate(row.value if row else {})


def update_server_settings(session: Session, changes: dict) -> ServerSettings:
    """Merge and validate changes; nothing is stored if any field fails.

    A gateway or outbound address taken off its list becomes null in the
    domain template and in every domain that chose it, in the same
    transaction (``core.services.server_choices``).
    """
    # Imported here: server_choices imports this module.
    from core.services.server_choices import clear_withdrawn_choices

    current = read_server_settings(session)
    try:
        settings = ServerSettings.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        raise InvalidInputs(field_errors(exc, "input", ServerSettings)) from None
    row = session.get(ServerSetting, KEY) or ServerSetting(key=KEY)
    row.value = settings.model_dump()
    session.add(row)
    clear_withdrawn_choices(session, current, settings)
    return settings
