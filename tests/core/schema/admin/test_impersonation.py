"""Impersonation: a short session that is the domain administrator, no more."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from core.db import session_scope
from core.models import AuthToken
from tests.core.schema.admin.documents import (
    AUDIT_LOG,
    CREATE_DOMAIN,
    CREATE_KEY,
    DOMAINS,
    END_IMPERSONATION,
    IMPERSONATE,
    ME,
    PASSWORD,
)
from tests.graphql_client import error_codes

CREATE_USER = """
mutation { createUser(input: {email: "new@$domain", password: "pw-123456"}) {
  errors { code } } }
"""
SERVER_SETTINGS = "query { serverSettings { twoStepAvailable } }"


def test_impersonation_acts_as_primary_admin(impersonate, domains):
    session = impersonate(name="a.test")

    me = session.execute(ME)["me"]

    assert me == {
        "role": "DOMAIN_ADMIN",
        "name": "boss@a.test",
        "domain": "a.test",
        "impersonatedBy": "admin",
    }


def test_impersonation_by_admin_address(admin, impersonate, domains):
    document = CREATE_USER.replace("new@$domain", "second@a.test")
    admin.execute(document.replace("}) {", ", isDomainAdmin: true}) {"))

    me = impersonate(adminEmail="second@a.test").execute(ME)["me"]

    assert (me["name"], me["impersonatedBy"]) == ("second@a.test", "admin")


@pytest.mark.parametrize(
    ("whom", "code"),
    [
        ({"name": "missing.test"}, "DOMAIN_NOT_FOUND"),
        ({"adminEmail": "nobody@a.test"}, "USER_NOT_FOUND"),
        ({"name": "a.test", "adminEmail": "boss@a.test"}, "INVALID"),
        ({}, "INVALID"),
    ],
    ids=["unknown-domain", "unknown-admin", "both", "neither"],
)
def test_impersonate_rejects_bad_targets(admin, domains, whom, code):
    payload = admin.mutate(IMPERSONATE, whom)

    assert error_codes(payload) == [code]


def test_impersonate_refuses_plain_user_address(admin, domains):
    admin.execute(CREATE_USER.replace("new@$domain", "plain@a.test"))

    payload = admin.mutate(IMPERSONATE, {"adminEmail": "plain@a.test"})

    assert error_codes(payload) == ["NOT_DOMAIN_ADMIN"]


def test_impersonation_does_what_domain_admin_can(impersonate, domains):
    session = impersonate(name="a.test")

    own = session.execute(CREATE_USER.replace("$domain", "a.test"))["createUser"]
    other = session.execute(CREATE_USER.replace("$domain", "b.test"))["createUser"]

    assert own["errors"] == []
    assert error_codes(other) == ["DOMAIN_NOT_FOUND"]


def test_demoted_administrator_impersonated_loses_rights(admin, impersonate, domains):
    # Given an impersonation of a second administrator of a.test
    created = admin.execute(
        'mutation { createUser(input: {email: "second@a.test", password: '
        '"pw-123456", isDomainAdmin: true}) { errors { code } } }'
    )["createUser"]
    session = impersonate(adminEmail="second@a.test")

    # When that administrator is demoted
    demoted = admin.execute(
        'mutation { updateUser(input: {email: "second@a.test", '
        "isDomainAdmin: false}) { errors { code } } }"
    )["updateUser"]

    # Then the impersonation acts as the user it now is
    me = session.execute(ME)["me"]
    refused = session.execute(CREATE_USER.replace("$domain", "a.test"))["createUser"]
    assert created["errors"] == demoted["errors"] == []
    assert me["role"] == "USER"
    assert error_codes(refused) != []


def test_impersonation_gains_nothing_beyond_domain_admin(impersonate, domains):
    session = impersonate(name="a.test")

    listed = session.execute(DOMAINS)["domains"]
    settings = session.raw(SERVER_SETTINGS)
    created = session.mutate(
        CREATE_DOMAIN,
        {"name": "c.test", "adminUsername": "boss", "adminPassword": PASSWORD},
    )
    key = session.mutate(CREATE_KEY, {"name": "sneaky", "role": "FULL"})
    again = session.mutate(IMPERSONATE, {"name": "b.test"})

    assert [node["name"] for node in listed["nodes"]] == ["a.test"]
    assert settings["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert error_codes(created) == ["PERMISSION_DENIED"]
    assert error_codes(key) == ["PERMISSION_DENIED"]
    assert error_codes(again) == ["PERMISSION_DENIED"]


def test_impersonation_expires_within_half_hour(admin, client, runtime, domains):
    payload = admin.mutate(IMPERSONATE, {"name": "a.test"})
    expires = datetime.fromisoformat(payload["expiresAt"])
    with session_scope(runtime.engine) as session:
        past = datetime.now(UTC) - timedelta(seconds=1)
        session.execute(
            update(AuthToken)
            .where(AuthToken.impersonator_id.is_not(None))
            .values(expires_at=past)
        )

    me = client.as_token(payload["token"]).execute(ME)["me"]

    assert expires <= datetime.now(UTC) + timedelta(minutes=30)
    assert me is None


def test_end_impersonation_revokes_the_session(impersonate, domains):
    session = impersonate(name="a.test")

    payload = session.execute(END_IMPERSONATION)["endImpersonation"]

    assert payload == {"admin": "boss@a.test", "errors": []}
    assert session.execute(ME)["me"] is None


def test_admin_ends_impersonation_by_its_token(admin, client, domains):
    token = admin.mutate(IMPERSONATE, {"name": "a.test"})["token"]

    payload = admin.mutate(END_IMPERSONATION, {"token": token})

    assert payload["errors"] == []
    assert client.as_token(token).execute(ME)["me"] is None


def test_end_impersonation_needs_an_impersonation(admin, boss_a, domains):
    own = boss_a.execute(END_IMPERSONATION)["endImpersonation"]
    wrong = admin.mutate(END_IMPERSONATION, {"token": "not-a-token"})

    assert error_codes(own) == ["NOT_IMPERSONATING"]
    assert error_codes(wrong) == ["IMPERSONATION_NOT_FOUND"]


def test_only_system_admins_impersonate(boss_a, client, make_key, domains):
    key = client.as_token(make_key("operator")[1])

    by_admin = boss_a.mutate(IMPERSONATE, {"name": "a.test"})
    by_key = key.mutate(IMPERSONATE, {"name": "a.test"})

    assert error_codes(by_admin) == ["PERMISSION_DENIED"]
    assert error_codes(by_key) == ["PERMISSION_DENIED"]


def test_impersonation_start_and_end_are_audited(admin, impersonate, domains):
    session = impersonate(name="a.test")
    session.execute(CREATE_USER.replace("$domain", "a.test"))
    session.execute(END_IMPERSONATION)

    entries = admin.execute(AUDIT_LOG, {"filter": {"domain": "a.test"}})
    nodes = entries["auditLog"]["nodes"]

    actions = [(n["action"], n["actor"], n["onBehalfOf"]) for n in nodes[:3]]
    assert actions == [
        ("endImpersonation", "admin", "boss@a.test"),
        ("createUser", "admin", "boss@a.test"),
        ("impersonateDomain", "admin", None),
    ]
    started = nodes[2]
    assert started["target"] == "a.test"
    assert {"field": "impersonating", "after": "boss@a.test"}.items() <= next(
        c for c in started["changes"] if c["field"] == "impersonating"
    ).items()
