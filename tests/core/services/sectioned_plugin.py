"""A plugin whose propagation hooks judge one of its two user sections."""

from pydantic import Field

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.settings.section import SectionModel, SectionSpec

PLUGIN_INFO = PluginInfo(
    name="tally", version="1.0", description="Counted access, for tests."
)

# What the propagation hooks were called with, in order.
CALLS: list[str] = []


class TallyUserSettings(SectionModel):
    enabled: bool = Field(default=False, description="Counted.")


USER_SECTION = SectionSpec(
    name="tally",
    model=TallyUserSettings,
    scope="user",
    description="Counted access of the user.",
    plugin="tally",
)


class NoteUserSettings(SectionModel):
    text: str = Field(default="", max_length=64, description="A note.")


# No propagation hook judges this one.
NOTE_SECTION = SectionSpec(
    name="note",
    model=NoteUserSettings,
    scope="user",
    description="A note on the user.",
    plugin="tally",
)


@hookimpl
def register_user_sections() -> list:
    return [USER_SECTION, NOTE_SECTION]


@hookimpl
def register_propagation_sections() -> list:
    return ["tally"]


@hookimpl
def validate_user_propagation(domain) -> None:
    CALLS.append(f"validate {domain.name}")


@hookimpl
def after_user_propagation(domain_ids) -> None:
    CALLS.append(f"after {len(domain_ids)}")
