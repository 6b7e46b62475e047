"""Notifications: a job stores one per recipient; each user reads its own."""

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import InvalidInputs, NotFound
from core.models import Notification
from core.services.notifications import (
    list_notifications,
    mark_notification_read,
    request_notification,
)
from core.services.recipients import RecipientGroup
from tests.workers.support import (
    domain_admin,
    make_domain,
    plain_user,
    request_job,
    run_job_now,
    set_job,
    system_admin,
)


def _notify(runtime, principal=None, **fields) -> int:
    principal = principal or system_admin(runtime)
    values = {
        "group": RecipientGroup.ALL_USERS,
        "domain": None,
        "user": None,
        "subject": "Maintenance",
        "body": "Tonight at ten.",
    } | fields
    return request_job(
        runtime,
        lambda session: request_notification(session, runtime, principal, **values),
    )


def _count(runtime) -> int:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(select(func.count(Notification.id))).scalar_one()


def _page(runtime, principal, unread_only=False):
    with session_scope(runtime.engine, write=False) as session:
        return list_notifications(
            session, principal, first=10, after=None, unread_only=unread_only
        )


def test_notification_job_notifies_each_recipient(runtime):
    make_domain(runtime, "a.test", users=2)
    make_domain(runtime, "b.test", users=1)

    job = run_job_now(runtime, _notify(runtime))

    assert _count(runtime) == 5
    assert job.result == {"notified": 5}
    assert (job.done, job.total) == (5, 5)


def test_redelivered_notification_job_notifies_nobody_twice(runtime):
    make_domain(runtime, "a.test", users=2)
    job_id = _notify(runtime)
    run_job_now(runtime, job_id)
    set_job(runtime, job_id, state="running", checkpoint=0, result={}, done=0)

    run_job_now(runtime, job_id)

    assert _count(runtime) == 3


def test_domain_admin_notifies_only_its_domain(runtime):
    a = make_domain(runtime, "a.test", users=2)
    make_domain(runtime, "b.test", users=2)

    run_job_now(
        runtime,
        _notify(
            runtime,
            domain_admin(runtime, a),
            group=RecipientGroup.DOMAIN_USERS,
            domain="a.test",
        ),
    )

    assert _count(runtime) == 3


def test_users_read_and_mark_their_own_notifications(runtime):
    a = make_domain(runtime, "a.test", users=1)
    run_job_now(runtime, _notify(runtime))
    run_job_now(runtime, _notify(runtime, subject="Second"))
    alice, boss = plain_user(runtime, a), domain_admin(runtime, a)
    newest = _page(runtime, alice).rows[0]

    with session_scope(runtime.engine) as session:
        marked = mark_notification_read(session, alice, newest.id)
    with pytest.raises(NotFound) as caught, session_scope(runtime.engine) as session:
        mark_notification_read(session, boss, newest.id)

    assert marked.read_at is not None and newest.subject == "Second"
    assert caught.value.code == "NOTIFICATION_NOT_FOUND"
    assert _page(runtime, alice).total_count == 2
    assert _page(runtime, alice, unread_only=True).total_count == 1
    assert _page(runtime, system_admin(runtime)).total_count == 0


def test_request_notification_checks_its_text(runtime):
    make_domain(runtime, "a.test")

    with pytest.raises(InvalidInputs) as caught:
        _notify(runtime, subject=" ", body="")

    assert {e.field for e in caught.value.errors} == {"subject", "body"}
