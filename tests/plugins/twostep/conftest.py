"""A runtime with the two-step plugin and a clock the tests move, domains
with users, and helpers that log in and set up authenticators."""

import mailbox
from pathlib import Path

import pytest
from sqlalchemy import select

import plugins.twostep
from core.db import session_scope
from core.models import Domain
from core.runtime import build_runtime
from plugins.twostep.codes import CLOCK_KEY, PERIOD_SECONDS, code_at
from tests.conftest import cached_schema
from tests.graphql_client import LOGIN, GraphQLClient
from tests.plugin_support import PASSWORD, add_domain

# A time step boundary, far from the real time: nothing may read the wall clock.
START = 1_800_000_000.0

BEGIN = """
mutation { beginTwoStepSetup { secret uri qrSvg errors { code } } }
"""
CONFIRM = """
mutation Confirm($input: TwoStepCodeInput!) {
  confirmTwoStepSetup(input: $input) {
    account { active authenticator recoveryCodesLeft }
    recoveryCodes token errors { field code }
  }
}
"""
LOGIN_FULL = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token twoStepRequired challenge errors { code } }
}
"""
COMPLETE = """
mutation Complete($input: LoginCompleteInput!) {
  completeLogin(input: $input) { token errors { field code } }
}
"""
ME = "query { me { name role } }"


class FakeClock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    @property
    def step(self) -> int:
        return int(self.now // PERIOD_SECONDS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def twostep_runtime(runtime, clock):
    """The test database (emptied), the plugin on, the clock in its place."""
    loaded = build_runtime(runtime.config, plugin_modules=[plugins.twostep])
    loaded.extras[CLOCK_KEY] = clock
    yield loaded
    loaded.engine.dispose()


@pytest.fixture
def app(twostep_runtime):
    from core.app import create_app

    return create_app(twostep_runtime, schema=cached_schema(twostep_runtime))


@pytest.fixture
def domain(twostep_runtime) -> str:
    """a.test, two-step ENABLED, with admin@, alice@ and bob@."""
    add_domain(
        twostep_runtime,
        "a.test",
        settings={"twoStep": {"status": "enabled"}},
        users=("alice", "bob"),
    )
    return "a.test"


@pytest.fixture
def alice(client, domain) -> GraphQLClient:
    return log_in(client, "alice@a.test")


def log_in(client: GraphQLClient, email: str) -> GraphQLClient:
    return client.as_token(client.login(email, PASSWORD))


def start_login(client: GraphQLClient, email: str) -> dict:
    return client.mutate(LOGIN_FULL, {"username": email, "password": PASSWORD})


def complete(client: GraphQLClient, challenge: str, code: str) -> dict:
    return client.mutate(COMPLETE, {"challenge": challenge, "code": code})


def set_up_authenticator(user: GraphQLClient, clock: FakeClock) -> dict:
    """Turn an authenticator on; returns its secret and recovery codes.

    The clock moves to the next step, so that the set-up's code is spent
    and the next code is fresh.
    """
    secret = user.execute(BEGIN)["beginTwoStepSetup"]["secret"]
    payload = user.mutate(CONFIRM, {"code": code_at(secret, clock.step)})
    assert payload["errors"] == [], payload["errors"]
    clock.advance(PERIOD_SECONDS)
    return {"secret": secret, "recovery_codes": payload["recoveryCodes"]}


def domain_folder(runtime, name: str) -> Path:
    with session_scope(runtime.engine, write=False) as session:
        folder = session.execute(select(Domain.folder).where(Domain.name == name))
        return Path(folder.scalar_one())


def inbox(runtime, email: str) -> list:
    """A local user's Inbox, as ``mailbox.Maildir`` reads it, oldest first."""
    local_part, _, name = email.partition("@")
    path = domain_folder(runtime, name) / local_part / "Maildir"
    if not path.is_dir():
        return []
    box = mailbox.Maildir(path, create=False)
    order = _uids(path / "dovecot-uidlist")
    keys = sorted(box.iterkeys(), key=lambda key: order[key])
    return [box.get_message(key) for key in keys]


def _uids(uidlist: Path) -> dict[str, int]:
    """Basename -> UID: deliveries number messages in their order."""
    lines = uidlist.read_text().splitlines()[1:]
    entries = (line.split(" :", 1) for line in lines)
    return {name: int(uid.split()[0]) for uid, name in entries}


def code_in(message) -> str:
    """The digits of the code a message carries."""
    words = message.get_payload(decode=True).decode().split()
    return next(word.rstrip(".") for word in words if word.rstrip(".").isdigit())


__all__ = ["LOGIN", "ME", "PASSWORD"]
