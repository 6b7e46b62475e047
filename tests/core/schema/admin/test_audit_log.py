"""The audit log: who did what, with each field before and after, to whom."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import AuditEntry
from core.models.audit import AuditEntryImmutable
from tests.core.schema.admin.documents import AUDIT_LOG, CREATE_DOMAIN, PASSWORD
from tests.graphql_client import error_codes

UPDATE_DOMAIN = """
mutation { updateDomain(input: {name: "a.test", hostname: "mx.a.test",
  settings: {misc: {calendarAutoCleanMonths: 3}}}) { errors { code } } }
"""
SET_PASSWORD = """
mutation { updateUser(input: {email: "boss@a.test", password: "new-secret-99"}) {
  errors { code } } }
"""
DELETE_B = 'mutation { deleteDomain(input: {name: "b.test"}) { errors { code } } }'


def _entries(client, **filters) -> list[dict]:
    variables = {"filter": filters or None, "first": 100}
    return client.execute(AUDIT_LOG, variables)["auditLog"]["nodes"]


def _changes(entry: dict) -> dict[str, tuple]:
    return {
        change["field"]: (change["before"], change["after"])
        for change in entry["changes"]
        if change["object"] is None
    }


def test_update_records_each_field_before_after(admin, domains):
    admin.execute(UPDATE_DOMAIN)

    entry = _entries(admin, action="updateDomain")[0]

    assert (entry["targetKind"], entry["target"]) == ("domain", "a.test")
    assert (entry["actor"], entry["actorKind"]) == ("admin", "system_admin")
    assert (entry["outcome"], entry["domain"]) == ("SUCCEEDED", "a.test")
    assert entry["address"] == "testclient"
    changes = _changes(entry)
    assert changes["hostname"] == ("mail.a.test", "mx.a.test")
    assert changes["settings.misc.calendarAutoCleanMonths"] == (0, 3)


def test_password_change_records_only_that_it_changed(admin, domains):
    admin.execute(SET_PASSWORD)

    entry = _entries(admin, action="updateUser")[0]

    change = next(c for c in entry["changes"] if c["field"] == "passwordHash")
    assert change == {
        "object": None,
        "field": "passwordHash",
        "before": None,
        "after": None,
        "redacted": True,
    }
    assert "new-secret-99" not in json.dumps(_entries(admin))


def test_refused_mutation_records_attempt_and_code(boss_a, admin, domains):
    payload = boss_a.execute(DELETE_B)["deleteDomain"]

    entry = _entries(admin, action="deleteDomain")[0]

    assert error_codes(payload) == ["PERMISSION_DENIED"]
    assert (entry["outcome"], entry["errorCode"]) == ("REFUSED", "PERMISSION_DENIED")
    assert (entry["actor"], entry["target"]) == ("boss@a.test", "b.test")
    assert entry["changes"] == []


def test_domain_admin_reads_only_own_domain(boss_a, admin, domains):
    admin.execute(UPDATE_DOMAIN)
    admin.execute(DELETE_B)

    entries = _entries(boss_a)

    assert {entry["domain"] for entry in entries} == {"a.test"}
    assert {entry["action"] for entry in entries} >= {"updateDomain", "login"}


def test_domain_admin_other_domain_filter_not_found(boss_a, domains):
    body = boss_a.raw(AUDIT_LOG, {"filter": {"domain": "b.test"}})

    assert body["errors"][0]["extensions"]["code"] == "DOMAIN_NOT_FOUND"
    assert body["errors"][0]["extensions"]["field"] == "filter.domain"


def test_users_may_not_read_audit_log(admin, client, domains):
    admin.execute(
        'mutation { createUser(input: {email: "u@a.test", password: "pw-123456"})'
        " { errors { code } } }"
    )
    user = client.as_token(client.login("u@a.test", PASSWORD))

    body = user.raw(AUDIT_LOG)

    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def test_audit_log_filters_by_actor_action_time(admin, boss_a, domains):
    admin.execute(UPDATE_DOMAIN)
    boss_a.execute(DELETE_B)
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()

    by_boss = _entries(admin, actor="boss@a.test")
    updates = _entries(admin, action="updateDomain")
    future = _entries(admin, **{"from": later})
    past = _entries(admin, to=later)

    assert {entry["actor"] for entry in by_boss} == {"boss@a.test"}
    assert [entry["action"] for entry in updates] == ["updateDomain"]
    assert future == [] and len(past) == len(_entries(admin))


def test_system_admin_filters_deleted_domain_history(admin, domains):
    admin.execute(
        'mutation { updateDomain(input: {name: "b.test", hostname: "mx.b.test"})'
        " { errors { code } } }"
    )
    admin.execute(DELETE_B)

    actions = [entry["action"] for entry in _entries(admin, domain="b.test")]

    assert actions == ["deleteDomain", "updateDomain"]


def test_audit_log_pages_newest_first(admin, domains):
    for months in (1, 2, 3):
        admin.execute(UPDATE_DOMAIN.replace("3}", f"{months}}}"))

    first = admin.execute(
        AUDIT_LOG, {"filter": {"action": "updateDomain"}, "first": 2}
    )["auditLog"]
    rest = admin.execute(
        AUDIT_LOG,
        {
            "filter": {"action": "updateDomain"},
            "first": 2,
            "after": first["pageInfo"]["endCursor"],
        },
    )["auditLog"]

    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"]
    months = [
        _changes(entry)["settings.misc.calendarAutoCleanMonths"][1]
        for entry in first["nodes"] + rest["nodes"]
    ]
    assert months == [3, 2, 1]


def test_new_domain_inherits_no_earlier_history(admin, client, domains):
    admin.execute(DELETE_B)
    admin.mutate(
        CREATE_DOMAIN,
        {"name": "c.test", "adminUsername": "boss", "adminPassword": PASSWORD},
    )
    boss_c = client.as_token(client.login("boss@c.test", PASSWORD))

    domains_seen = {entry["domain"] for entry in _entries(boss_c)}

    assert domains_seen == {"c.test"}


def test_reseller_key_reads_its_domains_entries(admin, reseller, domains):
    admin.execute(UPDATE_DOMAIN)
    admin.execute(DELETE_B)

    entries = _entries(reseller)
    refused = reseller.raw(AUDIT_LOG, {"filter": {"domain": "b.test"}})

    assert entries and {entry["domain"] for entry in entries} == {"a.test"}
    assert refused["errors"][0]["extensions"]["code"] == "DOMAIN_NOT_FOUND"


def test_audit_entries_cannot_be_changed(runtime, admin, domains):
    admin.execute(UPDATE_DOMAIN)

    with pytest.raises(AuditEntryImmutable), session_scope(runtime.engine) as session:
        entry = session.exec(select(AuditEntry)).first()
        entry.actor = "someone else"
    with pytest.raises(AuditEntryImmutable), session_scope(runtime.engine) as session:
        session.delete(session.exec(select(AuditEntry)).first())

    assert _entries(admin, actor="someone else") == []


def test_schema_offers_no_way_to_edit_entries(app):
    mutations = app.state.schema._schema.mutation_type.fields

    assert [name for name in mutations if "audit" in name.lower()] == []
