"""A plugin whose domain and user sections nest a model, for propagation tests.

``fakeRelay`` holds two relay endpoints (``primary``, ``backup``), each with a
host that may carry ``%domain%`` and a note that may be null, so nested paths
can be tried with variables and nulls in both scopes.
"""

from pydantic import Field

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.settings.section import SectionModel, SectionSpec

PLUGIN_INFO = PluginInfo(
    name="fake_relay", version="1.0", description="Relay endpoints, for tests."
)

# The changes of every validate_user_propagation and after_user_propagation call.
VALIDATE_CHANGES: list[dict] = []
AFTER_CHANGES: list[dict] = []


class Endpoint(SectionModel):
    host: str = Field(default="relay.example.net", description="Host name.")
    port: int = Field(default=25, ge=1, le=65535, description="TCP port.")
    note: str | None = Field(default=None, description="A note, or null.")


class RelaySettings(SectionModel):
    enabled: bool = Field(default=False, description="Relay through endpoints.")
    primary: Endpoint = Field(default_factory=Endpoint, description="First.")
    backup: Endpoint = Field(
        default_factory=lambda: Endpoint(host="backup.example.net", port=2525),
        description="When the first fails.",
    )


SECTIONS = [
    SectionSpec(
        name="fakeRelay",
        model=RelaySettings,
        scope=scope,
        description="Relay endpoints.",
        plugin="fake_relay",
    )
    for scope in ("domain", "user")
]


@hookimpl
def register_domain_sections() -> list:
    return [SECTIONS[0]]


@hookimpl
def register_user_sections() -> list:
    return [SECTIONS[1]]


@hookimpl
def validate_user_propagation(changes) -> None:
    VALIDATE_CHANGES.append(changes)


@hookimpl
def after_user_propagation(changes) -> None:
    AFTER_CHANGES.append(changes)
