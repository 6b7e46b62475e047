"""Whether a user may send through external SMTP accounts.

The user may only while the domain's ``features.smtpAccounts`` is on too;
turning this on where the domain's is off is refused
(``core.services.feature_gates``).
"""

from pydantic import Field

from core.settings.section import SectionModel, SectionSpec


class SmtpAccountsSettings(SectionModel):
    enabled: bool = Field(
        default=True,
        description="May send through external SMTP accounts, while the "
        "domain's features.smtpAccounts is on.",
    )


SECTION = SectionSpec(
    name="smtpAccounts",
    model=SmtpAccountsSettings,
    scope="user",
    description="Sending through external SMTP accounts.",
    domain_admin_fields=frozenset({"enabled"}),
)
