"""The mapiEws section and per-user MAPI/EWS access within its accounts."""

import threading

from core.db import session_scope
from core.errors import LimitReached
from core.services.feature_accounts import read_usage, set_access
from core.services.scope import find_domain
from plugins.mapi_ews.settings import FEATURE
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, SYSTEM, add_domain

SET_ACCESS = """
mutation Set($input: FeatureAccessInput!) {
  setMapiEwsAccess(input: $input) {
    email enabled usage { accounts used available userManagement }
    errors { field code }
  }
}
"""

SET_EAS_ACCESS = """
mutation Set($input: FeatureAccessInput!) {
  setEasAccess(input: $input) { errors { code } }
}
"""

DOMAIN = """
query { domain(name: "a.test") { settings { mapiEws { accounts userManagement } } } }
"""

USAGE = """
query { mapiEwsAccountUsage(domain: "a.test") { accounts used } }
"""


def test_domain_settings_show_mapi_ews_defaults(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test")

    settings = admin.execute(DOMAIN)["domain"]["settings"]

    assert settings["mapiEws"] == {"accounts": 0, "userManagement": False}


def test_set_mapi_ews_access_stops_at_accounts(admin, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=mapi(1, True), users=("u1", "u2"))

    first = admin.mutate(SET_ACCESS, {"email": "u1@a.test", "enabled": True})
    second = admin.mutate(SET_ACCESS, {"email": "u2@a.test", "enabled": True})

    assert first["errors"] == [] and first["usage"]["used"] == 1
    assert error_codes(second) == ["ACCOUNT_LIMIT_REACHED"]


def test_mapi_ews_and_eas_accounts_count_apart(admin, licensed_runtime):
    settings = {**mapi(1, False), "eas": {"accounts": 1}}
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1",))

    admin.mutate(SET_ACCESS, {"email": "u1@a.test", "enabled": True})
    eas = admin.mutate(SET_EAS_ACCESS, {"email": "u1@a.test", "enabled": True})

    assert eas["errors"] == []
    assert admin.execute(USAGE)["mapiEwsAccountUsage"] == {"accounts": 1, "used": 1}


def test_domain_admin_refused_while_mapi_management_off(client, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=mapi(3, False), users=("u1",))
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = domain_admin.mutate(SET_ACCESS, {"email": "u1@a.test", "enabled": True})

    assert error_codes(payload) == ["USER_MANAGEMENT_DISABLED"]
    assert admin_usage(licensed_runtime) == 0


def test_domain_admin_grants_while_mapi_management_on(client, licensed_runtime):
    add_domain(licensed_runtime, "a.test", settings=mapi(3, True), users=("u1",))
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = domain_admin.mutate(SET_ACCESS, {"email": "u1@a.test", "enabled": True})

    assert payload["errors"] == [] and payload["usage"]["used"] == 1


def test_concurrent_mapi_ews_grants_never_exceed_accounts(licensed_runtime):
    # Given 10 users and 4 MAPI/EWS accounts
    users = tuple(f"u{n}" for n in range(10))
    add_domain(licensed_runtime, "a.test", settings=mapi(4, False), users=users)

    # When every user is given access at the same moment
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def give(local_part: str) -> None:
        barrier.wait()
        try:
            with session_scope(licensed_runtime.engine) as session:
                email = f"{local_part}@a.test"
                set_access(session, licensed_runtime, SYSTEM, FEATURE, email, True)
            outcomes.append("ok")
        except LimitReached as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=give, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly 4 succeed
    assert outcomes.count("ok") == 4
    assert outcomes.count("ACCOUNT_LIMIT_REACHED") == 6
    assert admin_usage(licensed_runtime) == 4


def mapi(accounts: int, user_management: bool) -> dict:
    return {"mapiEws": {"accounts": accounts, "user_management": user_management}}


def admin_usage(runtime) -> int:
    with session_scope(runtime.engine, write=False) as session:
        domain = find_domain(session, "a.test")
        return read_usage(session, runtime, FEATURE, domain).used
