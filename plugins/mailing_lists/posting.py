"""Posting to a list: who may, how large, the list headers, and the job.

A post is checked (the list takes posts, the size limit, the sender's
right to post, no mail loop), stored with its list headers added, and
handed to a delivery job; all in the caller's transaction, so the job is
enqueued only once the post is safe.
"""

import logging
from urllib.parse import quote

from sqlalchemy import func, select
from sqlmodel import Session

from core.db import on_commit
from core.errors import LimitReached, PermissionDenied
from core.models import Domain, Job
from core.principal import Principal, require_authenticated
from core.services.jobs import create_job, enqueue_job
from core.services.scope import administers
from core.settings.domain.throttling import Priority
from plugins.mailing_lists import messages
from plugins.mailing_lists.lists import (
    check_domain_sends,
    find_list,
    list_address,
    list_not_found,
)
from plugins.mailing_lists.models import (
    ListPost,
    MailingList,
    PostingPolicy,
    Subscriber,
)
from plugins.mailing_lists.settings import (
    UNLIMITED,
    MailingListsSettings,
    read_settings,
)
from plugins.mailing_lists.subscribers import find_subscriber

logger = logging.getLogger(__name__)

DELIVER_POST = "deliver_list_post"
KB = 1024
# Normal priority is what a message without these headers has (RFC 2156),
# so a normal list adds none and only drops the poster's.
PRIORITY_FIELDS = {
    Priority.LOW: [
        ("Priority", "non-urgent"),
        ("X-Priority", "5 (Lowest)"),
        ("Importance", "low"),
    ],
    Priority.NORMAL: [],
    Priority.HIGH: [
        ("Priority", "urgent"),
        ("X-Priority", "1 (Highest)"),
        ("Importance", "high"),
    ],
}


def post_message(
    session: Session,
    runtime,
    list_email: str,
    raw: bytes,
    *,
    principal: Principal | None = None,
) -> tuple[Job, ListPost]:
    """Accept a raw message for a list and queue its delivery.

    ``principal`` is the API caller, who must administer the list's domain;
    None is the mail transport. ``list_email`` may name the list's domain or
    a domain alias of it. Raises ``LIST_NOT_FOUND``, ``MESSAGE_TOO_LARGE``,
    ``POSTING_NOT_ALLOWED``, ``MAIL_LOOP``, ``MAILING_LISTS_DISABLED`` or
    ``DOMAIN_DISABLED``.
    """
    mailing_list, domain = _require_postable(session, runtime, list_email, principal)
    settings = read_settings(runtime, domain)
    check_size(settings, raw)
    message = messages.parse(raw)
    sender = messages.sender_of(message)
    if messages.has_list_id(message, list_id(mailing_list, domain)):
        raise PermissionDenied(
            "The message came through this list already.",
            field="rawMessage",
            code="MAIL_LOOP",
        )
    check_may_post(session, mailing_list, sender)

    final = messages.with_headers(raw, list_headers(mailing_list, domain, settings))
    post = ListPost(list_id=mailing_list.id, sender=sender, size=len(final), raw=final)
    session.add(post)
    session.flush()
    params = {"postId": post.id, "upTo": _last_subscriber(session, mailing_list.id)}
    job = queue_job(session, runtime, principal, DELIVER_POST, params)
    address = list_address(mailing_list, domain)
    on_commit(session, lambda: logger.info("Accepted a post to %s.", address))
    return job, post


def _require_postable(
    session: Session, runtime, list_email: str, principal: Principal | None
) -> tuple[MailingList, Domain]:
    if principal is not None:
        require_authenticated(principal)
    found = find_list(session, list_email)
    if found is None or (principal and not administers(principal, found[1].id)):
        raise list_not_found(list_email)
    if not read_settings(runtime, found[1]).enabled:
        if principal is None:
            # To the mail transport, a list that takes no posts is no address.
            raise list_not_found(list_email)
        raise PermissionDenied(
            f"Mailing lists are off for {found[1].name}.",
            code="MAILING_LISTS_DISABLED",
        )
    check_domain_sends(found[1], field="list")
    return found


def check_size(settings: MailingListsSettings, raw: bytes) -> None:
    limit = settings.max_message_size_kb
    if limit != UNLIMITED and len(raw) > limit * KB:
        raise LimitReached(
            f"The message has {len(raw)} bytes; the list takes at most {limit} KB.",
            field="rawMessage",
            code="MESSAGE_TOO_LARGE",
        )


def check_may_post(session: Session, mailing_list: MailingList, sender: str) -> None:
    """The list's posting policy admits the sender, or ``POSTING_NOT_ALLOWED``."""
    policy = PostingPolicy(mailing_list.posting_policy)
    if policy is PostingPolicy.ANYONE or sender in mailing_list.moderators:
        return
    subscribed = find_subscriber(session, mailing_list.id, sender) is not None
    if policy is PostingPolicy.SUBSCRIBERS and subscribed:
        return
    raise PermissionDenied(
        f"{sender} may not post to this list.",
        field="rawMessage",
        code="POSTING_NOT_ALLOWED",
    )


def list_id(mailing_list: MailingList, domain: Domain) -> str:
    """The list's identifier (RFC 2919): its address with a dot for the @."""
    return f"{mailing_list.local_part}.{domain.name}"


def list_headers(
    mailing_list: MailingList, domain: Domain, settings: MailingListsSettings
) -> list[tuple[str, str]]:
    """List-Id, the RFC 2369 headers pointing at the command address, and
    the priority the domain gives its lists' posts."""
    command = f"{settings.command_address}@{domain.name}"
    name = mailing_list.local_part
    identifier = f"<{list_id(mailing_list, domain)}>"
    if mailing_list.description:
        identifier = f"{messages.phrase(mailing_list.description)} {identifier}"
    moderated = PostingPolicy(mailing_list.posting_policy) is PostingPolicy.MODERATORS
    post = "NO" if moderated else f"<mailto:{list_address(mailing_list, domain)}>"
    return [
        ("List-Id", identifier),
        ("List-Post", post),
        ("List-Help", f"<mailto:{command}?subject=HELP>"),
        ("List-Subscribe", _mailto(command, f"SUBSCRIBE {name}")),
        ("List-Unsubscribe", _mailto(command, f"UNSUBSCRIBE {name}")),
        ("Precedence", "list"),
        *PRIORITY_FIELDS[settings.priority],
    ]


def _mailto(address: str, subject: str) -> str:
    return f"<mailto:{address}?subject={quote(subject)}>"


def _last_subscriber(session: Session, list_id: int) -> int:
    """The audience of a post: the subscribers up to this id when it came."""
    return session.execute(
        select(func.coalesce(func.max(Subscriber.id), 0)).where(
            Subscriber.list_id == list_id
        )
    ).scalar_one()


def queue_job(
    session: Session, runtime, principal: Principal | None, kind: str, params: dict
) -> Job:
    """A job owned by the API caller; the mail transport's jobs have no owner
    and are seen by system administrators only."""
    if principal is not None:
        return create_job(session, runtime, principal, kind, params)
    job = Job(kind=kind, params=params)
    session.add(job)
    session.flush()
    job_id = job.id
    on_commit(session, lambda: enqueue_job(runtime, kind, job_id))
    return job
