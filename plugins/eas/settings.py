"""The eas sections: a domain's EAS accounts and what it may do, and a
user's access."""

from pydantic import Field

from core.services.feature_accounts import CountedFeature
from core.settings.counted_feature import (
    access_section,
    accounts_field,
    accounts_section,
    user_management_field,
)
from core.settings.section import SectionModel

FEATURE = CountedFeature(name="eas", section="eas", label="EAS")


class EasSettings(SectionModel):
    accounts: int = accounts_field(
        "Most users of the domain that may synchronise over EAS."
    )
    remote_wipe: bool = Field(
        default=False,
        description="Users and administrators may ask a lost device to erase "
        "itself at its next synchronisation.",
    )
    user_management: bool = user_management_field(FEATURE)


SECTION = accounts_section(
    FEATURE,
    EasSettings,
    description="EAS: synchronisation of mail, contacts and calendars with "
    "mobile devices (Enterprise).",
    plugin="eas",
)

USER_SECTION = access_section(
    FEATURE,
    model_name="EasUserSettings",
    description="The user's EAS access (Enterprise).",
    enabled="May synchronise mail, contacts and calendars over EAS; takes one "
    "of the domain's EAS accounts.",
    plugin="eas",
)
