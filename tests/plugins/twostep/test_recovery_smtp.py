"""Codes for a recovery address outside the server go out over SMTP."""

import email
import socket
from dataclasses import replace
from email import policy

import pytest
from aiosmtpd.controller import Controller

import plugins.twostep
from core.runtime import build_runtime
from plugins.twostep.codes import CLOCK_KEY
from tests.graphql_client import error_codes
from tests.plugins.twostep.test_recovery import SET_EMAIL


class Recorder:
    """Accepts every message, but refuses one mailbox as unknown."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == "gone@remote.test":
            return "550 5.1.1 No such user"
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


@pytest.fixture
def twostep_runtime(runtime, clock, smtp_server):
    """The plugin's runtime, relaying through the test's SMTP server."""
    config = replace(runtime.config, smtp_url=smtp_server[1])
    loaded = build_runtime(config, plugin_modules=[plugins.twostep])
    loaded.extras[CLOCK_KEY] = clock
    yield loaded
    loaded.engine.dispose()


def test_remote_recovery_address_gets_code_over_smtp(alice, smtp_server):
    recorder, _url = smtp_server

    payload = alice.mutate(SET_EMAIL, {"email": "Carol@Remote.test"})

    assert payload["errors"] == []
    [(sender, recipients, raw)] = recorder.received
    message = email.message_from_bytes(raw, policy=policy.default)
    assert (sender, recipients) == ("admin@a.test", ["carol@remote.test"])
    assert "Your confirmation code is" in message.get_content()


def test_refused_remote_address_is_reported(alice, smtp_server):
    payload = alice.mutate(SET_EMAIL, {"email": "gone@remote.test"})

    assert error_codes(payload) == ["DELIVERY_FAILED"]
