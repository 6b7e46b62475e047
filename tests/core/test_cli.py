"""The mailplane command: serve, migrate, schema, create-admin."""

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import delete
from sqlmodel import select

from core.cli import main
from core.db import session_scope
from core.models import SystemAdmin
from core.passwords import verify_password

GENERATED = re.compile(r"password: (\S+)")


@pytest.fixture
def fresh(runtime):
    """A migrated database on the backend with no administrator yet."""
    with session_scope(runtime.engine) as session:
        session.execute(delete(SystemAdmin))
    return runtime


@pytest.fixture
def env(config) -> dict[str, str]:
    return {
        "MAILPLANE_DATA_DIR": str(config.data_dir),
        "MAILPLANE_DATABASE_URL": config.database_url,
        "MAILPLANE_ADMIN_PASSWORD": "",
        "MAILPLANE_NEW_ADMIN_PASSWORD": "",
    }


def _invoke(env: dict, *args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), env=env, input=input)


def _admin_hash(runtime, username: str) -> str | None:
    with session_scope(runtime.engine, write=False) as session:
        admin = session.exec(
            select(SystemAdmin).where(SystemAdmin.username == username)
        ).first()
    return admin.password_hash if admin else None


def test_migrate_prints_generated_password_once(fresh, env):
    first = _invoke(env, "migrate")
    second = _invoke(env, "migrate")

    assert first.exit_code == 0, first.output
    password = GENERATED.search(first.output).group(1)
    assert verify_password(_admin_hash(fresh, "admin"), password)
    assert second.exit_code == 0
    assert "password" not in second.output


def test_migrate_takes_admin_password_from_environment(fresh, env):
    result = _invoke(env | {"MAILPLANE_ADMIN_PASSWORD": "chosen-pw-1"}, "migrate")

    assert result.exit_code == 0
    assert "password" not in result.output
    assert verify_password(_admin_hash(fresh, "admin"), "chosen-pw-1")


def test_create_admin_asks_for_password(runtime, env):
    result = _invoke(env, "create-admin", "Ops", input="ops-pass-1\nops-pass-1\n")

    assert result.exit_code == 0, result.output
    assert verify_password(_admin_hash(runtime, "ops"), "ops-pass-1")


def test_create_admin_takes_password_from_environment(runtime, env):
    result = _invoke(
        env | {"MAILPLANE_NEW_ADMIN_PASSWORD": "ops-pass-2"}, "create-admin", "ops"
    )

    assert result.exit_code == 0, result.output
    assert verify_password(_admin_hash(runtime, "ops"), "ops-pass-2")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("admin", "long-enough-1", id="duplicate"),
        pytest.param("ops", "short", id="weak-password"),
        pytest.param("a@b", "long-enough-1", id="bad-username"),
    ],
)
def test_create_admin_refuses_bad_input(runtime, env, username, password):
    result = _invoke(
        env | {"MAILPLANE_NEW_ADMIN_PASSWORD": password}, "create-admin", username
    )

    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert _admin_hash(runtime, "ops") is None


def test_schema_prints_sdl(runtime, env):
    result = _invoke(env, "schema")

    assert result.exit_code == 0
    assert "type Query {" in result.output
    assert "): DomainCreatePayload!" in result.output


class TestServe:
    @pytest.fixture
    def served(self, monkeypatch) -> dict:
        import uvicorn

        calls = {}

        def fake_run(app, **kwargs):
            calls.update(kwargs, app=app)

        monkeypatch.setattr(uvicorn, "run", fake_run)
        return calls

    def test_serve_uses_embedded_defaults(self, served, runtime, env):
        result = _invoke(env, "serve")

        assert result.exit_code == 0, result.output
        assert (served["host"], served["port"]) == ("127.0.0.1", 8025)
        assert served["app"].state.schema is not None

    def test_serve_takes_host_and_port_options(self, served, runtime, env):
        result = _invoke(env, "serve", "--host", "0.0.0.0", "--port", "9001")

        assert result.exit_code == 0, result.output
        assert (served["host"], served["port"]) == ("0.0.0.0", 9001)

    def test_serve_reads_host_and_port_from_environment(self, served, runtime, env):
        more = {"MAILPLANE_HOST": "::1", "MAILPLANE_PORT": "9002"}

        _invoke(env | more, "serve")

        assert (served["host"], served["port"]) == ("::1", 9002)

    def test_serve_refuses_bad_configuration(self, served, env):
        result = _invoke(env | {"MAILPLANE_PORT": "eighty"}, "serve")

        assert result.exit_code == 1
        assert "MAILPLANE_PORT" in result.output
        assert served == {}
