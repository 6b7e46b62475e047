"""``mailplane list-command`` and ``mailplane list-post LIST``: the doors of
the mail transport, which pipes each message to standard input.

Exit codes follow sysexits, so the transport bounces or retries: 0 done,
65 a message that can't be taken (no command, too large, bad token), 67 no
such list or command address, 77 a sender that may not post, 75 a
temporary failure (database, broker or relay down, or the domain disabled):
try again later.
"""

import logging
import sys
from collections.abc import Callable

import click

from core.errors import MailplaneError, NotFound, PermissionDenied

logger = logging.getLogger(__name__)

EX_OK = 0
EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75
EX_NOPERM = 77
# A disabled domain sends nothing but must lose no mail it receives: the
# transport keeps the message and retries, so it goes out once the domain
# is enabled again (or bounces when the transport's queue lifetime ends).
TEMPORARY_CODES = {"SMTP_UNAVAILABLE", "DOMAIN_DISABLED"}


@click.command("list-command")
@click.option(
    "--recipient",
    default=None,
    help="The command address the message was delivered to; by default it "
    "is read from Delivered-To, X-Original-To, To and Cc.",
)
def list_command(recipient: str | None) -> None:
    """Carry out the list command of the message on standard input."""
    raw = sys.stdin.buffer.read()
    sys.exit(run_with_runtime(lambda runtime: process(runtime, raw, recipient)))


@click.command("list-post")
@click.argument("list_address", metavar="LIST")
def list_post(list_address: str) -> None:
    """Post the message on standard input to the list at address LIST."""
    raw = sys.stdin.buffer.read()
    sys.exit(run_with_runtime(lambda runtime: post(runtime, list_address, raw)))


COMMANDS = [list_command, list_post]


def run_with_runtime(action: Callable) -> int:
    """Run ``action(runtime)`` and turn its outcome into an exit code."""
    try:
        runtime = _runtime()
    except Exception:
        logger.exception("The mail server's configuration could not be loaded.")
        return EX_TEMPFAIL
    try:
        if not runtime.plugins.is_active("mailing_lists"):
            click.echo("The mailing lists plugin is not active.", err=True)
            return EX_NOUSER
        action(runtime)
    except MailplaneError as exc:
        click.echo(f"{exc.code}: {exc.message}", err=True)
        return exit_code(exc)
    except Exception:
        logger.exception("The message could not be handled; try again later.")
        return EX_TEMPFAIL
    finally:
        runtime.engine.dispose()
    return EX_OK


def exit_code(exc: MailplaneError) -> int:
    if exc.code in TEMPORARY_CODES:
        return EX_TEMPFAIL
    if isinstance(exc, NotFound):
        return EX_NOUSER
    if isinstance(exc, PermissionDenied):
        return EX_NOPERM
    return EX_DATAERR


def _runtime():
    from core.config import load_config
    from core.runtime import build_runtime

    config = load_config()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return build_runtime(config)


def process(runtime, raw: bytes, recipient: str | None) -> None:
    from core.db import session_scope
    from plugins.mailing_lists.commands import process_command

    with session_scope(runtime.engine) as session:
        result = process_command(session, runtime, raw, recipient=recipient)
    click.echo(f"{result.command}: {result.status.value}")


def post(runtime, list_address: str, raw: bytes) -> None:
    """Accept the post, then see its job run: here when jobs are embedded.

    With a broker the job is enqueued for the workers. Embedded, the
    server's queue lives in its own memory, so this process runs the job
    itself before it exits; a post accepted is never posted twice, so a
    failed delivery is logged, not reported to the transport.
    """
    from core.db import session_scope
    from plugins.mailing_lists.posting import post_message
    from workers.broker import connect

    jobs = connect(runtime)
    try:
        with session_scope(runtime.engine) as session:
            job, _post = post_message(session, runtime, list_address, raw)
            job_id = job.id
        if jobs.embedded:
            jobs.start_worker(1)
            jobs.broker.join(jobs.queue, fail_fast=False)
            jobs.worker.join()
    finally:
        jobs.stop()
    click.echo(f"Accepted as job {job_id}.")
