"""The mailingLists section: whether a domain has lists, their limits and
the priority of their posts.

Lists are on by default: the reference leaves their number and message size
unlimited by default, which only makes sense for a feature a domain has. A
limit of 0 means unlimited (the reference's default for both). Posts go out
at low priority unless the domain says otherwise, as the reference's
priority card has it for mailing lists.
"""

from pydantic import Field, field_validator

from core.addresses import clean_local_part
from core.errors import InvalidInput
from core.settings.domain.throttling import Priority
from core.settings.section import SectionModel, SectionSpec

UNLIMITED = 0


class MailingListsSettings(SectionModel):
    enabled: bool = Field(
        default=True,
        description="Domain administrators may create and use mailing lists, "
        "and the domain's lists take commands and posts.",
    )
    command_address: str = Field(
        default="listserv",
        max_length=64,
        description="Local part of the address that takes list commands "
        "(SUBSCRIBE, UNSUBSCRIBE, HELP) for the domain.",
    )
    max_lists: int = Field(
        default=UNLIMITED,
        ge=0,
        le=1_000_000,
        description="Most mailing lists the domain may have; 0 is unlimited.",
    )
    max_message_size_kb: int = Field(
        default=UNLIMITED,
        ge=0,
        le=10_000_000,
        description="Largest message that may be posted to a list, in KB; "
        "0 is unlimited.",
    )
    priority: Priority = Field(
        default=Priority.LOW,
        description="Priority that posts to the domain's lists carry to "
        "their subscribers (Priority, X-Priority and Importance headers).",
    )

    # Limitation: a command address set here is not checked against the
    # domain's users, aliases and lists (lists are checked against it) —
    # check it from a hook on settings changes, once core has one.
    @field_validator("command_address")
    @classmethod
    def check_command_address(cls, value: str) -> str:
        try:
            return clean_local_part(value, field="commandAddress")
        except InvalidInput:
            raise ValueError("must be the local part of an address") from None


SECTION = SectionSpec(
    name="mailingLists",
    model=MailingListsSettings,
    scope="domain",
    description="Mailing lists: addresses that people subscribe to and leave.",
    plugin="mailing_lists",
)


def read_settings(runtime, domain) -> MailingListsSettings:
    """The domain's mailingLists section, defaults filling the gaps."""
    return runtime.registry.read("domain", domain.settings, SECTION.name)
