"""The eas section: how many EAS accounts a domain has, and what it may do."""

from pydantic import Field

from core.services.feature_accounts import CountedFeature
from core.settings.section import SectionModel, SectionSpec

FEATURE = CountedFeature(name="eas", section="eas", label="EAS")


class EasSettings(SectionModel):
    accounts: int = Field(
        default=0,
        ge=0,
        le=10_000_000,
        description="Most users of the domain that may synchronise over EAS.",
    )
    remote_wipe: bool = Field(
        default=False,
        description="Users and administrators may ask a lost device to erase "
        "itself at its next synchronisation.",
    )
    user_management: bool = Field(
        default=False,
        description="Domain administrators may give the domain's EAS accounts "
        "to its users.",
    )


SECTION = SectionSpec(
    name="eas",
    model=EasSettings,
    scope="domain",
    description="EAS: synchronisation of mail, contacts and calendars with "
    "mobile devices (Enterprise).",
    plugin="eas",
)
