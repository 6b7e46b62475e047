"""changeDomainAdmin, setDomainStatus and deleteDomain."""

from pathlib import Path

import pytest

from tests.core.schema.domains.conftest import PASSWORD
from tests.graphql_client import error_codes

CHANGE_ADMIN = """
mutation Admin($input: DomainChangeAdminInput!) {
  changeDomainAdmin(input: $input) {
    domain { primaryAdmin userCount }
    errors { field code message }
  }
}
"""

SET_STATUS = """
mutation Status($input: DomainSetStatusInput!) {
  setDomainStatus(input: $input) {
    domain { name status }
    errors { field code message }
  }
}
"""

DELETE = """
mutation Delete($input: DomainDeleteInput!) {
  deleteDomain(input: $input) { deletedName errors { field code message } }
}
"""

LIMIT_USERS = """
mutation Limit($input: DomainUpdateInput!) {
  updateDomain(input: $input) { errors { code } }
}
"""

LIST = "query { domains { totalCount nodes { name } } }"

ME = "query { me { name } }"


class TestChangeDomainAdmin:
    def test_creates_new_user_as_admin(self, admin, client, domain, config):
        payload = admin.mutate(
            CHANGE_ADMIN,
            {"name": "example.com", "username": "Ann", "password": "ann-pass-1"},
        )

        assert payload["errors"] == []
        assert payload["domain"] == {"primaryAdmin": "ann@example.com", "userCount": 2}
        assert (Path(domain["folder"]) / "ann").is_dir()
        token = client.login("ann@example.com", "ann-pass-1")
        me = client.as_token(token).execute("{ me { role } }")
        assert me["me"]["role"] == "DOMAIN_ADMIN"

    def test_picks_existing_user_keeping_password(self, admin, client, domain):
        admin.mutate(
            CHANGE_ADMIN,
            {"name": "example.com", "username": "ann", "password": "ann-pass-1"},
        )

        payload = admin.mutate(
            CHANGE_ADMIN, {"name": "example.com", "username": "JDOE"}
        )

        assert payload["errors"] == []
        assert payload["domain"] == {"primaryAdmin": "jdoe@example.com", "userCount": 2}
        assert client.login("jdoe@example.com", PASSWORD)

    def test_resets_existing_users_password(self, admin, client, domain):
        admin.mutate(
            CHANGE_ADMIN,
            {"name": "example.com", "username": "jdoe", "password": "new-pass-1"},
        )

        assert client.login("jdoe@example.com", "new-pass-1")

    BAD = [
        pytest.param({"username": "ann"}, "REQUIRED", id="new-without-password"),
        pytest.param(
            {"username": "ann", "password": "short"}, "WEAK_PASSWORD", id="weak"
        ),
        pytest.param(
            {"username": "jdoe", "password": "short"}, "WEAK_PASSWORD", id="weak-reset"
        ),
        pytest.param({"username": "a/b", "password": PASSWORD}, "INVALID_ADDRESS"),
        pytest.param(
            {"name": "nowhere.com", "username": "ann", "password": PASSWORD},
            "DOMAIN_NOT_FOUND",
            id="unknown-domain",
        ),
    ]

    @pytest.mark.parametrize(("changes", "code"), BAD)
    def test_rejects_bad_input(self, admin, domain, snapshot, changes, code):
        before = snapshot()

        payload = admin.mutate(CHANGE_ADMIN, {"name": "example.com"} | changes)

        assert error_codes(payload) == [code]
        assert snapshot() == before

    def test_new_user_respects_user_limit(self, admin, domain, snapshot):
        admin.mutate(
            LIMIT_USERS, {"name": "example.com", "settings": {"limits": {"users": 1}}}
        )
        before = snapshot()

        payload = admin.mutate(
            CHANGE_ADMIN,
            {"name": "example.com", "username": "ann", "password": "ann-pass-1"},
        )

        assert error_codes(payload) == ["USER_LIMIT_REACHED"]
        assert snapshot() == before

    def test_refuses_domain_admin(self, domain_admin, snapshot):
        before = snapshot()

        payload = domain_admin.mutate(
            CHANGE_ADMIN,
            {"name": "example.com", "username": "ann", "password": "ann-pass-1"},
        )

        assert error_codes(payload) == ["PERMISSION_DENIED"]
        assert snapshot() == before


class TestSetDomainStatus:
    def test_disabled_domain_users_cannot_log_in(self, admin, client, domain):
        token = client.login("jdoe@example.com", PASSWORD)

        payload = admin.mutate(
            SET_STATUS, {"name": "example.com", "status": "DISABLED"}
        )

        assert payload["domain"] == {"name": "example.com", "status": "DISABLED"}
        login = client.raw(
            'mutation { login(input: {username: "jdoe@example.com", '
            'password: "' + PASSWORD + '"}) { token errors { code } } }'
        )
        assert login["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
        assert client.as_token(token).execute(ME)["me"] is None

    def test_enabled_again_users_log_in(self, admin, client, domain):
        admin.mutate(SET_STATUS, {"name": "example.com", "status": "DISABLED"})

        payload = admin.mutate(SET_STATUS, {"name": "example.com", "status": "ENABLED"})

        assert payload["domain"]["status"] == "ENABLED"
        assert client.login("jdoe@example.com", PASSWORD)

    def test_rejects_unknown_domain(self, admin, domain, snapshot):
        before = snapshot()

        payload = admin.mutate(
            SET_STATUS, {"name": "nowhere.com", "status": "DISABLED"}
        )

        assert error_codes(payload) == ["DOMAIN_NOT_FOUND"]
        assert snapshot() == before

    def test_rejects_unknown_status(self, admin, domain, snapshot):
        before = snapshot()

        body = admin.raw(
            SET_STATUS, {"input": {"name": "example.com", "status": "PAUSED"}}
        )

        assert body["data"] is None
        assert snapshot() == before

    def test_refuses_domain_admin(self, domain_admin, snapshot):
        before = snapshot()

        payload = domain_admin.mutate(
            SET_STATUS, {"name": "example.com", "status": "DISABLED"}
        )

        assert error_codes(payload) == ["PERMISSION_DENIED"]
        assert snapshot() == before


class TestDeleteDomain:
    def test_keeps_files_unless_asked(self, admin, client, domain):
        payload = admin.mutate(DELETE, {"name": "example.com"})

        assert payload == {"deletedName": "example.com", "errors": []}
        assert admin.execute(LIST)["domains"]["totalCount"] == 0
        assert Path(domain["folder"], "jdoe").is_dir()
        assert client.raw(
            'mutation { login(input: {username: "jdoe@example.com", '
            'password: "' + PASSWORD + '"}) { errors { code } } }'
        )["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]

    def test_removes_files_when_asked(self, admin, domain):
        payload = admin.mutate(DELETE, {"name": "example.com", "deleteFiles": True})

        assert payload["errors"] == []
        assert not Path(domain["folder"]).exists()

    def test_frees_name_and_folder(self, admin, domain, make_domain):
        admin.mutate(DELETE, {"name": "example.com", "deleteFiles": True})

        again = make_domain("example.com", "ann")

        assert again["folder"] == domain["folder"]

    def test_rejects_unknown_domain(self, admin, domain, snapshot):
        before = snapshot()

        payload = admin.mutate(DELETE, {"name": "nowhere.com", "deleteFiles": True})

        assert error_codes(payload) == ["DOMAIN_NOT_FOUND"]
        assert snapshot() == before

    def test_refuses_domain_admin(self, domain_admin, snapshot):
        before = snapshot()

        payload = domain_admin.mutate(
            DELETE, {"name": "example.com", "deleteFiles": True}
        )

        assert error_codes(payload) == ["PERMISSION_DENIED"]
        assert snapshot() == before
