"""Domains with an administrator and a user, through the API, for alias tests."""

import pytest

from tests.core.schema.users.accounts import create_domain, create_user, log_in


@pytest.fixture
def domain_a(admin) -> str:
    return create_domain(admin, "a.test")


@pytest.fixture
def domain_b(admin) -> str:
    return create_domain(admin, "b.test")


@pytest.fixture
def boss(client, domain_a):
    """The client, as the primary domain administrator of a.test."""
    return log_in(client, "boss@a.test")


@pytest.fixture
def alice(client, admin, domain_a):
    """The client, as alice@a.test, a user of a.test."""
    create_user(admin, "alice@a.test", displayName="Alice")
    return log_in(client, "alice@a.test")
