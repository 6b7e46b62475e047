"""userDefaults, updateUserDefaults and propagateUserDefaults over GraphQL."""

from tests.core.schema.templates import fake_plugin
from tests.core.schema.templates.conftest import make_domain
from tests.graphql_client import error_codes

DEFAULTS = """
query {
  userDefaults { settings { serviceAccess { pop imap } fakeSync { enabled label } } }
}
"""

UPDATE = """
mutation Update($input: UserDefaultsUpdateInput!) {
  updateUserDefaults(input: $input) {
    userDefaults { settings { serviceAccess { pop } fakeSync { enabled } } }
    errors { field code }
  }
}
"""

PROPAGATE = """
mutation Propagate($input: UserDefaultsPropagateInput!) {
  propagateUserDefaults(input: $input) {
    usersChanged
    refused { domain plugin }
    preview {
      domain users
      settings { path after usersChanging before { value users } }
    }
    errors { field code }
  }
}
"""


def test_user_defaults_list_core_and_plugin_sections(admin):
    data = admin.execute(DEFAULTS)

    assert data["userDefaults"]["settings"] == {
        "serviceAccess": {"pop": True, "imap": True},
        "fakeSync": {"enabled": False, "label": ""},
    }


def test_update_user_defaults_returns_saved_template(admin):
    payload = admin.mutate(
        UPDATE,
        {"settings": {"serviceAccess": {"pop": False}, "fakeSync": {"enabled": True}}},
    )

    assert payload["errors"] == []
    assert payload["userDefaults"]["settings"] == {
        "serviceAccess": {"pop": False},
        "fakeSync": {"enabled": True},
    }


def test_propagation_refuses_domain_over_its_accounts(admin, runtime):
    make_domain(runtime, "a.test", users=["u1"], accounts=1)
    make_domain(runtime, "b.test", users=["u1"], accounts=5)
    admin.mutate(UPDATE, {"settings": {"fakeSync": {"enabled": True}}})
    chosen = {"settings": ["fakeSync.enabled"]}

    dry = admin.mutate(PROPAGATE, {**chosen, "dryRun": True})
    real = admin.mutate(PROPAGATE, chosen)

    assert dry["refused"] == [{"domain": "a.test", "plugin": "fake_sync"}]
    assert dry["preview"] == [
        {
            "domain": "b.test",
            "users": 2,
            "settings": [
                {
                    "path": "fakeSync.enabled",
                    "after": True,
                    "usersChanging": 2,
                    "before": [{"value": False, "users": 2}],
                }
            ],
        }
    ]
    assert real["errors"] == []
    assert (real["usersChanged"], real["refused"]) == (2, dry["refused"])
    assert len(fake_plugin.AFTER_CALLS) == 1


def test_propagation_to_unknown_domain_is_an_error(admin, runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)

    payload = admin.mutate(
        PROPAGATE, {"settings": ["serviceAccess"], "domains": ["nowhere.test"]}
    )

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("domains.0", "DOMAIN_NOT_FOUND")
    ]


def test_domain_admin_may_not_touch_user_defaults(domain_admin):
    query = domain_admin.raw(DEFAULTS)
    update = domain_admin.mutate(
        UPDATE, {"settings": {"serviceAccess": {"pop": False}}}
    )
    propagate = domain_admin.mutate(
        PROPAGATE, {"settings": ["serviceAccess"], "domains": ["a.test"]}
    )

    assert query["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert error_codes(update) == ["PERMISSION_DENIED"]
    assert error_codes(propagate) == ["PERMISSION_DENIED"]
