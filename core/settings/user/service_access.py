"""Which protocols a user may connect with; plugins add their own sections."""

from pydantic import Field

from core.settings.section import SectionModel, SectionSpec


class ServiceAccessSettings(SectionModel):
    pop: bool = Field(default=True, description="May read mail over POP.")
    imap: bool = Field(default=True, description="May read mail over IMAP.")
    smtp: bool = Field(default=True, description="May send mail over SMTP.")
    webmail: bool = Field(default=True, description="May log in to webmail.")


SECTION = SectionSpec(
    name="serviceAccess",
    model=ServiceAccessSettings,
    scope="user",
    description="Protocols the user may connect with.",
    domain_admin_fields=frozenset({"pop", "imap", "smtp", "webmail"}),
)
