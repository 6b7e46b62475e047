"""API keys: created once with their secret, listed, used, expired, revoked."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from core.db import session_scope
from core.models import ApiKey
from core.services.api_keys import hash_secret
from tests.core.schema.admin.documents import (
    API_KEYS,
    CREATE_DOMAIN,
    CREATE_KEY,
    DOMAINS,
    IMPERSONATE,
    ME,
    PASSWORD,
    REVOKE_KEY,
)
from tests.graphql_client import error_codes

UPDATE_DOMAIN = """
mutation { updateDomain(input: {name: "a.test", hostname: "mx.a.test"}) {
  errors { code } } }
"""


def _stored_key(runtime, name: str) -> ApiKey:
    with session_scope(runtime.engine, write=False) as session:
        return session.exec(select(ApiKey).where(ApiKey.name == name)).one()


def test_create_key_shows_secret_once_stored_hashed(runtime, make_key, domains):
    key, secret = make_key("portal", domains=["a.test", "b.test"], role="READ_ONLY")

    stored = _stored_key(runtime, "portal")
    assert secret.startswith("mpk_") and len(secret) > 40
    assert stored.secret_hash == hash_secret(secret)
    assert secret not in stored.model_dump_json()
    assert key["prefix"] == secret[:12]
    assert (key["role"], key["domains"]) == ("READ_ONLY", ["a.test", "b.test"])


def test_api_keys_list_never_shows_secrets(admin, make_key):
    make_key("one")
    make_key("two")

    data = admin.execute(API_KEYS)

    assert data["apiKeys"]["totalCount"] == 2
    assert [node["name"] for node in data["apiKeys"]["nodes"]] == ["two", "one"]
    assert all(node["domains"] is None for node in data["apiKeys"]["nodes"])


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "  "}, "INVALID"),
        ({"domains": ["missing.test"]}, "DOMAIN_NOT_FOUND"),
        ({"expiresAt": "2001-01-01T00:00:00Z"}, "EXPIRY_IN_PAST"),
    ],
    ids=["blank-name", "unknown-domain", "past-expiry"],
)
def test_create_key_rejects_bad_input(admin, domains, changes, code):
    input = {"name": "portal", "role": "FULL"} | changes

    payload = admin.mutate(CREATE_KEY, input)

    assert error_codes(payload) == [code]
    assert admin.execute(API_KEYS)["apiKeys"]["totalCount"] == 0


def test_create_key_rejects_duplicate_name(admin, make_key):
    make_key("portal")

    payload = admin.mutate(CREATE_KEY, {"name": "portal", "role": "FULL"})

    assert error_codes(payload) == ["API_KEY_EXISTS"]


def test_key_authenticates_and_records_last_use(client, runtime, make_key, domains):
    _key, secret = make_key("portal", domains=["a.test"])

    me = client.as_token(secret).execute(ME)["me"]

    assert me == {
        "role": "API_KEY",
        "name": "portal",
        "domain": None,
        "impersonatedBy": None,
    }
    assert _stored_key(runtime, "portal").last_used_at is not None


def test_revoked_key_is_refused_like_no_key(admin, client, make_key):
    key, secret = make_key("portal")

    payload = admin.mutate(REVOKE_KEY, {"id": key["id"]})

    assert payload["errors"] == [] and payload["apiKey"]["revokedAt"]
    assert client.as_token(secret).execute(ME)["me"] is None
    assert admin.execute(API_KEYS)["apiKeys"]["totalCount"] == 0
    assert admin.execute(API_KEYS, {"includeRevoked": True})["apiKeys"]["totalCount"]


def test_expired_key_is_refused_like_no_key(client, runtime, make_key):
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    _key, secret = make_key("portal", expiresAt=soon)
    with session_scope(runtime.engine) as session:
        past = datetime.now(UTC) - timedelta(seconds=1)
        session.execute(update(ApiKey).values(expires_at=past))

    me = client.as_token(secret).execute(ME)["me"]

    assert me is None


def test_revoke_unknown_key_is_not_found(admin):
    payload = admin.mutate(REVOKE_KEY, {"id": "999"})

    assert error_codes(payload) == ["API_KEY_NOT_FOUND"]


def test_read_only_key_reads_but_never_mutates(client, make_key, domains):
    _key, secret = make_key("viewer", domains=["a.test"], role="READ_ONLY")
    viewer = client.as_token(secret)

    listed = viewer.execute(DOMAINS)["domains"]
    changed = viewer.execute(UPDATE_DOMAIN)["updateDomain"]

    assert [node["name"] for node in listed["nodes"]] == ["a.test"]
    assert error_codes(changed) == ["PERMISSION_DENIED"]


def test_whole_server_key_acts_as_system_admin(client, make_key, domains):
    _key, secret = make_key("operator")
    operator = client.as_token(secret)

    listed = operator.execute(DOMAINS)["domains"]
    created = operator.mutate(
        CREATE_DOMAIN,
        {"name": "c.test", "adminUsername": "boss", "adminPassword": PASSWORD},
    )

    assert listed["totalCount"] == 2
    assert created["errors"] == []


@pytest.mark.parametrize("caller", ["key", "domain_admin", "impersonation"])
def test_only_system_admins_manage_keys(
    admin, client, make_key, domains, boss_a, caller
):
    if caller == "key":
        caller_client = client.as_token(make_key("operator")[1])
    elif caller == "domain_admin":
        caller_client = boss_a
    else:
        started = admin.mutate(IMPERSONATE, {"name": "a.test"})
        caller_client = client.as_token(started["token"])

    created = caller_client.mutate(CREATE_KEY, {"name": "mine", "role": "FULL"})
    listed = caller_client.raw(API_KEYS)

    assert error_codes(created) == ["PERMISSION_DENIED"]
    assert listed["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
