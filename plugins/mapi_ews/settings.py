"""The mapiEws sections: a domain's MAPI/EWS accounts, and a user's access."""

from core.services.feature_accounts import CountedFeature
from core.settings.counted_feature import (
    access_section,
    accounts_field,
    accounts_section,
    user_management_field,
)
from core.settings.section import SectionModel

FEATURE = CountedFeature(name="mapi_ews", section="mapiEws", label="MAPI/EWS")


class MapiEwsSettings(SectionModel):
    accounts: int = accounts_field(
        "Most users of the domain that may connect over MAPI or EWS."
    )
    user_management: bool = user_management_field(FEATURE)


SECTION = accounts_section(
    FEATURE,
    MapiEwsSettings,
    description="MAPI/EWS: desktop clients with groupware features (Enterprise).",
    plugin="mapi_ews",
)

USER_SECTION = access_section(
    FEATURE,
    model_name="MapiEwsUserSettings",
    description="The user's MAPI/EWS access (Enterprise).",
    enabled="May connect desktop clients over MAPI or EWS; takes one of the "
    "domain's MAPI/EWS accounts.",
    plugin="mapi_ews",
)
