"""Alembic's environment: the URL comes from Mailplane's configuration."""

from alembic import context
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table on the metadata)
from core.config import load_config
from core.db import make_engine

config = context.config


def run_migrations() -> None:
    url = config.attributes.get("url") or load_config().effective_database_url
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
