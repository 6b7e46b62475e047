"""EAS access stays in step with settings when changes race a propagation.

PostgreSQL only: its transactions interleave under READ COMMITTED, while
SQLite runs one writing transaction at a time (BEGIN IMMEDIATE), so none
of these interleavings can happen there. Each test holds a propagation of
``eas.enabled`` open at a chosen point, runs another change meanwhile, and
checks that every user's setting, its account row and the domain's tally
agree once both are done.
"""

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

import core.services.propagation as propagation
from core.db import session_scope
from core.models import Domain, FeatureAccount, FeatureAccountUsage, User
from core.services.feature_accounts import set_access
from core.services.templates import update_user_template
from core.services.user_updates import UserChanges, update_user
from core.services.users import UserCreate, create_user, delete_user
from plugins.eas.settings import FEATURE
from tests.plugin_support import PASSWORD, SYSTEM, add_domain

# The other transaction gets this long to reach the lock it waits on.
SETTLE_SECONDS = 0.5


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def domain(licensed_runtime):
    """a.test with ten EAS accounts, its admin and u1, u2; the template on."""
    settings = {"eas": {"accounts": 10, "user_management": True}}
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1", "u2"))
    with session_scope(licensed_runtime.engine) as session:
        update_user_template(
            session, licensed_runtime, SYSTEM, {"eas": {"enabled": True}}
        )


def held_propagation(runtime, monkeypatch, *, before_update: bool = False):
    """Start propagating eas.enabled in a thread, held just before or after
    its UPDATE; returns a function that releases it and waits for the end."""
    reached, release = threading.Event(), threading.Event()
    errors: list[Exception] = []
    real = propagation._execute

    def execute(session, statement, params):
        if before_update:
            reached.set()
            release.wait(20)
        changed = real(session, statement, params)
        if not before_update:
            reached.set()
            release.wait(20)
        return changed

    monkeypatch.setattr(propagation, "_execute", execute)

    def run() -> None:
        try:
            with session_scope(runtime.engine) as session:
                propagation.propagate_user_defaults(session, runtime, ["eas.enabled"])
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert reached.wait(20)

    def finish() -> list[Exception]:
        release.set()
        thread.join(20)
        return errors

    return finish


def meanwhile(runtime, change: Callable) -> Callable[[], list[Exception]]:
    """Run ``change(session)`` in its own transaction in a thread."""
    errors: list[Exception] = []

    def run() -> None:
        try:
            with session_scope(runtime.engine) as session:
                change(session)
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(SETTLE_SECONDS)

    def join() -> list[Exception]:
        thread.join(20)
        return errors

    return join


def assert_in_step(runtime) -> None:
    with session_scope(runtime.engine, write=False) as session:
        users = session.execute(select(User)).scalars().all()
        granted = set(
            session.execute(
                select(FeatureAccount.user_id).where(FeatureAccount.feature == "eas")
            ).scalars()
        )
        used = session.execute(
            select(func.sum(FeatureAccountUsage.used)).where(
                FeatureAccountUsage.feature == "eas"
            )
        ).scalar_one_or_none()
    for user in users:
        setting = runtime.registry.read("user", user.settings, "eas").enabled
        assert setting == (user.id in granted), user.local_part
    assert (used or 0) == len(granted)


def test_user_created_while_propagating_keeps_its_own_choice(
    licensed_runtime, domain, monkeypatch
):
    finish = held_propagation(licensed_runtime, monkeypatch)
    with session_scope(licensed_runtime.engine) as session:
        late = UserCreate("late@a.test", PASSWORD, settings={"eas": {"enabled": False}})
        create_user(session, licensed_runtime, SYSTEM, late)

    assert finish() == []
    assert_in_step(licensed_runtime)


@pytest.mark.parametrize(
    "change",
    [
        lambda rt: (
            lambda s: update_user(
                s,
                rt,
                SYSTEM,
                "u1@a.test",
                UserChanges(settings={"serviceAccess": {"pop": False}}),
            )
        ),
        lambda rt: lambda s: set_access(s, rt, SYSTEM, FEATURE, "u1@a.test", False),
        lambda rt: lambda s: set_access(s, rt, SYSTEM, FEATURE, "u1@a.test", True),
        lambda rt: (
            lambda s: delete_user(s, rt, SYSTEM, "u1@a.test", delete_files=False)
        ),
    ],
    ids=["unrelated-update", "access-off", "access-on", "delete"],
)
def test_changes_to_a_user_wait_for_the_propagation(
    licensed_runtime, domain, monkeypatch, change
):
    # Given a propagation that has written the users' settings
    finish = held_propagation(licensed_runtime, monkeypatch)

    # When another transaction changes one of those users meanwhile
    join = meanwhile(licensed_runtime, change(licensed_runtime))

    # Then both succeed (no deadlock) and settings, rows and tallies agree
    assert finish() == []
    assert join() == []
    assert_in_step(licensed_runtime)


def test_domain_created_while_propagating_is_left_alone(
    licensed_runtime, domain, monkeypatch
):
    # Given a propagation to every domain, held before its UPDATE
    finish = held_propagation(licensed_runtime, monkeypatch, before_update=True)

    # When a domain is created meanwhile (no EAS accounts)
    add_domain(licensed_runtime, "b.test")

    # Then the propagation didn't reach it, and everything agrees
    assert finish() == []
    assert_in_step(licensed_runtime)
    with session_scope(licensed_runtime.engine, write=False) as session:
        settings = session.execute(
            select(User.settings)
            .join(Domain, Domain.id == User.domain_id)
            .where(Domain.name == "b.test", User.local_part == "admin")
        ).scalar_one()
    assert licensed_runtime.registry.read("user", settings, "eas").enabled is False
