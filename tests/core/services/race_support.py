"""Two transactions at once, the second started while the first holds its locks."""

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from threading import Event

from sqlalchemy import text
from sqlmodel import Session

from core.db import session_scope
from core.errors import MailplaneError
from core.principal import Principal, Role

ROOT = Principal(Role.SYSTEM_ADMIN, "admin", system_admin_id=1)

Action = Callable[[Session], object]

WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def outcome(runtime, action: Action) -> str:
    """``ok``, or the code of the expected error that ``action`` raised."""
    try:
        with session_scope(runtime.engine) as session:
            action(session)
    except MailplaneError as exc:
        return exc.code
    return "ok"


def race(runtime, first: Action, second: Action) -> list[str]:
    """Run ``second`` while ``first``'s transaction is open; both outcomes.

    ``first`` runs and holds its transaction until ``second`` waits for a
    lock (PostgreSQL), has finished, or had a moment (SQLite, where the
    second waits at its BEGIN); then it commits.
    """
    done, release = Event(), Event()

    def hold(session: Session) -> None:
        first(session)
        done.set()
        release.wait(10)

    with ThreadPoolExecutor(max_workers=2) as pool:
        holder = pool.submit(outcome, runtime, hold)
        assert done.wait(10), holder.result()
        racer = pool.submit(outcome, runtime, second)
        _wait_blocked_or_done(runtime, racer)
        release.set()
        return [holder.result(), racer.result()]


def _wait_blocked_or_done(runtime, racer: Future) -> None:
    if runtime.engine.dialect.name != "postgresql":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + 5
    with runtime.engine.connect() as connection:
        while not racer.done() and time.monotonic() < deadline:
            if connection.execute(WAITING).scalar_one():
                return
            connection.rollback()
            time.sleep(0.02)


def run_parallel(runtime, action: Action, count: int) -> list[str]:
    """Run ``action`` in ``count`` transactions at once; their outcomes."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: outcome(runtime, action), range(count)))
