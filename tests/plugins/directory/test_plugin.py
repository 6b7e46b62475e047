"""The directory plugin loads only under a license granting its feature, and
declares who may call each of its operations."""

import pytest

import plugins.directory
from core.db import session_scope
from core.plugins import PluginState
from core.runtime import build_runtime
from core.services.auth import login
from core.services.users import UserCreate, create_user
from plugins.directory.schema import OPERATION_RULES
from tests.conftest import cached_schema
from tests.plugin_support import PASSWORD, SYSTEM, add_domain
from tests.plugins.directory.conftest import licensed_for


def operations(runtime) -> set[str]:
    graphql = cached_schema(runtime)._schema
    return {
        name
        for root in (graphql.query_type, graphql.mutation_type)
        for name in root.fields
    }


def domain_sections(runtime) -> set[str]:
    return {spec.name for spec in runtime.registry.sections("domain")}


@pytest.mark.parametrize(
    "features",
    [pytest.param(None, id="no-license"), pytest.param(("eas",), id="no-feature")],
)
def test_plugin_needs_a_license_granting_its_feature(runtime, tmp_path, features):
    # Given a server without a license, or with one lacking the feature
    if features is None:
        server = build_runtime(runtime.config, plugin_modules=[plugins.directory])
    else:
        server = licensed_for(runtime, tmp_path, features)

    # When a DIRECTORY user of a domain left with the feature on (from an
    # earlier license) logs in with its local password
    add_domain(server, "a.test", settings={"features": {"directory_integration": True}})
    data = UserCreate("alice@a.test", PASSWORD, auth_type="directory")
    with session_scope(server.engine) as session:
        create_user(session, server, SYSTEM, data)
    with session_scope(server.engine) as session:
        result = login(session, "alice@a.test", PASSWORD, ttl=60, runtime=server)

    # Then the plugin is inactive: no section, no fields, no directory check
    status = server.plugins.statuses["directory"]
    assert status.state is PluginState.NEEDS_LICENSE
    assert "directory" not in domain_sections(server)
    assert not set(OPERATION_RULES) & operations(server)
    assert result.token
    server.engine.dispose()


def test_rules_name_every_plugin_operation(runtime, directory_runtime):
    ours = operations(directory_runtime) - operations(runtime)

    declared = directory_runtime.plugins.operation_rules()

    assert ours == set(OPERATION_RULES)
    assert {name: declared[name] for name in ours} == {
        name: frozenset(roles) for name, roles in OPERATION_RULES.items()
    }
    assert plugins.directory.PLUGIN_INFO.feature == "directory_integration"
    assert plugins.directory.PLUGIN_INFO.edition == "enterprise"
    assert "directory" in domain_sections(directory_runtime)
