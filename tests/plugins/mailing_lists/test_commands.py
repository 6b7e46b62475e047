"""Commands mailed to listserv@domain: nothing changes without confirmation
from the mailbox concerned, so forged senders subscribe nobody."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.db import session_scope
from core.errors import MailplaneError
from core.models.base import utcnow
from plugins.mailing_lists.commands import CommandStatus, process_command
from plugins.mailing_lists.models import MailingList, PendingConfirmation, Subscriber
from tests.graphql_client import error_codes
from tests.plugins.mailing_lists.conftest import (
    PASSWORD,
    add_domain_alias,
    disable_domain,
    inbox,
    make_domain,
    make_list,
    raw_message,
    token_in,
)

PROCESS = """
mutation Process($input: ListCommandInput!) {
  processListCommand(input: $input) {
    result { command status list answeredTo } errors { field code }
  }
}
"""


@pytest.fixture
def domain(lists_runtime):
    """a.test with users ann, bob and mallory, and the list news@a.test."""
    row = make_domain(lists_runtime, "a.test", users=("ann", "bob", "mallory"))
    make_list(lists_runtime, "news@a.test")
    return row


def command(runtime, raw: bytes, **kwargs):
    with session_scope(runtime.engine) as session:
        return process_command(session, runtime, raw, **kwargs)


def refusal(runtime, raw: bytes, **kwargs) -> str:
    with pytest.raises(MailplaneError) as caught:
        command(runtime, raw, **kwargs)
    return caught.value.code


def subscribers(runtime) -> set[str]:
    with session_scope(runtime.engine, write=False) as session:
        return set(session.execute(select(Subscriber.address)).scalars())


def subscriber_count(runtime) -> int:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(select(MailingList.subscriber_count)).scalar_one()


def test_subscribe_waits_for_reply_to_confirmation(lists_runtime, domain):
    # Given ann asks to join news
    asked = command(
        lists_runtime,
        raw_message("Ann <ann@a.test>", "listserv@a.test", "SUBSCRIBE news"),
    )
    request = inbox(domain, "ann")

    # When she replies to the confirmation request
    reply = raw_message(
        "ann@a.test", "listserv@a.test", f"Re: {request[0]['Subject']}", "> quoted\n"
    )
    confirmed = command(lists_runtime, reply)

    # Then she is subscribed only after the reply, and told so
    assert asked.status is CommandStatus.CONFIRMATION_SENT
    assert (asked.list_address, asked.answered) == ("news@a.test", "ann@a.test")
    assert request[0]["From"] == "listserv@a.test"
    assert request[0]["Auto-Submitted"] == "auto-replied"
    assert confirmed.status is CommandStatus.SUBSCRIBED
    assert subscribers(lists_runtime) == {"ann@a.test"}
    assert subscriber_count(lists_runtime) == 1
    assert len(inbox(domain, "ann")) == 2


def test_forged_sender_subscribes_nobody_at_all(lists_runtime, domain):
    # Given mallory sends SUBSCRIBE in bob's name
    forged = raw_message("bob@a.test", "listserv@a.test", "SUBSCRIBE news")
    forged_result = command(lists_runtime, forged)

    # When she tries to confirm it, guessing, from either address
    guesses = [
        refusal(lists_runtime, raw_message(sender, "listserv@a.test", subject))
        for sender in ("mallory@a.test", "bob@a.test")
        for subject in ("CONFIRM news", "CONFIRM 0123456789abcdefghijklmn")
    ]

    # Then bob is not subscribed; the token went to bob's mailbox, not hers
    assert forged_result.answered == "bob@a.test"
    assert set(guesses) == {"CONFIRMATION_NOT_FOUND"}
    assert subscribers(lists_runtime) == set()
    assert inbox(domain, "mallory") == []
    assert len(inbox(domain, "bob")) == 1


def test_confirmation_applies_to_mailbox_not_sender(lists_runtime, domain):
    # Given bob's confirmation token, forwarded by whoever holds it
    command(
        lists_runtime, raw_message("bob@a.test", "listserv@a.test", "subscribe news")
    )
    token = token_in(inbox(domain, "bob")[0])

    # When mallory sends it, and then sends it again
    first = command(
        lists_runtime,
        raw_message("mallory@a.test", "listserv@a.test", "", f"CONFIRM {token}\n"),
    )
    second = refusal(
        lists_runtime,
        raw_message("mallory@a.test", "listserv@a.test", f"CONFIRM {token}"),
    )

    # Then bob (who read it) is subscribed, mallory is not; a token works once
    assert first.answered == "bob@a.test"
    assert subscribers(lists_runtime) == {"bob@a.test"}
    assert second == "CONFIRMATION_NOT_FOUND"


def test_unsubscribing_needs_a_confirmation_too(lists_runtime, domain):
    make_list(lists_runtime, "team@a.test", subscribers=("ann@a.test",))

    asked = command(
        lists_runtime, raw_message("ann@a.test", "listserv@a.test", "UNSUBSCRIBE team")
    )
    still = subscribers(lists_runtime)
    token = token_in(inbox(domain, "ann")[0])
    done = command(
        lists_runtime,
        raw_message("ann@a.test", "listserv@a.test", "", f"confirm {token}"),
    )

    assert asked.status is CommandStatus.CONFIRMATION_SENT
    assert still == {"ann@a.test"}
    assert done.status is CommandStatus.UNSUBSCRIBED
    assert subscribers(lists_runtime) == set()


def test_repeated_request_mails_one_confirmation(lists_runtime, domain):
    message = raw_message("ann@a.test", "listserv@a.test", "SUBSCRIBE news")

    first = command(lists_runtime, message)
    second = command(lists_runtime, message)

    assert first.status is CommandStatus.CONFIRMATION_SENT
    assert second.status is CommandStatus.CONFIRMATION_PENDING
    assert len(inbox(domain, "ann")) == 1


def test_expired_confirmation_token_is_refused(lists_runtime, domain):
    command(
        lists_runtime, raw_message("ann@a.test", "listserv@a.test", "SUBSCRIBE news")
    )
    token = token_in(inbox(domain, "ann")[0])
    with session_scope(lists_runtime.engine) as session:
        session.execute(
            update(PendingConfirmation).values(expires_at=utcnow() - timedelta(1))
        )

    code = refusal(
        lists_runtime, raw_message("ann@a.test", "listserv@a.test", f"CONFIRM {token}")
    )

    assert code == "CONFIRMATION_EXPIRED"
    assert subscribers(lists_runtime) == set()


def test_help_and_status_answers_go_to_sender(lists_runtime, domain):
    make_list(lists_runtime, "team@a.test", subscribers=("ann@a.test",))

    results = [
        command(lists_runtime, raw_message("ann@a.test", "listserv@a.test", subject))
        for subject in ("help", "SUBSCRIBE team@a.test", "UNSUBSCRIBE news")
    ]

    assert [r.status for r in results] == [
        CommandStatus.HELP_SENT,
        CommandStatus.ALREADY_SUBSCRIBED,
        CommandStatus.NOT_SUBSCRIBED,
    ]
    assert len(inbox(domain, "ann")) == 3


@pytest.mark.parametrize(
    ("sender", "to", "subject", "headers", "code"),
    [
        ("ann@a.test", "listserv@a.test", "Hello there", {}, "UNKNOWN_COMMAND"),
        ("ann@a.test", "listserv@a.test", "SUBSCRIBE", {}, "MISSING_LIST"),
        ("ann@a.test", "listserv@a.test", "SUBSCRIBE nope", {}, "LIST_NOT_FOUND"),
        (
            "ann@a.test",
            "listserv@a.test",
            "SUBSCRIBE news@b.test",
            {},
            "LIST_NOT_FOUND",
        ),
        (
            "ann@a.test",
            "news@a.test",
            "SUBSCRIBE news",
            {},
            "COMMAND_ADDRESS_NOT_FOUND",
        ),
        (
            "ann@a.test",
            "listserv@b.test",
            "SUBSCRIBE news",
            {},
            "COMMAND_ADDRESS_NOT_FOUND",
        ),
        ("", "listserv@a.test", "SUBSCRIBE news", {}, "INVALID_SENDER"),
        (
            "ann@a.test",
            "listserv@a.test",
            "SUBSCRIBE news",
            {"Auto_Submitted": "auto-replied"},
            "AUTOMATIC",
        ),
        ("x@far.example", "listserv@a.test", "SUBSCRIBE news", {}, "NO_RELAY"),
    ],
    ids=[
        "no-command",
        "no-list",
        "unknown-list",
        "other-domain-list",
        "not-command-address",
        "unknown-domain",
        "no-sender",
        "automatic",
        "external-without-relay",
    ],
)
def test_refused_commands_change_nothing_at_all(
    lists_runtime, domain, sender, to, subject, headers, code
):
    raw = raw_message(sender, to, subject, **headers)

    assert refusal(lists_runtime, raw) == code
    with session_scope(lists_runtime.engine, write=False) as session:
        assert session.execute(select(PendingConfirmation)).first() is None


def test_domain_without_lists_has_no_command_address(lists_runtime):
    make_domain(lists_runtime, "b.test", enabled=False)

    code = refusal(lists_runtime, raw_message("x@b.test", "listserv@b.test", "HELP"))

    assert code == "COMMAND_ADDRESS_NOT_FOUND"


def test_custom_command_address_and_recipient(lists_runtime):
    domain = make_domain(
        lists_runtime, "c.test", users=("ann",), command_address="lists"
    )
    make_list(lists_runtime, "news@c.test")
    raw = raw_message("ann@c.test", "someone@else.example", "SUBSCRIBE news")

    result = command(lists_runtime, raw, recipient="lists@c.test")

    assert result.status is CommandStatus.CONFIRMATION_SENT
    assert inbox(domain, "ann")[0]["From"] == "lists@c.test"


def test_process_mutation_is_scoped_to_own_domain(client, admin, lists_runtime, domain):
    make_domain(lists_runtime, "b.test")
    make_list(lists_runtime, "news@b.test")
    boss = client.as_token(client.login("admin@a.test", PASSWORD))
    raw = raw_message("ann@a.test", "listserv@b.test", "HELP").decode()

    refused = boss.mutate(PROCESS, {"rawMessage": raw})
    allowed = admin.mutate(PROCESS, {"rawMessage": raw})

    assert error_codes(refused) == ["COMMAND_ADDRESS_NOT_FOUND"]
    assert allowed["result"] == {
        "command": "help",
        "status": "HELP_SENT",
        "list": None,
        "answeredTo": "ann@a.test",
    }


@pytest.mark.parametrize(
    "subject",
    ["SUBSCRIBE news", "UNSUBSCRIBE team", "HELP", "CONFIRM"],
    ids=["subscribe", "unsubscribe", "help", "confirm"],
)
def test_disabled_domain_command_address_answers_nothing(
    lists_runtime, domain, subject
):
    # Given ann's pending subscription to news, then the domain disabled
    make_list(lists_runtime, "team@a.test", subscribers=("ann@a.test",))
    command(
        lists_runtime, raw_message("ann@a.test", "listserv@a.test", "SUBSCRIBE news")
    )
    token = token_in(inbox(domain, "ann")[0])
    disable_domain(lists_runtime, "a.test")
    if subject == "CONFIRM":
        subject = f"CONFIRM {token}"

    # When she mails a command to the command address
    code = refusal(lists_runtime, raw_message("ann@a.test", "listserv@a.test", subject))

    # Then it is refused: no answer is mailed and no subscription changes
    assert code == "DOMAIN_DISABLED"
    assert len(inbox(domain, "ann")) == 1
    assert subscribers(lists_runtime) == {"ann@a.test"}
    with session_scope(lists_runtime.engine, write=False) as session:
        assert len(session.execute(select(PendingConfirmation)).all()) == 1


def test_disabled_domain_refuses_process_mutation(admin, lists_runtime, domain):
    disable_domain(lists_runtime, "a.test")
    raw = raw_message("ann@a.test", "listserv@a.test", "HELP").decode()

    payload = admin.mutate(PROCESS, {"rawMessage": raw})

    assert error_codes(payload) == ["DOMAIN_DISABLED"]
    assert inbox(domain, "ann") == []


def test_command_address_answers_under_domain_alias(lists_runtime, domain):
    # Given alias.test, a domain alias of a.test
    add_domain_alias(lists_runtime, "a.test", "alias.test")

    # When ann writes to listserv@alias.test, naming the list either way
    results = [
        command(lists_runtime, raw_message("ann@a.test", "listserv@alias.test", s))
        for s in ("SUBSCRIBE news", "UNSUBSCRIBE news@alias.test")
    ]

    # Then a.test's command address answers, for a.test's list
    assert [r.status for r in results] == [
        CommandStatus.CONFIRMATION_SENT,
        CommandStatus.NOT_SUBSCRIBED,
    ]
    assert {r.list_address for r in results} == {"news@a.test"}
    assert [m["From"] for m in inbox(domain, "ann")] == ["listserv@a.test"] * 2
