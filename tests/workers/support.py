"""Helpers the job tests share: domains full of users, callers, running jobs."""

import time
from pathlib import Path

from sqlalchemy import insert, select, update

from core.db import session_scope
from core.models import Domain, Job, SystemAdmin, User
from core.principal import Principal, Role
from core.services.domains import DomainCreate, create_domain, update_domain
from core.services.jobs import finish_job, start_job
from workers.actors import ACTOR_MODULES, job_bodies

PASSWORD = "pw-123456"


def system_admin(runtime) -> Principal:
    with session_scope(runtime.engine, write=False) as session:
        admin = session.execute(select(SystemAdmin)).scalars().first()
    return Principal(Role.SYSTEM_ADMIN, admin.username, system_admin_id=admin.id)


def make_domain(
    runtime, name: str, *, users: int = 0, disk_space_mb: int | None = None
) -> Domain:
    """A domain with its administrator ``boss`` and ``users`` more users."""
    with session_scope(runtime.engine) as session:
        domain = create_domain(session, runtime, DomainCreate(name, "boss", PASSWORD))
        limits = {"users": users + 10}
        if disk_space_mb is not None:
            limits["disk_space_mb"] = disk_space_mb
        update_domain(
            session,
            runtime,
            system_admin(runtime),
            domain,
            hostname=None,
            settings={"limits": limits},
        )
    if users:
        add_users(runtime, domain, users)
    return domain


def add_users(runtime, domain: Domain, count: int, **fields) -> list[int]:
    """Insert ``count`` users named user00000… with their folders."""
    rows = [
        {
            "domain_id": domain.id,
            "local_part": f"user{n:05d}",
            "password_hash": "x",
            "settings": {},
            "forwarding": {},
            **fields,
        }
        for n in range(count)
    ]
    with session_scope(runtime.engine) as session:
        session.execute(insert(User), rows)
        session.execute(
            update(Domain)
            .where(Domain.id == domain.id)
            .values(user_count=Domain.user_count + count)
        )
        ids = session.execute(
            select(User.id).where(User.domain_id == domain.id).order_by(User.id)
        ).scalars()
        ids = list(ids)
    for row in rows:
        (Path(domain.folder) / row["local_part"]).mkdir(exist_ok=True)
    return ids


def domain_admin(runtime, domain: Domain) -> Principal:
    return Principal(
        Role.DOMAIN_ADMIN,
        f"boss@{domain.name}",
        user_id=domain.primary_admin_id,
        domain_id=domain.id,
    )


def plain_user(runtime, domain: Domain) -> Principal:
    with session_scope(runtime.engine, write=False) as session:
        user_id = (
            session.execute(
                select(User.id).where(
                    User.domain_id == domain.id, User.is_domain_admin.is_(False)
                )
            )
            .scalars()
            .first()
        )
    return Principal(Role.USER, "user", user_id=user_id, domain_id=domain.id)


def request_job(runtime, request) -> int:
    """Run ``request(session)`` in a transaction; return the job's id."""
    with session_scope(runtime.engine) as session:
        return request(session).id


def run_job_now(runtime, job_id: int) -> Job:
    """Run a job in this thread as a worker would, without a broker."""
    import importlib

    for module in ACTOR_MODULES:
        importlib.import_module(module)
    job = start_job(runtime.engine, job_id)
    assert job is not None, f"job {job_id} may not start"
    finish_job(runtime.engine, job_id, job_bodies()[job.kind](runtime, job))
    return read_job(runtime, job_id)


def read_job(runtime, job_id: int) -> Job:
    with session_scope(runtime.engine, write=False) as session:
        return session.get(Job, job_id)


def wait_for_job(runtime, job_id: int, timeout: float = 30) -> Job:
    """Poll until the job is final; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = read_job(runtime, job_id)
        if job.is_final:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job.state} after {timeout}s")


def set_job(runtime, job_id: int, **values) -> None:
    with session_scope(runtime.engine) as session:
        session.execute(update(Job).where(Job.id == job_id).values(**values))


def inbox_messages(domain: Domain, local_part: str) -> list[Path]:
    maildir = Path(domain.folder) / local_part / "Maildir"
    return [
        path
        for sub in ("new", "cur")
        if (maildir / sub).is_dir()
        for path in (maildir / sub).iterdir()
    ]
