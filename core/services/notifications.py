"""In-app notifications: sent to a group by a job, read by each user.

A user sees only its own notifications; system administrators have none
(they are not users). The job inserts a batch of recipients per
transaction together with its checkpoint, and the unique (job, user) pair
keeps a redelivered message from notifying anyone twice.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import false, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import session_scope
from core.errors import InvalidInput, InvalidInputs, NotFound
from core.models import Job, Notification
from core.models.base import utcnow
from core.pagination import Page, after_condition
from core.principal import Principal, require_authenticated
from core.services.jobs import JobCancelled, create_job, update_progress
from core.services.recipients import (
    Audience,
    RecipientGroup,
    clean_audience,
    count_recipients,
    recipient_ids,
)

logger = logging.getLogger(__name__)

SEND_NOTIFICATION = "send_notification"
MAX_SUBJECT_CHARS = 255
MAX_BODY_CHARS = 10_000
BATCH_SIZE = 1000


@dataclass(frozen=True)
class NotificationText:
    subject: str
    body: str


def clean_notification(subject: str, body: str) -> NotificationText:
    errors = []
    subject, body = subject.strip(), body.strip()
    if not subject or len(subject) > MAX_SUBJECT_CHARS or "\n" in subject:
        errors.append(
            InvalidInput(
                "The subject must be one line of 1 to 255 characters.",
                field="subject",
            )
        )
    if not body or len(body) > MAX_BODY_CHARS:
        errors.append(
            InvalidInput("The message must hold 1 to 10,000 characters.", field="body")
        )
    if errors:
        raise InvalidInputs(errors)
    return NotificationText(subject, body)


def request_notification(
    session: Session,
    runtime,
    principal: Principal,
    *,
    group: RecipientGroup,
    domain: str | None,
    user: str | None,
    subject: str,
    body: str,
) -> Job:
    """Check the text and the audience, then queue the job that notifies."""
    text = clean_notification(subject, body)
    audience = clean_audience(session, principal, group, domain, user)
    params = {
        "audience": audience.as_params(),
        "subject": text.subject,
        "body": text.body,
    }
    return create_job(session, runtime, principal, SEND_NOTIFICATION, params)


def run_notification(runtime, job: Job) -> dict:
    """Notify every recipient after the job's checkpoint."""
    engine = runtime.engine
    audience = Audience.from_params(job.params["audience"])
    notified = (job.result or {}).get("notified", 0)
    total = count_recipients(engine, audience)
    with session_scope(engine) as session:
        update_progress(session, job.id, done=notified, total=max(total, notified))

    for ids in recipient_ids(engine, audience, job.checkpoint, BATCH_SIZE):
        with session_scope(engine) as session:
            notified += _notify(session, job, ids)
            running = update_progress(
                session,
                job.id,
                done=notified,
                checkpoint=ids[-1],
                result={"notified": notified},
            )
        if not running:
            raise JobCancelled(job.id)
    logger.info("Job %d notified %d users.", job.id, notified)
    return {"notified": notified}


def _notify(session: Session, job: Job, user_ids: list[int]) -> int:
    """Insert the batch's notifications but those there already; count them.

    Skipping on the (job, user) key, rather than failing, keeps two runs of
    one job at once (a message delivered twice) from failing each other.
    """
    now = utcnow()
    rows = [
        {
            "user_id": user_id,
            "job_id": job.id,
            "subject": job.params["subject"],
            "body": job.params["body"],
            "created_at": now,
        }
        for user_id in user_ids
    ]
    dialect = session.get_bind().dialect.name
    make_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        make_insert(Notification)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["job_id", "user_id"])
        .returning(Notification.id)
    )
    return len(session.execute(statement).all())


# The reader's side.


def _mine(principal: Principal) -> list:
    require_authenticated(principal)
    if principal.user_id is None:
        return [false()]
    return [Notification.user_id == principal.user_id]


def list_notifications(
    session: Session,
    principal: Principal,
    *,
    first: int,
    after: str | None,
    unread_only: bool,
) -> Page:
    """A page of the caller's notifications, newest first, in two queries."""
    conditions = _mine(principal)
    if unread_only:
        conditions.append(Notification.read_at.is_(None))
    total = session.execute(
        select(func.count(Notification.id)).where(*conditions)
    ).scalar_one()
    if after:
        conditions.append(
            after_condition(Notification.id, Notification.id, after, True)
        )
    rows = list(
        session.execute(
            select(Notification)
            .where(*conditions)
            .order_by(Notification.id.desc())
            .limit(first + 1)
        ).scalars()
    )
    return Page(rows[:first], total, len(rows) > first, after is not None)


def mark_notification_read(
    session: Session, principal: Principal, notification_id: int
) -> Notification:
    """Mark one of the caller's notifications read (again is harmless)."""
    row = session.execute(
        select(Notification).where(
            Notification.id == notification_id, *_mine(principal)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(
            f"No notification {notification_id}.",
            field="id",
            code="NOTIFICATION_NOT_FOUND",
        )
    session.execute(
        update(Notification)
        .where(Notification.id == row.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    session.refresh(row)
    return row


def notifications_after(
    engine: Engine, principal: Principal, after_id: int, limit: int = 50
) -> list[Notification]:
    """The caller's notifications newer than ``after_id``, oldest first."""
    with session_scope(engine, write=False) as session:
        return list(
            session.execute(
                select(Notification)
                .where(Notification.id > after_id, *_mine(principal))
                .order_by(Notification.id)
                .limit(limit)
            ).scalars()
        )


def latest_notification_id(engine: Engine, principal: Principal) -> int:
    with session_scope(engine, write=False) as session:
        latest = session.execute(
            select(func.max(Notification.id)).where(*_mine(principal))
        ).scalar_one()
    return latest or 0
