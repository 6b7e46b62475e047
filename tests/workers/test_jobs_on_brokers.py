"""The same jobs on the stub broker, on Redis and on RabbitMQ."""

import csv
import threading

from dramatiq import Middleware

from core.db import session_scope
from core.services.exports import export_path, request_export
from core.services.mass_mail import request_mass_email
from core.services.notifications import list_notifications, request_notification
from core.services.recipients import RecipientGroup
from tests.workers.support import (
    inbox_messages,
    make_domain,
    plain_user,
    read_job,
    request_job,
    system_admin,
    wait_for_job,
)


def _mass_email(runtime) -> int:
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
            subject="Hello",
            body="Hello, everyone.",
            html=False,
        ),
    )


def test_export_job_writes_its_file_on_every_broker(jobs, runtime):
    make_domain(runtime, "a.test", users=5)
    admin = system_admin(runtime)

    job_id = request_job(
        runtime,
        lambda session: request_export(session, runtime, admin, "export_users"),
    )

    job = wait_for_job(runtime, job_id)
    path = export_path(runtime.config, job_id)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 6
    assert job.state == "succeeded" and job.result["rows"] == 6


def test_mass_email_job_delivers_on_every_broker(jobs, runtime):
    domain = make_domain(runtime, "a.test", users=4)

    job = wait_for_job(runtime, _mass_email(runtime))

    assert job.result["delivered"] == 5
    assert len(inbox_messages(domain, "user00003")) == 1


def test_notification_job_notifies_on_every_broker(jobs, runtime):
    domain = make_domain(runtime, "a.test", users=2)
    admin = system_admin(runtime)

    job_id = request_job(
        runtime,
        lambda session: request_notification(
            session,
            runtime,
            admin,
            group=RecipientGroup.DOMAIN_USERS,
            domain="a.test",
            user=None,
            subject="Hi",
            body="Hello.",
        ),
    )

    job = wait_for_job(runtime, job_id)
    with session_scope(runtime.engine, write=False) as session:
        page = list_notifications(
            session, plain_user(runtime, domain), first=5, after=None, unread_only=True
        )
    assert job.result == {"notified": 3}
    assert [row.subject for row in page.rows] == ["Hi"]


def test_message_delivered_twice_mails_nobody_twice(jobs, runtime):
    domain = make_domain(runtime, "a.test", users=20)
    job_id = _mass_email(runtime)

    jobs.enqueue("send_mass_email", job_id)
    wait_for_job(runtime, job_id)

    counts = {len(inbox_messages(domain, f"user{n:05d}")) for n in range(20)} | {
        len(inbox_messages(domain, "boss"))
    }
    assert counts == {1}


class SkipCounter(Middleware):
    """Counts the messages the worker skipped."""

    def __init__(self) -> None:
        self.skipped = threading.Semaphore(0)

    def after_skip_message(self, broker, message) -> None:
        self.skipped.release()


def test_message_for_a_finished_export_is_skipped(jobs, runtime):
    make_domain(runtime, "a.test")
    admin = system_admin(runtime)
    job_id = request_job(
        runtime,
        lambda session: request_export(session, runtime, admin, "export_domains"),
    )
    wait_for_job(runtime, job_id)
    before = export_path(runtime.config, job_id).stat()
    counter = SkipCounter()
    jobs.broker.add_middleware(counter)

    jobs.enqueue("export_domains", job_id)
    jobs.enqueue("export_domains", job_id)

    assert counter.skipped.acquire(timeout=10) and counter.skipped.acquire(timeout=10)
    after = export_path(runtime.config, job_id).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert read_job(runtime, job_id).attempts == 1
