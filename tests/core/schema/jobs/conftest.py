"""Domains with users, and clients acting as their administrators and users."""

import pytest
from sqlalchemy import update

from core.db import session_scope
from core.models import User
from core.passwords import hash_password
from core.services.admins import create_admin
from tests.workers.support import PASSWORD, make_domain


@pytest.fixture
def domain_a(runtime):
    """a.test: boss (its administrator) and user00000…user00002."""
    return make_domain(runtime, "a.test", users=3)


@pytest.fixture
def domain_b(runtime):
    return make_domain(runtime, "b.test", users=2)


@pytest.fixture
def boss(client, domain_a):
    """The client, as the domain administrator of a.test."""
    return client.as_token(client.login("boss@a.test", PASSWORD))


@pytest.fixture
def user(client, runtime, domain_a):
    """The client, as user00000@a.test."""
    with session_scope(runtime.engine) as session:
        session.execute(
            update(User)
            .where(User.local_part == "user00000")
            .values(password_hash=hash_password(PASSWORD))
        )
    return client.as_token(client.login("user00000@a.test", PASSWORD))


@pytest.fixture
def other_admin(client, runtime):
    """The client, as a second system administrator."""
    with session_scope(runtime.engine) as session:
        create_admin(session, "other", PASSWORD)
    return client.as_token(client.login("other", PASSWORD))
