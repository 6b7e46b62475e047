"""Plugins are asked only about propagations of the sections they judge."""

from types import ModuleType

import pytest
from sqlalchemy import event

from core.db import session_scope
from core.errors import PluginError
from core.hookspecs import hookimpl
from core.plugin_info import PluginState
from core.plugins import PluginInfo
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.domains import DomainCreate, create_domain
from core.services.propagation import propagate_user_defaults
from core.services.templates import update_user_template
from tests.core.schema.templates import fake_plugin
from tests.core.services import sectioned_plugin

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)
NAMES = ("a.test", "b.test")


@pytest.fixture
def judged(runtime, config):
    """The tally plugin, which names its section, and two domains."""
    sectioned_plugin.CALLS.clear()
    loaded = build_runtime(config, plugin_modules=[sectioned_plugin])
    with session_scope(loaded.engine) as session:
        for name in NAMES:
            create_domain(session, loaded, DomainCreate(name, "boss", "pw-123456"))
    yield loaded
    loaded.engine.dispose()


def propagate(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_user_defaults(session, runtime, paths, **kwargs)


def test_plugin_not_asked_about_other_sections(judged):
    statements = []
    event.listen(
        judged.engine, "before_cursor_execute", lambda *a: statements.append(a[2])
    )
    with session_scope(judged.engine) as session:
        update_user_template(session, judged, ADMIN, {"serviceAccess": {"pop": False}})
    statements.clear()

    result = propagate(judged, ["serviceAccess.pop"])

    assert result.changed == len(NAMES)
    assert sectioned_plugin.CALLS == []
    # The template read and the UPDATE: no round of the domains.
    assert [s.split()[0] for s in statements if "BEGIN" not in s] == [
        "SELECT",
        "UPDATE",
    ]
    assert not any("FROM domain" in s for s in statements)


def test_plugin_asked_about_its_own_section(judged):
    with session_scope(judged.engine) as session:
        update_user_template(session, judged, ADMIN, {"tally": {"enabled": True}})

    result = propagate(judged, ["serviceAccess.pop", "tally.enabled"])

    assert result.changed == len(NAMES)
    assert sectioned_plugin.CALLS == ["validate a.test", "validate b.test", "after 2"]


def test_whole_template_propagation_asks_plugin(judged):
    propagate(judged, ["tally"], domains=["b.test"])

    assert sectioned_plugin.CALLS == ["validate b.test", "after 1"]


def test_plugin_without_declaration_judges_every_section(config):
    loaded = build_runtime(config, plugin_modules=[fake_plugin, sectioned_plugin])

    others = loaded.plugins.propagation_judges(["serviceAccess"])
    its_own = loaded.plugins.propagation_judges(["serviceAccess", "tally"])
    loaded.engine.dispose()

    assert (others, its_own) == (["fake_sync"], ["fake_sync", "tally"])


def test_empty_declaration_judges_no_section(config):
    plugin = judging_plugin("quiet", lambda: [])
    loaded = build_runtime(config, plugin_modules=[sectioned_plugin, plugin])

    judges = loaded.plugins.propagation_judges(["serviceAccess", "tally"])
    loaded.engine.dispose()

    assert judges == ["tally"]


@pytest.mark.parametrize(
    "declared",
    [["tallly"], "tally", [None], ["tally"]],
    ids=["misspelt", "bare", "none", "other-plugins"],
)
def test_bad_declaration_stops_start_up(config, declared):
    plugin = judging_plugin("typo", lambda: declared)

    with pytest.raises(PluginError) as caught:
        build_runtime(config, plugin_modules=[sectioned_plugin, plugin])

    assert "'typo'" in str(caught.value)


def test_core_section_may_be_judged(config):
    plugin = judging_plugin("access", lambda: ["serviceAccess"])
    loaded = build_runtime(config, plugin_modules=[plugin])

    judges = loaded.plugins.propagation_judges(["serviceAccess"])
    loaded.engine.dispose()

    assert judges == ["access"]


def test_raising_declaration_unloads_plugin_at_start_up(config):
    def fail() -> list:
        raise RuntimeError("no sections today")

    plugin = judging_plugin("broken", fail)
    loaded = build_runtime(config, plugin_modules=[sectioned_plugin, plugin])

    state = loaded.plugins.statuses["broken"].state
    judges = loaded.plugins.propagation_judges(["tally"])
    loaded.engine.dispose()

    assert (state, judges) == (PluginState.FAILED, ["tally"])


def test_every_refusing_plugin_is_reported(runtime, config):
    refusing = [
        judging_plugin(name, lambda: ["serviceAccess"], refuse=f"{name} says no")
        for name in ("first", "second")
    ]
    loaded = build_runtime(config, plugin_modules=[*refusing, sectioned_plugin])
    with session_scope(loaded.engine) as session:
        create_domain(session, loaded, DomainCreate("a.test", "boss", "pw-123456"))
        update_user_template(session, loaded, ADMIN, {"serviceAccess": {"pop": False}})

    result = propagate(loaded, ["serviceAccess.pop"])
    loaded.engine.dispose()

    assert result.changed == 0
    assert sorted((r.domain, r.plugin, r.message) for r in result.refused) == [
        ("a.test", "first", "first says no"),
        ("a.test", "second", "second says no"),
    ]


def judging_plugin(name: str, declare, refuse: str | None = None) -> ModuleType:
    """A plugin module whose propagation hooks judge what ``declare`` returns.

    It refuses every domain with ``refuse`` when given.
    """
    module = ModuleType(f"tests.{name}_plugin")
    module.PLUGIN_INFO = PluginInfo(name=name, version="1.0", description="Test.")
    module.register_propagation_sections = hookimpl(
        lambda: declare(), specname="register_propagation_sections"
    )
    module.validate_user_propagation = hookimpl(
        lambda domain: refuse, specname="validate_user_propagation"
    )
    return module
