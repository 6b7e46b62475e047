"""``mailplane list-command`` and ``list-post``: the mail transport's pipes,
answering with sysexits codes."""

import pytest
from click.testing import CliRunner

from core.cli import main
from plugins.mailing_lists.cli import EX_DATAERR, EX_NOPERM, EX_NOUSER, EX_TEMPFAIL
from plugins.mailing_lists.models import PostingPolicy
from tests.plugins.mailing_lists.conftest import (
    add_domain_alias,
    disable_domain,
    inbox,
    make_domain,
    make_list,
    raw_message,
)


@pytest.fixture
def env(lists_runtime) -> dict[str, str]:
    config = lists_runtime.config
    return {
        "MAILPLANE_DATA_DIR": str(config.data_dir),
        "MAILPLANE_DATABASE_URL": config.database_url,
        "MAILPLANE_BROKER_URL": "",
        "MAILPLANE_SMTP_URL": "",
    }


@pytest.fixture
def domain(lists_runtime):
    row = make_domain(lists_runtime, "a.test", users=("ann",), max_message_size_kb=4)
    make_list(lists_runtime, "news@a.test", subscribers=("ann@a.test", "admin@a.test"))
    return row


def pipe(env: dict, raw: bytes, *args: str):
    return CliRunner().invoke(
        main, ["--log-level", "warning", *args], env=env, input=raw
    )


def test_list_command_reads_message_from_stdin(env, domain):
    raw = raw_message("admin@a.test", "listserv@a.test", "SUBSCRIBE news")

    result = pipe(env, raw, "list-command")

    assert result.exit_code == 0, result.output
    assert "subscribe: already_subscribed" in result.output
    assert len(inbox(domain, "admin")) == 1


@pytest.mark.parametrize(
    ("to", "subject", "args", "code"),
    [
        ("listserv@a.test", "What is this?", (), EX_DATAERR),
        ("nobody@a.test", "HELP", (), EX_NOUSER),
        ("x@b.example", "HELP", ("--recipient", "listserv@a.test"), 0),
    ],
    ids=["no-command", "not-command-address", "recipient-option"],
)
def test_list_command_exits_with_sysexits_codes(env, domain, to, subject, args, code):
    raw = raw_message("ann@a.test", to, subject)

    result = pipe(env, raw, "list-command", *args)

    assert result.exit_code == code, result.output


def test_list_post_delivers_before_exiting(env, domain):
    raw = raw_message("ann@a.test", "news@a.test", "Hello", "Hi all.\n")

    result = pipe(env, raw, "list-post", "news@a.test")

    assert result.exit_code == 0, result.output
    assert [m["List-Id"] for m in inbox(domain, "admin")] == ["<news.a.test>"]
    assert len(inbox(domain, "ann")) == 1


@pytest.mark.parametrize(
    ("sender", "list_address", "body", "code"),
    [
        ("x@far.example", "news@a.test", "Hi.\n", EX_NOPERM),
        ("ann@a.test", "nope@a.test", "Hi.\n", EX_NOUSER),
        ("ann@a.test", "news@a.test", "a" * 5000, EX_DATAERR),
    ],
    ids=["not-allowed", "no-such-list", "too-large"],
)
def test_list_post_exits_with_sysexits_codes(
    env, domain, sender, list_address, body, code
):
    raw = raw_message(sender, list_address, "Hello", body)

    result = pipe(env, raw, "list-post", list_address)

    assert result.exit_code == code, result.output
    assert len(inbox(domain, "admin")) == 0


def test_unreachable_database_is_a_temporary_failure(env, domain, lists_runtime):
    make_list(lists_runtime, "open@a.test", policy=PostingPolicy.ANYONE)
    down = env | {"MAILPLANE_DATABASE_URL": "postgresql://127.0.0.1:1/none"}

    result = pipe(
        down, raw_message("ann@a.test", "open@a.test"), "list-post", "x@a.test"
    )

    assert result.exit_code == EX_TEMPFAIL


@pytest.mark.parametrize(
    ("args", "to", "subject"),
    [
        (("list-post", "news@a.test"), "news@a.test", "Hello"),
        (("list-command",), "listserv@a.test", "HELP"),
    ],
    ids=["post", "command"],
)
def test_disabled_domain_is_a_temporary_failure(
    env, domain, lists_runtime, args, to, subject
):
    # Given the list's domain disabled: it sends nothing, but keeps its mail
    disable_domain(lists_runtime, "a.test")

    # When the transport hands over a post or a command
    result = pipe(env, raw_message("ann@a.test", to, subject), *args)

    # Then it is told to try again later, and nothing was sent
    assert result.exit_code == EX_TEMPFAIL, result.output
    assert "DOMAIN_DISABLED" in result.output
    assert inbox(domain, "ann") == inbox(domain, "admin") == []


def test_list_post_under_domain_alias(env, domain, lists_runtime):
    add_domain_alias(lists_runtime, "a.test", "alias.test")
    raw = raw_message("ann@a.test", "news@alias.test", "Hello", "Hi all.\n")

    result = pipe(env, raw, "list-post", "news@alias.test")

    assert result.exit_code == 0, result.output
    assert [m["List-Id"] for m in inbox(domain, "admin")] == ["<news.a.test>"]
