"""The database engine and sessions, for SQLite and PostgreSQL alike."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from core.sql_text import register_sqlite_functions

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)

    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 15}
    )
    event.listen(engine, "connect", _configure_sqlite)
    # pysqlite's own transaction handling defers BEGIN; take it over so that
    # a write transaction starts IMMEDIATE and can't fail on lock upgrade,
    # while readers keep a deferred BEGIN and never wait for writers.
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    register_sqlite_functions(dbapi_connection)


def _begin_immediate(connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if write else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            _run(session.info.get("on_rollback", []), reversed_order=True)
            raise
        _run(session.info.get("on_commit", []))


def on_rollback(session: Session, action: Callable[[], None]) -> None:
    """Undo a side effect outside the database if the transaction fails."""
    session.info.setdefault("on_rollback", []).append(action)


def on_commit(session: Session, action: Callable[[], None]) -> None:
    """Run a side effect (remove files, enqueue a job) once the data is safe."""
    session.info.setdefault("on_commit", []).append(action)


def _run(actions: list[Callable[[], None]], *, reversed_order: bool = False) -> None:
    for action in reversed(actions) if reversed_order else actions:
        try:
            action()
        except Exception:
            logger.exception("A follow-up action of a transaction failed.")
