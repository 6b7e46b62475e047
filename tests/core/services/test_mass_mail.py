"""Mass email into the mail store: messages, quotas, idempotency, who may send."""

import email
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.db import session_scope
from core.errors import MailplaneError
from core.models import Domain, User
from core.services.mass_mail import request_mass_email
from core.services.recipients import RecipientGroup
from tests.workers.support import (
    domain_admin,
    inbox_messages,
    make_domain,
    plain_user,
    request_job,
    run_job_now,
    set_job,
    system_admin,
)

MIB = 1024 * 1024


def _send(runtime, principal=None, **fields) -> int:
    principal = principal or system_admin(runtime)
    values = {
        "group": RecipientGroup.ALL_USERS,
        "domain": None,
        "user": None,
        "sender": None,
        "friendly_name": None,
        "subject": "Maintenance",
        "body": "The server restarts at noon.",
        "html": False,
    } | fields
    return request_job(
        runtime,
        lambda session: request_mass_email(session, runtime, principal, **values),
    )


def _parse(path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def _local_parts(domain: Domain) -> list[str]:
    return ["boss", *(f"user{n:05d}" for n in range(3))]


def test_mass_email_reaches_every_inbox_once(runtime):
    domain = make_domain(runtime, "a.test", users=3)
    job_id = _send(runtime, friendly_name="A Test User", sender="Ops <ops@a.test>")

    job = run_job_now(runtime, job_id)

    counts = [len(inbox_messages(domain, local)) for local in _local_parts(domain)]
    assert counts == [1, 1, 1, 1]
    message = _parse(inbox_messages(domain, "user00001")[0])
    assert message.defects == []
    assert str(message["To"]) == "A Test User <user00001@a.test>"
    assert str(message["From"]) == "Ops <ops@a.test>"
    assert message["Subject"] == "Maintenance"
    assert message["Date"] is not None and message["Message-ID"].endswith("@a.test>")
    assert message.get_content() == "The server restarts at noon.\n"
    assert job.result == {"delivered": 4, "skipped": 0, "skippedRecipients": []}
    assert (job.state, job.done, job.total) == ("succeeded", 4, 4)


def test_html_mass_email_carries_a_text_alternative(runtime):
    domain = make_domain(runtime, "a.test", users=1)
    job_id = _send(
        runtime,
        group=RecipientGroup.USER,
        user="user00000@a.test",
        body="<p>Hello <b>there</b></p>",
        html=True,
    )

    run_job_now(runtime, job_id)

    [path] = inbox_messages(domain, "user00000")
    message = _parse(path)
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert message.get_content_type() == "multipart/alternative"
    assert parts == ["text/plain", "text/html"]
    assert message.get_body(("plain",)).get_content().strip() == "Hello there"
    assert "System Administrator" in str(message["From"])
    assert inbox_messages(domain, "boss") == []


def test_redelivered_mass_email_sends_nothing_twice(runtime):
    domain = make_domain(runtime, "a.test", users=3)
    job_id = _send(runtime)
    run_job_now(runtime, job_id)
    # As if the worker died before recording any progress.
    set_job(runtime, job_id, state="running", checkpoint=0, result={}, done=0)

    job = run_job_now(runtime, job_id)

    counts = [len(inbox_messages(domain, local)) for local in _local_parts(domain)]
    assert counts == [1, 1, 1, 1]
    assert job.result["delivered"] == 4


def test_mass_email_skips_a_mailbox_over_its_space(runtime):
    domain = make_domain(runtime, "a.test", users=2)
    with session_scope(runtime.engine) as session:
        session.execute(
            update(User)
            .where(User.local_part == "user00001")
            .values(mailbox_size_mb=1, disk_used_bytes=MIB)
        )
    job_id = _send(runtime)

    job = run_job_now(runtime, job_id)

    assert inbox_messages(domain, "user00001") == []
    assert len(inbox_messages(domain, "user00000")) == 1
    assert job.result["skipped"] == 1
    assert job.result["skippedRecipients"] == [
        {"address": "user00001@a.test", "code": "QUOTA_EXCEEDED"}
    ]


def test_mass_email_skips_a_domain_out_of_space(runtime):
    full = make_domain(runtime, "full.test", users=1, disk_space_mb=1)
    make_domain(runtime, "room.test", users=1)
    with session_scope(runtime.engine) as session:
        session.execute(
            update(Domain).where(Domain.id == full.id).values(disk_used_bytes=MIB)
        )
    job_id = _send(runtime)

    job = run_job_now(runtime, job_id)

    assert (job.result["delivered"], job.result["skipped"]) == (2, 2)
    assert {r["code"] for r in job.result["skippedRecipients"]} == {"QUOTA_EXCEEDED"}


def test_mass_email_adds_to_disk_usage(runtime):
    domain = make_domain(runtime, "a.test", users=1)
    job_id = _send(runtime, group=RecipientGroup.USER, user="user00000@a.test")

    run_job_now(runtime, job_id)

    size = inbox_messages(domain, "user00000")[0].stat().st_size
    with session_scope(runtime.engine, write=False) as session:
        user_used = session.execute(
            select(User.disk_used_bytes).where(User.local_part == "user00000")
        ).scalar_one()
        domain_used = session.get(Domain, domain.id).disk_used_bytes
    assert user_used == domain_used == size


@pytest.mark.parametrize(
    ("caller", "fields", "code"),
    [
        ("boss_a", {"group": RecipientGroup.ALL_USERS}, "PERMISSION_DENIED"),
        ("boss_a", {"group": RecipientGroup.ALL_DOMAIN_ADMINS}, "PERMISSION_DENIED"),
        (
            "boss_a",
            {"group": RecipientGroup.DOMAIN_USERS, "domain": "b.test"},
            "DOMAIN_NOT_FOUND",
        ),
        (
            "boss_a",
            {"group": RecipientGroup.USER, "user": "user00000@b.test"},
            "USER_NOT_FOUND",
        ),
        (
            "user_a",
            {"group": RecipientGroup.DOMAIN_USERS, "domain": "a.test"},
            "PERMISSION_DENIED",
        ),
        ("admin", {"group": RecipientGroup.DOMAIN_USERS}, "REQUIRED"),
        ("admin", {"subject": "Two\nlines"}, "INVALID"),
        ("admin", {"sender": "Ops <not an address@>"}, "INVALID_ADDRESS"),
    ],
    ids=[
        "domain-admin-all-users",
        "domain-admin-all-admins",
        "domain-admin-other-domain",
        "domain-admin-other-user",
        "user-own-domain",
        "domain-missing",
        "subject-line-break",
        "bad-sender",
    ],
)
def test_request_mass_email_refuses_bad_requests(runtime, caller, fields, code):
    a = make_domain(runtime, "a.test", users=1)
    make_domain(runtime, "b.test", users=1)
    principals = {
        "admin": system_admin(runtime),
        "boss_a": domain_admin(runtime, a),
        "user_a": plain_user(runtime, a),
    }

    with pytest.raises(MailplaneError) as caught:
        _send(runtime, principals[caller], **fields)

    codes = [e.code for e in getattr(caught.value, "errors", [caught.value])]
    assert code in codes


def test_domain_admin_may_mail_its_own_domain(runtime):
    a = make_domain(runtime, "a.test", users=2)
    make_domain(runtime, "b.test", users=1)
    job_id = _send(
        runtime,
        domain_admin(runtime, a),
        group=RecipientGroup.DOMAIN_USERS,
        domain="a.test",
    )

    job = run_job_now(runtime, job_id)

    assert job.result["delivered"] == 3


def test_mass_email_completes_an_inbox_cut_short(runtime):
    domain = make_domain(runtime, "a.test", users=1)
    # A worker killed during a first delivery left Maildir/ and nothing in it.
    (Path(domain.folder) / "user00000" / "Maildir").mkdir()
    job_id = _send(runtime, group=RecipientGroup.USER, user="user00000@a.test")

    job = run_job_now(runtime, job_id)

    assert job.result["delivered"] == 1
    assert len(inbox_messages(domain, "user00000")) == 1
