"""The ``mailplane`` command."""

import logging
import sys

import click

from core.config import load_config
from core.db import session_scope
from core.errors import ConfigurationError, MailplaneError

logger = logging.getLogger(__name__)


def _runtime():
    from core.runtime import build_runtime

    config = load_config()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return build_runtime(config)


def _prepare(runtime) -> None:
    """Migrate, then create the first system administrator if there is none."""
    from core.migrate import upgrade
    from core.services.admins import ensure_bootstrap_admin

    upgrade(runtime.engine)
    runtime.config.domains_dir.mkdir(parents=True, exist_ok=True)
    with session_scope(runtime.engine) as session:
        generated = ensure_bootstrap_admin(session, runtime.config.admin_password)
    if generated:
        click.echo(f"Created system administrator 'admin' with password: {generated}")
        click.echo(
            "It is shown only this once; set MAILPLANE_ADMIN_PASSWORD to choose it."
        )


@click.group()
@click.option("--log-level", default="INFO", show_default=True, help="Logging level.")
def main(log_level: str) -> None:
    """Mailplane: a GraphQL control plane for multi-tenant mail servers."""
    logging.basicConfig(
        level=log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@main.command()
@click.option("--host", default=None, help="Address to listen on [MAILPLANE_HOST].")
@click.option("--port", default=None, type=int, help="Port [MAILPLANE_PORT].")
def serve(host: str | None, port: int | None) -> None:
    """Migrate the database and serve the API."""
    import uvicorn

    from core.app import create_app

    runtime = _runtime()
    _prepare(runtime)
    app = create_app(runtime)
    host = host or runtime.config.host
    port = port or runtime.config.port
    logger.info("Listening on http://%s:%d/graphql.", host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command()
def migrate() -> None:
    """Bring the database to the newest schema."""
    _prepare(_runtime())


@main.command()
def schema() -> None:
    """Print the GraphQL schema (SDL) of the loaded plugins."""
    from core.schema.builder import build_schema

    click.echo(str(build_schema(_runtime())))


@main.command("create-admin")
@click.argument("username")
@click.password_option(envvar="MAILPLANE_NEW_ADMIN_PASSWORD")
def create_admin(username: str, password: str) -> None:
    """Create a system administrator."""
    from core.services.admins import create_admin as create

    runtime = _runtime()
    _prepare(runtime)
    with session_scope(runtime.engine) as session:
        create(session, username, password)
    click.echo(f"Created system administrator {username}.")


def run() -> None:
    try:
        main()
    except (ConfigurationError, MailplaneError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
