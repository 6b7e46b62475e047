"""The domain's own login page: a logo, branding text and a title.

Domain administrators change it only while the domain's
``features.loginCustomization`` is on (see ``core.services.feature_gates``);
the anonymous ``loginDisplay`` query shows it only then, and only once
``enabled`` is set.
"""

from pydantic import Field, field_validator

from core.settings.section import SectionModel, SectionSpec
from core.validation import clean_url


class LoginDisplaySettings(SectionModel):
    enabled: bool = Field(
        default=False, description="Show this customisation on the login page."
    )
    logo_url: str | None = Field(
        default=None,
        max_length=2048,
        description="Absolute http(s) URL of the logo shown on the login page.",
    )
    branding_text: str | None = Field(
        default=None, max_length=500, description="Text shown beside the login form."
    )
    login_title: str | None = Field(
        default=None,
        max_length=100,
        description="Title of the login form, in place of the default one.",
    )

    @field_validator("logo_url")
    @classmethod
    def check_logo_url(cls, value: str | None) -> str | None:
        return None if value is None else clean_url(value)

    @field_validator("branding_text", "login_title")
    @classmethod
    def check_printable(cls, value: str | None) -> str | None:
        # Shown to anyone who opens the login page: no control characters
        # but line breaks, which branding text may use.
        if value is not None and any(ord(c) < 32 and c != "\n" for c in value):
            raise ValueError("must not hold control characters")
        return value


SECTION = SectionSpec(
    name="loginDisplay",
    model=LoginDisplaySettings,
    scope="domain",
    description="How the domain's login page looks.",
    domain_admin_fields=frozenset(
        {"enabled", "logo_url", "branding_text", "login_title"}
    ),
)
