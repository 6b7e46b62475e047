"""The plugin host: which plugins load under which switches and license."""

from datetime import UTC, datetime
from types import ModuleType

import pytest
from starlette.routing import Route

import plugins.eas
import plugins.mapi_ews
from core.config import Config, load_config
from core.errors import PluginError
from core.hookspecs import hookimpl
from core.licensing import FREE_LICENSE, Edition, License
from core.plugins import PluginHost, PluginInfo, PluginState
from core.runtime import build_runtime
from tests.plugin_support import licensed_config

ENTERPRISE_PLUGINS = [plugins.eas, plugins.mapi_ews]


def a_license(edition: str, *features: str) -> License:
    return License(
        license_id="unit",
        licensee="Unit",
        edition=Edition(edition),
        features=features,
        mailbox_cap=None,
        issued_at=datetime(2026, 1, 1, tzinfo=UTC),
        expires_at=datetime(2099, 1, 1, tzinfo=UTC),
    )


def a_plugin(name: str, **hooks) -> ModuleType:
    """A plugin module named ``name`` with ``PLUGIN_INFO`` and given hooks."""
    module = ModuleType(f"test_plugin_{name}")
    module.PLUGIN_INFO = hooks.pop("info", PluginInfo(name, "1.0", "For a test."))
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    return module


def host_with(modules, license=FREE_LICENSE, switches=None) -> PluginHost:
    host = PluginHost(switches or {}, license)
    host.load(modules)
    return host


def states(host: PluginHost) -> dict[str, PluginState]:
    return {name: status.state for name, status in host.statuses.items()}


def test_licensed_enterprise_plugins_load_with_sections(tmp_path):
    config = licensed_config(Config(data_dir=tmp_path), tmp_path)

    runtime = build_runtime(config, plugin_modules=ENTERPRISE_PLUGINS)

    assert states(runtime.plugins) == {
        "eas": PluginState.ACTIVE,
        "mapi_ews": PluginState.ACTIVE,
    }
    assert runtime.registry.get("domain", "eas") is not None
    assert runtime.registry.get("domain", "mapiEws") is not None


def test_plugins_setting_disables_a_named_plugin(tmp_path):
    # Given MAILPLANE_PLUGINS=-eas and an enterprise license
    config = load_config(
        {"MAILPLANE_DATA_DIR": str(tmp_path), "MAILPLANE_PLUGINS": "-eas"}
    )
    config = licensed_config(config, tmp_path)

    # When the server starts
    runtime = build_runtime(config, plugin_modules=ENTERPRISE_PLUGINS)

    # Then EAS is disabled and contributes nothing; MAPI/EWS loads
    assert runtime.plugins.statuses["eas"].state is PluginState.DISABLED
    assert runtime.plugins.is_active("mapi_ews")
    assert runtime.registry.get("domain", "eas") is None


def test_unlicensed_enterprise_plugins_contribute_nothing(tmp_path):
    runtime = build_runtime(
        Config(data_dir=tmp_path), plugin_modules=ENTERPRISE_PLUGINS
    )

    assert states(runtime.plugins) == {
        "eas": PluginState.NEEDS_LICENSE,
        "mapi_ews": PluginState.NEEDS_LICENSE,
    }
    assert [s.name for s in runtime.registry.sections("domain")].count("eas") == 0
    assert runtime.plugins.operation_rules().keys().isdisjoint({"setEasAccess"})


def test_pro_license_with_feature_needs_enterprise_edition():
    host = host_with(ENTERPRISE_PLUGINS, a_license("pro", "eas", "mapi_ews"))

    status = host.statuses["eas"]

    assert status.state is PluginState.NEEDS_LICENSE
    assert "enterprise" in status.reason


def test_license_loads_only_the_features_it_grants():
    host = host_with(ENTERPRISE_PLUGINS, a_license("enterprise", "eas"))

    assert states(host) == {
        "eas": PluginState.ACTIVE,
        "mapi_ews": PluginState.NEEDS_LICENSE,
    }


def test_enabled_by_default_false_needs_a_switch():
    info = PluginInfo("quiet", "1.0", "Off unless asked.", enabled_by_default=False)

    off = host_with([a_plugin("quiet", info=info)])
    on = host_with([a_plugin("quiet", info=info)], switches={"quiet": True})

    assert off.statuses["quiet"].state is PluginState.DISABLED
    assert on.statuses["quiet"].state is PluginState.ACTIVE


def test_module_without_plugin_info_is_marked_failed():
    module = ModuleType("no_info_plugin")

    host = host_with([module])

    assert host.statuses["no_info_plugin"].state is PluginState.FAILED


def test_plugin_info_with_unknown_edition_is_failed():
    info = PluginInfo("odd", "1.0", "Unknown edition.", edition="platinum")

    host = host_with([a_plugin("odd", info=info)])

    assert host.statuses["odd"].state is PluginState.FAILED


def test_two_plugins_with_one_name_stop_start_up():
    with pytest.raises(PluginError, match="test_plugin_twin"):
        host_with([a_plugin("twin"), a_plugin("twin")])


def test_plugin_failing_in_a_hook_is_isolated():
    # Given a plugin whose sections hook raises
    def register_domain_sections():
        raise RuntimeError("boom")

    host = host_with(
        [a_plugin("broken", register_domain_sections=register_domain_sections)]
    )

    # When core collects sections
    sections = host.domain_sections()

    # Then core's sections come through and the plugin is unloaded as FAILED
    assert {plugin for plugin, _spec in sections} == {"core"}
    assert host.statuses["broken"].state is PluginState.FAILED
    assert "RuntimeError" in host.statuses["broken"].reason
    assert host.manager.get_plugin("broken") is None


def test_duplicate_route_paths_stop_start_up():
    def register_routes():
        return [Route("/same", lambda request: None)]

    host = host_with(
        [
            a_plugin("first", register_routes=register_routes),
            a_plugin("second", register_routes=register_routes),
        ]
    )

    with pytest.raises(PluginError, match=r"'second'.*'first'"):
        host.routes()


def test_plugin_route_may_not_replace_graphql():
    def register_routes():
        return [Route("/graphql", lambda request: None)]

    host = host_with([a_plugin("greedy", register_routes=register_routes)])

    with pytest.raises(PluginError, match="'core'"):
        host.routes()


def test_duplicate_operation_rules_stop_start_up():
    def register_operation_rules():
        return {"plugins": {"USER"}}

    host = host_with(
        [a_plugin("rules", register_operation_rules=register_operation_rules)]
    )

    with pytest.raises(PluginError, match="'core' and 'rules'"):
        host.operation_rules()


def test_operation_rules_merge_core_and_plugins():
    host = host_with(ENTERPRISE_PLUGINS, a_license("enterprise", "eas", "mapi_ews"))

    rules = host.operation_rules()

    assert rules["installLicense"] == {"SYSTEM_ADMIN"}
    assert rules["setEasAccess"] == {"SYSTEM_ADMIN", "DOMAIN_ADMIN"}
    assert rules["setMapiEwsAccess"] == {"SYSTEM_ADMIN", "DOMAIN_ADMIN"}


def test_changes_under_names_plugins_a_license_would_load():
    host = host_with(ENTERPRISE_PLUGINS)

    changed = host.changes_under(a_license("enterprise", "mapi_ews"))

    assert changed == ["mapi_ews"]
