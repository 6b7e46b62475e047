"""Propagating the user template to the users of domains, and plugin limits."""

import json

import pytest
from sqlalchemy import text

from core.db import session_scope
from core.errors import InvalidInputs, NotFound
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.domains import DomainCreate, create_domain, update_domain
from core.services.propagation import propagate_user_defaults
from core.services.templates import update_user_template
from core.services.users import add_user
from tests.core.schema.templates import fake_plugin

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)
USERS = {"a.test": ["u1", "u2"], "b.test": ["u1", "u2", "u3"]}


@pytest.fixture
def plugin_runtime(runtime, config):
    fake_plugin.AFTER_CALLS.clear()
    loaded = build_runtime(config, plugin_modules=[fake_plugin])
    yield loaded
    loaded.engine.dispose()


@pytest.fixture
def domain_ids(plugin_runtime) -> dict[str, int]:
    """Two domains: a.test with 1 sync account, b.test with 5; users besides admins."""
    ids = {}
    with session_scope(plugin_runtime.engine) as session:
        for name, locals_ in USERS.items():
            domain = create_domain(
                session, plugin_runtime, DomainCreate(name, "boss", "pw-123456")
            )
            accounts = 1 if name == "a.test" else 5
            update_domain(
                session,
                plugin_runtime,
                ADMIN,
                domain,
                hostname=None,
                settings={"fakeSync": {"accounts": accounts}},
            )
            for local in locals_:
                add_user(
                    session,
                    domain,
                    local,
                    None,
                    user_limit=100,
                    password_hash="x",
                    settings={},
                )
            ids[name] = domain.id
    return ids


def set_template(runtime, **sections):
    with session_scope(runtime.engine) as session:
        update_user_template(session, runtime, ADMIN, sections)


def propagate(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_user_defaults(session, runtime, paths, **kwargs)


def users_section(runtime, section: str) -> dict[str, object]:
    """Each user's section as it reads, by address."""
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(
            text(
                'SELECT u.local_part, d.name, u.settings FROM "user" u '
                "JOIN domain d ON d.id = u.domain_id"
            )
        ).all()
    return {
        f"{local}@{domain}": runtime.registry.read(
            "user", stored if isinstance(stored, dict) else json.loads(stored), section
        )
        for local, domain, stored in rows
    }


def test_user_field_propagation_reaches_all_users(plugin_runtime, domain_ids):
    set_template(plugin_runtime, serviceAccess={"pop": False})

    result = propagate(plugin_runtime, ["serviceAccess.pop"])

    sections = users_section(plugin_runtime, "serviceAccess")
    assert result.changed == len(sections) == 7
    assert all(s.pop is False and s.imap is True for s in sections.values())


def test_user_propagation_only_touches_named_domains(plugin_runtime, domain_ids):
    set_template(plugin_runtime, serviceAccess={"imap": False, "smtp": False})

    result = propagate(plugin_runtime, ["serviceAccess"], domains=["B.test"])

    sections = users_section(plugin_runtime, "serviceAccess")
    assert result.changed == 4
    assert {a for a, s in sections.items() if not s.imap} == {
        "boss@b.test",
        "u1@b.test",
        "u2@b.test",
        "u3@b.test",
    }


def test_unknown_domain_fails_and_changes_nothing(plugin_runtime, domain_ids):
    set_template(plugin_runtime, serviceAccess={"pop": False})

    with pytest.raises(NotFound) as caught:
        propagate(plugin_runtime, ["serviceAccess.pop"], domains=["a.test", "x.test"])

    assert (caught.value.field, caught.value.code) == ("domains.1", "DOMAIN_NOT_FOUND")
    assert all(s.pop for s in users_section(plugin_runtime, "serviceAccess").values())


def test_unknown_user_setting_is_refused(plugin_runtime, domain_ids):
    with pytest.raises(InvalidInputs) as caught:
        propagate(plugin_runtime, ["serviceAccess.carrierPigeon"])

    assert [e.code for e in caught.value.errors] == ["UNKNOWN_SETTING"]


def test_plugin_refuses_domain_beyond_its_accounts(plugin_runtime, domain_ids):
    set_template(plugin_runtime, fakeSync={"enabled": True})

    result = propagate(plugin_runtime, ["fakeSync.enabled"])

    assert [(r.domain, r.plugin) for r in result.refused] == [("a.test", "fake_sync")]
    enabled = {
        a for a, s in users_section(plugin_runtime, "fakeSync").items() if s.enabled
    }
    assert enabled == {"boss@b.test", "u1@b.test", "u2@b.test", "u3@b.test"}
    assert result.changed == 4
    assert [
        ([domain_ids["b.test"]], {"fakeSync": {"enabled": True}})
    ] == fake_plugin.AFTER_CALLS


def test_user_propagation_expands_domain_variable(plugin_runtime, domain_ids):
    set_template(plugin_runtime, fakeSync={"label": "phone of %domain%"})

    propagate(plugin_runtime, ["fakeSync.label"])

    labels = {a: s.label for a, s in users_section(plugin_runtime, "fakeSync").items()}
    assert labels["u1@a.test"] == "phone of a.test"
    assert labels["u3@b.test"] == "phone of b.test"


def test_user_dry_run_counts_values_per_domain(plugin_runtime, domain_ids):
    set_template(
        plugin_runtime, serviceAccess={"pop": False}, fakeSync={"enabled": True}
    )
    with session_scope(plugin_runtime.engine) as session:
        session.execute(
            text(
                """UPDATE "user" SET settings = '{"serviceAccess": {"pop": false}}' """
                "WHERE local_part = 'u1'"
            )
        )

    result = propagate(
        plugin_runtime, ["serviceAccess.pop", "fakeSync.enabled"], dry_run=True
    )

    assert result.changed == 0
    assert [r.domain for r in result.refused] == ["a.test"]
    (preview,) = result.preview
    assert (preview.domain, preview.users) == ("b.test", 4)
    pop = preview.settings[0]
    assert pop.after is False
    assert sorted((v.value, v.users) for v in pop.before) == [(False, 1), (True, 3)]
    assert pop.users_changing == 3
    assert all(
        s.pop
        for a, s in users_section(plugin_runtime, "serviceAccess").items()
        if not a.startswith("u1@")
    )
    assert fake_plugin.AFTER_CALLS == []
