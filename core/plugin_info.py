"""What a plugin declares about itself, and whether it loads under a license."""

from dataclasses import dataclass
from enum import Enum
from types import ModuleType
from typing import Any, Protocol

EDITIONS = ("free", "pro", "enterprise")


class PluginState(Enum):
    ACTIVE = "active"
    DISABLED = "disabled"
    NEEDS_LICENSE = "needs_license"
    FAILED = "failed"


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin declares about itself in its module's ``PLUGIN_INFO``.

    ``edition`` is the lowest edition (free, pro, enterprise) the plugin
    loads in; ``feature`` is the license feature that must also be granted,
    None for none. ``enabled_by_default`` applies when ``MAILPLANE_PLUGINS``
    does not name the plugin.
    """

    name: str
    version: str
    description: str
    edition: str = "free"
    feature: str | None = None
    enabled_by_default: bool = True


@dataclass(frozen=True)
class PluginStatus:
    info: PluginInfo
    state: PluginState
    reason: str


class LicenseLike(Protocol):
    edition: Any

    def grants(self, feature: str) -> bool: ...

    def edition_at_least(self, required: str) -> bool: ...


def decide_state(
    info: PluginInfo, switches: dict[str, bool], license: LicenseLike
) -> tuple[PluginState, str]:
    """Whether a plugin loads under these switches and this license, and why."""
    if not switches.get(info.name, info.enabled_by_default):
        return PluginState.DISABLED, "Disabled by configuration (MAILPLANE_PLUGINS)."
    if not license.edition_at_least(info.edition):
        edition = getattr(license.edition, "value", license.edition)
        return (
            PluginState.NEEDS_LICENSE,
            f"Needs the {info.edition} edition; the license is for the "
            f"{edition} edition.",
        )
    if info.feature and not license.grants(info.feature):
        return (
            PluginState.NEEDS_LICENSE,
            f"The license does not grant the {info.feature!r} feature.",
        )
    return PluginState.ACTIVE, "Loaded."


def check_info(module: ModuleType, info: object) -> str | None:
    """Why a module's ``PLUGIN_INFO`` is unusable, or None when it is fine."""
    if not isinstance(info, PluginInfo):
        return (
            f"{module.__name__} has no PLUGIN_INFO; declare "
            "PLUGIN_INFO = PluginInfo(...) at its top level."
        )
    if info.edition not in EDITIONS:
        return f"PLUGIN_INFO.edition must be one of {', '.join(EDITIONS)}."
    if not info.name.isidentifier():
        return "PLUGIN_INFO.name must be a Python identifier such as my_plugin."
    return None
