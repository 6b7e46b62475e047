"""Server-wide settings: the lists domains choose gateways and addresses from."""

from ipaddress import IPv4Address, IPv6Address

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session

from core.errors import InvalidInputs
from core.models import ServerSetting
from core.settings.registry import field_errors
from core.validation import clean_hostname_or_ip

KEY = "server"


class ServerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outgoing_gateways: list[str] = Field(default_factory=list, max_length=100)
    outbound_ipv4_addresses: list[str] = Field(default_factory=list, max_length=256)
    outbound_ipv6_addresses: list[str] = Field(default_factory=list, max_length=256)
    two_step_available: bool = True

    @field_validator("outgoing_gateways")
    @classmethod
    def check_gateways(cls, values: list[str]) -> list[str]:
        return _unique([clean_hostname_or_ip(v) for v in values])

    @field_validator("outbound_ipv4_addresses")
    @classmethod
    def check_ipv4(cls, values: list[str]) -> list[str]:
        return _unique([str(IPv4Address(v.strip())) for v in values])

    @field_validator("outbound_ipv6_addresses")
    @classmethod
    def check_ipv6(cls, values: list[str]) -> list[str]:
        return _unique([str(IPv6Address(v.strip())) for v in values])


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def read_server_settings(session: Session) -> ServerSettings:
    row = session.get(ServerSetting, KEY)
    return ServerSettings.model_validate(row.value if row else {})


def update_server_settings(session: Session, changes: dict) -> ServerSettings:
    """Merge and validate changes; nothing is stored if any field fails."""
    current = read_server_settings(session).model_dump()
    try:
        settings = ServerSettings.model_validate({**current, **changes})
    except ValidationError as exc:
        raise InvalidInputs(field_errors(exc, "input")) from None
    row = session.get(ServerSetting, KEY) or ServerSetting(key=KEY)
    row.value = settings.model_dump()
    session.add(row)
    return settings
