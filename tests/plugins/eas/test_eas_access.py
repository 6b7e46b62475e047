"""Per-user EAS access: counted against the domain's EAS accounts."""

import threading

from sqlalchemy import select

from core.db import session_scope
from core.errors import LimitReached
from core.models import FeatureAccountUsage, User
from core.services.feature_accounts import access_expression, set_access
from core.services.users import delete_user
from plugins.eas.settings import FEATURE
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, SYSTEM, add_domain

SET_ACCESS = """
mutation Set($input: FeatureAccessInput!) {
  setEasAccess(input: $input) {
    email enabled
    usage { domain accounts used available userManagement }
    errors { field code message }
  }
}
"""

ACCOUNTS = """
query Accounts($domain: String!, $after: String) {
  easAccountUsage(domain: $domain) { accounts used available }
  easAccounts(domain: $domain, first: 2, after: $after) {
    totalCount
    nodes { email grantedBy }
    pageInfo { hasNextPage endCursor }
  }
}
"""

EAS_ON = {"eas": {"accounts": 2, "user_management": True}}


def grant(client, email: str, enabled: bool = True) -> dict:
    return client.mutate(SET_ACCESS, {"email": email, "enabled": enabled})


def test_set_eas_access_stops_at_domain_accounts(admin, licensed_runtime):
    # Given a domain with 2 EAS accounts and 3 users
    add_domain(licensed_runtime, "a.test", settings=EAS_ON, users=("u1", "u2", "u3"))

    # When the system administrator gives all three access
    first, second, third = (grant(admin, f"u{n}@a.test") for n in (1, 2, 3))

    # Then the third is refused and the count stays at the limit
    assert first["errors"] == [] and second["errors"] == []
    assert second["usage"] == {
        "domain": "a.test",
        "accounts": 2,
        "used": 2,
        "available": 0,
        "userManagement": True,
    }
    assert error_codes(third) == ["ACCOUNT_LIMIT_REACHED"]


def test_revoking_eas_access_frees_an_account(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=EAS_ON, users=("u1", "u2", "u3"))
    grant(admin, "u1@a.test")
    grant(admin, "u2@a.test")

    revoked = grant(admin, "u1@a.test", enabled=False)
    third = grant(admin, "u3@a.test")

    assert revoked["enabled"] is False and revoked["usage"]["used"] == 1
    assert third["errors"] == [] and third["usage"]["used"] == 2


def test_granting_eas_access_twice_counts_once(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=EAS_ON, users=("u1",))

    grant(admin, "u1@a.test")
    again = grant(admin, "u1@a.test")

    assert again["errors"] == [] and again["usage"]["used"] == 1


def test_domain_admin_refused_while_user_management_off(client, licensed_runtime):
    # Given a domain with EAS accounts but user management off
    settings = {"eas": {"accounts": 5, "user_management": False}}
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1",))
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    # When its domain administrator gives a user access
    payload = grant(domain_admin, "u1@a.test")

    # Then it is refused and nothing is counted
    assert error_codes(payload) == ["USER_MANAGEMENT_DISABLED"]
    assert payload["errors"][0]["field"] == "enabled"
    assert usage_of(licensed_runtime, "a.test") == 0


def test_domain_admin_grants_while_user_management_on(client, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=EAS_ON, users=("u1",))
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = grant(domain_admin, "u1@a.test")

    assert payload["errors"] == [] and payload["usage"]["used"] == 1


def test_domain_admin_cannot_reach_other_domains_users(client, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=EAS_ON)
    add_domain(licensed_runtime, "b.test", settings=EAS_ON, users=("u1",))
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = grant(domain_admin, "u1@b.test")

    assert error_codes(payload) == ["USER_NOT_FOUND"]


def test_user_may_not_give_itself_eas_access(client, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=EAS_ON, users=("u1",))
    user = client.as_token(client.login("u1@a.test", PASSWORD))

    payload = grant(user, "u1@a.test")

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_eas_accounts_lists_users_page_by_page(admin, licensed_runtime):
    settings = {"eas": {"accounts": 3}}
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1", "u2", "u3"))
    for n in (1, 2, 3):
        grant(admin, f"u{n}@a.test")

    first = admin.execute(ACCOUNTS, {"domain": "a.test"})
    cursor = first["easAccounts"]["pageInfo"]["endCursor"]
    second = admin.execute(ACCOUNTS, {"domain": "a.test", "after": cursor})

    assert first["easAccountUsage"] == {"accounts": 3, "used": 3, "available": 0}
    assert first["easAccounts"]["totalCount"] == 3
    assert [n["email"] for n in first["easAccounts"]["nodes"]] == [
        "u1@a.test",
        "u2@a.test",
    ]
    assert first["easAccounts"]["nodes"][0]["grantedBy"] == "admin"
    assert [n["email"] for n in second["easAccounts"]["nodes"]] == ["u3@a.test"]
    assert second["easAccounts"]["pageInfo"]["hasNextPage"] is False


def test_deleting_a_user_gives_its_account_back(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=EAS_ON, users=("u1",))
    grant(admin, "u1@a.test")

    with session_scope(licensed_runtime.engine) as session:
        delete_user(session, licensed_runtime, SYSTEM, "u1@a.test", delete_files=True)

    assert usage_of(licensed_runtime, "a.test") == 0


def test_concurrent_grants_never_exceed_eas_accounts(licensed_runtime):
    # Given 12 users and 3 EAS accounts
    users = tuple(f"u{n}" for n in range(12))
    settings = {"eas": {"accounts": 3}}
    add_domain(licensed_runtime, "a.test", settings=settings, users=users)

    # When every user is given access at the same moment
    outcomes = grant_all_at_once(licensed_runtime, [f"{u}@a.test" for u in users])

    # Then exactly 3 succeed and the count agrees with the rows
    assert outcomes.count("ok") == 3
    assert outcomes.count("ACCOUNT_LIMIT_REACHED") == 9
    assert usage_of(licensed_runtime, "a.test") == 3
    assert len(users_with_access(licensed_runtime)) == 3


def test_users_export_column_tells_eas_access(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=EAS_ON, users=("u1", "u2"))
    grant(admin, "u1@a.test")

    with session_scope(licensed_runtime.engine, write=False) as session:
        rows = session.execute(
            select(User.local_part, access_expression(FEATURE)).order_by(User.id)
        ).all()

    assert [(local, bool(flag)) for local, flag in rows] == [
        ("admin", False),
        ("u1", True),
        ("u2", False),
    ]


def grant_all_at_once(runtime, emails: list[str]) -> list[str]:
    barrier = threading.Barrier(len(emails))
    outcomes: list[str] = []

    def give(email: str) -> None:
        barrier.wait()
        try:
            with session_scope(runtime.engine) as session:
                set_access(session, runtime, SYSTEM, FEATURE, email, True)
            outcomes.append("ok")
        except LimitReached as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=give, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def usage_of(runtime, domain_name: str) -> int:
    from core.models import Domain

    with session_scope(runtime.engine, write=False) as session:
        used = session.execute(
            select(FeatureAccountUsage.used)
            .join(Domain, Domain.id == FeatureAccountUsage.domain_id)
            .where(Domain.name == domain_name, FeatureAccountUsage.feature == "eas")
        ).scalar_one_or_none()
    return used or 0


def users_with_access(runtime) -> list[str]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(
            select(User.local_part).where(access_expression(FEATURE))
        ).all()
    return [local for (local,) in rows]
