"""The mapiEws sections: a domain's MAPI/EWS accounts, and a user's access."""

from pydantic import Field

from core.services.feature_accounts import CountedFeature
from core.settings.section import SectionModel, SectionSpec

FEATURE = CountedFeature(name="mapi_ews", section="mapiEws", label="MAPI/EWS")


class MapiEwsSettings(SectionModel):
    accounts: int = Field(
        default=0,
        ge=0,
        le=10_000_000,
        description="Most users of the domain that may connect over MAPI or EWS.",
    )
    user_management: bool = Field(
        default=False,
        description="Domain administrators may give the domain's MAPI/EWS "
        "accounts to its users.",
    )


SECTION = SectionSpec(
    name="mapiEws",
    model=MapiEwsSettings,
    scope="domain",
    description="MAPI/EWS: desktop clients with groupware features (Enterprise).",
    plugin="mapi_ews",
)


class MapiEwsUserSettings(SectionModel):
    enabled: bool = Field(
        default=False,
        description="May connect desktop clients over MAPI or EWS; takes one "
        "of the domain's MAPI/EWS accounts.",
    )


USER_SECTION = SectionSpec(
    name="mapiEws",
    model=MapiEwsUserSettings,
    scope="user",
    description="The user's MAPI/EWS access (Enterprise).",
    # Domain administrators may choose it only while the domain's user
    # management is on; core.services.feature_accounts checks that.
    domain_admin_fields=frozenset({"enabled"}),
    plugin="mapi_ews",
)
