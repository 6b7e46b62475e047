"""The limits card: what a domain may hold and send."""

from pydantic import Field

from core.settings.section import SectionModel, SectionSpec


class LimitsSettings(SectionModel):
    disk_space_mb: int = Field(
        default=500,
        ge=1,
        le=100_000_000,
        description="Disk space allocated to the domain, in MB; file storage "
        "counts against it and mail is refused once it is full.",
    )
    domain_aliases: int = Field(
        default=2,
        ge=0,
        le=1_000_000,
        description="Most domain aliases the domain may have.",
    )
    users: int = Field(
        default=100,
        ge=0,
        le=10_000_000,
        description="Most users (mailboxes) the domain may have; a license's "
        "mailbox cap overrides it.",
    )
    user_aliases: int = Field(
        default=1000,
        ge=0,
        le=10_000_000,
        description="Most user aliases the domain may have.",
    )
    max_message_size_kb: int = Field(
        default=10_000,
        ge=1,
        le=10_000_000,
        description="Largest message a user may send, in KB, encoded "
        "attachments included.",
    )
    recipients_per_message: int = Field(
        default=200,
        ge=1,
        le=1_000_000,
        description="Most recipients one message may have.",
    )


SECTION = SectionSpec(
    name="limits",
    model=LimitsSettings,
    scope="domain",
    description="Limits on what the domain holds and sends.",
)
