"""Per-user SMTP accounts, within the domain's features.smtpAccounts."""

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import Domain, User
from core.services.feature_gates import user_has_feature
from tests.core.schema.users.accounts import PASSWORD, set_domain_settings
from tests.graphql_client import error_codes

CREATE = """
mutation Create($input: UserCreateInput!) {
  createUser(input: $input) {
    user { settings { smtpAccounts { enabled } } }
    errors { field code }
  }
}
"""

UPDATE = """
mutation Update($input: UserUpdateInput!) {
  updateUser(input: $input) {
    user { settings { smtpAccounts { enabled } } }
    errors { field code }
  }
}
"""

UPDATE_DEFAULTS = """
mutation Defaults($input: UserDefaultsUpdateInput!) {
  updateUserDefaults(input: $input) { errors { field code } }
}
"""

USER = """
query User($email: String!) {
  user(email: $email) { settings { smtpAccounts { enabled } } }
}
"""


def set_smtp_accounts(client, enabled: bool) -> dict:
    return client.mutate(
        UPDATE,
        {"email": "alice@a.test", "settings": {"smtpAccounts": {"enabled": enabled}}},
    )


def new_user(email: str, *, enabled: bool) -> dict:
    settings = {"smtpAccounts": {"enabled": enabled}}
    return {"email": email, "password": PASSWORD, "settings": settings}


def stored_access(runtime) -> bool:
    """Whether alice has SMTP accounts, her setting and her domain's together."""
    with session_scope(runtime.engine, write=False) as session:
        alice, domain = session.exec(
            select(User, Domain)
            .join(Domain, Domain.id == User.domain_id)
            .where(User.local_part == "alice")
        ).one()
        return user_has_feature(
            runtime, domain.settings, alice.settings, "smtpAccounts"
        )


@pytest.fixture
def feature_off(admin, domain_a) -> None:
    set_domain_settings(admin, "a.test", {"features": {"smtpAccounts": False}})


def test_new_user_has_smtp_accounts_by_default(admin, domain_a, alice, runtime):
    data = admin.execute(USER, {"email": "alice@a.test"})

    assert data["user"]["settings"]["smtpAccounts"] == {"enabled": True}
    assert stored_access(runtime) is True


def test_domain_admin_switches_smtp_accounts(boss, alice):
    assert set_smtp_accounts(boss, False)["errors"] == []

    payload = set_smtp_accounts(boss, True)

    assert payload["errors"] == []
    assert payload["user"]["settings"]["smtpAccounts"] == {"enabled": True}


def test_turning_on_refused_while_domain_feature_off(admin, boss, alice, feature_off):
    assert set_smtp_accounts(boss, False)["errors"] == []

    payload = set_smtp_accounts(boss, True)

    assert error_codes(payload) == ["FEATURE_DISABLED"]
    assert payload["errors"][0]["field"] == "settings.smtpAccounts.enabled"
    data = admin.execute(USER, {"email": "alice@a.test"})
    assert data["user"]["settings"]["smtpAccounts"] == {"enabled": False}


def test_system_admin_refused_too_while_feature_off(admin, alice, feature_off):
    assert set_smtp_accounts(admin, False)["errors"] == []

    payload = set_smtp_accounts(admin, True)

    assert error_codes(payload) == ["FEATURE_DISABLED"]


def test_repeating_value_already_on_allowed_while_off(boss, alice, feature_off):
    payload = set_smtp_accounts(boss, True)

    assert payload["errors"] == []


def test_create_user_with_smtp_accounts_refused_while_off(admin, boss, feature_off):
    defaults = {"settings": {"smtpAccounts": {"enabled": False}}}
    assert admin.mutate(UPDATE_DEFAULTS, defaults)["errors"] == []

    payload = boss.mutate(CREATE, new_user("carol@a.test", enabled=True))

    assert error_codes(payload) == ["FEATURE_DISABLED"]
    assert payload["user"] is None


def test_create_user_repeating_template_allowed_while_off(boss, feature_off):
    payload = boss.mutate(CREATE, new_user("carol@a.test", enabled=True))

    assert payload["errors"] == []


def test_turning_off_allowed_while_feature_off(boss, alice, feature_off):
    payload = set_smtp_accounts(boss, False)

    assert payload["errors"] == []
    assert payload["user"]["settings"]["smtpAccounts"] == {"enabled": False}


def test_domain_feature_off_withholds_access(admin, alice, feature_off, runtime):
    data = admin.execute(USER, {"email": "alice@a.test"})

    assert data["user"]["settings"]["smtpAccounts"] == {"enabled": True}
    assert stored_access(runtime) is False


def test_user_cannot_switch_own_smtp_accounts(alice):
    payload = set_smtp_accounts(alice, False)

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_admin_creates_user_with_smtp_accounts_off(admin, domain_a):
    payload = admin.mutate(CREATE, new_user("erin@a.test", enabled=False))

    assert payload["errors"] == []
    assert payload["user"]["settings"]["smtpAccounts"] == {"enabled": False}
