"""A license that expires while the server runs: the free edition from then on."""

import logging
from datetime import timedelta
from types import ModuleType

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import plugins.eas
from core.db import session_scope
from core.errors import LimitReached
from core.hookspecs import hookimpl
from core.licensing import Edition
from core.plugins import PluginInfo, PluginState
from core.runtime import Runtime, build_runtime
from core.services.feature_gates import licensed_field_errors
from core.services.users import UserCreate, create_user
from tests.graphql_client import error_codes
from tests.plugin_support import (
    ENTERPRISE_FEATURES,
    PASSWORD,
    SYSTEM,
    add_domain,
    issue_license,
    licensed_config,
    schema_for,
)

EAS_USAGE = """
query Usage($domain: String!) {
  easAccountUsage(domain: $domain) { accounts used }
}
"""

EAS_USAGE_BY_FRAGMENT = """
query Usage($domain: String!) { ...Usage }
fragment Usage on Query { easAccountUsage(domain: $domain) { accounts used } }
"""

SET_EAS_ACCESS = """
mutation Set($input: FeatureAccessInput!) {
  setEasAccess(input: $input) { enabled errors { field code } }
}
"""

PLUGINS = "query { plugins { name state reason } }"

CORE_QUERY = """
query { domains(first: 5) { totalCount } license { edition expired } }
"""

EAS_ON = {"eas": {"accounts": 2, "user_management": True}}


def beacon_plugin() -> ModuleType:
    """An Enterprise plugin serving one route, ``/beacon``."""
    module = ModuleType("test_plugin_beacon")
    module.PLUGIN_INFO = PluginInfo(
        "beacon", "1.0", "A licensed route.", edition="enterprise", feature="eas"
    )

    def register_routes():
        return [Route("/beacon", lambda request: PlainTextResponse("on"))]

    module.register_routes = hookimpl(register_routes)
    return module


@pytest.fixture
def server(runtime, tmp_path):
    """EAS and the beacon under a license that expires in an hour, with a
    clock the test moves; the database holds domain a.test with user u1."""
    text = issue_license(
        features=(*ENTERPRISE_FEATURES, "chat"),
        mailbox_cap=2,
        lifetime=timedelta(hours=2),
    )
    config = licensed_config(runtime.config, tmp_path, text)
    started = build_runtime(config, plugin_modules=[plugins.eas, beacon_plugin()])
    add_domain(started, "a.test", settings=EAS_ON, users=("u1",))
    yield started
    started.engine.dispose()


@pytest.fixture
def app(server):
    from core.app import create_app

    return create_app(server, schema=schema_for(server))


def expire(runtime: Runtime) -> None:
    """Move the runtime's clock a second past the license's expiry."""
    moment = runtime.license_status.license.expires_at + timedelta(seconds=1)
    runtime.license_status.now = lambda: moment


def graphql_codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize(
    "document", [EAS_USAGE, EAS_USAGE_BY_FRAGMENT], ids=["field", "fragment"]
)
def test_eas_query_refused_once_license_expires(admin, server, document):
    before = admin.raw(document, {"domain": "a.test"})

    expire(server)
    after = admin.raw(document, {"domain": "a.test"})

    assert before["data"]["easAccountUsage"] == {"accounts": 2, "used": 0}
    assert graphql_codes(after) == ["LICENSE_EXPIRED"]
    assert after["data"] is None


def test_eas_mutation_answers_license_expired_in_payload(admin, server):
    before = admin.mutate(SET_EAS_ACCESS, {"email": "u1@a.test", "enabled": True})

    expire(server)
    after = admin.mutate(SET_EAS_ACCESS, {"email": "u1@a.test", "enabled": False})

    assert before == {"enabled": True, "errors": []}
    assert error_codes(after) == ["LICENSE_EXPIRED"]
    assert after["enabled"] is None


def test_core_operations_keep_working_after_expiry(admin, server):
    expire(server)

    data = admin.execute(CORE_QUERY)

    assert data["domains"]["totalCount"] == 1
    assert data["license"] == {"edition": "ENTERPRISE", "expired": True}


def test_plugins_query_says_license_expired(admin, server):
    before = {p["name"]: p for p in admin.execute(PLUGINS)["plugins"]}

    expire(server)
    after = {p["name"]: p for p in admin.execute(PLUGINS)["plugins"]}

    assert before["eas"]["state"] == "ACTIVE"
    assert after["eas"]["state"] == after["beacon"]["state"] == "NEEDS_LICENSE"
    assert "expired" in after["eas"]["reason"]


def test_plugin_route_answers_403_after_expiry(client, server):
    before = client.http.get("/beacon")

    expire(server)
    after = client.http.get("/beacon")

    assert (before.status_code, before.text) == (200, "on")
    assert after.status_code == 403
    assert after.json()["error"] == "LICENSE_EXPIRED"


def test_mailbox_cap_stops_applying_after_expiry(server):
    def add_user(local_part: str) -> None:
        with session_scope(server.engine) as session:
            create_user(
                session, server, SYSTEM, UserCreate(f"{local_part}@a.test", PASSWORD)
            )

    # Given the cap of 2 reached by a.test's administrator and u1
    with pytest.raises(LimitReached):
        add_user("u2")

    # When the license expires, the free edition's (no cap) applies
    expire(server)
    add_user("u2")

    assert server.license.mailbox_cap is None


def test_licensed_domain_setting_refused_after_expiry(server):
    patch = {"features": {"chat": True}}
    before = licensed_field_errors(server.license, patch)

    expire(server)
    after = licensed_field_errors(server.license, patch)

    assert before == []
    assert [error.code for error in after] == ["LICENSE_REQUIRED"]
    assert server.license.edition is Edition.FREE


def test_expiry_is_logged_once(server, caplog):
    expire(server)

    with caplog.at_level(logging.WARNING, logger="core.services.license"):
        for _ in range(3):
            server.plugins.lapsed()

    assert len(caplog.records) == 1
    assert caplog.records[0].levelno == logging.WARNING


def test_valid_license_installed_after_expiry_revives_plugins(server):
    expire(server)
    lapsed = server.plugins.lapsed()

    # A license installed in force later than the clock holds again
    status = server.license_status
    status.license = status.license.model_copy(
        update={"expires_at": status.now() + timedelta(days=1)}
    )

    assert lapsed == {"eas", "beacon"}
    assert server.plugins.lapsed() == frozenset()
    assert server.plugins.is_active("eas")
    assert server.plugins.statuses["eas"].state is PluginState.ACTIVE
