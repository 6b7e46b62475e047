"""Jobs: creating them, moving them through their states, and who sees them.

A job row is the truth about long work; the broker only carries its id.
States move QUEUED -> RUNNING -> SUCCEEDED | FAILED, and QUEUED or RUNNING
-> CANCELLED. Every move is one conditional UPDATE on the states it may
leave, so a redelivered message, a cancellation and a finishing actor can
race without a final state ever being overwritten.
"""

import logging
import time
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import false, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import on_commit, session_scope
from core.errors import Conflict, MailplaneError, NotFound
from core.models import ApiKey, Domain, Job, SystemAdmin, User
from core.models.base import utcnow
from core.models.job import ACTIVE_STATES, JobState
from core.pagination import Page, after_condition
from core.principal import Principal, Role, require_authenticated

logger = logging.getLogger(__name__)

JOB_QUEUE = "job_queue"
"""Key of the runtime's ``extras`` under which the broker's ``JobQueue`` lives."""


class JobQueue(Protocol):
    """What enqueues a job's message; ``workers.broker`` provides it."""

    def enqueue(self, kind: str, job_id: int) -> None: ...


class JobCancelled(Exception):
    """Raised in an actor when its job was cancelled or deleted meanwhile."""


def create_job(
    session: Session, runtime: Any, principal: Principal, kind: str, params: dict
) -> Job:
    """Record a QUEUED job owned by the caller; enqueue it once committed.

    The actor named ``kind`` runs it. Enqueueing waits for the commit so a
    worker never looks for a row that is not there yet.
    """
    require_authenticated(principal)
    job = Job(kind=kind, params=params, **_owner(principal))
    session.add(job)
    session.flush()
    job_id = job.id
    on_commit(session, lambda: enqueue_job(runtime, kind, job_id))
    on_commit(session, lambda: logger.info("Queued job %d (%s).", job_id, kind))
    return job


def _owner(principal: Principal) -> dict[str, int | None]:
    if principal.role is Role.SYSTEM_ADMIN:
        return {"owner_admin_id": principal.system_admin_id}
    if principal.role is Role.API_KEY:
        return {"owner_api_key_id": principal.api_key_id}
    return {"owner_user_id": principal.user_id}


def enqueue_job(runtime: Any, kind: str, job_id: int) -> None:
    """Hand a job to the broker; without one it waits for the next start.

    A broker that refuses the message (unreachable, say) fails the job with
    ``BROKER_UNAVAILABLE`` rather than leaving it queued with no message
    that would ever run it; the caller sees the failure and may ask again.
    """
    queue: JobQueue | None = runtime.extras.get(JOB_QUEUE)
    if queue is None:
        logger.warning("No broker is connected; job %d waits in the database.", job_id)
        return
    try:
        queue.enqueue(kind, job_id)
    except Exception as exc:
        logger.error("Job %d could not be enqueued: %s.", job_id, exc)
        unavailable = MailplaneError(
            "The job could not be handed to the job broker; try again later.",
            code="BROKER_UNAVAILABLE",
        )
        fail_job(runtime.engine, job_id, unavailable)


def owned_by(principal: Principal) -> list:
    """Conditions for the jobs a caller may see: its own, or all for system
    administrators. An API key sees its own, whatever its reach."""
    if principal.role is Role.SYSTEM_ADMIN:
        return []
    if principal.role is Role.API_KEY:
        return [Job.owner_api_key_id == principal.api_key_id]
    if principal.user_id is None:
        return [false()]
    return [Job.owner_user_id == principal.user_id]


def is_owner(principal: Principal, job: Job) -> bool:
    """Whether the caller started the job itself (downloads are the owner's)."""
    if principal.role is Role.SYSTEM_ADMIN:
        return job.owner_admin_id == principal.system_admin_id
    if principal.role is Role.API_KEY:
        return job.owner_api_key_id == principal.api_key_id
    return principal.user_id is not None and job.owner_user_id == principal.user_id


def job_owner(session: Session, job: Job) -> Principal:
    """Who started the job, as the audit log names callers.

    Rebuilt from the owner columns for entries a job writes as it runs;
    an owner removed since is named by its kind and id.
    """
    if job.owner_admin_id is not None:
        admin = session.get(SystemAdmin, job.owner_admin_id)
        name = admin.username if admin else f"system admin {job.owner_admin_id}"
        return Principal(Role.SYSTEM_ADMIN, name, system_admin_id=job.owner_admin_id)
    if job.owner_api_key_id is not None:
        key = session.get(ApiKey, job.owner_api_key_id)
        name = key.name if key else f"API key {job.owner_api_key_id}"
        return Principal(Role.API_KEY, name, api_key_id=job.owner_api_key_id)
    user = session.get(User, job.owner_user_id) if job.owner_user_id else None
    domain = session.get(Domain, user.domain_id) if user else None
    if user is None or domain is None:
        return Principal(Role.USER, f"user {job.owner_user_id}")
    role = Role.DOMAIN_ADMIN if user.is_domain_admin else Role.USER
    address = f"{user.local_part}@{domain.name}"
    return Principal(role, address, user_id=user.id, domain_id=domain.id)


def require_job(session: Session, principal: Principal, job_id: int) -> Job:
    """The job, if the caller may see it; else ``JOB_NOT_FOUND``."""
    require_authenticated(principal)
    job = session.execute(
        select(Job).where(Job.id == job_id, *owned_by(principal))
    ).scalar_one_or_none()
    if job is None:
        raise NotFound(f"No job {job_id}.", field="id", code="JOB_NOT_FOUND")
    return job


def list_jobs(
    session: Session,
    principal: Principal,
    *,
    first: int,
    after: str | None,
    state: str | None = None,
    kind: str | None = None,
) -> Page:
    """A page of the caller's jobs, newest first, in two queries."""
    require_authenticated(principal)
    conditions = owned_by(principal)
    if state:
        conditions.append(Job.state == state)
    if kind:
        conditions.append(Job.kind == kind)
    total = session.execute(select(func.count(Job.id)).where(*conditions)).scalar_one()

    if after:
        conditions.append(after_condition(Job.id, Job.id, after, True))
    rows = list(
        session.execute(
            select(Job).where(*conditions).order_by(Job.id.desc()).limit(first + 1)
        ).scalars()
    )
    return Page(rows[:first], total, len(rows) > first, after is not None)


def cancel_job(session: Session, principal: Principal, job_id: int) -> Job:
    """Cancel a queued or running job; a running actor stops at its next save."""
    job = require_job(session, principal, job_id)
    changed = _move(session, job_id, ACTIVE_STATES, JobState.CANCELLED, final=True)
    if not changed:
        raise Conflict(
            f"Job {job_id} has already finished.", field="id", code="JOB_FINISHED"
        )
    session.refresh(job)
    on_commit(session, lambda: logger.info("Cancelled job %d.", job_id))
    return job


def _move(
    session: Session,
    job_id: int,
    sources: Iterable[str],
    target: JobState,
    *,
    final: bool = False,
    **values: Any,
) -> bool:
    if final:
        values["finished_at"] = utcnow()
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_(tuple(sources)))
        .values(state=target.value, **values)
    )
    return result.rowcount == 1


# The actor's side: each call is its own short transaction.


def start_job(engine: Engine, job_id: int) -> Job | None:
    """Mark the job RUNNING and return it; None when it must not run.

    A RUNNING job may start again: its message was redelivered after a
    worker died, and the actor carries on from the job's checkpoint.
    """
    with session_scope(engine) as session:
        moved = _move(
            session,
            job_id,
            ACTIVE_STATES,
            JobState.RUNNING,
            started_at=func.coalesce(Job.started_at, utcnow()),
            attempts=Job.attempts + 1,
        )
        return session.get(Job, job_id) if moved else None


def finish_job(engine: Engine, job_id: int, result: dict) -> bool:
    """Record success and the result; False if the job was cancelled first."""
    with session_scope(engine) as session:
        return complete_job(session, job_id, result)


def complete_job(session: Session, job_id: int, result: dict, **values: Any) -> bool:
    """Record success in the caller's transaction; False if the job stopped.

    For a job whose whole work is that transaction: no cancellation can fall
    between the work and its record. ``values`` are further job columns.
    """
    done = _move(
        session,
        job_id,
        [JobState.RUNNING.value],
        JobState.SUCCEEDED,
        final=True,
        result=result,
        **values,
    )
    if done:
        on_commit(session, lambda: logger.info("Job %d succeeded.", job_id))
    return done


def fail_job(engine: Engine, job_id: int, exc: BaseException) -> bool:
    """Record a failure with its error; a service error keeps its code."""
    with session_scope(engine) as session:
        failed = _move(
            session,
            job_id,
            ACTIVE_STATES,
            JobState.FAILED,
            final=True,
            errors=[job_error(exc)],
        )
    if failed:
        logger.error("Job %d failed: %s.", job_id, job_error(exc)["code"])
    return failed


def job_error(exc: BaseException) -> dict[str, str | None]:
    if isinstance(exc, MailplaneError):
        return {"field": exc.field, "code": exc.code, "message": exc.message}
    return {
        "field": None,
        "code": "INTERNAL_ERROR",
        "message": "The job failed unexpectedly; the server log has the details.",
    }


def save_progress(engine: Engine, job_id: int, **values: Any) -> None:
    """Save a running job's progress; raise ``JobCancelled`` if it stopped.

    ``values`` are columns of the job: ``done``, ``total``, ``checkpoint``,
    ``result``.
    """
    with session_scope(engine) as session:
        saved = update_progress(session, job_id, **values)
    if not saved:
        raise JobCancelled(job_id)


def update_progress(session: Session, job_id: int, **values: Any) -> bool:
    """Save progress in the caller's transaction; False if the job stopped."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.RUNNING.value)
        .values(**values)
    )
    return result.rowcount == 1


class ProgressSaver:
    """Saves a running job's progress at most once every ``interval`` seconds.

    Progress is for people watching a bar, so a save per item would only
    load the database; a checkpoint that matters is saved with ``force``.
    """

    def __init__(self, engine: Engine, job_id: int, interval: float = 0.5) -> None:
        self.engine = engine
        self.job_id = job_id
        self.interval = interval
        self._last = time.monotonic()

    def save(self, *, force: bool = False, **values: Any) -> None:
        """Save when due (or forced); raise ``JobCancelled`` if the job stopped."""
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        save_progress(self.engine, self.job_id, **values)
        self._last = now


def unfinished_jobs(engine: Engine) -> list[tuple[int, str]]:
    """(id, kind) of every job left queued or running, oldest first."""
    with session_scope(engine, write=False) as session:
        rows = session.execute(
            select(Job.id, Job.kind)
            .where(Job.state.in_(ACTIVE_STATES))
            .order_by(Job.id)
        )
        return [(job_id, kind) for job_id, kind in rows]


def get_job(engine: Engine, job_id: int) -> Job | None:
    with session_scope(engine, write=False) as session:
        return session.get(Job, job_id)
