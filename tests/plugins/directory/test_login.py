"""Logins of DIRECTORY users are proved by a bind to the domain's directory."""

import logging
import threading

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.models import LoginFailure
from core.services.users import UserCreate, create_user
from plugins.autodiscover import signin
from plugins.directory import outages
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, SYSTEM
from tests.plugins.directory.conftest import (
    PEOPLE,
    READER_DN,
    READER_PASSWORD,
    change_settings,
    make_domain,
    move_directory,
    store_bind_password,
)
from tests.plugins.directory.fake_servers import HTTP_REPLY, fake_server

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token errors { field code } }
}
"""
UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) { errors { field code } }
}
"""
ALICE_PASSWORD = PEOPLE["alice"][1]


def add_directory_user(runtime, email: str) -> None:
    """A DIRECTORY user that also has a local password (``PASSWORD``)."""
    data = UserCreate(email, PASSWORD, auth_type="directory")
    with session_scope(runtime.engine) as session:
        create_user(session, runtime, SYSTEM, data)


def log_in(client, username: str, password: str) -> dict:
    return client.mutate(LOGIN, {"username": username, "password": password})


def failures(runtime) -> int:
    with session_scope(runtime.engine, write=False) as session:
        total = session.execute(select(func.sum(LoginFailure.failures)))
        return total.scalar_one() or 0


def test_directory_user_logs_in_with_directory_password(
    directory_runtime, client, ldap_url
):
    # Given alice, a DIRECTORY user of a domain whose directory holds her
    make_domain(directory_runtime, "a.test", ldap_url)
    add_directory_user(directory_runtime, "alice@a.test")

    # When she logs in with her directory password, then with her local one
    good = log_in(client, "alice@a.test", ALICE_PASSWORD)
    local = log_in(client, "alice@a.test", PASSWORD)

    # Then the directory decides: only its password opens a session
    assert good["errors"] == [] and good["token"]
    assert error_codes(local) == ["INVALID_CREDENTIALS"]


@pytest.mark.parametrize(
    "password",
    [pytest.param("wrong-secret", id="wrong"), pytest.param("", id="empty")],
)
def test_wrong_directory_password_is_counted_like_any(
    directory_runtime, client, ldap_url, password
):
    make_domain(directory_runtime, "a.test", ldap_url)
    add_directory_user(directory_runtime, "alice@a.test")

    refused = log_in(client, "alice@a.test", password)

    assert error_codes(refused) == ["INVALID_CREDENTIALS"]
    assert failures(directory_runtime) >= 1


def test_anonymous_search_finds_the_user(directory_runtime, client, ldap_url):
    # Given a directory searched anonymously (no bindDn)
    make_domain(directory_runtime, "a.test", ldap_url, bind_dn=None)
    store_bind_password(directory_runtime, "a.test", None)
    add_directory_user(directory_runtime, "bob@a.test")

    answer = log_in(client, "bob@a.test", PEOPLE["bob"][1])

    assert answer["errors"] == [] and answer["token"]


def test_user_missing_from_directory_is_refused(directory_runtime, client, ldap_url):
    make_domain(directory_runtime, "a.test", ldap_url)
    add_directory_user(directory_runtime, "zed@a.test")

    refused = log_in(client, "zed@a.test", PASSWORD)

    assert error_codes(refused) == ["INVALID_CREDENTIALS"]


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param("down", id="server-down"),
        pytest.param("bind-refused", id="service-account-refused"),
        pytest.param("start-tls", id="start-tls-unsupported"),
        pytest.param("untrusted", id="untrusted-certificate"),
    ],
)
def test_unusable_directory_gives_a_clear_error(
    directory_runtime, client, ldap_server, closed_url, caplog, breakage
):
    # Given a directory that can't answer, for one reason or another
    make_domain(directory_runtime, "a.test", ldap_server.url, users=("plain",))
    add_directory_user(directory_runtime, "alice@a.test")
    changes = {
        "down": {"url": closed_url},
        "start-tls": {"start_tls": True},
        # The certificate is self-signed: a client that checks it refuses it.
        "untrusted": {"url": ldap_server.tls_url},
    }
    if breakage == "bind-refused":
        store_bind_password(directory_runtime, "a.test", "not-the-reader-secret")
    else:
        move_directory(directory_runtime, "a.test", changes[breakage])

    # When a DIRECTORY user and a password user log in
    with caplog.at_level(logging.WARNING, logger="plugins.directory"):
        refused = log_in(client, "alice@a.test", ALICE_PASSWORD)
    plain = log_in(client, "plain@a.test", PASSWORD)

    # Then the first is told the directory is unavailable, and why is logged
    # without the password; the second does not depend on the directory,
    # and neither counts as a wrong password
    assert error_codes(refused) == ["DIRECTORY_UNAVAILABLE"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("alice@a.test" in r.getMessage() for r in warnings)
    assert ALICE_PASSWORD not in caplog.text
    assert plain["errors"] == [] and plain["token"]
    assert failures(directory_runtime) == 0


def test_feature_off_leaves_the_stored_hash_in_charge(
    directory_runtime, client, ldap_url
):
    # Given a DIRECTORY user whose domain switched directory integration off
    make_domain(directory_runtime, "a.test", ldap_url)
    add_directory_user(directory_runtime, "alice@a.test")
    off = {"features": {"directory_integration": False}}
    change_settings(directory_runtime, "a.test", off)

    local = log_in(client, "alice@a.test", PASSWORD)
    directory = log_in(client, "alice@a.test", ALICE_PASSWORD)

    assert local["errors"] == [] and local["token"]
    assert error_codes(directory) == ["INVALID_CREDENTIALS"]


def test_autodiscover_basic_sign_in_asks_the_directory(
    directory_runtime, ldap_url, closed_url
):
    # Given alice, a DIRECTORY user
    make_domain(directory_runtime, "a.test", ldap_url)
    add_directory_user(directory_runtime, "alice@a.test")

    # When a mail client signs in with each password, then with the directory down
    good = sign_in(directory_runtime, ALICE_PASSWORD)
    local = sign_in(directory_runtime, PASSWORD)
    counted = failures(directory_runtime)
    move_directory(directory_runtime, "a.test", {"url": closed_url})
    down = sign_in(directory_runtime, ALICE_PASSWORD)

    # Then the directory's password signs in; a refusal while it is down
    # is not counted as a wrong password
    assert good[0] is not None and good[0].address == "alice@a.test"
    assert local == (None, None)
    assert down == (None, None)
    assert counted > 0 and failures(directory_runtime) == counted


def sign_in(runtime, password: str):
    credentials = signin.Credentials("alice@a.test", password, "192.0.2.1")
    with session_scope(runtime.engine, write=False) as session:
        return signin.sign_in(session, runtime, credentials)


def test_directory_user_cannot_change_its_password_here(
    directory_runtime, client, ldap_url
):
    # Given alice, signed in with her directory password
    make_domain(directory_runtime, "a.test", ldap_url)
    add_directory_user(directory_runtime, "alice@a.test")
    alice = client.as_token(log_in(client, "alice@a.test", ALICE_PASSWORD)["token"])

    # When she changes her password through her own account
    payload = alice.mutate(
        """
        mutation Mine($input: AccountUpdateInput!) {
          updateMyAccount(input: $input) { errors { field code } }
        }
        """,
        {"password": "new-pw-123456", "currentPassword": ALICE_PASSWORD},
    )

    # Then she is told the directory keeps it, and it still opens a session
    assert payload["errors"] == [{"field": "password", "code": "DIRECTORY_MANAGED"}]
    assert log_in(client, "alice@a.test", ALICE_PASSWORD)["errors"] == []


def writer_waits(engine) -> bool:
    """Whether a writer must wait for a lock now (it gives up after 0.5 s)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            statements = ["PRAGMA busy_timeout=500", "BEGIN IMMEDIATE", "ROLLBACK"]
        else:
            # Any transaction that read users keeps this lock from being had.
            statements = [
                "SET lock_timeout = '500ms'",
                'LOCK TABLE "user" IN ACCESS EXCLUSIVE MODE',
            ]
        for statement in statements:
            cursor.execute(statement)
    except Exception:
        return True
    finally:
        # The timeouts set here must not reach the pool's next user.
        raw.invalidate()
    return False


def test_login_holds_no_lock_while_directory_answers(directory_runtime, client):
    # Given alice, whose directory takes the connection but keeps silent
    with fake_server(reply=None) as silent:
        make_domain(directory_runtime, "a.test", silent.url)
        add_directory_user(directory_runtime, "alice@a.test")

        # When she logs in, and another writer needs the database meanwhile
        answers = []
        login = threading.Thread(
            target=lambda: answers.append(log_in(client, "alice@a.test", "pw"))
        )
        login.start()
        assert silent.accepted.wait(10)
        waited = writer_waits(directory_runtime.engine)
        silent.released.set()
        login.join(30)

    # Then the writer did not wait for the login, which then failed
    # without counting as a wrong password
    assert not waited
    assert error_codes(answers[0]) == ["DIRECTORY_UNAVAILABLE"]
    assert failures(directory_runtime) == 0


def test_server_speaking_no_ldap_is_unavailable(directory_runtime, client, caplog):
    # Given a directory url where a web server answers
    with fake_server(HTTP_REPLY) as web:
        make_domain(directory_runtime, "a.test", web.url)
        add_directory_user(directory_runtime, "alice@a.test")

        # When alice logs in
        with caplog.at_level(logging.WARNING, logger="plugins.directory"):
            refused = log_in(client, "alice@a.test", ALICE_PASSWORD)

    # Then the directory is unavailable; why is logged with the domain and
    # without any password
    assert error_codes(refused) == ["DIRECTORY_UNAVAILABLE"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("a.test" in message for message in warnings)
    assert ALICE_PASSWORD not in caplog.text and READER_PASSWORD not in caplog.text


def test_unavailable_directory_is_not_asked_again_at_once(
    directory_runtime, client, monkeypatch
):
    # Given a directory that can't answer
    with fake_server(HTTP_REPLY) as web:
        make_domain(directory_runtime, "a.test", web.url)
        add_directory_user(directory_runtime, "alice@a.test")

        # When alice tries twice at once, then once more after the pause
        first = log_in(client, "alice@a.test", ALICE_PASSWORD)
        second = log_in(client, "alice@a.test", ALICE_PASSWORD)
        asked_twice = web.connections
        monkeypatch.setattr(outages, "REMEMBER_SECONDS", 0)
        later = log_in(client, "alice@a.test", ALICE_PASSWORD)

    # Then the second attempt fails at once, sending nothing; the later asks
    codes = [error_codes(p) for p in (first, second, later)]
    assert codes == [["DIRECTORY_UNAVAILABLE"]] * 3
    assert asked_twice == 1 and web.connections == 2


@pytest.mark.parametrize(
    ("field", "moved"),
    [pytest.param("url", None, id="url"), pytest.param("bindDn", "cn=x", id="dn")],
)
def test_moved_directory_gets_no_stored_password(
    directory_runtime, client, ldap_url, field, moved
):
    # Given a domain administrator who points its directory elsewhere
    make_domain(directory_runtime, "a.test", ldap_url)
    add_directory_user(directory_runtime, "alice@a.test")
    boss = client.as_token(client.login("admin@a.test", PASSWORD))
    original = {"url": ldap_url, "bindDn": READER_DN}[field]

    with fake_server(HTTP_REPLY) as catcher:
        target = moved or catcher.url
        changed = boss.mutate(UPDATE, settings_of({field: target}))
        refused = log_in(client, "alice@a.test", ALICE_PASSWORD)
        sent = catcher.connections, catcher.received
    restored = boss.mutate(UPDATE, settings_of({field: original}))
    again = log_in(client, "alice@a.test", ALICE_PASSWORD)

    # Then no bind with the stored password is tried until the directory is
    # back where the password was set for
    assert changed["errors"] == [] and restored["errors"] == []
    assert error_codes(refused) == ["DIRECTORY_PASSWORD_STALE"]
    assert sent == (0, b"")
    assert again["errors"] == [] and again["token"]


def settings_of(directory: dict) -> dict:
    return {"name": "a.test", "settings": {"directory": directory}}


@pytest.mark.parametrize(
    ("base_dn", "code"),
    [
        pytest.param(
            "ou=nowhere,dc=example,dc=org", "DIRECTORY_MISCONFIGURED", id="wrong"
        ),
        pytest.param(None, "DIRECTORY_NOT_CONFIGURED", id="missing"),
    ],
)
def test_bad_base_dn_is_no_wrong_password(
    directory_runtime, client, ldap_url, base_dn, code
):
    make_domain(directory_runtime, "a.test", ldap_url, base_dn=base_dn)
    add_directory_user(directory_runtime, "alice@a.test")

    refused = log_in(client, "alice@a.test", ALICE_PASSWORD)

    assert error_codes(refused) == [code]
    assert failures(directory_runtime) == 0
