"""deleteUser: places are freed, files go only when asked."""

from tests.core.schema.users.accounts import create_user, set_domain_settings
from tests.graphql_client import error_codes

DELETE = """
mutation Delete($input: UserDeleteInput!) {
  deleteUser(input: $input) { deletedEmail errors { field code } }
}
"""

COUNTS = """
query Domain($name: String!) { domain(name: $name) { userCount } }
"""


def _folder(config, local_part):
    return config.data_dir / "domains" / "a.test" / local_part


def test_delete_user_frees_place_keeps_files(admin, domain_a, config):
    set_domain_settings(admin, "a.test", {"limits": {"users": 2}})
    create_user(admin, "bob@a.test")

    payload = admin.mutate(DELETE, {"email": "bob@a.test"})

    assert payload == {"deletedEmail": "bob@a.test", "errors": []}
    assert admin.execute(COUNTS, {"name": "a.test"})["domain"]["userCount"] == 1
    assert _folder(config, "bob").is_dir()
    create_user(admin, "carol@a.test")


def test_delete_user_removes_files_when_asked(admin, domain_a, config):
    create_user(admin, "bob@a.test")

    payload = admin.mutate(DELETE, {"email": "bob@a.test", "deleteFiles": True})

    assert payload["errors"] == []
    assert not _folder(config, "bob").exists()


def test_delete_user_refuses_primary_admin(admin, domain_a, config):
    payload = admin.mutate(DELETE, {"email": "boss@a.test", "deleteFiles": True})

    assert error_codes(payload) == ["PRIMARY_ADMIN"]
    assert _folder(config, "boss").is_dir()


def test_user_cannot_delete_own_account(alice):
    payload = alice.mutate(DELETE, {"email": "alice@a.test"})

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_domain_admin_deletes_only_own_users(admin, boss, domain_b):
    create_user(admin, "bob@a.test")
    create_user(admin, "bob@b.test")

    assert boss.mutate(DELETE, {"email": "bob@a.test"})["errors"] == []
    assert error_codes(boss.mutate(DELETE, {"email": "bob@b.test"})) == [
        "USER_NOT_FOUND"
    ]


def test_delete_unknown_user_is_not_found(admin, domain_a):
    payload = admin.mutate(DELETE, {"email": "ghost@a.test"})

    assert error_codes(payload) == ["USER_NOT_FOUND"]
