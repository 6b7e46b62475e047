"""The email card: exclusions by spam level and where inbound mail goes."""

from enum import Enum

from pydantic import Field, model_validator

from core.settings.section import SectionModel, SectionSpec
from core.validation import clean_hostname_or_ip


class SpamLevel(Enum):
    """A spam level above which automated actions are withheld."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class InboundDelivery(Enum):
    """Where the domain's inbound mail is delivered."""

    LOCAL = "local"
    EXTERNAL_MX = "external_mx"
    EXTERNAL_HOST = "external_host"


class EmailSettings(SectionModel):
    autoresponder_exclusions: SpamLevel = Field(
        default=SpamLevel.NONE,
        description="Send no automatic reply to messages at or above this spam level.",
    )
    forwarding_exclusions: SpamLevel = Field(
        default=SpamLevel.NONE,
        description="Forward no message at or above this spam level.",
    )
    inbound_delivery: InboundDelivery = Field(
        default=InboundDelivery.LOCAL,
        description="Whether the domain is hosted here or partly elsewhere.",
    )
    inbound_host: str | None = Field(
        default=None,
        max_length=253,
        description="Host name or IP address that receives the domain's mail "
        "when delivery is to an external host.",
    )
    deliver_locally_if_user_exists: bool = Field(
        default=False,
        description="With external delivery, deliver here when the user exists here.",
    )
    disable_greylisting: bool = Field(
        default=False, description="Skip the greylisting check for the domain."
    )

    @model_validator(mode="after")
    def check_inbound_host(self) -> "EmailSettings":
        if self.inbound_host is not None:
            try:
                cleaned = clean_hostname_or_ip(self.inbound_host)
            except ValueError as exc:
                error = self.field_error("inbound_host", str(exc), self.inbound_host)
                raise error from None
            object.__setattr__(self, "inbound_host", cleaned)
        needs_host = self.inbound_delivery is InboundDelivery.EXTERNAL_HOST
        if needs_host and not self.inbound_host:
            raise self.field_error(
                "inbound_host",
                "is required when inboundDelivery is EXTERNAL_HOST",
                self.inbound_host,
            )
        return self


SECTION = SectionSpec(
    name="email",
    model=EmailSettings,
    scope="domain",
    description="Inbound delivery and automated message exclusions.",
    domain_admin_fields=frozenset(
        {"autoresponder_exclusions", "forwarding_exclusions"}
    ),
)
