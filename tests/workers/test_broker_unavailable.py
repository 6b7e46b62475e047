"""A job whose message the broker refuses fails visibly instead of waiting."""

from dataclasses import replace

from core.services.exports import request_export
from tests.workers.support import read_job, request_job, system_admin
from workers.broker import connect


def test_job_fails_when_the_broker_is_unreachable(runtime):
    # Given a server whose Redis broker listens nowhere
    runtime.config = replace(
        runtime.config, broker_url="redis://127.0.0.1:1/0", broker_namespace="none"
    )
    jobs = connect(runtime)
    admin = system_admin(runtime)

    # When an export is asked for
    try:
        job_id = request_job(
            runtime,
            lambda session: request_export(session, runtime, admin, "export_users"),
        )
    finally:
        jobs.stop()

    # Then the job is failed with a reason, not left queued forever
    job = read_job(runtime, job_id)
    assert job.state == "failed"
    assert [error["code"] for error in job.errors] == ["BROKER_UNAVAILABLE"]
