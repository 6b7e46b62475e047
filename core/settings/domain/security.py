"""The security card: outbound addresses, TLS, SRS and authentication."""

from enum import Enum
from ipaddress import IPv4Address, IPv6Address

from pydantic import Field, field_validator

from core.settings.section import SectionModel, SectionSpec


class Toggle(Enum):
    """A switch that may defer to the server's own setting."""

    SERVER_DEFAULT = "server_default"
    ENABLED = "enabled"
    DISABLED = "disabled"


class SecuritySettings(SectionModel):
    outbound_ipv4: str | None = Field(
        default=None,
        description="IPv4 address for outgoing SMTP, chosen from the server's "
        "addresses; null uses the default.",
    )
    outbound_ipv6: str | None = Field(
        default=None,
        description="IPv6 address for outgoing SMTP, chosen from the server's "
        "addresses; null uses the default.",
    )
    tls: Toggle = Field(
        default=Toggle.SERVER_DEFAULT, description="TLS for outgoing mail."
    )
    srs: Toggle = Field(
        default=Toggle.SERVER_DEFAULT,
        description="Sender rewriting so that forwarded mail passes SPF.",
    )
    require_smtp_auth: bool = Field(
        default=True, description="Require SMTP authentication to send."
    )
    force_https: bool = Field(
        default=False, description="Redirect all web traffic to HTTPS."
    )

    @field_validator("outbound_ipv4")
    @classmethod
    def check_ipv4(cls, value: str | None) -> str | None:
        return None if value is None else str(IPv4Address(value))

    @field_validator("outbound_ipv6")
    @classmethod
    def check_ipv6(cls, value: str | None) -> str | None:
        return None if value is None else str(IPv6Address(value))


SECTION = SectionSpec(
    name="security",
    model=SecuritySettings,
    scope="domain",
    description="Outbound addresses, encryption and authentication.",
)
