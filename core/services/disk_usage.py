"""Disk usage of users and domains: counters, limits, warnings, recalculation.

A user's ``disk_used_bytes`` is the bytes of its mail on disk; a domain's
is the sum over its users (folders on disk that belong to no user do not
count until attached). Deliveries add to both with an atomic
``UPDATE ... SET x = x + :n``; restores and ``recalculate_disk_usage`` set
them from a scan of the disk.

A full mailbox or domain warns its primary administrator once (see
``core.services.mail_delivery``); the mark of that warning is deleted once
usage falls under ``REARM_RATIO`` of the limit, so the next crossing warns
again. The margin keeps a mailbox that hovers at its limit, taking a small
message and refusing a large one, from warning at every refusal.
"""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlmodel import Session

from core.db import session_scope
from core.errors import NotFound
from core.mailstore import find_unattached_users, scan_domain_usage
from core.models import DiskWarning, Domain, Job, User
from core.principal import Principal, require_system_admin
from core.services.jobs import create_job, save_progress
from core.services.scope import find_domain

logger = logging.getLogger(__name__)

RECALCULATE_DISK_USAGE = "recalculate_disk_usage"
MIB = 1024 * 1024
REARM_RATIO = 0.9
UNATTACHED_SHOWN = 100


def user_limit_bytes(mailbox_size_mb: int) -> int | None:
    """A mailbox's limit in bytes; None when it has none of its own (0 MB)."""
    return mailbox_size_mb * MIB if mailbox_size_mb > 0 else None


def domain_limit_bytes(runtime: Any, settings: dict | None) -> int:
    """The domain's disk space (``limits.diskSpaceMb``) in bytes."""
    limits = runtime.registry.read("domain", settings, "limits")
    return limits.disk_space_mb * MIB


def rearm_mark(limit: int | None) -> int | None:
    """Usage under which a full mailbox or domain may warn again."""
    return None if limit is None else int(limit * REARM_RATIO)


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"


def domain_subject(domain_id: int) -> str:
    return f"domain:{domain_id}"


def add_usage(session: Session, user_id: int, domain_id: int, size: int) -> None:
    """Add ``size`` bytes (negative to remove) to a user and its domain.

    The domain row is changed first, as every change of a domain's counts
    is, so that concurrent transactions take the row locks in one order.
    """
    session.execute(
        update(Domain)
        .where(Domain.id == domain_id)
        .values(disk_used_bytes=Domain.disk_used_bytes + size)
    )
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(disk_used_bytes=User.disk_used_bytes + size)
    )


def set_user_usage(session: Session, user_id: int, domain_id: int, used: int) -> int:
    """Set a user's usage to ``used`` bytes, moving its domain's by the change.

    Returns the change. The domain row is locked first, then the user's old
    value is read under that lock.
    """
    lock_domain(session, domain_id)
    old = session.execute(
        select(User.disk_used_bytes).where(User.id == user_id).with_for_update()
    ).scalar_one()
    change = used - old
    if change:
        add_usage(session, user_id, domain_id, change)
    return change


def lock_domain(session: Session, domain_id: int) -> None:
    """Take the domain row's write lock (a no-op update) before other rows."""
    session.execute(
        update(Domain)
        .where(Domain.id == domain_id)
        .values(disk_used_bytes=Domain.disk_used_bytes)
    )


def rearm_warnings(session: Session, runtime: Any, domain_id: int) -> int:
    """Delete the warning marks of a domain whose usage is low again."""
    marks = session.execute(
        select(DiskWarning.id, DiskWarning.user_id).where(
            DiskWarning.domain_id == domain_id
        )
    ).all()
    if not marks:
        return 0

    settings, domain_used = session.execute(
        select(Domain.settings, Domain.disk_used_bytes).where(Domain.id == domain_id)
    ).one()
    domain_mark = rearm_mark(domain_limit_bytes(runtime, settings))
    users = _users_low(session, [uid for _, uid in marks if uid is not None])
    low = [
        mark_id
        for mark_id, user_id in marks
        if (domain_used < domain_mark if user_id is None else users.get(user_id, True))
    ]
    if low:
        session.execute(delete(DiskWarning).where(DiskWarning.id.in_(low)))
        logger.info(
            "Re-armed %d disk space warnings of domain %d.", len(low), domain_id
        )
    return len(low)


def _users_low(session: Session, user_ids: list[int]) -> dict[int, bool]:
    """User id -> whether its usage is under its re-arm mark."""
    rows = session.execute(
        select(User.id, User.disk_used_bytes, User.mailbox_size_mb).where(
            User.id.in_(user_ids)
        )
    )
    return {
        user_id: (mark := rearm_mark(user_limit_bytes(size_mb))) is None or used < mark
        for user_id, used, size_mb in rows
    }


# Recalculation.


@dataclass(frozen=True)
class UsageReport:
    """What a recalculation found: totals and the users whose count changed."""

    domain_bytes: int
    users: int
    corrected_users: int
    unattached_users: list[str]

    def as_result(self) -> dict:
        return {
            "diskUsedBytes": self.domain_bytes,
            "users": self.users,
            "correctedUsers": self.corrected_users,
            "unattachedUsers": self.unattached_users[:UNATTACHED_SHOWN],
            "unattachedUserCount": len(self.unattached_users),
        }


def recalculate_disk_usage(runtime: Any, domain: Domain) -> UsageReport:
    """Rescan a domain's folder and set its users' and its own usage from it.

    The scan runs outside any transaction; the counters are then written in
    one. Folders of no user are listed, not counted.
    """
    # Limitation: a delivery that lands between the scan and the write is
    # missed (or one counted during the scan is counted twice) until the
    # next recalculation — scan each user's folder under a lock on its row.
    scanned = _scan(Path(domain.folder))
    with session_scope(runtime.engine) as session:
        users = session.execute(
            select(User.id, User.local_part, User.disk_used_bytes).where(
                User.domain_id == domain.id
            )
        ).all()
        corrected = _write_usage(session, domain.id, users, scanned)
        total = session.execute(
            select(Domain.disk_used_bytes).where(Domain.id == domain.id)
        ).scalar_one()
        rearm_warnings(session, runtime, domain.id)

    known = [local_part for _, local_part, _ in users]
    unattached = _unattached(Path(domain.folder), known)
    logger.info(
        "Recalculated the disk usage of %s: %d bytes, %d users corrected.",
        domain.name,
        total,
        corrected,
    )
    return UsageReport(total, len(users), corrected, unattached)


def _scan(folder: Path) -> dict[str, int]:
    if not folder.is_dir():
        logger.warning("Domain folder %s is missing; counted as empty.", folder)
        return {}
    return scan_domain_usage(folder)


def _unattached(folder: Path, known: list[str]) -> list[str]:
    return find_unattached_users(folder, known) if folder.is_dir() else []


def _write_usage(session: Session, domain_id: int, users, scanned: dict) -> int:
    changes = [
        {"row_id": user_id, "used": scanned.get(local_part, 0)}
        for user_id, local_part, used in users
        if scanned.get(local_part, 0) != used
    ]
    lock_domain(session, domain_id)
    if changes:
        table = User.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(disk_used_bytes=bindparam("used")),
            changes,
        )
    total = select(func.coalesce(func.sum(User.disk_used_bytes), 0)).where(
        User.domain_id == domain_id
    )
    session.execute(
        update(Domain)
        .where(Domain.id == domain_id)
        .values(disk_used_bytes=total.scalar_subquery())
    )
    return len(changes)


# The recalculation as a job (system administrators).


def request_recalculation(
    session: Session, runtime: Any, principal: Principal, domain_name: str
) -> Job:
    """Queue a rescan of a domain's folder that repairs its usage counters."""
    require_system_admin(principal)
    domain = find_domain(session, domain_name)
    if domain is None:
        raise NotFound(
            f"No domain named {domain_name!r}.",
            field="domain",
            code="DOMAIN_NOT_FOUND",
        )
    params = {"domainId": domain.id, "domain": domain.name}
    return create_job(session, runtime, principal, RECALCULATE_DISK_USAGE, params)


def run_recalculation(runtime: Any, job: Job) -> dict:
    """The job's body: rescan, set the counters, return the figures."""
    with session_scope(runtime.engine, write=False) as session:
        domain = session.get(Domain, job.params["domainId"])
    if domain is None:
        raise NotFound(
            f"No domain named {job.params['domain']!r}.",
            field="domain",
            code="DOMAIN_NOT_FOUND",
        )
    report = recalculate_disk_usage(runtime, domain)
    save_progress(runtime.engine, job.id, done=report.users, total=report.users)
    return report.as_result()
