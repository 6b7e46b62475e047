"""Signing in to the autodiscover endpoint: the login throttle, app passwords
of two-step users, and the plugins that grant protocols."""

import pytest
from sqlmodel import select

import plugins.autodiscover
import plugins.twostep
from core.db import session_scope
from core.models import User
from core.runtime import build_runtime
from core.services import throttle
from plugins.twostep.codes import clean_code, plain_hash
from plugins.twostep.models import AppPassword, TwoStepAccount
from tests.plugin_support import add_domain
from tests.plugins.autodiscover.endpoints import (
    DOMAIN,
    JANE,
    MOBILE,
    add_example_domain,
    add_user,
    ask_desktop,
    ask_mobile,
    desktop_protocols,
    parse,
    serve,
)

APP_PASSWORD = "abcd-efgh-ijkl-mnop"
# Any failure recorded for an account makes it wait under this policy.
STRICT = throttle.ThrottlePolicy(account=throttle.ThrottleRule(free=0, lock_after=99))


@pytest.fixture
def jane(plugin_runtime) -> str:
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, JANE)
    return JANE


def must_wait(runtime, account: str) -> bool:
    try:
        throttle.check_login(
            runtime.engine, account=account, address=None, policy=STRICT
        )
    except throttle.TooManyAttempts:
        return True
    return False


@pytest.mark.parametrize(
    "login",
    [pytest.param(JANE, id="known"), pytest.param("x@example.com", id="unknown")],
)
def test_wrong_password_counts_towards_login_throttle(
    http, plugin_runtime, jane, login
):
    # Given no failed login yet
    assert not must_wait(plugin_runtime, login)

    # When a client signs in with a wrong password
    response = ask_desktop(http, login=login, password="wrong-password")

    # Then it is refused, and the throttle counted the failure
    assert response.status_code == 401
    assert must_wait(plugin_runtime, login)


def test_throttled_account_waits_despite_right_password(http, plugin_runtime, jane):
    for _ in range(throttle.POLICY.account.lock_after):
        throttle.record_login_failure(plugin_runtime.engine, account=JANE, address=None)

    response = ask_desktop(http)

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert response.content == b""


def test_right_password_counts_no_failure(http, plugin_runtime, jane):
    response = ask_desktop(http)

    assert response.status_code == 200
    assert not must_wait(plugin_runtime, JANE)


# Two-step users sign in with app passwords.


@pytest.fixture
def twostep_http(runtime):
    modules = [plugins.autodiscover, plugins.twostep]
    loaded = build_runtime(runtime.config, plugin_modules=modules)
    add_example_domain_free(loaded)
    with serve(loaded) as http:
        yield http
    loaded.engine.dispose()


def add_example_domain_free(runtime) -> None:
    """The domain and Jane, without the EAS and MAPI/EWS sections."""
    add_domain(runtime, DOMAIN)
    add_user(runtime, JANE)


def protect_with_two_step(runtime) -> None:
    """Jane gets an authenticator (never asked here) and one app password."""
    with session_scope(runtime.engine) as session:
        user = session.exec(select(User).where(User.local_part == "jane")).one()
        session.add(TwoStepAccount(user_id=user.id, secret="not-read-here"))
        session.add(
            AppPassword(
                user_id=user.id,
                name="phone",
                password_hash=plain_hash(clean_code(APP_PASSWORD)),
                password_encrypted="not-read-here",
            )
        )


def test_two_step_user_needs_app_password(twostep_http, runtime):
    protect_with_two_step(runtime)

    with_account_password = ask_desktop(twostep_http)
    with_app_password = ask_desktop(twostep_http, password=APP_PASSWORD)

    assert with_account_password.status_code == 401
    assert list(desktop_protocols(parse(with_app_password))) == ["IMAP", "POP3", "SMTP"]
    with session_scope(runtime.engine, write=False) as session:
        row = session.exec(select(AppPassword)).one()
    assert row.last_used_at is not None


def test_user_without_two_step_uses_account_password(twostep_http):
    response = ask_desktop(twostep_http)

    assert response.status_code == 200


# Protocols that belong to plugins: without the plugin, no protocol.


def test_mobile_request_without_eas_plugin_gets_error(runtime):
    loaded = build_runtime(runtime.config, plugin_modules=[plugins.autodiscover])
    add_example_domain_free(loaded)

    with serve(loaded) as http:
        root = parse(ask_mobile(http))
    loaded.engine.dispose()

    error = root.find(f"{MOBILE}Response/{MOBILE}Action/{MOBILE}Error")
    assert error.findtext(f"{MOBILE}Status") == "2"
