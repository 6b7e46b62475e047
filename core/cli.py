"""The ``mailplane`` command."""

import logging

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


class MailplaneCommands(click.Group):
    """Commands whose expected failures end in one line, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ConfigurationError, MailplaneError) as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=MailplaneCommands)
@click.option("--log-level", default="INFO", show_default=True, help="Logging level.")
def main(log_level: str) -> None:
    """Mailplane: a GraphQL control plane for multi-tenant mail servers."""
    logging.basicConfig(
        level=log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic announces each of its internal plugins at INFO on every start.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


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
    proxies = runtime.config.trusted_proxies
    logger.info("Listening on http://%s:%d/graphql.", host, port)
    logger.info(
        "Taking client addresses from X-Forwarded-For of %s.",
        ", ".join(proxies) or "no proxy",
    )
    # Passed even when empty: left unset, uvicorn would fall back to its own
    # FORWARDED_ALLOW_IPS and trust what this setting does not.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=bool(proxies),
        forwarded_allow_ips=list(proxies),
    )


@main.command()
def migrate() -> None:
    """Bring the database to the newest schema."""
    runtime = _runtime()
    try:
        _prepare(runtime)
    finally:
        runtime.engine.dispose()


@main.command()
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Jobs run at once by this process.",
)
def worker(threads: int) -> None:
    """Run jobs from the broker of MAILPLANE_BROKER_URL until stopped."""
    from workers.worker import run_worker

    run_worker(_runtime(), threads=threads)


@main.command()
def schema() -> None:
    """Print the GraphQL schema (SDL) of the loaded plugins."""
    from core.schema.builder import build_schema

    click.echo(str(build_schema(_runtime())))


@main.command("create-admin")
@click.argument("username")
@click.password_option(
    envvar="MAILPLANE_NEW_ADMIN_PASSWORD",
    help="Asked for when not given [MAILPLANE_NEW_ADMIN_PASSWORD].",
)
def create_admin(username: str, password: str) -> None:
    """Create a system administrator named USERNAME."""
    from core.services.admins import create_admin as create

    runtime = _runtime()
    try:
        _prepare(runtime)
        with session_scope(runtime.engine) as session:
            create(session, username, password)
    finally:
        runtime.engine.dispose()
    click.echo(f"Created system administrator {username}.")


@main.group("license")
def license_group() -> None:
    """Inspect the license the server runs under."""


@license_group.command("show")
def license_show() -> None:
    """Print the license in force, where it came from, and any refused."""
    from core.services.license import describe_status

    for line in describe_status(_runtime().license_status):
        click.echo(line)


def run() -> None:
    """The console script's entry point."""
    main()


def _add_plugin_commands() -> None:
    """Commands of built-in plugins: those the mail transport pipes mail to."""
    from plugins.mailing_lists.cli import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


_add_plugin_commands()
