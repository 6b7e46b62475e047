"""API keys as principals: scope, role, expiry, and when their use is noted."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from core.db import session_scope
from core.errors import PermissionDenied
from core.models import ApiKey, Domain, SystemAdmin
from core.principal import Principal, Role
from core.services.api_keys import (
    ApiKeyCreate,
    ApiKeyRole,
    authenticate_api_key,
    create_api_key,
    refuse_read_only,
)
from core.services.auth import authenticate
from core.services.scope import administers
from tests.workers.support import make_domain


def _root(session) -> Principal:
    admin = session.exec(select(SystemAdmin)).one()
    return Principal(Role.SYSTEM_ADMIN, admin.username, system_admin_id=admin.id)


def _create(runtime, data: ApiKeyCreate) -> str:
    with session_scope(runtime.engine) as session:
        _row, secret = create_api_key(session, _root(session), data)
    return secret


def _principal(runtime, secret: str) -> Principal | None:
    with session_scope(runtime.engine, write=False) as session:
        return authenticate(session, secret)


def test_scoped_key_administers_only_its_domains(runtime):
    a, b = make_domain(runtime, "a.test"), make_domain(runtime, "b.test")
    secret = _create(runtime, ApiKeyCreate("r", ApiKeyRole.FULL, ["a.test"]))

    principal = _principal(runtime, secret)

    assert principal.role is Role.API_KEY and not principal.is_system_admin
    assert principal.key_domain_ids == frozenset({a.id})
    assert administers(principal, a.id) and not administers(principal, b.id)


def test_server_wide_key_counts_as_system_admin(runtime):
    secret = _create(runtime, ApiKeyCreate("ops", ApiKeyRole.READ_ONLY))

    principal = _principal(runtime, secret)

    assert principal.is_system_admin and principal.read_only
    with pytest.raises(PermissionDenied):
        refuse_read_only(principal)


def test_key_of_emptied_scope_reaches_nothing(runtime):
    a = make_domain(runtime, "a.test")
    secret = _create(runtime, ApiKeyCreate("r", ApiKeyRole.FULL, ["a.test"]))
    with session_scope(runtime.engine) as session:
        session.delete(session.get(Domain, a.id))

    principal = _principal(runtime, secret)

    assert principal.key_domain_ids == frozenset()
    assert not principal.is_system_admin


def test_unknown_secret_authenticates_nobody(runtime):
    with session_scope(runtime.engine, write=False) as session:
        assert authenticate_api_key(session, "mpk_" + "x" * 43) is None


def test_last_use_is_written_once_a_minute(runtime):
    secret = _create(runtime, ApiKeyCreate("r", ApiKeyRole.FULL))
    _principal(runtime, secret)
    earlier = datetime.now(UTC) - timedelta(seconds=30)
    with session_scope(runtime.engine) as session:
        session.execute(update(ApiKey).values(last_used_at=earlier))

    _principal(runtime, secret)

    with session_scope(runtime.engine, write=False) as session:
        stored = session.exec(select(ApiKey)).one().last_used_at
    assert stored.replace(tzinfo=UTC) == earlier.replace(tzinfo=UTC)
