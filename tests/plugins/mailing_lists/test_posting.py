"""Posting: who may post, how large, the list headers, and delivery."""

import pytest
from sqlalchemy import select

import plugins.mailing_lists.actors  # noqa: F401  (registers the job bodies)
from core.db import session_scope
from core.errors import MailplaneError
from core.models import Job
from core.services.domain_aliases import create_domain_alias
from plugins.mailing_lists.models import ListPost, PostingPolicy
from plugins.mailing_lists.posting import post_message
from tests.graphql_client import error_codes
from tests.plugins.mailing_lists.conftest import (
    PASSWORD,
    SYSTEM,
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
    # Given ann subscribed twice (through a domain alias) and a remote address
    domain = make_domain(lists_runtime, "a.test", users=("ann",))
    with session_scope(lists_runtime.engine) as session:
        create_domain_alias(session, lists_runtime, SYSTEM, "a.test", "alias.test")
    make_list(
        lists_runtime,
        "news@a.test",
        policy=PostingPolicy.ANYONE,
        subscribers=("ann@a.test", "ann@alias.test", "x@far.example"),
    )

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
