"""Fixtures of the admin tools' tests: two domains, keys, impersonations."""

from datetime import timedelta

import pytest

from core.models.base import utcnow
from core.services import throttle
from tests.core.schema.admin.documents import CREATE_KEY, IMPERSONATE, PASSWORD
from tests.workers.support import make_domain


@pytest.fixture
def domains(runtime) -> dict:
    """Domains a.test and b.test, each with its administrator boss@."""
    return {name: make_domain(runtime, name) for name in ("a.test", "b.test")}


@pytest.fixture
def make_key(admin):
    """Create a key as the system administrator; returns (key, secret)."""

    def make(name="portal", domains=None, role="FULL", **extra) -> tuple[dict, str]:
        payload = admin.mutate(
            CREATE_KEY, {"name": name, "domains": domains, "role": role} | extra
        )
        assert payload["errors"] == [], payload["errors"]
        return payload["apiKey"], payload["secret"]

    return make


@pytest.fixture
def reseller(client, make_key, domains):
    """A client acting through a full key that reaches a.test only."""
    _key, secret = make_key("reseller", domains=["a.test"])
    return client.as_token(secret)


@pytest.fixture
def impersonate(admin, client):
    """Start an impersonation as the system administrator; returns its client."""

    def start(**whom):
        payload = admin.mutate(IMPERSONATE, whom)
        assert payload["errors"] == [], payload["errors"]
        return client.as_token(payload["token"])

    return start


@pytest.fixture
def boss_a(client, domains):
    """a.test's own administrator, logged in."""
    return client.as_token(client.login("boss@a.test", PASSWORD))


@pytest.fixture
def clock(monkeypatch):
    """The login throttle's notion of now, moved by hand."""
    now = [utcnow()]
    monkeypatch.setattr(throttle, "utcnow", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    return advance
