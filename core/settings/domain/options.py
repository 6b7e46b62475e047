"""The options card: how the domain's outgoing mail leaves the server."""

from pydantic import Field

from core.settings.section import SectionModel, SectionSpec


class OptionsSettings(SectionModel):
    outgoing_gateway: str | None = Field(
        default=None,
        max_length=253,
        description="Gateway that relays the domain's outgoing mail, chosen from "
        "the server's gateways; null sends directly.",
    )


SECTION = SectionSpec(
    name="options",
    model=OptionsSettings,
    scope="domain",
    description="General options of the domain.",
)
