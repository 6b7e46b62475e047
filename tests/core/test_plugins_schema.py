"""What plugins show through the API: the plugins query, fields and routes."""

from types import ModuleType

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import plugins.eas
import plugins.mapi_ews
from core.app import create_app
from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.runtime import build_runtime
from tests.conftest import ADMIN_PASSWORD
from tests.graphql_client import GraphQLClient
from tests.plugin_support import (
    PASSWORD,
    add_domain,
    issue_license,
    licensed_config,
    schema_for,
)

PLUGINS = """
query { plugins { name version edition feature state reason } }
"""

EAS_ACCOUNTS = """
query { easAccountUsage(domain: "a.test") { accounts } }
"""

EAS_SECTION = """
query { domain(name: "a.test") { settings { eas { accounts } } } }
"""

ENTERPRISE_PLUGINS = [plugins.eas, plugins.mapi_ews]


def reports_plugin() -> ModuleType:
    """An Enterprise plugin serving one route, GET /reports."""
    module = ModuleType("reports_plugin")
    module.PLUGIN_INFO = PluginInfo(
        "reports", "1.0", "Reports.", edition="enterprise", feature="reports"
    )

    def register_routes():
        return [Route("/reports", lambda request: PlainTextResponse("report"))]

    module.register_routes = hookimpl(register_routes)
    return module


@pytest.fixture
def start(runtime, tmp_path):
    """Start a server on the emptied database; returns a logged-in admin client."""
    started = []

    def serve(modules, *, licensed: bool, **changes) -> GraphQLClient:
        config = runtime.config
        if licensed:
            config = licensed_config(config, tmp_path, **changes)
        server = build_runtime(config, plugin_modules=modules)
        app = create_app(server, schema=schema_for(server))
        http = TestClient(app).__enter__()
        started.append((http, server))
        client = GraphQLClient(http)
        return client.as_token(client.login("admin", ADMIN_PASSWORD))

    yield serve
    for http, server in started:
        http.__exit__(None, None, None)
        server.engine.dispose()


def test_plugins_query_lists_states_and_reasons(start):
    admin = start(ENTERPRISE_PLUGINS, licensed=True, plugins={"mapi_ews": False})

    listed = {p["name"]: p for p in admin.execute(PLUGINS)["plugins"]}

    assert listed["eas"] == {
        "name": "eas",
        "version": "1.0.0",
        "edition": "ENTERPRISE",
        "feature": "eas",
        "state": "ACTIVE",
        "reason": "Loaded.",
    }
    assert listed["mapi_ews"]["state"] == "DISABLED"


def test_plugins_query_explains_needed_license(start):
    admin = start(ENTERPRISE_PLUGINS, licensed=False)

    listed = admin.execute(PLUGINS)["plugins"]

    assert {p["state"] for p in listed} == {"NEEDS_LICENSE"}
    assert all("enterprise" in p["reason"] for p in listed)


def test_unlicensed_plugin_fields_are_absent(start, runtime):
    admin = start(ENTERPRISE_PLUGINS, licensed=False)
    add_domain(runtime, "a.test")

    accounts = admin.raw(EAS_ACCOUNTS)
    section = admin.raw(EAS_SECTION)

    assert accounts["errors"][0]["message"].startswith("Cannot query field")
    assert section["errors"][0]["message"].startswith("Cannot query field")


def test_licensed_plugin_fields_are_present(start, runtime):
    admin = start(ENTERPRISE_PLUGINS, licensed=True)
    add_domain(runtime, "a.test")

    data = admin.execute(EAS_ACCOUNTS)

    assert data["easAccountUsage"] == {"accounts": 0}


def test_unlicensed_plugin_routes_answer_404(start):
    admin = start([reports_plugin()], licensed=False)

    response = admin.http.get("/reports")

    assert response.status_code == 404


def test_licensed_plugin_routes_answer(start):
    text = issue_license(features=("reports",))
    admin = start([reports_plugin()], licensed=True, text=text)

    response = admin.http.get("/reports")

    assert response.status_code == 200 and response.text == "report"


def test_plugins_query_refused_for_domain_admin(start, runtime):
    add_domain(runtime, "a.test")
    admin = start(ENTERPRISE_PLUGINS, licensed=False)
    domain_admin = admin.as_token(admin.login("admin@a.test", PASSWORD))

    body = domain_admin.raw(PLUGINS)

    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
