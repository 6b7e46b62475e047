"""App passwords: created once, listed with last use, revoked, verified."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import User
from plugins.twostep.app_passwords import MAX_PER_USER, verify_app_password
from tests.graphql_client import error_codes
from tests.plugin_support import add_domain
from tests.plugins.twostep.conftest import log_in, set_up_authenticator

CREATE = """
mutation Create($input: AppPasswordCreateInput!) {
  createAppPassword(input: $input) {
    appPassword { id name password lastUsedAt } errors { field code }
  }
}
"""
REVOKE = """
mutation Revoke($input: AppPasswordRevokeInput!) {
  revokeAppPassword(input: $input) { ok errors { field code } }
}
"""
LIST = """
query List($email: String) {
  appPasswords(email: $email) { totalCount nodes { name password lastUsedAt } }
}
"""
PAGE = """
query Page($after: String) {
  appPasswords(first: 2, after: $after) {
    totalCount nodes { name } pageInfo { hasNextPage endCursor }
  }
}
"""
CREATE_KEY = """
mutation Create($input: ApiKeyCreateInput!) {
  createApiKey(input: $input) { secret errors { code } }
}
"""
UPDATE_DOMAIN = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) { errors { field code } }
}
"""


@pytest.fixture
def protected(alice, clock):
    """alice@a.test with an authenticator on."""
    set_up_authenticator(alice, clock)
    return alice


def create(user, name: str = "phone") -> dict:
    return user.mutate(CREATE, {"name": name})


def verify(runtime, local_part: str, password: str) -> bool:
    with session_scope(runtime.engine) as session:
        user = session.execute(
            select(User).where(User.local_part == local_part)
        ).scalar_one()
        return verify_app_password(session, user, password)


def test_app_password_is_shown_once(protected):
    created = create(protected)["appPassword"]

    listed = protected.execute(LIST)["appPasswords"]

    assert len(created["password"].replace("-", "")) == 16
    assert listed == {
        "totalCount": 1,
        "nodes": [{"name": "phone", "password": None, "lastUsedAt": None}],
    }


def test_app_password_needs_two_step_on(alice):
    assert error_codes(create(alice)) == ["TWO_STEP_REQUIRED"]


def test_verified_app_password_notes_its_use(protected, twostep_runtime):
    password = create(protected)["appPassword"]["password"]

    good = verify(twostep_runtime, "alice", password.upper().replace("-", " "))
    wrong = verify(twostep_runtime, "alice", "abcd-efgh-ijkl-mnop")
    other_user = verify(twostep_runtime, "bob", password)

    assert (good, wrong, other_user) == (True, False, False)
    [node] = protected.execute(LIST)["appPasswords"]["nodes"]
    assert node["lastUsedAt"] is not None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "INVALID_NAME"),
        ("x" * 65, "INVALID_NAME"),
        ("phone", "APP_PASSWORD_NAME_TAKEN"),
    ],
    ids=["empty", "too-long", "taken"],
)
def test_app_password_name_refusals(protected, name, code):
    create(protected, "phone")

    payload = create(protected, name)

    assert payload["errors"] == [{"field": "name", "code": code}]


def test_app_passwords_are_limited_per_user(protected):
    for n in range(MAX_PER_USER):
        create(protected, f"client {n}")

    assert error_codes(create(protected, "one more")) == ["APP_PASSWORD_LIMIT_REACHED"]


def test_app_passwords_page_with_cursors(protected):
    for name in ("a", "b", "c"):
        create(protected, name)

    first = protected.execute(PAGE)["appPasswords"]
    after = first["pageInfo"]["endCursor"]
    second = protected.execute(PAGE, {"after": after})["appPasswords"]

    assert [n["name"] for n in first["nodes"]] == ["a", "b"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [n["name"] for n in second["nodes"]] == ["c"]
    assert second["totalCount"] == 3


def test_revoked_app_password_stops_working(protected, twostep_runtime):
    created = create(protected)["appPassword"]

    payload = protected.mutate(REVOKE, {"id": created["id"]})

    assert payload == {"ok": True, "errors": []}
    assert verify(twostep_runtime, "alice", created["password"]) is False


def test_domain_admin_sees_passwords_where_features_allow(client, admin, protected):
    password = create(protected)["appPassword"]["password"]
    boss = log_in(client, "admin@a.test")
    hidden = boss.execute(LIST, {"email": "alice@a.test"})["appPasswords"]
    admin.mutate(
        UPDATE_DOMAIN,
        {
            "name": "a.test",
            "settings": {"features": {"showPasswordsToDomainAdmins": True}},
        },
    )

    shown = boss.execute(LIST, {"email": "alice@a.test"})["appPasswords"]
    own = protected.execute(LIST)["appPasswords"]

    assert hidden["nodes"][0]["password"] is None
    assert shown["nodes"][0]["password"] == password
    assert own["nodes"][0]["password"] is None


@pytest.mark.parametrize(
    ("domains", "role"),
    [(None, "READ_ONLY"), (["a.test"], "READ_ONLY"), (["a.test"], "FULL")],
    ids=["server-read-only", "domain-read-only", "domain-full"],
)
def test_api_keys_never_see_passwords(client, admin, protected, domains, role):
    create(protected)
    admin.mutate(
        UPDATE_DOMAIN,
        {
            "name": "a.test",
            "settings": {"features": {"showPasswordsToDomainAdmins": True}},
        },
    )
    made = admin.mutate(
        CREATE_KEY, {"name": "portal", "domains": domains, "role": role}
    )
    key = client.as_token(made["secret"])

    listed = key.execute(LIST, {"email": "alice@a.test"})["appPasswords"]

    assert listed["totalCount"] == 1
    assert listed["nodes"][0]["password"] is None


def test_domain_admin_revokes_a_users_app_password(client, protected):
    created = create(protected)["appPassword"]
    boss = log_in(client, "admin@a.test")

    payload = boss.mutate(REVOKE, {"id": created["id"]})

    assert payload["errors"] == []
    assert protected.execute(LIST)["appPasswords"]["totalCount"] == 0


def test_outsiders_cannot_see_or_revoke(client, protected, twostep_runtime):
    created = create(protected)["appPassword"]
    add_domain(twostep_runtime, "b.test")
    outsider = log_in(client, "admin@b.test")
    bob = log_in(client, "bob@a.test")

    listed = outsider.raw(LIST, {"email": "alice@a.test"})
    revoked = [u.mutate(REVOKE, {"id": created["id"]}) for u in (outsider, bob)]
    missing = bob.mutate(REVOKE, {"id": "999999"})
    malformed = bob.mutate(REVOKE, {"id": "x"})

    assert listed["errors"][0]["extensions"]["code"] == "USER_NOT_FOUND"
    assert [error_codes(p) for p in revoked] == [["APP_PASSWORD_NOT_FOUND"]] * 2
    assert error_codes(missing) == error_codes(malformed) == ["APP_PASSWORD_NOT_FOUND"]
