"""The eas sections: a domain's EAS accounts and what it may do, and a
user's access."""

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


class EasUserSettings(SectionModel):
    enabled: bool = Field(
        default=False,
        description="May synchronise mail, contacts and calendars over EAS; "
        "takes one of the domain's EAS accounts.",
    )


USER_SECTION = SectionSpec(
    name="eas",
    model=EasUserSettings,
    scope="user",
    description="The user's EAS access (Enterprise).",
    # Domain administrators may choose it only while the domain's user
    # management is on; core.services.feature_accounts checks that.
    domain_admin_fields=frozenset({"enabled"}),
    plugin="eas",
)
