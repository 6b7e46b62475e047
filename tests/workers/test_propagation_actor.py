"""Propagation jobs on the stub broker, on Redis and on RabbitMQ."""

from sqlalchemy import select

from core.db import session_scope
from core.models import Domain, User
from core.services.propagation_jobs import (
    request_domain_propagation,
    request_user_propagation,
)
from core.services.templates import update_domain_template, update_user_template
from tests.workers.support import make_domain, request_job, system_admin, wait_for_job


def _disk_space(runtime) -> dict[str, int]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(select(Domain.name, Domain.settings)).all()
    limits = [(name, runtime.registry.read("domain", s, "limits")) for name, s in rows]
    return {name: section.disk_space_mb for name, section in limits}


def _pop_users(runtime) -> int:
    with session_scope(runtime.engine, write=False) as session:
        stored = session.execute(select(User.settings)).scalars().all()
    read = runtime.registry.read
    return sum(read("user", settings, "serviceAccess").pop for settings in stored)


def test_domain_propagation_job_runs_on_every_broker(jobs, runtime):
    make_domain(runtime, "a.test")
    make_domain(runtime, "b.test")
    admin = system_admin(runtime)
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session,
            runtime,
            admin,
            hostname=None,
            settings={"limits": {"disk_space_mb": 700}},
        )

    job_id = request_job(
        runtime,
        lambda session: request_domain_propagation(
            session, runtime, admin, ["limits.diskSpaceMb"], run_as_job=True
        ),
    )

    job = wait_for_job(runtime, job_id)
    assert (job.state, job.result) == (
        "succeeded",
        {"domainsChanged": 2, "refused": []},
    )
    assert _disk_space(runtime) == {"a.test": 700, "b.test": 700}


def test_user_propagation_job_runs_on_every_broker(jobs, runtime):
    make_domain(runtime, "a.test", users=3)
    make_domain(runtime, "b.test", users=2)
    admin = system_admin(runtime)
    with session_scope(runtime.engine) as session:
        update_user_template(session, runtime, admin, {"serviceAccess": {"pop": False}})

    job_id = request_job(
        runtime,
        lambda session: request_user_propagation(
            session,
            runtime,
            admin,
            ["serviceAccess.pop"],
            domains=["a.test"],
            run_as_job=True,
        ),
    )

    job = wait_for_job(runtime, job_id)
    assert (job.state, job.result) == ("succeeded", {"usersChanged": 4, "refused": []})
    # b.test's administrator and two users keep POP.
    assert _pop_users(runtime) == 3
