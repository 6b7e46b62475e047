"""login and logout for users and domain administrators."""

from datetime import timedelta

from sqlalchemy import update

from core.db import session_scope
from core.models import AuthToken
from core.models.base import utcnow
from tests.core.schema.users.accounts import PASSWORD, log_in
from tests.graphql_client import LOGIN, error_codes

ME = "query { me { name role domain } }"
LOGOUT = "mutation { logout { ok errors { code } } }"
SET_STATUS = """
mutation Status($input: DomainSetStatusInput!) {
  setDomainStatus(input: $input) { errors { code } }
}
"""
ADD_ALIAS = """
mutation Alias($input: DomainAliasCreateInput!) {
  createDomainAlias(input: $input) { errors { code } }
}
"""


def _login(client, username, password=PASSWORD):
    return client.mutate(LOGIN, {"username": username, "password": password})


def test_domain_admin_logs_in_with_address(client, domain_a):
    me = log_in(client, "Boss@A.test").execute(ME)["me"]

    assert me == {"name": "boss@a.test", "role": "DOMAIN_ADMIN", "domain": "a.test"}


def test_user_logs_in_through_domain_alias(admin, client, alice):
    admin.mutate(ADD_ALIAS, {"domain": "a.test", "alias": "a-alias.test"})

    me = log_in(client, "alice@a-alias.test").execute(ME)["me"]

    assert me == {"name": "alice@a.test", "role": "USER", "domain": "a.test"}


def test_disabled_domain_refuses_logins_and_sessions(admin, client, alice):
    admin.mutate(SET_STATUS, {"name": "a.test", "status": "DISABLED"})

    assert error_codes(_login(client, "boss@a.test")) == ["INVALID_CREDENTIALS"]
    assert alice.execute(ME)["me"] is None


def test_wrong_password_and_unknown_user_look_alike(client, domain_a):
    wrong = _login(client, "boss@a.test", "wrong-password")
    unknown = _login(client, "ghost@a.test", "wrong-password")

    assert error_codes(wrong) == error_codes(unknown) == ["INVALID_CREDENTIALS"]


def test_logout_revokes_the_token(alice):
    assert alice.execute(LOGOUT)["logout"] == {"ok": True, "errors": []}

    assert alice.execute(ME)["me"] is None


def test_expired_token_is_refused(alice, runtime):
    with session_scope(runtime.engine) as session:
        session.execute(
            update(AuthToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )

    assert alice.execute(ME)["me"] is None
