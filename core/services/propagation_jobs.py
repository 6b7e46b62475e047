"""Propagation in the request or as a job, decided by its size.

A propagation is one UPDATE (``core.services.propagation``), yet at tens
of thousands of rows it holds the request for seconds. So the request
validates the input (who asks, the paths, the domains), so that a bad one
gets its errors at once and no job, then counts the rows the propagation
would touch: the domains, or the users of the chosen domains. Past
``Config.propagation_job_rows`` (or when the caller asks) it records a job
instead of propagating; the actor runs the same propagation in one write
transaction, reading the template as it is then. A dry run is a preview and
never becomes a job.

The job's result is ``{"domainsChanged": n}`` or ``{"usersChanged": n}``,
with ``"refused": [{"domain", "plugin", "message"}]``; it is saved with a
checkpoint in the propagating transaction, so a redelivered message returns
it instead of propagating again.
"""

import logging
from collections.abc import Callable

from sqlalchemy import func, select
from sqlmodel import Session

from core.db import session_scope
from core.errors import InvalidInput
from core.models import Domain, Job
from core.principal import Principal, require_system_admin
from core.runtime import Runtime
from core.services import audit
from core.services.jobs import JobCancelled, complete_job, create_job, job_owner
from core.services.propagation import (
    DomainPropagation,
    Refusal,
    UserPropagation,
    chosen_domains,
    propagate_domain_defaults,
    propagate_user_defaults,
    validate_paths,
)
from core.services.propagation_preview import PreviewWindow

logger = logging.getLogger(__name__)

PROPAGATE_DOMAIN_DEFAULTS = "propagate_domain_defaults"
PROPAGATE_USER_DEFAULTS = "propagate_user_defaults"
# The audit action of a propagation a job ran: the mutation that asked.
ACTIONS = {
    PROPAGATE_DOMAIN_DEFAULTS: "propagateDomainDefaults",
    PROPAGATE_USER_DEFAULTS: "propagateUserDefaults",
}

# ``Job.checkpoint`` once the propagation committed.
COMMITTED = 1


def request_domain_propagation(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    paths: list[str],
    *,
    dry_run: bool = False,
    run_as_job: bool | None = None,
    window: PreviewWindow | None = None,
) -> DomainPropagation | Job:
    """Propagate domain defaults now, or queue a job and return it.

    ``run_as_job`` None lets the number of domains decide; a dry run is
    always immediate. Bad input raises here, before any job exists.
    """
    require_system_admin(principal)
    validate_window(window, dry_run)
    if dry_run:
        return propagate_domain_defaults(
            session, runtime, paths, dry_run=True, window=window or PreviewWindow()
        )

    validate_paths(session, runtime, "domain", paths)
    rows = session.execute(select(func.count(Domain.id))).scalar_one()
    if not _runs_as_job(runtime, run_as_job, rows):
        return propagate_domain_defaults(session, runtime, paths)
    params = {"settings": list(paths)}
    return _queue(session, runtime, principal, PROPAGATE_DOMAIN_DEFAULTS, params, rows)


def request_user_propagation(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    paths: list[str],
    *,
    domains: list[str] | None = None,
    dry_run: bool = False,
    run_as_job: bool | None = None,
    window: PreviewWindow | None = None,
) -> UserPropagation | Job:
    """Propagate user defaults now, or queue a job and return it.

    ``run_as_job`` None lets the number of users of the chosen domains
    decide; a dry run is always immediate. Plugins are asked about each
    domain when the propagation runs, so a job reports its refusals in its
    result.
    """
    require_system_admin(principal)
    validate_window(window, dry_run)
    if dry_run:
        return propagate_user_defaults(
            session,
            runtime,
            paths,
            domains=domains,
            dry_run=True,
            window=window or PreviewWindow(),
        )

    validate_paths(session, runtime, "user", paths)
    rows = _count_users(session, chosen_domains(session, domains))
    if not _runs_as_job(runtime, run_as_job, rows):
        return propagate_user_defaults(session, runtime, paths, domains=domains)
    params = {"settings": list(paths), "domains": list(domains or [])}
    return _queue(session, runtime, principal, PROPAGATE_USER_DEFAULTS, params, rows)


def validate_window(window: PreviewWindow | None, dry_run: bool) -> None:
    """A preview page means nothing outside a dry run (``DRY_RUN_ONLY``)."""
    if window is not None and not dry_run:
        raise InvalidInput(
            "A preview page applies to a dry run only; set dryRun.",
            field="previewPage",
            code="DRY_RUN_ONLY",
        )


def _count_users(session: Session, chosen: list[Domain] | None) -> int:
    # The domains' counters, not COUNT(*) over users: one short read.
    if chosen is not None:
        return sum(domain.user_count for domain in chosen)
    total = session.execute(select(func.sum(Domain.user_count))).scalar_one()
    return total or 0


def _runs_as_job(runtime: Runtime, run_as_job: bool | None, rows: int) -> bool:
    if run_as_job is not None:
        return run_as_job
    return rows > runtime.config.propagation_job_rows


def _queue(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    kind: str,
    params: dict,
    rows: int,
) -> Job:
    job = create_job(session, runtime, principal, kind, params)
    job.total = rows
    session.flush()
    # The request's entry and the one the job writes name the same target.
    audit.set_target(session, audit.Target("job", str(job.id)))
    logger.debug("Propagation of %d rows goes to job %d.", rows, job.id)
    return job


# The actor's side.


def run_domain_propagation(runtime: Runtime, job: Job) -> dict:
    """Propagate the job's domain defaults in one transaction; the job result."""

    def propagate(session: Session) -> dict:
        result = propagate_domain_defaults(session, runtime, job.params["settings"])
        return {
            "domainsChanged": result.changed,
            "refused": [_refusal(item) for item in result.refused],
        }

    return _run_once(runtime, job, propagate)


def run_user_propagation(runtime: Runtime, job: Job) -> dict:
    """Propagate the job's user defaults in one transaction; the job result."""

    def propagate(session: Session) -> dict:
        result = propagate_user_defaults(
            session,
            runtime,
            job.params["settings"],
            domains=job.params.get("domains") or None,
        )
        return {
            "usersChanged": result.changed,
            "refused": [_refusal(item) for item in result.refused],
        }

    return _run_once(runtime, job, propagate)


def _run_once(runtime: Runtime, job: Job, propagate: Callable[[Session], dict]) -> dict:
    """Run ``propagate`` and finish the job in the same transaction.

    A job cancelled first rolls the propagation back; once it committed, the
    job is SUCCEEDED, so a redelivered message doesn't start it again (and
    one already past the start finds the checkpoint and the saved result).
    """
    with session_scope(runtime.engine) as session:
        # Read under a lock: two deliveries of one message must not both
        # propagate, the second reporting that nothing changed.
        current = session.get(Job, job.id, with_for_update=True)
        if current is not None and current.checkpoint == COMMITTED:
            return dict(current.result)
        # The request's entry records the job queued; what the propagation
        # changed is known only here, so the job writes an entry of its own.
        audit.watch(session)
        result = propagate(session)
        audit.record_mutation(
            session,
            audit.Caller(job_owner(session, job)),
            ACTIONS[job.kind],
            audit.Target("job", str(job.id)),
        )
        done = complete_job(
            session, job.id, result, done=job.total, checkpoint=COMMITTED
        )
        if not done:
            raise JobCancelled(job.id)
    return result


def _refusal(refusal: Refusal) -> dict[str, str]:
    return {
        "domain": refusal.domain,
        "plugin": refusal.plugin,
        "message": refusal.message,
    }
