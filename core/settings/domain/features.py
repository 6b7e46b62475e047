"""The features card: what the domain's users and administrators may use."""

from pydantic import Field

from core.settings.section import SectionModel, SectionSpec


class FeaturesSettings(SectionModel):
    directory_integration: bool = Field(
        default=False,
        description="Authenticate and import users from a directory server "
        "(Enterprise).",
    )
    automated_forwarding: bool = Field(
        default=True, description="Users may forward their mail automatically."
    )
    catch_all_alias: bool = Field(
        default=True, description="Domain administrators may create catch-alls."
    )
    chat: bool = Field(default=False, description="XMPP chat (Enterprise).")
    cloud_storage: bool = Field(
        default=True, description="Users may connect cloud storage services."
    )
    disposable_address: bool = Field(
        default=True, description="Users may create disposable addresses."
    )
    domain_chat_history: bool = Field(
        default=False,
        description="Domain administrators may search all chat history.",
    )
    file_storage: bool = Field(
        default=True, description="Users may store and share files."
    )
    global_address_list: bool = Field(
        default=False, description="List the domain's users (Enterprise)."
    )
    login_customization: bool = Field(
        default=False,
        description="Domain administrators may customise the login page.",
    )
    # Limitation: this shows domain administrators app passwords alone
    # (plugins/twostep), never account passwords, which are kept only as
    # argon2id hashes — storing them reversibly encrypted would lift it, at
    # a cost to every account's safety that Mailplane does not pay.
    show_passwords_to_domain_admins: bool = Field(
        default=False,
        description="Domain administrators may see users' app passwords; "
        "account passwords are hashed and never shown.",
    )
    smtp_accounts: bool = Field(
        default=True, description="Users may send through external SMTP accounts."
    )
    team_workspaces: bool = Field(
        default=False, description="Team workspaces (Enterprise)."
    )


SECTION = SectionSpec(
    name="features",
    model=FeaturesSettings,
    scope="domain",
    description="Features available to the domain.",
)
