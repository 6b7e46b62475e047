"""Templates and propagation obey the license and the domains' features."""

import json

import pytest
from sqlalchemy import text

from core.db import session_scope
from core.errors import InvalidInputs
from core.models import ServerSetting
from core.principal import Principal, Role
from core.services.domains import DomainCreate, create_domain, update_domain
from core.services.propagation import (
    propagate_domain_defaults,
    propagate_user_defaults,
)
from core.services.templates import KEYS, update_user_template
from core.services.users import add_user

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)


def store_domain_template(runtime, settings: dict) -> None:
    """A template kept from an earlier license (written as it was stored)."""
    with session_scope(runtime.engine) as session:
        session.add(ServerSetting(key=KEYS["domain"], value={"settings": settings}))


def new_domain(runtime, name: str):
    with session_scope(runtime.engine) as session:
        return create_domain(session, runtime, DomainCreate(name, "boss", "pw-12345"))


def stored(runtime, table: str) -> dict[str, dict]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(text(f'SELECT id, settings FROM "{table}"')).all()
    return {key: v if isinstance(v, dict) else json.loads(v) for key, v in rows}


def test_new_domain_starts_without_unlicensed_features(runtime):
    store_domain_template(runtime, {"features": {"chat": True}})

    domain = new_domain(runtime, "a.test")

    assert stored(runtime, "domain")[domain.id]["features"]["chat"] is False


@pytest.mark.parametrize("path", ["features.chat", "features"])
def test_propagating_unlicensed_feature_is_refused(runtime, path):
    new_domain(runtime, "a.test")
    store_domain_template(runtime, {"features": {"chat": True}})
    before = stored(runtime, "domain")

    with (
        pytest.raises(InvalidInputs) as caught,
        session_scope(runtime.engine) as session,
    ):
        propagate_domain_defaults(session, runtime, ["limits", path])

    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("settings.1", "LICENSE_REQUIRED")
    ]
    assert stored(runtime, "domain") == before


def test_user_value_refused_where_domain_feature_is_off(runtime):
    # Given b.test with SMTP accounts off, and users without them everywhere
    domains = {name: new_domain(runtime, name) for name in ("a.test", "b.test")}
    with session_scope(runtime.engine) as session:
        b = session.get(type(domains["b.test"]), domains["b.test"].id)
        update_domain(
            session,
            runtime,
            ADMIN,
            b,
            hostname=None,
            settings={"features": {"smtp_accounts": False}},
        )
        for domain in domains.values():
            add_user(
                session,
                session.get(type(domain), domain.id),
                "u1",
                None,
                user_limit=100,
                password_hash="x",
                settings={"smtpAccounts": {"enabled": False}},
            )
        update_user_template(
            session, runtime, ADMIN, {"smtpAccounts": {"enabled": True}}
        )

    # When the template's value is propagated to every domain
    with session_scope(runtime.engine) as session:
        outcome = propagate_user_defaults(session, runtime, ["smtpAccounts.enabled"])

    # Then b.test is refused and its user keeps the field off
    assert [(r.domain, r.plugin) for r in outcome.refused] == [("b.test", "core")]
    assert "features.smtpAccounts" in outcome.refused[0].message
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(
            text(
                'SELECT d.name, u.settings FROM "user" u JOIN domain d '
                "ON d.id = u.domain_id WHERE u.local_part = 'u1'"
            )
        ).all()
    enabled = {
        name: (s if isinstance(s, dict) else json.loads(s))["smtpAccounts"]["enabled"]
        for name, s in rows
    }
    assert enabled == {"a.test": True, "b.test": False}
