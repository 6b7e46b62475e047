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
    """Built once at start-up and shared by the API, workers and commands."""

    config: Config
    engine: Engine
    plugins: PluginHost
    registry: SettingsRegistry
    license: Any
    extras: dict[str, Any] = field(default_factory=dict)


def build_runtime(config: Config, *, plugin_modules=None) -> Runtime:
    """Load the license and plugins, then collect every settings section."""
    from core.services.license import load_configured_license

    license = load_configured_license(config)
    host = PluginHost(config.plugins, license)
    host.load(plugin_modules)

    registry = SettingsRegistry()
    for _plugin, spec in host.contributions("register_domain_sections"):
        registry.register(spec)
    for _plugin, spec in host.contributions("register_user_sections"):
        registry.register(spec)

    engine = make_engine(config.effective_database_url)
    return Runtime(config, engine, host, registry, license)
