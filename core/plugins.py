"""The plugin host: finds plugins, decides which load, and calls their hooks.

Core's own sections come from ``core.builtin`` through the same manager as
every plugin. Built-in plugins live in ``plugins/<name>/``; third-party ones
are found through the entry-point group ``mailplane.plugins``. Each plugin
module exposes ``PLUGIN_INFO``; an Enterprise plugin loads only when the
license grants its feature.
"""

import importlib
import logging
from dataclasses import dataclass
from enum import Enum
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any, Protocol

import pluggy

from core import hookspecs
from core.errors import PluginError

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "mailplane.plugins"

BUILTIN_PLUGINS: tuple[str, ...] = ()


class PluginState(Enum):
    ACTIVE = "active"
    DISABLED = "disabled"
    NEEDS_LICENSE = "needs_license"
    FAILED = "failed"


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin declares about itself in its module's ``PLUGIN_INFO``.

    ``feature`` is the license feature that must be granted for the plugin
    to load; None means it loads in every edition. ``edition`` documents the
    lowest edition that includes it.
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
    def grants(self, feature: str) -> bool: ...


class PluginHost:
    """Typed access to the hooks of the plugins that loaded."""

    def __init__(self, switches: dict[str, bool], license: LicenseLike) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.statuses: dict[str, PluginStatus] = {}
        self._switches = switches
        self._license = license

    def load(self, modules: list[ModuleType] | None = None) -> None:
        """Register core, then built-in, then entry-point plugins, in order."""
        import core.builtin

        self.manager.register(core.builtin, name="core")
        for module in modules if modules is not None else discover_plugins():
            self._consider(module)
        self._check_unknown_switches()

    def _consider(self, module: ModuleType) -> None:
        info = getattr(module, "PLUGIN_INFO", None)
        if not isinstance(info, PluginInfo):
            raise PluginError(
                f"Plugin module {module.__name__} has no PLUGIN_INFO; declare "
                "PLUGIN_INFO = PluginInfo(...) at its top level."
            )
        taken = self.statuses.get(info.name)
        if taken is not None or info.name == "core":
            raise PluginError(
                f"Two plugins are named {info.name!r} ({module.__name__} and an "
                "earlier one); rename one of them."
            )
        state, reason = self._decide(info)
        if state is PluginState.ACTIVE:
            state, reason = self._register(module, info)
        self.statuses[info.name] = PluginStatus(info, state, reason)

    def _decide(self, info: PluginInfo) -> tuple[PluginState, str]:
        if not self._switches.get(info.name, info.enabled_by_default):
            return PluginState.DISABLED, "Disabled by configuration."
        if info.feature and not self._license.grants(info.feature):
            return (
                PluginState.NEEDS_LICENSE,
                f"The license does not grant the {info.feature!r} feature "
                f"({info.edition} edition).",
            )
        return PluginState.ACTIVE, "Loaded."

    def _register(self, module: ModuleType, info: PluginInfo):
        try:
            self.manager.register(module, name=info.name)
        except Exception as exc:
            logger.critical("Plugin %s failed to register: %s", info.name, exc)
            return PluginState.FAILED, f"Failed to register: {exc}"
        logger.info("Loaded plugin %s %s.", info.name, info.version)
        return PluginState.ACTIVE, "Loaded."

    def _check_unknown_switches(self) -> None:
        unknown = set(self._switches) - set(self.statuses)
        if unknown:
            logger.warning(
                "MAILPLANE_PLUGINS names unknown plugins: %s.",
                ", ".join(sorted(unknown)),
            )

    def is_active(self, name: str) -> bool:
        status = self.statuses.get(name)
        return status is not None and status.state is PluginState.ACTIVE

    # Contribution hooks: each result is a list per plugin, flattened here
    # with the plugin's name kept so duplicates can name both contributors.

    def contributions(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        hook = getattr(self.manager.hook, hook_name)
        items = []
        for impl in reversed(hook.get_hookimpls()):
            result = impl.function(**{k: kwargs[k] for k in impl.argnames})
            items.extend((impl.plugin_name, item) for item in result or [])
        return items

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call a life-cycle hook; exceptions propagate and abort the change."""
        getattr(self.manager.hook, hook_name)(**kwargs)


def discover_plugins() -> list[ModuleType]:
    """Built-in plugin modules, then those of installed distributions."""
    modules = [importlib.import_module(name) for name in BUILTIN_PLUGINS]
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            modules.append(entry.load())
        except Exception as exc:
            logger.critical("Plugin entry point %s failed to import: %s", entry, exc)
    return modules
