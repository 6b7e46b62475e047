"""A plugin whose user section has a rule spanning two fields."""

from pydantic import Field, model_validator

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.settings.section import SectionModel, SectionSpec

PLUGIN_INFO = PluginInfo(
    name="relay", version="1.0", description="Relay with a host, for tests."
)


class RelayUserSettings(SectionModel):
    enabled: bool = Field(default=False, description="Relay the user's mail.")
    host: str | None = Field(default=None, description="Where to relay to.")

    @model_validator(mode="after")
    def check_host(self) -> "RelayUserSettings":
        if self.enabled and not self.host:
            raise ValueError("a relay needs a host")
        return self


SECTION = SectionSpec(
    name="relay",
    model=RelayUserSettings,
    scope="user",
    description="Relaying of the user's mail.",
    plugin="relay",
)


@hookimpl
def register_user_sections() -> list:
    return [SECTION]
