"""Propagating user defaults by paths into a nested model of a user section."""

import json

import pytest
from sqlalchemy import text
from sqlmodel import select

from core.db import session_scope
from core.errors import InvalidInputs
from core.models import Domain, User
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.propagation import propagate_user_defaults
from core.services.templates import update_user_template
from tests.core.services import nested_plugin
from tests.plugin_support import add_domain

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)
CUSTOM = {"host": "custom.example.net", "port": 2626, "note": "kept"}
ADDRESSES = ["admin@a.test", "u1@a.test", "u2@a.test", "admin@b.test", "u1@b.test"]
BARE = "u2@a.test"


@pytest.fixture
def nested_runtime(runtime, config):
    nested_plugin.VALIDATE_CHANGES.clear()
    nested_plugin.AFTER_CHANGES.clear()
    loaded = build_runtime(config, plugin_modules=[nested_plugin])
    yield loaded
    loaded.engine.dispose()


@pytest.fixture
def users(nested_runtime) -> None:
    """Users whose primary relay is custom, but one who has no settings at all."""
    add_domain(nested_runtime, "a.test", users=("u1", "u2"))
    add_domain(nested_runtime, "b.test", users=("u1",))
    with session_scope(nested_runtime.engine) as session:
        for user, domain in session.exec(select(User, Domain).join(Domain)):
            bare = f"{user.local_part}@{domain.name}" == BARE
            user.settings = {} if bare else {"fakeRelay": {"primary": dict(CUSTOM)}}


def set_template(runtime, **sections) -> None:
    with session_scope(runtime.engine) as session:
        update_user_template(session, runtime, ADMIN, sections)


def propagate(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_user_defaults(session, runtime, paths, **kwargs)


def stored_settings(runtime) -> dict[str, dict]:
    """Each user's settings document exactly as stored, by address."""
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(
            text(
                'SELECT u.local_part, d.name, u.settings FROM "user" u '
                "JOIN domain d ON d.id = u.domain_id"
            )
        ).all()
    return {
        f"{local}@{domain}": s if isinstance(s, dict) else json.loads(s)
        for local, domain, s in rows
    }


def relays(runtime) -> dict[str, dict]:
    """Each user's fakeRelay section as it reads, by address."""
    return {
        address: runtime.registry.read("user", stored, "fakeRelay").model_dump()
        for address, stored in stored_settings(runtime).items()
    }


def test_nested_field_reaches_users_keeping_siblings(nested_runtime, users):
    set_template(nested_runtime, fakeRelay={"primary": {"host": "relay.%domain%"}})

    result = propagate(nested_runtime, ["fakeRelay.primary.host"])

    assert result.changed == len(ADDRESSES)
    read = relays(nested_runtime)
    for address in ADDRESSES:
        domain = address.split("@")[1]
        expected = {**CUSTOM, "host": f"relay.{domain}"}
        if address == BARE:
            expected = {"host": "relay.a.test", "port": 25, "note": None}
        assert read[address]["primary"] == expected
    assert stored_settings(nested_runtime)[BARE] == {
        "fakeRelay": {"primary": {"host": "relay.a.test"}}
    }


def test_nested_object_reaches_named_domain_only(nested_runtime, users):
    set_template(nested_runtime, fakeRelay={"primary": {"port": 587}})

    result = propagate(nested_runtime, ["fakeRelay.primary"], domains=["b.test"])

    assert result.changed == 2
    primary = {a: r["primary"] for a, r in relays(nested_runtime).items()}
    assert primary["u1@b.test"] == {
        "host": "relay.example.net",
        "port": 587,
        "note": None,
    }
    assert primary["admin@b.test"] == primary["u1@b.test"]
    assert primary["u1@a.test"] == CUSTOM


def test_nested_null_reaches_every_user(nested_runtime, users):
    result = propagate(nested_runtime, ["fakeRelay.primary.note"])

    assert result.changed == len(ADDRESSES)
    assert all(r["primary"]["note"] is None for r in relays(nested_runtime).values())
    assert stored_settings(nested_runtime)[BARE] == {
        "fakeRelay": {"primary": {"note": None}}
    }


def test_plugin_hooks_get_nested_changes(nested_runtime, users):
    set_template(nested_runtime, fakeRelay={"primary": {"host": "relay.%domain%"}})

    propagate(nested_runtime, ["fakeRelay.primary.host", "fakeRelay.enabled"])

    validated, after = nested_plugin.VALIDATE_CHANGES, nested_plugin.AFTER_CHANGES
    assert validated == [
        {"fakeRelay": {"primary": {"host": f"relay.{name}"}, "enabled": False}}
        for name in ("a.test", "b.test")
    ]
    assert after == [
        {"fakeRelay": {"primary": {"host": "relay.%domain%"}, "enabled": False}}
    ]


def test_nested_dry_run_counts_values_per_domain(nested_runtime, users):
    set_template(nested_runtime, fakeRelay={"primary": {"port": 2626}})
    before = stored_settings(nested_runtime)

    result = propagate(nested_runtime, ["fakeRelay.primary.port"], dry_run=True)

    assert result.changed == 0
    assert [(p.domain, p.users) for p in result.preview] == [
        ("a.test", 3),
        ("b.test", 2),
    ]
    (port,) = result.preview[0].settings
    assert (port.path, port.after) == ("fakeRelay.primary.port", 2626)
    assert sorted((v.value, v.users) for v in port.before) == [(25, 1), (2626, 2)]
    assert port.users_changing == 1
    assert stored_settings(nested_runtime) == before


@pytest.mark.parametrize(
    "path", ["fakeRelay.primary.nope", "fakeRelay.enabled.x", "serviceAccess.pop.x"]
)
def test_unknown_nested_user_path_changes_nothing(nested_runtime, users, path):
    before = stored_settings(nested_runtime)

    with pytest.raises(InvalidInputs) as caught:
        propagate(nested_runtime, ["fakeRelay.primary.note", path])

    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("settings.1", "UNKNOWN_SETTING")
    ]
    assert stored_settings(nested_runtime) == before
