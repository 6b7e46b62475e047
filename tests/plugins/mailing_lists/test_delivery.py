"""A post reaches 1,000 subscribers through the stub broker, each once;
a disabled domain stops its posts' delivery."""

import mailbox
from pathlib import Path

from sqlalchemy import insert, select, update

import plugins.mailing_lists.actors  # noqa: F401  (registers the job bodies)
from core.db import session_scope
from core.models import Domain, Job, User
from plugins.mailing_lists import delivery
from plugins.mailing_lists.models import ListPost, MailingList, Subscriber
from plugins.mailing_lists.posting import post_message
from tests.plugins.mailing_lists.conftest import (
    disable_domain,
    make_domain,
    make_list,
    raw_message,
)
from tests.workers.support import add_users, run_job_now, set_job, wait_for_job

SUBSCRIBERS = 1000
SAMPLE = (0, 1, 499, 998, 999)

POST = """
mutation Post($input: ListPostInput!) {
  postToList(input: $input) { job { id } errors { code } }
}
"""


def subscribe_users(runtime, domain: Domain, count: int) -> None:
    """``count`` users of the domain, each subscribed to news@<domain>."""
    add_users(runtime, domain, count)
    with session_scope(runtime.engine) as session:
        list_id = session.execute(select(MailingList.id)).scalar_one()
        rows = [
            {"list_id": list_id, "address": f"user{n:05d}@{domain.name}"}
            for n in range(count)
        ]
        session.execute(insert(Subscriber), rows)
        session.execute(update(MailingList).values(subscriber_count=count))


def stored_messages(domain: Domain) -> int:
    folders = Path(domain.folder).glob("user*/Maildir/new")
    return sum(len(list(folder.iterdir())) for folder in folders)


def first_copy(domain: Domain) -> Path:
    return next((Path(domain.folder) / "user00000/Maildir/new").iterdir())


def disk_used(runtime) -> tuple[int, set[int]]:
    with session_scope(runtime.engine, write=False) as session:
        domain = session.execute(select(Domain.disk_used_bytes)).scalar_one()
        users = session.execute(
            select(User.disk_used_bytes).where(User.local_part.like("user%"))
        ).scalars()
        return domain, set(users)


def test_post_reaches_thousand_subscribers_once(admin, lists_runtime):
    # Given a list with 1,000 local subscribers
    domain = make_domain(lists_runtime, "a.test", users=())
    make_list(lists_runtime, "news@a.test")
    subscribe_users(lists_runtime, domain, SUBSCRIBERS)
    raw = raw_message("user00000@a.test", "news@a.test", "To all", "Hello, all.\n")

    # When one of them posts and the job runs on the embedded stub broker
    payload = admin.mutate(POST, {"list": "news@a.test", "rawMessage": raw.decode()})
    job = wait_for_job(lists_runtime, int(payload["job"]["id"]), timeout=120)

    # Then every subscriber has one copy with the list headers
    assert job.state == "succeeded", job.errors
    assert job.result == {"delivered": 1000, "skipped": 0, "skippedRecipients": []}
    assert stored_messages(domain) == SUBSCRIBERS
    for n in SAMPLE:
        folder = Path(domain.folder) / f"user{n:05d}" / "Maildir"
        (message,) = list(mailbox.Maildir(folder, create=False))
        assert message["List-Id"] == "<news.a.test>"
        assert message["Subject"] == "To all"
    size = first_copy(domain).stat().st_size
    assert disk_used(lists_runtime) == (SUBSCRIBERS * size, {size})


def test_redelivered_post_sends_no_second_copy(lists_runtime):
    # Given a post delivered to five subscribers
    domain = make_domain(lists_runtime, "a.test", users=())
    make_list(lists_runtime, "news@a.test")
    subscribe_users(lists_runtime, domain, 5)
    raw = raw_message("user00000@a.test", "news@a.test", "Once", "Once only.\n")
    with session_scope(lists_runtime.engine) as session:
        job, _post = post_message(session, lists_runtime, "news@a.test", raw)
    first = run_job_now(lists_runtime, job.id)
    delivered = first_copy(domain)
    size = delivered.stat().st_size

    # When its message is delivered again, as after a worker died before
    # recording any batch: no checkpoint, no tally, the post kept
    with session_scope(lists_runtime.engine) as session:
        session.execute(update(ListPost).values(raw=delivered.read_bytes()))
    set_job(lists_runtime, job.id, state="running", checkpoint=0, done=0, result={})
    again = run_job_now(lists_runtime, job.id)

    # Then nobody gets a second copy, and usage is counted once
    assert first.result["delivered"] == again.result["delivered"] == 5
    assert stored_messages(domain) == 5
    assert disk_used(lists_runtime) == (5 * size, {size})


def queue_post(runtime, sender: str = "user00000@a.test") -> Job:
    """A post accepted while no broker runs: its job waits in the database."""
    raw = raw_message(sender, "news@a.test", "Queued", "Hello.\n")
    with session_scope(runtime.engine) as session:
        job, _post = post_message(session, runtime, "news@a.test", raw)
    return job


def run_queued_jobs(runtime, job_id: int) -> Job:
    """Start the embedded worker, which picks up the waiting jobs."""
    from workers.embedded import start_jobs

    jobs = start_jobs(runtime)
    try:
        return wait_for_job(runtime, job_id)
    finally:
        jobs.stop()


def test_queued_post_stops_once_domain_disabled(lists_runtime):
    # Given a post queued for three subscribers
    domain = make_domain(lists_runtime, "a.test", users=())
    make_list(lists_runtime, "news@a.test")
    subscribe_users(lists_runtime, domain, 3)
    job = queue_post(lists_runtime)

    # When the domain is disabled before a worker runs the job
    disable_domain(lists_runtime, "a.test")
    done = run_queued_jobs(lists_runtime, job.id)

    # Then the job fails with DOMAIN_DISABLED and nobody gets a copy
    assert done.state == "failed"
    assert [error["code"] for error in done.errors] == ["DOMAIN_DISABLED"]
    assert stored_messages(domain) == 0


def test_delivery_stops_at_next_batch_when_disabled(lists_runtime, monkeypatch):
    # Given a post for five subscribers, delivered two at a time, and the
    # domain disabled as soon as the first batch is recorded
    domain = make_domain(lists_runtime, "a.test", users=())
    make_list(lists_runtime, "news@a.test")
    subscribe_users(lists_runtime, domain, 5)
    monkeypatch.setattr(delivery, "BATCH_SIZE", 2)
    save_batch = delivery.save_batch

    def save_then_disable(engine, job_id, checkpoint, tally) -> None:
        save_batch(engine, job_id, checkpoint, tally)
        disable_domain(lists_runtime, "a.test")

    monkeypatch.setattr(delivery, "save_batch", save_then_disable)

    # When the job runs
    done = run_queued_jobs(lists_runtime, queue_post(lists_runtime).id)

    # Then the first batch got the post, the rest did not
    assert done.state == "failed"
    assert [error["code"] for error in done.errors] == ["DOMAIN_DISABLED"]
    assert (done.done, done.result["delivered"]) == (2, 2)
    assert stored_messages(domain) == 2
