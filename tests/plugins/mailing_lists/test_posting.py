"""Posting: who may post, how large, the list headers, and delivery."""

import email
import email.policy

import pytest
from sqlalchemy import select

import plugins.mailing_lists.actors  # noqa: F401  (registers the job bodies)
from core.db import session_scope
from core.errors import MailplaneError
from core.models import Job
from core.services.domain_aliases import create_domain_alias
from plugins.mailing_lists.models import (
    ListPost,
    MailingList,
    PostingPolicy,
    Subscriber,
)
from plugins.mailing_lists.posting import post_message
from tests.graphql_client import error_codes
from tests.plugins.mailing_lists.conftest import (
    PASSWORD,
    SYSTEM,
    add_domain_alias,
    disable_domain,
    inbox,
    inbox_bytes,
    make_domain,
    make_list,
    raw_message,
)
from tests.workers.support import run_job_now

POST = """
mutation Post($input: ListPostInput!) {
  postToList(input: $input) { job { id kind } errors { field code } }
}
"""


def post(runtime, sender: str, list_email: str = "news@a.test", **kwargs) -> Job:
    raw = kwargs.pop("raw", None) or raw_message(sender, list_email, "Hi", **kwargs)
    with session_scope(runtime.engine) as session:
        job, _post = post_message(session, runtime, list_email, raw)
        return job


def refusal(runtime, sender: str, list_email: str = "news@a.test", **kwargs) -> str:
    with pytest.raises(MailplaneError) as caught:
        post(runtime, sender, list_email, **kwargs)
    return caught.value.code


@pytest.mark.parametrize(
    ("policy", "sender", "allowed"),
    [
        (PostingPolicy.ANYONE, "x@far.example", True),
        (PostingPolicy.SUBSCRIBERS, "ann@a.test", True),
        (PostingPolicy.SUBSCRIBERS, "mod@a.test", True),
        (PostingPolicy.SUBSCRIBERS, "x@far.example", False),
        (PostingPolicy.MODERATORS, "mod@a.test", True),
        (PostingPolicy.MODERATORS, "ann@a.test", False),
    ],
    ids=[
        "anyone-stranger",
        "subscribers-subscriber",
        "subscribers-moderator",
        "subscribers-stranger",
        "moderators-moderator",
        "moderators-subscriber",
    ],
)
def test_posting_policy_decides_who_may_post(lists_runtime, policy, sender, allowed):
    make_domain(lists_runtime, "a.test", users=("ann",))
    make_list(
        lists_runtime,
        "news@a.test",
        policy=policy,
        moderators=("mod@a.test",),
        subscribers=("ann@a.test",),
    )

    if allowed:
        assert post(lists_runtime, sender).kind == "deliver_list_post"
    else:
        assert refusal(lists_runtime, sender) == "POSTING_NOT_ALLOWED"


def test_post_gets_list_headers_and_body_intact(lists_runtime):
    # Given a described list with a local subscriber
    domain = make_domain(lists_runtime, "a.test", users=("ann",))
    make_list(
        lists_runtime,
        "news@a.test",
        description='Company "news"',
        subscribers=("ann@a.test",),
    )
    body = "Line one.\r\nLine two, with = signs.\r\n"
    raw = (
        b"From: Ann <ann@a.test>\r\nTo: news@a.test\r\nSubject: Hi\r\n"
        b"List-Id: <other.example>\r\n\r\n" + body.encode()
    )

    # When she posts and the job delivers
    run_job_now(lists_runtime, post(lists_runtime, "ann@a.test", raw=raw).id)

    # Then her copy carries the list headers, once, and the same body
    (message,) = inbox(domain, "ann")
    assert message.get_all("List-Id") == ['"Company \\"news\\"" <news.a.test>']
    assert message["List-Post"] == "<mailto:news@a.test>"
    assert message["List-Help"] == "<mailto:listserv@a.test?subject=HELP>"
    assert message["List-Subscribe"] == (
        "<mailto:listserv@a.test?subject=SUBSCRIBE%20news>"
    )
    assert message["List-Unsubscribe"] == (
        "<mailto:listserv@a.test?subject=UNSUBSCRIBE%20news>"
    )
    assert inbox_bytes(domain, "ann")[0].endswith(b"\r\n\r\n" + body.encode())


def test_moderated_list_says_members_cannot_post(lists_runtime):
    domain = make_domain(lists_runtime, "a.test", users=("ann",))
    make_list(
        lists_runtime,
        "news@a.test",
        policy=PostingPolicy.MODERATORS,
        moderators=("admin@a.test",),
        subscribers=("ann@a.test",),
    )

    run_job_now(lists_runtime, post(lists_runtime, "admin@a.test").id)

    assert inbox(domain, "ann")[0]["List-Post"] == "NO"


def test_size_limit_refuses_large_posts(lists_runtime):
    make_domain(lists_runtime, "a.test", max_message_size_kb=2)
    make_list(lists_runtime, "news@a.test", policy=PostingPolicy.ANYONE)

    small = post(lists_runtime, "x@far.example", body="a" * 1000)
    code = refusal(lists_runtime, "x@far.example", body="a" * 3000)

    assert small.kind == "deliver_list_post"
    assert code == "MESSAGE_TOO_LARGE"


def test_refusals_for_loops_and_switched_off_lists(lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", policy=PostingPolicy.ANYONE)
    make_domain(lists_runtime, "b.test", enabled=False)
    make_list(lists_runtime, "news@b.test", policy=PostingPolicy.ANYONE)

    loop = refusal(lists_runtime, "x@far.example", List_Id="News <news.a.test>")
    off = refusal(lists_runtime, "x@far.example", "news@b.test")
    missing = refusal(lists_runtime, "x@far.example", "nope@a.test")

    assert (loop, off, missing) == ("MAIL_LOOP", "LIST_NOT_FOUND", "LIST_NOT_FOUND")


def test_delivery_skips_remote_and_copies_once(lists_runtime):
    # Given ann subscribed twice (through a domain alias, stored before such
    # addresses were kept under the domain) and a remote address
    domain = make_domain(lists_runtime, "a.test", users=("ann",))
    with session_scope(lists_runtime.engine) as session:
        create_domain_alias(session, lists_runtime, SYSTEM, "a.test", "alias.test")
    make_list(
        lists_runtime,
        "news@a.test",
        policy=PostingPolicy.ANYONE,
        subscribers=("ann@a.test", "x@far.example"),
    )
    with session_scope(lists_runtime.engine) as session:
        list_id = session.execute(select(MailingList.id)).scalar_one()
        session.add(Subscriber(list_id=list_id, address="ann@alias.test"))

    # When a post is delivered
    job = run_job_now(lists_runtime, post(lists_runtime, "x@far.example").id)

    # Then ann has one copy, the remote address is reported, the body is let go
    assert len(inbox(domain, "ann")) == 1
    assert job.result["delivered"] == 2
    assert job.result["skippedRecipients"] == [
        {"address": "x@far.example", "code": "NO_RELAY"}
    ]
    with session_scope(lists_runtime.engine, write=False) as session:
        assert session.execute(select(ListPost.raw)).scalar_one() is None


def test_post_mutation_is_scoped_to_own_domain(client, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_domain(lists_runtime, "b.test")
    make_list(lists_runtime, "news@b.test", policy=PostingPolicy.ANYONE)
    boss = client.as_token(client.login("admin@a.test", PASSWORD))
    raw = raw_message("admin@a.test", "news@b.test", "Hi").decode()

    payload = boss.mutate(POST, {"list": "news@b.test", "rawMessage": raw})

    assert error_codes(payload) == ["LIST_NOT_FOUND"]


PRIORITY_NAMES = ("Priority", "X-Priority", "Importance")
URGENT = {"Priority": "urgent", "X_Priority": "1 (Highest)", "Importance": "high"}


@pytest.mark.parametrize(
    ("section", "sender_headers", "expected"),
    [
        ({}, URGENT, ["non-urgent", "5 (Lowest)", "low"]),
        ({"priority": "normal"}, URGENT, [None, None, None]),
        ({"priority": "high"}, {"X_Priority": "5"}, ["urgent", "1 (Highest)", "high"]),
    ],
    ids=["default-low", "normal", "high"],
)
def test_post_carries_domain_list_priority(
    lists_runtime, section, sender_headers, expected
):
    # Given a list of a domain with that priority, and a poster's own headers
    domain = make_domain(lists_runtime, "a.test", users=("ann",), **section)
    make_list(lists_runtime, "news@a.test", subscribers=("ann@a.test",))

    # When ann posts and the job delivers
    job = post(lists_runtime, "ann@a.test", **sender_headers)
    run_job_now(lists_runtime, job.id)

    # Then her stored copy has the list's priority headers, once each
    (stored,) = inbox_bytes(domain, "ann")
    message = email.message_from_bytes(stored, policy=email.policy.default)
    assert [message[name] for name in PRIORITY_NAMES] == expected
    assert all(len(message.get_all(name, [])) <= 1 for name in PRIORITY_NAMES)


def test_disabled_domain_lists_take_no_posts(admin, lists_runtime):
    # Given a list of a domain that was then disabled
    domain = make_domain(lists_runtime, "a.test", users=("ann",))
    make_list(lists_runtime, "news@a.test", subscribers=("ann@a.test",))
    disable_domain(lists_runtime, "a.test")
    raw = raw_message("ann@a.test", "news@a.test", "Hi").decode()

    # When the transport and the system administrator post to it
    by_mail = refusal(lists_runtime, "ann@a.test")
    payload = admin.mutate(POST, {"list": "news@a.test", "rawMessage": raw})

    # Then both are refused, and no job or post is recorded
    assert by_mail == "DOMAIN_DISABLED"
    assert error_codes(payload) == ["DOMAIN_DISABLED"]
    assert payload["job"] is None
    with session_scope(lists_runtime.engine, write=False) as session:
        assert session.execute(select(Job.id)).first() is None
        assert session.execute(select(ListPost.id)).first() is None
    assert inbox(domain, "ann") == []


def test_post_under_domain_alias_reaches_list(lists_runtime):
    # Given news@a.test and the domain alias alias.test of a.test
    domain = make_domain(lists_runtime, "a.test", users=("ann",))
    make_domain(lists_runtime, "b.test")
    add_domain_alias(lists_runtime, "a.test", "alias.test")
    make_list(lists_runtime, "news@a.test", subscribers=("ann@a.test",))

    # When ann posts to news@alias.test
    job = post(lists_runtime, "ann@a.test", "news@alias.test")
    run_job_now(lists_runtime, job.id)

    # Then the list of a.test delivers it, under its own address; another
    # domain's name finds no list
    (message,) = inbox(domain, "ann")
    assert message["List-Id"] == "<news.a.test>"
    assert message["List-Post"] == "<mailto:news@a.test>"
    assert refusal(lists_runtime, "ann@a.test", "news@b.test") == "LIST_NOT_FOUND"
