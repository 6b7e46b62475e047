"""The options card: how the domain's outgoing mail leaves the server."""

from pydantic import Field, field_validator

from core.settings.section import SectionModel, SectionSpec
from core.validation import clean_hostname_or_ip


class OptionsSettings(SectionModel):
    outgoing_gateway: str | None = Field(
        default=None,
        max_length=253,
        description="Gateway that relays the domain's outgoing mail, chosen from "
        "the server's gateways; null sends directly.",
    )

    @field_validator("outgoing_gateway")
    @classmethod
    def check_gateway(cls, value: str | None) -> str | None:
        # Stored as the server settings store their list, so they compare.
        return None if value is None else clean_hostname_or_ip(value)


SECTION = SectionSpec(
    name="options",
    model=OptionsSettings,
    scope="domain",
    description="General options of the domain.",
)
