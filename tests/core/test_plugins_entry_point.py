"""A plugin package installed with pip reaches the server through its entry
point alone, and every hook is called for it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dramatiq.brokers.stub import StubBroker
from starlette.testclient import TestClient

from core import hookspecs
from core.app import create_app
from core.config import Config
from core.db import make_engine, session_scope
from core.migrate import upgrade
from core.plugins import PluginState
from core.runtime import build_runtime
from core.schema.builder import build_schema
from core.services.admins import ensure_bootstrap_admin
from core.services.auth import login
from core.services.domains import delete_domain, rename_domain
from core.services.propagation import propagate_user_defaults
from core.services.scope import find_domain
from core.services.templates import update_user_template
from core.services.users import UserCreate, create_user, delete_user
from tests.conftest import ADMIN_PASSWORD
from tests.graphql_client import GraphQLClient
from tests.plugin_support import PASSWORD, SYSTEM, add_domain, schema_for

PACKAGE = Path(__file__).resolve().parents[1] / "plugin_package"
MODULE = "mailplane_sample_plugin"

HOOK_NAMES = sorted(
    name for name, item in vars(hookspecs).items() if hasattr(item, "mailplane_spec")
)

SAMPLE = """
query { sampleGreeting domain(name: "a.test") { settings { sample { greeting } } } }
"""


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    """The sample package, pip-installed from a copy into a folder of its own."""
    source = tmp_path_factory.mktemp("source") / "plugin_package"
    shutil.copytree(PACKAGE, source)
    target = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    result = subprocess.run(
        [*command, "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture
def installed(site_dir, monkeypatch):
    """The package importable, and its entry point visible, for one test."""
    monkeypatch.syspath_prepend(str(site_dir))
    yield
    forget_sample_modules()


def forget_sample_modules() -> None:
    for name in [m for m in sys.modules if m.split(".")[0] == MODULE]:
        del sys.modules[name]


def test_installed_plugin_adds_section_field_and_route(installed, runtime):
    # Given the package installed, and a server started with no plugin list
    server = build_runtime(runtime.config)
    app = create_app(server, schema=schema_for(server))
    add_domain(server, "a.test")

    # When a client asks for its field and its route
    with TestClient(app) as http:
        client = GraphQLClient(http)
        admin = client.as_token(client.login("admin", ADMIN_PASSWORD))
        data = admin.execute(SAMPLE)
        pong = http.get("/sample/ping")

    # Then the plugin loaded, and its section, field and route answer
    assert server.plugins.statuses["sample"].state is PluginState.ACTIVE
    assert data["sampleGreeting"] == "hello from a plugin"
    assert data["domain"]["settings"]["sample"] == {"greeting": "hello"}
    assert pong.status_code == 200 and pong.text == "pong"
    server.engine.dispose()


def test_plugins_setting_disables_an_installed_plugin(installed, runtime):
    config = Config(
        data_dir=runtime.config.data_dir,
        database_url=runtime.config.database_url,
        plugins={"sample": False},
    )

    server = build_runtime(config)

    assert server.plugins.statuses["sample"].state is PluginState.DISABLED
    assert server.registry.get("domain", "sample") is None
    server.engine.dispose()


@pytest.fixture(scope="module")
def exercised(site_dir, tmp_path_factory) -> set[str]:
    """Every hook the sample plugin saw while a server went through each
    life cycle once (SQLite; the hooks do not depend on the database)."""
    folder = tmp_path_factory.mktemp("hooks")
    (folder / "domains").mkdir()
    config = Config(data_dir=folder, admin_password=ADMIN_PASSWORD)
    engine = make_engine(config.effective_database_url)
    upgrade(engine)
    engine.dispose()

    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site_dir))
        runtime = build_runtime(config)
        go_through_every_hook(runtime)
        calls = set(sys.modules[MODULE].CALLS)
        runtime.engine.dispose()
        forget_sample_modules()
    return calls


def go_through_every_hook(runtime) -> None:
    create_app(runtime, schema=build_schema(runtime))
    runtime.plugins.operation_rules()
    runtime.plugins.export_columns("users")
    runtime.plugins.register_actors(StubBroker())

    with session_scope(runtime.engine) as session:
        ensure_bootstrap_admin(session, ADMIN_PASSWORD)
    add_domain(runtime, "a.test")
    with session_scope(runtime.engine) as session:
        rename_domain(session, runtime, find_domain(session, "a.test"), "b.test")
    with session_scope(runtime.engine) as session:
        user, _domain = create_user(
            session, runtime, SYSTEM, UserCreate("u@b.test", PASSWORD)
        )
        # No core service renames users yet; call the hook as one would.
        runtime.plugins.after_user_rename(
            session=session, runtime=runtime, user=user, old_local_part="old"
        )
    with session_scope(runtime.engine) as session:
        # Checks the password (check_password), then login_challenge and
        # login_restriction.
        login(session, "u@b.test", PASSWORD, ttl=60, runtime=runtime)
    with session_scope(runtime.engine) as session:
        patch = {"sample": {"nickname": "nick"}}
        update_user_template(session, runtime, SYSTEM, patch)
        propagate_user_defaults(session, runtime, ["sample.nickname"])
    with session_scope(runtime.engine) as session:
        delete_user(session, runtime, SYSTEM, "u@b.test", delete_files=True)
    with session_scope(runtime.engine) as session:
        delete_domain(session, runtime, find_domain(session, "b.test"), True)


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_is_called_for_a_plugin(exercised, hook):
    assert hook in exercised
