"""The audit trail: rows a transaction changed, secrets left out, entries kept."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import AuditEntry, Domain, SystemAdmin
from core.principal import ANONYMOUS, Principal, Role
from core.services import audit
from core.services.audit_trail import change_item, is_secret, jsonable
from tests.workers.support import make_domain


def _context(principal=ANONYMOUS, address="192.0.2.1"):
    return SimpleNamespace(principal=principal, client_address=address)


def _entries(runtime) -> list[AuditEntry]:
    with session_scope(runtime.engine, write=False) as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))


def test_trail_records_updated_columns_only(runtime):
    make_domain(runtime, "a.test")

    with session_scope(runtime.engine) as session:
        audit.watch(session)
        domain = session.exec(select(Domain)).one()
        domain.hostname = "mx.a.test"
        domain.settings = {**domain.settings, "misc": {"logout_url": "https://x"}}
        audit.record_mutation(session, _context(), "updateDomain", None)

    entry = _entries(runtime)[-1]
    fields = {change["field"] for change in entry.changes}
    assert "hostname" in fields and "settings.misc.logoutUrl" in fields
    assert "name" not in fields
    assert (entry.target_kind, entry.target, entry.domain_name) == (
        "domain",
        "a.test",
        "a.test",
    )


def test_secret_columns_show_only_a_change(runtime):
    with session_scope(runtime.engine) as session:
        audit.watch(session)
        admin = session.exec(select(SystemAdmin)).one()
        admin.password_hash = "new-hash-value"
        audit.record_mutation(session, _context(), "changePassword", None)

    change = _entries(runtime)[-1].changes[0]
    assert change == {
        "object": None,
        "field": "passwordHash",
        "before": None,
        "after": None,
        "redacted": True,
    }


def test_secret_keys_inside_documents_are_scrubbed():
    item = change_item(None, "settings", None, {"relay": {"smtp_password": "pw"}})

    assert item["after"] == {"relay": {"smtpPassword": "(secret)"}}


def test_record_writes_impersonator_as_actor(runtime):
    principal = Principal(
        Role.DOMAIN_ADMIN, "boss@a.test", impersonator="admin", domain_id=None
    )
    changes = [{"field": "note", "before": 1, "after": 2}]

    with session_scope(runtime.engine) as session:
        audit.record(session, _context(principal), "custom", None, changes)

    entry = _entries(runtime)[-1]
    assert (entry.actor, entry.on_behalf_of) == ("admin", "boss@a.test")
    assert entry.address == "192.0.2.1"
    assert entry.changes[0]["redacted"] is False


def test_sessions_without_trail_record_nothing(runtime):
    make_domain(runtime, "a.test")

    assert [entry.action for entry in _entries(runtime)] == []


def test_values_become_json():
    moment = datetime(2026, 1, 2, tzinfo=UTC)

    assert jsonable({"at": moment, "ids": (1, 2), "role": Role.USER}) == {
        "at": "2026-01-02T00:00:00+00:00",
        "ids": [1, 2],
        "role": "user",
    }


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password_hash", True),
        ("settings.directory.bindPassword", True),
        ("token_hash", True),
        ("pending_secret", True),
        ("settings.features.showPasswordsToDomainAdmins", False),
        ("show_passwords_to_domain_admins", False),
        ("displayName", False),
    ],
)
def test_secrets_are_named_by_a_word_not_a_substring(name, secret):
    assert is_secret(name) is secret
