"""The autodiscover section: which protocols a domain announces, and how."""

import enum
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from core.settings.section import SectionModel, SectionSpec


class Encryption(enum.Enum):
    """How a client secures its connection to a protocol's port."""

    SSL_TLS = "ssl_tls"
    STARTTLS = "starttls"
    NONE = "none"


class ProtocolSettings(SectionModel):
    """Whether one protocol is announced, on which port, with what encryption."""

    offered: bool = Field(
        default=True,
        description="Whether autodiscover answers announce this protocol.",
    )
    port: int = Field(
        default=993,
        ge=1,
        le=65535,
        description="The TCP port clients connect to for this protocol.",
    )
    encryption: Encryption = Field(
        default=Encryption.SSL_TLS,
        description="How clients secure the connection to the port.",
    )


def _protocol(port: int, encryption: Encryption) -> ProtocolSettings:
    return ProtocolSettings(offered=True, port=port, encryption=encryption)


_DEFAULTS = {
    "imap": _protocol(993, Encryption.SSL_TLS),
    "pop": _protocol(995, Encryption.SSL_TLS),
    "smtp": _protocol(587, Encryption.STARTTLS),
    "ews": _protocol(443, Encryption.SSL_TLS),
    "eas": _protocol(443, Encryption.SSL_TLS),
    "caldav": _protocol(443, Encryption.SSL_TLS),
    "carddav": _protocol(443, Encryption.SSL_TLS),
}
PROTOCOL_NAMES = tuple(_DEFAULTS)

# Clients refuse the web service and mobile protocols unless encrypted from
# the first byte; CalDAV and CardDAV run over HTTP, which has no STARTTLS.
_SSL_ONLY = frozenset({"ews", "eas"})
_NO_STARTTLS = frozenset({"caldav", "carddav"})


class AutodiscoverSettings(SectionModel):
    """The protocols a domain's autodiscover answers announce, and overrides."""

    imap: ProtocolSettings = Field(
        default=_DEFAULTS["imap"],
        description="IMAP, announced to desktop and autoconfig clients.",
    )
    pop: ProtocolSettings = Field(
        default=_DEFAULTS["pop"],
        description="POP3, announced to desktop and autoconfig clients.",
    )
    smtp: ProtocolSettings = Field(
        default=_DEFAULTS["smtp"],
        description="SMTP submission, announced to desktop and autoconfig clients.",
    )
    ews: ProtocolSettings = Field(
        default=_DEFAULTS["ews"],
        description="EWS web services, announced to desktop clients; needs SSL/TLS.",
    )
    eas: ProtocolSettings = Field(
        default=_DEFAULTS["eas"],
        description="EAS (ActiveSync), announced to mobile clients; needs SSL/TLS.",
    )
    caldav: ProtocolSettings = Field(
        default=_DEFAULTS["caldav"],
        description="CalDAV calendars, announced to autoconfig clients.",
    )
    carddav: ProtocolSettings = Field(
        default=_DEFAULTS["carddav"],
        description="CardDAV address books, announced to autoconfig clients.",
    )
    desktop_override: bool = Field(
        default=False,
        description="Whether desktop clients get the saved custom XML "
        "instead of the generated answer.",
    )
    desktop_xml: str | None = Field(
        default=None,
        description="Custom desktop answer, sent as saved (even blank) while "
        "the override is on; null when never saved.",
    )
    mobile_override: bool = Field(
        default=False,
        description="Whether mobile clients get the saved custom XML "
        "instead of the generated answer.",
    )
    mobile_xml: str | None = Field(
        default=None,
        description="Custom mobile answer, sent as saved (even blank) while "
        "the override is on; null when never saved.",
    )

    @model_validator(mode="before")
    @classmethod
    def clean_protocols(cls, data: Any) -> Any:
        # A partial protocol is completed from that protocol's own defaults,
        # not from ProtocolSettings' (which are IMAP's).
        if not isinstance(data, dict):
            return data
        return {name: _fill_protocol(name, value) for name, value in data.items()}

    @field_validator("ews", "eas", "caldav", "carddav")
    @classmethod
    def validate_encryption(
        cls, value: ProtocolSettings, info: ValidationInfo
    ) -> ProtocolSettings:
        name = info.field_name or ""
        if name in _SSL_ONLY and value.encryption is not Encryption.SSL_TLS:
            raise ValueError(
                f"{name.upper()} autodiscover needs SSL/TLS encryption: "
                "set its encryption to ssl_tls (usually on port 443)."
            )
        if name in _NO_STARTTLS and value.encryption is Encryption.STARTTLS:
            raise ValueError(
                f"{name.upper()} runs over HTTP, which has no STARTTLS: "
                "set its encryption to ssl_tls or none."
            )
        return value


def _fill_protocol(name: str, value: Any) -> Any:
    default = _DEFAULTS.get(name)
    if default is None or not isinstance(value, dict):
        return value
    return {**default.model_dump(), **value}


SECTION = SectionSpec(
    name="autodiscover",
    model=AutodiscoverSettings,
    scope="domain",
    description="Which protocols autodiscover and autoconfig answers announce "
    "for the domain's users, on which ports and with what encryption, and "
    "optional custom XML answers.",
    plugin="autodiscover",
)
