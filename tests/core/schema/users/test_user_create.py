"""createUser: fields, folder, limits, features and bad input."""

import pytest

from tests.core.schema.users.accounts import PASSWORD, set_domain_settings
from tests.graphql_client import error_codes

CREATE = """
mutation Create($input: UserCreateInput!) {
  createUser(input: $input) {
    user {
      email domain displayName status isDomainAdmin isPrimaryAdmin authType
      mailboxSizeMb diskUsedBytes lastLoginAt
      profile { title fullName birthday mobilePhone workAddress jobTitle }
      forwarding { allowed keepCopy addresses }
      settings { serviceAccess { pop imap smtp webmail } }
    }
    errors { field code }
  }
}
"""

COUNTS = """
query Domain($name: String!) { domain(name: $name) { userCount } }
"""


def _create(client, **fields):
    return client.mutate(CREATE, {"password": PASSWORD, **fields})


def test_create_user_returns_every_field(admin, domain_a):
    payload = _create(
        admin,
        email="Jane.Doe@A.TEST",
        displayName="Jane Doe",
        mailboxSizeMb=200,
        profile={"title": "Dr.", "fullName": "Jane Q. Doe", "birthday": "1980-02-29"},
        forwarding={"addresses": ["Jane@Elsewhere.example"]},
        settings={"serviceAccess": {"pop": False}},
    )

    assert payload["errors"] == []
    user = payload["user"]
    assert user["email"] == "jane.doe@a.test"
    assert user["domain"] == "a.test"
    assert (user["status"], user["authType"]) == ("ENABLED", "PASSWORD")
    assert (user["isDomainAdmin"], user["isPrimaryAdmin"]) == (False, False)
    assert (user["mailboxSizeMb"], user["diskUsedBytes"]) == (200, 0)
    assert user["lastLoginAt"] is None
    assert user["profile"]["birthday"] == "1980-02-29"
    assert user["profile"]["title"] == "Dr."
    assert user["forwarding"]["addresses"] == ["jane@elsewhere.example"]
    assert user["settings"]["serviceAccess"] == {
        "pop": False,
        "imap": True,
        "smtp": True,
        "webmail": True,
    }


def test_create_user_makes_folder_and_counts(admin, domain_a, config):
    _create(admin, email="bob@a.test")

    data = admin.execute(COUNTS, {"name": "a.test"})
    assert data["domain"]["userCount"] == 2
    assert (config.data_dir / "domains" / "a.test" / "bob").is_dir()


def test_create_user_refuses_taken_address(admin, domain_a):
    payload = _create(admin, email="boss@a.test")

    assert error_codes(payload) == ["USER_EXISTS"]
    assert admin.execute(COUNTS, {"name": "a.test"})["domain"]["userCount"] == 1


def test_create_user_stops_at_domain_limit(admin, domain_a):
    set_domain_settings(admin, "a.test", {"limits": {"users": 2}})
    assert _create(admin, email="one@a.test")["errors"] == []

    payload = _create(admin, email="two@a.test")

    assert error_codes(payload) == ["USER_LIMIT_REACHED"]
    assert admin.execute(COUNTS, {"name": "a.test"})["domain"]["userCount"] == 2


def test_create_user_forwarding_needs_domain_feature(admin, domain_a, config):
    set_domain_settings(admin, "a.test", {"features": {"automatedForwarding": False}})

    payload = _create(
        admin, email="fw@a.test", forwarding={"addresses": ["x@elsewhere.example"]}
    )

    assert error_codes(payload) == ["FORWARDING_NOT_ALLOWED"]
    assert not (config.data_dir / "domains" / "a.test" / "fw").exists()


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"email": "not an address"}, "INVALID_ADDRESS", "email"),
        ({"email": ".hidden@a.test"}, "INVALID_ADDRESS", "email"),
        ({"email": "x" * 65 + "@a.test"}, "INVALID_ADDRESS", "email"),
        ({"email": "x@a.test", "password": "short"}, "WEAK_PASSWORD", "password"),
        ({"email": "x@nowhere.test"}, "DOMAIN_NOT_FOUND", "email"),
        ({"email": "x@a.test", "mailboxSizeMb": -1}, "INVALID", "mailboxSizeMb"),
        (
            {"email": "x@a.test", "mailboxSizeMb": 501},
            "MAILBOX_SIZE_TOO_LARGE",
            "mailboxSizeMb",
        ),
        (
            {"email": "x@a.test", "authType": "DIRECTORY"},
            "DIRECTORY_NOT_ALLOWED",
            "authType",
        ),
        (
            {"email": "x@a.test", "profile": {"birthday": "1800-01-01"}},
            "INVALID",
            "profile.birthday",
        ),
        (
            {"email": "x@a.test", "profile": {"jobTitle": "x" * 129}},
            "INVALID",
            "profile.jobTitle",
        ),
        (
            {"email": "x@a.test", "forwarding": {"addresses": ["x@a.test"]}},
            "FORWARDING_LOOP",
            "forwarding.addresses",
        ),
        (
            {"email": "x@a.test", "forwarding": {"addresses": ["nope"]}},
            "INVALID_ADDRESS",
            "forwarding.addresses",
        ),
    ],
    ids=[
        "bad-address",
        "leading-dot",
        "local-part-over-64",
        "weak-password",
        "unknown-domain",
        "negative-size",
        "size-over-domain",
        "directory-off",
        "old-birthday",
        "long-job-title",
        "forward-to-self",
        "bad-forward",
    ],
)
def test_create_user_refuses_bad_input_wholly(
    admin, domain_a, config, fields, code, field
):
    payload = _create(admin, **{"email": "x@a.test", **fields})

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert payload["user"] is None
    assert admin.execute(COUNTS, {"name": "a.test"})["domain"]["userCount"] == 1
    assert not (config.data_dir / "domains" / "a.test" / "x").exists()


def test_domain_admin_creates_user_in_own_domain(boss):
    payload = _create(boss, email="carol@a.test", isDomainAdmin=True)

    assert payload["errors"] == []
    assert payload["user"]["isDomainAdmin"] is True


def test_domain_admin_cannot_create_elsewhere(boss, domain_b):
    payload = _create(boss, email="carol@b.test")

    assert error_codes(payload) == ["DOMAIN_NOT_FOUND"]


def test_domain_admin_settings_limited_to_allowed_fields(boss, domain_a):
    payload = _create(
        boss, email="carol@a.test", settings={"serviceAccess": {"imap": False}}
    )

    assert payload["errors"] == []
    assert payload["user"]["settings"]["serviceAccess"]["imap"] is False


def test_user_cannot_create_users(alice):
    payload = _create(alice, email="mallory@a.test")

    assert error_codes(payload) == ["DOMAIN_NOT_FOUND"]
