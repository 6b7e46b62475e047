"""The plugin host: finds plugins, decides which load, and calls their hooks.

Core's own contributions come from ``core.builtin`` through the same manager
as every plugin. Built-in plugins live in ``plugins/<name>/`` and are listed
in ``BUILTIN_PLUGINS``; third-party ones are found through the entry-point
group ``mailplane.plugins``. Each plugin module exposes ``PLUGIN_INFO``; one
that needs an edition or a feature loads only when the license grants both,
and lapses when that license expires while the server runs (see
``core.plugin_expiry``). Core calls hooks through the typed methods of
``PluginHost``.
"""

import importlib
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any

import pluggy

from core import hookspecs
from core.errors import PluginError
from core.plugin_expiry import guard_route, lapsed_status, needs_license
from core.plugin_info import (
    LicenseLike,
    PluginInfo,
    PluginState,
    PluginStatus,
    check_info,
    decide_state,
)

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PluginHost",
    "PluginInfo",
    "PluginState",
    "PluginStatus",
    "decide_state",
]

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "mailplane.plugins"

BUILTIN_PLUGINS: tuple[str, ...] = (
    "plugins.eas",
    "plugins.mapi_ews",
    "plugins.mailing_lists",
    "plugins.autodiscover",
    "plugins.twostep",
    "plugins.directory",
)


class PluginHost:
    """The plugins that are known, the ones that loaded, and typed hook calls."""

    def __init__(
        self,
        switches: dict[str, bool],
        license: LicenseLike,
        *,
        expired_at: Callable[[], datetime | None] = lambda: None,
    ) -> None:
        """``expired_at`` tells when the license in force expired, None while
        it holds; it is asked on every request that may reach a plugin."""
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.statuses: dict[str, PluginStatus] = {}
        self._modules: dict[str, str] = {}
        self._switches = switches
        self._license = license
        self._expired_at = expired_at
        # Loaded plugins that only a license loads: they lapse with it.
        self._licensed: frozenset[str] = frozenset()
        # Plugin name -> the user sections its propagation hooks judge, for
        # plugins that implement register_propagation_sections.
        self._judged: dict[str, frozenset[str]] = {}

    def load(self, modules: list[ModuleType] | None = None) -> None:
        """Register core, then the given modules (default: discover them)."""
        import core.builtin

        self.manager.register(core.builtin, name="core")
        for module in self._discover() if modules is None else modules:
            self._consider(module)
        self._check_unknown_switches()
        self._licensed = frozenset(
            name
            for name, status in self.statuses.items()
            if status.state is PluginState.ACTIVE and needs_license(status.info)
        )
        self._judged = self._read_judged_sections()

    def _discover(self) -> list[ModuleType]:
        """Built-in plugin modules, then those of installed distributions."""
        modules = [importlib.import_module(name) for name in BUILTIN_PLUGINS]
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                module = entry.load()
            except Exception as exc:
                logger.critical("Plugin entry point %s failed to import.", entry.value)
                self._record_broken_entry(entry, exc)
                continue
            if module not in modules:
                modules.append(module)
        return modules

    def _record_broken_entry(self, entry: EntryPoint, exc: Exception) -> None:
        version = entry.dist.version if entry.dist else "unknown"
        info = PluginInfo(entry.name, version, f"Entry point {entry.value}.")
        reason = f"Failed to import: {type(exc).__name__}: {exc}"
        self.statuses[entry.name] = PluginStatus(info, PluginState.FAILED, reason)

    def _consider(self, module: ModuleType) -> None:
        info = getattr(module, "PLUGIN_INFO", None)
        problem = check_info(module, info)
        if problem:
            logger.critical(
                "Plugin module %s is unusable: %s", module.__name__, problem
            )
            self._record_unusable(module, info, problem)
            return

        self._check_name_free(info.name, module)
        state, reason = decide_state(info, self._switches, self._license)
        if state is PluginState.ACTIVE:
            state, reason = self._register(module, info)
        self.statuses[info.name] = PluginStatus(info, state, reason)
        self._modules[info.name] = module.__name__

    def _record_unusable(self, module: ModuleType, info, problem: str) -> None:
        # Keep what the plugin says of itself, minus the fields at fault.
        if isinstance(info, PluginInfo) and info.name.isidentifier():
            info = PluginInfo(info.name, info.version, info.description)
        else:
            info = PluginInfo(module.__name__, "unknown", "No usable PLUGIN_INFO.")
        self.statuses[info.name] = PluginStatus(info, PluginState.FAILED, problem)

    def _check_name_free(self, name: str, module: ModuleType) -> None:
        if name == "core" or name in self.statuses:
            earlier = self._modules.get(name, name)
            raise PluginError(
                f"Two plugins are named {name!r} ({earlier} and "
                f"{module.__name__}); rename one or uninstall it."
            )

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

    def changes_under(self, license: LicenseLike) -> list[str]:
        """Plugins whose state a restart under ``license`` would change."""
        return [
            name
            for name, status in self.statuses.items()
            if status.state is not PluginState.FAILED
            and decide_state(status.info, self._switches, license)[0]
            is not status.state
        ]

    def is_active(self, name: str) -> bool:
        """Whether the plugin loaded and the license that loaded it holds."""
        status = self.statuses.get(name)
        active = status is not None and status.state is PluginState.ACTIVE
        return active and name not in self.lapsed()

    def lapsed(self) -> frozenset[str]:
        """Loaded plugins whose license has expired since; empty while it holds.

        Costs a clock read when some loaded plugin needs a license, and
        nothing otherwise, so it may be asked on every request.
        """
        if self._licensed and self._expired_at() is not None:
            return self._licensed
        return frozenset()

    def current_statuses(self) -> list[PluginStatus]:
        """``statuses`` as they stand now: lapsed plugins say why."""
        expired_at = self._expired_at() if self._licensed else None
        if expired_at is None:
            return list(self.statuses.values())
        return [
            lapsed_status(status, expired_at) if name in self._licensed else status
            for name, status in self.statuses.items()
        ]

    # Contribution hooks. Results keep the contributing plugin's name so a
    # duplicate can name both; they come in registration order (core first).

    def domain_sections(self) -> list[tuple[str, Any]]:
        return self.contributions("register_domain_sections")

    def user_sections(self) -> list[tuple[str, Any]]:
        return self.contributions("register_user_sections")

    def schema_contributions(self, types: Any) -> list[tuple[str, Any]]:
        return self.contributions("register_schema", types=types)

    def export_columns(self, kind: str) -> list[tuple[str, Any]]:
        return self.contributions("register_export_columns", kind=kind)

    def routes(self) -> list:
        """Every plugin's routes; a path claimed twice stops start-up.

        Routes of a plugin that needs a license answer 403 once it lapses.
        """
        owners: dict[str, str] = {"/graphql": "core"}
        routes = []
        for plugin, route in self.contributions("register_routes"):
            path = getattr(route, "path", None)
            if path in owners:
                raise PluginError(
                    f"The route {path} of plugin {plugin!r} is already served "
                    f"by {owners[path]!r}; change one of the paths."
                )
            owners[path] = plugin
            if plugin in self._licensed:
                guard_route(route, plugin, self.lapsed)
            routes.append(route)
        return routes

    def operation_rules(self) -> dict[str, frozenset[str]]:
        """Who may call each plugin operation; one named twice stops start-up."""
        rules: dict[str, frozenset[str]] = {}
        owners: dict[str, str] = {}
        for plugin, result in self._call_each("register_operation_rules"):
            for operation, roles in (result or {}).items():
                if operation in owners:
                    raise PluginError(
                        f"Plugins {owners[operation]!r} and {plugin!r} both "
                        f"declare rules for {operation!r}; rename one operation."
                    )
                owners[operation] = plugin
                rules[operation] = frozenset(roles)
        return rules

    def propagation_judges(self, sections: Iterable[str]) -> list[str]:
        """Plugins to ask about a user propagation that changes ``sections``.

        A plugin with ``validate_user_propagation`` or ``after_user_propagation``
        is one unless its ``register_propagation_sections`` named none of them.
        """
        hook = self.manager.hook
        impls = [
            *hook.validate_user_propagation.get_hookimpls(),
            *hook.after_user_propagation.get_hookimpls(),
        ]
        changed = set(sections)
        plugins = dict.fromkeys(impl.plugin_name for impl in impls)
        return [
            plugin
            for plugin in plugins
            if plugin not in self._judged or self._judged[plugin] & changed
        ]

    def _read_judged_sections(self) -> dict[str, frozenset[str]]:
        """Each plugin's ``register_propagation_sections``, read once at start-up.

        A name that is no user section of the plugin's own or core's stops
        start-up: a misspelt one would silently keep the plugin from judging
        any propagation. (Another plugin's sections may be missing, that
        plugin unlicensed or switched off, so they can't be named.)
        """
        sections = self.user_sections()
        judged = {}
        for plugin, names in self._call_each("register_propagation_sections"):
            known = {spec.name for owner, spec in sections if owner in (plugin, "core")}
            if not isinstance(names, list | tuple):
                raise PluginError(
                    f"Plugin {plugin!r}: register_propagation_sections must "
                    f"return a list of user section names, not {names!r}."
                )
            unknown = [n for n in names if not isinstance(n, str) or n not in known]
            if unknown:
                raise PluginError(
                    f"Plugin {plugin!r} judges propagations of {unknown!r}, which "
                    "are none of its or core's user sections; return their names."
                )
            judged[plugin] = frozenset(names)
        return judged

    def register_actors(self, broker: Any) -> None:
        self._call_each("register_actors", broker=broker)

    def contributions(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Flatten the lists a ``register_*`` hook returns, with their plugins."""
        return [
            (plugin, item)
            for plugin, result in self._call_each(hook_name, **kwargs)
            for item in result or []
        ]

    def _call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        hook = getattr(self.manager.hook, hook_name)
        results = []
        # get_hookimpls() lists implementations in registration order.
        for impl in hook.get_hookimpls():
            try:
                result = impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception as exc:
                if impl.plugin_name == "core":
                    raise
                self._isolate(impl.plugin_name, hook_name, exc)
                continue
            results.append((impl.plugin_name, result))
        return results

    def _isolate(self, plugin: str, hook_name: str, exc: Exception) -> None:
        """Unload a plugin whose contribution hook raised; start without it."""
        logger.critical(
            "Plugin %s failed in %s and was unloaded.", plugin, hook_name, exc_info=exc
        )
        self.manager.unregister(name=plugin)
        self._licensed -= {plugin}
        status = self.statuses[plugin]
        reason = f"{hook_name} raised {type(exc).__name__}: {exc}"
        self.statuses[plugin] = PluginStatus(status.info, PluginState.FAILED, reason)

    # Life-cycle hooks: exceptions propagate and abort the change.

    def after_domain_create(self, *, session, runtime, domain) -> None:
        self.manager.hook.after_domain_create(
            session=session, runtime=runtime, domain=domain
        )

    def after_domain_rename(self, *, session, runtime, domain, old_name) -> None:
        self.manager.hook.after_domain_rename(
            session=session, runtime=runtime, domain=domain, old_name=old_name
        )

    def before_domain_delete(self, *, session, runtime, domain) -> None:
        self.manager.hook.before_domain_delete(
            session=session, runtime=runtime, domain=domain
        )

    def after_domain_delete(self, *, runtime, domain_id, name) -> None:
        self.manager.hook.after_domain_delete(
            runtime=runtime, domain_id=domain_id, name=name
        )

    def after_user_create(self, *, session, runtime, user) -> None:
        self.manager.hook.after_user_create(session=session, runtime=runtime, user=user)

    def after_user_settings(
        self, *, session, runtime, principal, user, domain, created, requested
    ) -> None:
        self.manager.hook.after_user_settings(
            session=session,
            runtime=runtime,
            principal=principal,
            user=user,
            domain=domain,
            created=created,
            requested=requested,
        )

    def after_user_rename(self, *, session, runtime, user, old_local_part) -> None:
        self.manager.hook.after_user_rename(
            session=session, runtime=runtime, user=user, old_local_part=old_local_part
        )

    def before_user_delete(self, *, session, runtime, user) -> None:
        self.manager.hook.before_user_delete(
            session=session, runtime=runtime, user=user
        )

    def after_user_delete(self, *, runtime, user_id, email) -> None:
        self.manager.hook.after_user_delete(
            runtime=runtime, user_id=user_id, email=email
        )

    # Login hooks: the first plugin to answer wins; exceptions abort the login.

    def judges_passwords(self) -> bool:
        """Whether some loaded plugin implements ``check_password``."""
        return bool(self.manager.hook.check_password.get_hookimpls())

    def check_password(self, *, session, runtime, user, password) -> bool | None:
        """A plugin's verdict on a user's password; None leaves it to core.

        Raises the plugin's ``MailplaneError`` when it can't give one (its
        directory is unreachable, say).
        """
        return self.manager.hook.check_password(
            session=session, runtime=runtime, user=user, password=password
        )

    def login_challenge(self, *, session, runtime, user) -> str | None:
        return self.manager.hook.login_challenge(
            session=session, runtime=runtime, user=user
        )

    def login_restriction(self, *, session, runtime, user) -> str | None:
        return self.manager.hook.login_restriction(
            session=session, runtime=runtime, user=user
        )

    def validate_user_propagation(
        self, judges: list[str], *, session, runtime, domain, changes
    ) -> list[tuple[str, str]]:
        """Each of ``judges`` that refuses ``domain``, with its reason.

        Every judge is asked, so an administrator learns all that stands in
        the way at once rather than one reason per attempt.
        """
        kwargs = {
            "session": session,
            "runtime": runtime,
            "domain": domain,
            "changes": changes,
        }
        verdicts = []
        for impl in self.manager.hook.validate_user_propagation.get_hookimpls():
            if impl.plugin_name not in judges:
                continue
            message = impl.function(**{name: kwargs[name] for name in impl.argnames})
            if message:
                verdicts.append((impl.plugin_name, message))
        return verdicts

    def after_user_propagation(
        self, judges: list[str], *, session, runtime, domain_ids, changes
    ) -> None:
        """Let each of ``judges`` bring what it keeps in line with the users."""
        others = [
            self.manager.get_plugin(impl.plugin_name)
            for impl in self.manager.hook.after_user_propagation.get_hookimpls()
            if impl.plugin_name not in judges
        ]
        caller = self.manager.subset_hook_caller("after_user_propagation", others)
        caller(session=session, runtime=runtime, domain_ids=domain_ids, changes=changes)

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call a life-cycle hook by name; prefer the typed methods above."""
        getattr(self.manager.hook, hook_name)(**kwargs)
