"""Mass email through a real SMTP server (aiosmtpd) started by the test."""

import email
import socket
from dataclasses import replace
from email import policy

import pytest
from aiosmtpd.controller import Controller

from core.errors import ConfigurationError
from core.services.mass_mail import request_mass_email
from core.services.recipients import RecipientGroup
from core.services.smtp_relay import parse_smtp_url
from tests.workers.support import (
    inbox_messages,
    make_domain,
    request_job,
    run_job_now,
    set_job,
    system_admin,
)

FULL_MAILBOX = "user00001@a.test"


class Recorder:
    """Accepts every message but refuses one mailbox as full."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == FULL_MAILBOX:
            return "552 5.2.2 Mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield recorder, f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


def _send(runtime) -> int:
    admin = system_admin(runtime)
    return request_job(
        runtime,
        lambda session: request_mass_email(
            session,
            runtime,
            admin,
            group=RecipientGroup.DOMAIN_USERS,
            domain="a.test",
            user=None,
            sender="Ops <ops@a.test>",
            friendly_name="Example User",
            subject="Maintenance",
            body="<p>Noon</p>",
            html=True,
        ),
    )


def test_mass_email_goes_to_the_smtp_server(runtime, smtp_server):
    recorder, url = smtp_server
    runtime.config = replace(runtime.config, smtp_url=url)
    domain = make_domain(runtime, "a.test", users=3)

    job = run_job_now(runtime, _send(runtime))

    recipients = sorted(
        rcpt for _sender, rcpts, _raw in recorder.received for rcpt in rcpts
    )
    assert recipients == ["boss@a.test", "user00000@a.test", "user00002@a.test"]
    assert {sender for sender, _rcpts, _raw in recorder.received} == {"ops@a.test"}
    message = email.message_from_bytes(recorder.received[0][2], policy=policy.default)
    assert message.defects == []
    assert str(message["To"]).startswith("Example User <")
    assert message.get_content_type() == "multipart/alternative"
    assert job.result["skippedRecipients"] == [
        {"address": FULL_MAILBOX, "code": "QUOTA_EXCEEDED"}
    ]
    assert inbox_messages(domain, "boss") == []


def test_redelivered_smtp_mass_email_resends_nothing(runtime, smtp_server):
    recorder, url = smtp_server
    runtime.config = replace(runtime.config, smtp_url=url)
    make_domain(runtime, "a.test", users=3)
    job_id = _send(runtime)
    run_job_now(runtime, job_id)
    sent = len(recorder.received)
    set_job(runtime, job_id, state="running")

    job = run_job_now(runtime, job_id)

    assert len(recorder.received) == sent == 3
    assert job.result["delivered"] == 3


def test_unreachable_smtp_server_fails_the_job(runtime):
    runtime.config = replace(
        runtime.config, smtp_url=f"smtp://127.0.0.1:{_free_port()}"
    )
    make_domain(runtime, "a.test", users=1)
    job_id = _send(runtime)

    with pytest.raises(Exception) as caught:
        run_job_now(runtime, job_id)

    assert getattr(caught.value, "code", None) == "SMTP_UNAVAILABLE"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.example.com", ("smtp", "relay.example.com", 25, None)),
        (
            "smtps://u%40x:p@relay.example.com",
            ("smtps", "relay.example.com", 465, "u@x"),
        ),
        (
            "smtp+starttls://relay.example.com:2525",
            ("smtp+starttls", "relay.example.com", 2525, None),
        ),
    ],
    ids=["plain", "tls-with-login", "starttls-port"],
)
def test_parse_smtp_url_reads_scheme_host_port_login(url, expected):
    target = parse_smtp_url(url)

    assert (target.scheme, target.host, target.port, target.username) == expected
    assert "p@" not in repr(target)


def test_parse_smtp_url_refuses_other_schemes():
    with pytest.raises(ConfigurationError):
        parse_smtp_url("http://relay.example.com")
