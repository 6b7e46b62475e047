"""A tiny plugin with a domain and a user section, loaded by template tests.

Its user section grants a counted feature: the domain section says how many
accounts a domain has, and the plugin refuses a propagation that would give
more users access than that.
"""

from pydantic import Field

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.settings.section import SectionModel, SectionSpec

PLUGIN_INFO = PluginInfo(
    name="fake_sync", version="1.0", description="Sync accounts, for tests."
)

# (domain ids, changes) of every after_user_propagation call.
AFTER_CALLS: list[tuple[list[int], dict]] = []


class FakeSyncDomainSettings(SectionModel):
    accounts: int = Field(default=1, ge=0, description="Users who may sync.")
    server: str = Field(
        default="sync.example.net", max_length=253, description="Sync server."
    )


class FakeSyncUserSettings(SectionModel):
    enabled: bool = Field(default=False, description="May sync.")
    label: str = Field(default="", max_length=64, description="Shown to devices.")


DOMAIN_SECTION = SectionSpec(
    name="fakeSync",
    model=FakeSyncDomainSettings,
    scope="domain",
    description="Sync accounts of the domain.",
    plugin="fake_sync",
)
USER_SECTION = SectionSpec(
    name="fakeSync",
    model=FakeSyncUserSettings,
    scope="user",
    description="Sync access of the user.",
    plugin="fake_sync",
)


@hookimpl
def register_domain_sections() -> list:
    return [DOMAIN_SECTION]


@hookimpl
def register_user_sections() -> list:
    return [USER_SECTION]


@hookimpl
def validate_user_propagation(runtime, domain, changes) -> str | None:
    if not changes.get("fakeSync", {}).get("enabled"):
        return None
    accounts = runtime.registry.read("domain", domain.settings, "fakeSync").accounts
    if domain.user_count <= accounts:
        return None
    return f"{domain.name} has {accounts} sync accounts for {domain.user_count} users."


@hookimpl
def after_user_propagation(domain_ids, changes) -> None:
    AFTER_CALLS.append((sorted(domain_ids), changes))
