"""Jobs inside the server: resumed on start, a worker only when needed."""

from starlette.testclient import TestClient

from core.app import create_app
from core.services.exports import export_path, request_export
from core.services.jobs import JOB_QUEUE
from core.services.mass_mail import request_mass_email
from core.services.recipients import RecipientGroup
from tests.conftest import cached_schema
from tests.workers.conftest import broker_config, remove_namespace
from tests.workers.support import (
    inbox_messages,
    make_domain,
    read_job,
    request_job,
    set_job,
    system_admin,
    wait_for_job,
)
from workers.embedded import start_jobs


def _export(runtime) -> int:
    admin = system_admin(runtime)
    return request_job(
        runtime,
        lambda session: request_export(session, runtime, admin, "export_domains"),
    )


def _mail(runtime) -> int:
    admin = system_admin(runtime)
    return request_job(
        runtime,
        lambda session: request_mass_email(
            session,
            runtime,
            admin,
            group=RecipientGroup.ALL_USERS,
            domain=None,
            user=None,
            sender=None,
            friendly_name=None,
            subject="Hi",
            body="Hello.",
            html=False,
        ),
    )


def test_server_start_resumes_unfinished_jobs(runtime):
    domain = make_domain(runtime, "a.test", users=30)
    queued = _export(runtime)
    interrupted = _mail(runtime)
    # As if the server stopped after the first delivery of the mass email.
    set_job(runtime, interrupted, state="running", checkpoint=domain.primary_admin_id)

    with TestClient(create_app(runtime, schema=cached_schema(runtime))):
        exported = wait_for_job(runtime, queued)
        mailed = wait_for_job(runtime, interrupted)

    assert exported.state == mailed.state == "succeeded"
    assert export_path(runtime.config, queued).is_file()
    assert mailed.result["delivered"] == 30
    assert inbox_messages(domain, "boss") == []
    assert len(inbox_messages(domain, "user00029")) == 1


def test_server_with_nothing_to_do_starts_no_worker(runtime):
    jobs = start_jobs(runtime)

    assert jobs.embedded and jobs.worker is None
    jobs.stop()
    assert JOB_QUEUE not in runtime.extras


def test_server_with_redis_only_enqueues(runtime):
    namespace = broker_config(runtime, "redis")
    make_domain(runtime, "a.test")
    jobs = start_jobs(runtime)

    job_id = _export(runtime)
    waiting = read_job(runtime, job_id).state
    jobs.start_worker(1)
    done = wait_for_job(runtime, job_id)

    jobs.stop()
    remove_namespace("redis", namespace)
    assert jobs.embedded is False
    assert (waiting, done.state) == ("queued", "succeeded")
