"""The job that delivers a post to every subscriber it was meant for.

Subscribers are walked in id order up to the last one subscribed when the
post came (``upTo``), a batch at a time. Local addresses get the message
in their Inbox under the key ``list-post-<post>-user-<user>``; the rest go
through the SMTP relay. Disk usage is counted by each delivery
(``core.services.mail_delivery``); after each batch the checkpoint is saved
with the tally, so a redelivered message starts after the last recorded
batch, and the part of a batch it repeats stores and counts nothing twice
(the keys). A domain disabled while its post is being delivered sends no
more: the job fails with ``DOMAIN_DISABLED`` before its next batch.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import Session

from core.db import session_scope
from core.errors import NotFound
from core.models import Domain, Job
from core.services.delivery_tally import Tally, save_batch
from core.services.jobs import save_progress
from core.services.smtp_relay import SmtpRelay, parse_smtp_url
from plugins.mailing_lists.lists import check_domain_sends
from plugins.mailing_lists.models import ListPost, MailingList, Subscriber
from plugins.mailing_lists.settings import read_settings
from plugins.mailing_lists.store import deliver_local, find_local_users

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
DELIVERY_THREADS = 8


@dataclass(frozen=True)
class Post:
    id: int
    list_id: int
    domain_id: int
    envelope_sender: str
    up_to: int


def run_delivery(runtime, job: Job) -> dict:
    """The job's body: deliver the post to its subscribers after the checkpoint."""
    post = _load_post(runtime, job)
    tally = Tally.from_result(job.result)
    total = _count_audience(runtime, post)
    save_progress(runtime.engine, job.id, done=tally.done, total=max(total, tally.done))

    raw = None
    relay = _relay(runtime)
    try:
        with ThreadPoolExecutor(DELIVERY_THREADS, thread_name_prefix="list") as pool:
            for batch in _batches(runtime, post, job.checkpoint):
                raw = raw or _load_raw(runtime, post.id)
                _deliver_batch(runtime, job, post, raw, batch, tally, pool, relay)
    finally:
        if relay is not None:
            relay.close()
    _forget_raw(runtime, post.id)
    logger.info(
        "Post %d delivered to %d subscribers, %d skipped.",
        post.id,
        tally.delivered,
        tally.skipped,
    )
    return tally.as_result()


def _load_post(runtime, job: Job) -> Post:
    with session_scope(runtime.engine, write=False) as session:
        row = session.execute(
            select(ListPost.id, ListPost.list_id, MailingList.domain_id)
            .join(MailingList, MailingList.id == ListPost.list_id)
            .where(ListPost.id == job.params["postId"])
        ).first()
        if row is None:
            raise NotFound("The post or its list is gone.", code="POST_NOT_FOUND")
        sender = _envelope_sender(session, runtime, row.domain_id)
    return Post(row.id, row.list_id, row.domain_id, sender, job.params["upTo"])


def _envelope_sender(session: Session, runtime, domain_id: int) -> str:
    """Bounces go to the command address, never back into the list."""
    domain = session.get(Domain, domain_id)
    return f"{read_settings(runtime, domain).command_address}@{domain.name}"


def _count_audience(runtime, post: Post) -> int:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(
            select(func.count(Subscriber.id)).where(*_audience(post))
        ).scalar_one()


def _audience(post: Post) -> list:
    return [Subscriber.list_id == post.list_id, Subscriber.id <= post.up_to]


def _batches(runtime, post: Post, after: int):
    """Subscribers after ``after``, a batch at a time, while the domain sends.

    The domain's status is read again with every batch, so disabling it
    stops a delivery under way before its next batch.
    """
    # Limitation: a delivery stopped by a disabled domain is not resumed
    # when the domain is enabled again (its message is kept) — a way to
    # re-run a failed job from its checkpoint would lift this.
    while True:
        with session_scope(runtime.engine, write=False) as session:
            batch = session.execute(
                select(Subscriber.id, Subscriber.address)
                .where(*_audience(post), Subscriber.id > after)
                .order_by(Subscriber.id)
                .limit(BATCH_SIZE)
            ).all()
            domain = session.get(Domain, post.domain_id)
            if not batch or domain is None:
                return
            check_domain_sends(domain)
        yield batch
        after = batch[-1].id


def _load_raw(runtime, post_id: int) -> bytes:
    with session_scope(runtime.engine, write=False) as session:
        raw = session.execute(
            select(ListPost.raw).where(ListPost.id == post_id)
        ).scalar_one()
    if raw is None:
        raise NotFound("The post's message is gone.", code="POST_NOT_FOUND")
    return bytes(raw)


def _forget_raw(runtime, post_id: int) -> None:
    with session_scope(runtime.engine) as session:
        session.execute(update(ListPost).where(ListPost.id == post_id).values(raw=None))


def _relay(runtime) -> SmtpRelay | None:
    url = runtime.config.smtp_url
    return SmtpRelay(parse_smtp_url(url)) if url else None


def _deliver_batch(runtime, job, post, raw, batch, tally, pool, relay) -> None:
    with session_scope(runtime.engine, write=False) as session:
        local = find_local_users(session, [row.address for row in batch])

    # One copy per user, whatever addresses of it are subscribed.
    users = sorted({found.user_id for found in local.values()})
    key = f"list-post-{post.id}-user-{{}}"
    outcomes = pool.map(
        lambda user_id: deliver_local(runtime, user_id, raw, key.format(user_id)),
        users,
    )
    codes = dict(zip(users, outcomes, strict=True))

    for row in batch:
        found = local.get(row.address)
        if found is not None:
            code = codes[found.user_id]
        else:
            code = _send_remote(relay, post, row.address, raw)
        tally.count(row.address, code)
    save_batch(runtime.engine, job.id, batch[-1].id, tally)


def _send_remote(relay, post: Post, address: str, raw: bytes) -> str | None:
    # Limitation: remote sends are recorded with their batch, so a worker
    # that dies mid-batch sends that batch's remote copies again on
    # redelivery — record each remote recipient as mass email does.
    if relay is None:
        return "NO_RELAY"
    return relay.send(post.envelope_sender, address, raw)
