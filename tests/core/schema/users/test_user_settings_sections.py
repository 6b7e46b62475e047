"""User settings follow the registry: a plugin's user section appears by itself."""

from types import ModuleType

import pytest
from pydantic import Field
from starlette.testclient import TestClient

from core.app import create_app
from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.runtime import build_runtime
from core.schema.builder import build_schema
from core.settings.section import SectionModel, SectionSpec
from tests.conftest import ADMIN_PASSWORD
from tests.core.schema.users.accounts import PASSWORD, create_domain, log_in
from tests.graphql_client import GraphQLClient, error_codes

CREATE = """
mutation Create($input: UserCreateInput!) {
  createUser(input: $input) {
    user { settings { archiving { enabled days } serviceAccess { pop } } }
    errors { field code }
  }
}
"""


class ArchivingSettings(SectionModel):
    enabled: bool = Field(default=False, description="Archive the user's mail.")
    days: int = Field(default=30, ge=1, description="Days mail is kept.")


def archiving_plugin() -> ModuleType:
    """A plugin adding the user section archiving; domain admins may switch it."""
    module = ModuleType("archiving_plugin")
    module.PLUGIN_INFO = PluginInfo("archiving", "1.0", "Mail archiving.")
    section = SectionSpec(
        name="archiving",
        model=ArchivingSettings,
        scope="user",
        description="Archiving of the user's mail.",
        domain_admin_fields=frozenset({"enabled"}),
        plugin="archiving",
    )
    module.register_user_sections = hookimpl(lambda: [section])
    return module


@pytest.fixture
def server(runtime):
    """A server with the archiving plugin; yields an anonymous client."""
    started = build_runtime(runtime.config, plugin_modules=[archiving_plugin()])
    with TestClient(create_app(started, schema=build_schema(started))) as http:
        yield GraphQLClient(http)
    started.engine.dispose()


def test_plugin_user_section_takes_its_defaults(server):
    admin = server.as_token(server.login("admin", ADMIN_PASSWORD))
    create_domain(admin, "a.test")

    payload = admin.mutate(CREATE, {"email": "u@a.test", "password": PASSWORD})

    assert payload["errors"] == []
    assert payload["user"]["settings"] == {
        "archiving": {"enabled": False, "days": 30},
        "serviceAccess": {"pop": True},
    }


def test_domain_admin_changes_only_listed_fields(server):
    admin = server.as_token(server.login("admin", ADMIN_PASSWORD))
    create_domain(admin, "a.test")
    boss = log_in(server, "boss@a.test")

    allowed = boss.mutate(
        CREATE,
        {
            "email": "u@a.test",
            "password": PASSWORD,
            "settings": {"archiving": {"enabled": True}},
        },
    )
    refused = boss.mutate(
        CREATE,
        {
            "email": "v@a.test",
            "password": PASSWORD,
            "settings": {"archiving": {"days": 90}},
        },
    )

    assert allowed["user"]["settings"]["archiving"] == {"enabled": True, "days": 30}
    assert error_codes(refused) == ["PERMISSION_DENIED"]
    assert refused["errors"][0]["field"] == "settings.archiving.days"
