"""Template tests run with the fake plugin loaded, so its sections show."""

import pytest

from core.db import session_scope
from core.principal import Role
from core.runtime import build_runtime
from core.services.auth import issue_token
from core.services.domains import DomainCreate, create_domain
from core.services.users import add_user
from tests.core.schema.templates import fake_plugin

ADMIN_PASSWORD = "pw-123456"


@pytest.fixture
def runtime(runtime, config):
    """The shared test database, with the fake plugin's sections registered."""
    fake_plugin.AFTER_CALLS.clear()
    loaded = build_runtime(config, plugin_modules=[fake_plugin])
    yield loaded
    loaded.engine.dispose()


@pytest.fixture
def domain_admin(client, runtime):
    """The client, acting as the administrator of a.test."""
    admin_id = make_domain(runtime, "a.test", users=[], accounts=1)
    with session_scope(runtime.engine) as session:
        token = issue_token(session, Role.DOMAIN_ADMIN, 600, user_id=admin_id)
    return client.as_token(token)


def make_domain(runtime, name: str, *, users: list[str], accounts: int) -> int:
    """Create a domain with its administrator and users; return the admin's id."""
    with session_scope(runtime.engine) as session:
        domain = create_domain(
            session, runtime, DomainCreate(name, "boss", ADMIN_PASSWORD)
        )
        domain.settings = {**domain.settings, "fakeSync": {"accounts": accounts}}
        for local_part in users:
            add_user(
                session, domain, local_part, None, user_limit=100, password_hash="x"
            )
        return domain.primary_admin_id
