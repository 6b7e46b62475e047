"""What a running server holds: configuration, database, plugins, registry."""

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from core.config import Config
from core.db import make_engine
from core.plugins import PluginHost
from core.settings.registry import SettingsRegistry

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Built once at start-up and shared by the API, workers and commands.

    ``license_status`` is a ``core.services.license.LicenseStatus``; it
    changes in place when a system administrator installs a license.
    """

    config: Config
    engine: Engine
    plugins: PluginHost
    registry: SettingsRegistry
    license_status: Any
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def license(self):
        """The ``core.licensing.License`` that applies now: the one in force
        until it expires, then the free edition."""
        return self.license_status.in_effect()


def build_runtime(config: Config, *, plugin_modules=None) -> Runtime:
    """Load the license, then the plugins it allows, then every section.

    ``plugin_modules`` replaces discovery (built-in list and entry points);
    tests pass ``[]`` for core alone.
    """
    from core.services.license import load_license_status

    engine = make_engine(config.effective_database_url)
    status = load_license_status(config, engine)

    host = PluginHost(config.plugins, status.license, expired_at=status.expired_at)
    host.load(plugin_modules)

    registry = SettingsRegistry()
    for _plugin, spec in host.domain_sections():
        registry.register(spec)
    for _plugin, spec in host.user_sections():
        registry.register(spec)
    return Runtime(config, engine, host, registry, status)
