"""The miscellaneous card."""

from pydantic import Field, ValidationInfo, field_validator

from core.settings.section import SectionModel, SectionSpec
from core.validation import clean_url


class MiscSettings(SectionModel):
    logout_url_enabled: bool = Field(
        default=False, description="Send users to the logout URL on logout."
    )
    # Checked even when left at its default, so that switching the logout
    # URL on without one is refused.
    logout_url: str | None = Field(
        default=None,
        max_length=2048,
        validate_default=True,
        description="Where users land on logout: an absolute http(s) URL.",
    )
    calendar_auto_clean_months: int = Field(
        default=0,
        ge=0,
        le=120,
        description="Remove calendar items older than this many months; 0 keeps them.",
    )
    domain_admins_create_domain_aliases: bool = Field(
        default=False,
        description="Let domain administrators create domain aliases.",
    )
    users_opt_out_of_directory: bool = Field(
        default=False,
        description="Let users leave the global address list.",
    )
    exclude_ip_from_received: bool = Field(
        default=False,
        description="Leave the client's IP address out of Received headers.",
    )
    autoresponder_once_per_day: bool = Field(
        default=True,
        description="Send an automatic reply to one sender at most once a day.",
    )
    primary_admin_as_postmaster: bool = Field(
        default=True,
        description="Use the primary domain administrator as postmaster when "
        "the domain has no postmaster account.",
    )

    @field_validator("logout_url")
    @classmethod
    def check_logout_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        # logout_url_enabled is declared first, so info.data holds it.
        if value is None or not value.strip():
            if info.data.get("logout_url_enabled"):
                raise ValueError("is required while logoutUrlEnabled is on")
            return None
        return clean_url(value)


SECTION = SectionSpec(
    name="misc",
    model=MiscSettings,
    scope="domain",
    description="Miscellaneous behaviour of the domain.",
    # A domain administrator's change to the logout URL also needs the
    # server's domainAdminsMayOverrideLogoutUrl (core.services.settings_access).
    domain_admin_fields=frozenset(
        {"calendar_auto_clean_months", "logout_url", "logout_url_enabled"}
    ),
)
