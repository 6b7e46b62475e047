"""Client addresses behind a proxy: `mailplane serve` on a real uvicorn server.

The server is the one `serve` starts, in a thread on a free port, so the
test follows MAILPLANE_TRUSTED_PROXIES from the environment to uvicorn.
Requests come from 127.0.0.1 and name a client in X-Forwarded-For.
"""

import importlib
import json
import socket
import threading
import time
import urllib.request

import pytest
import uvicorn

from core.cli import serve
from core.models.base import utcnow
from core.services import throttle
from tests.conftest import ADMIN_PASSWORD

LOGIN = (
    "mutation($u: String!, $p: String!) "
    "{ login(input: {username: $u, password: $p}) { token errors { code } } }"
)
FREE_PER_ADDRESS = throttle.POLICY.address.free
# The package exports its click command under the module's name.
UVICORN_MAIN = importlib.import_module("uvicorn.main")


class RecordedServer(uvicorn.Server):
    """uvicorn's server, kept where the test can stop it."""

    started_servers: list["RecordedServer"] = []

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.started_servers.append(self)


@pytest.fixture
def frozen(monkeypatch):
    """The throttle's clock, stopped: a delay of a second can't run out."""
    now = utcnow()
    monkeypatch.setattr(throttle, "utcnow", lambda: now)


@pytest.fixture
def start_server(runtime, monkeypatch):
    """Run `mailplane serve` trusting the given proxies; returns its URL."""
    monkeypatch.setattr(UVICORN_MAIN, "Server", RecordedServer)
    monkeypatch.setattr(RecordedServer, "started_servers", [])
    threads = []

    def start(trusted: str) -> str:
        port = _free_port()
        config = runtime.config
        monkeypatch.setenv("MAILPLANE_DATA_DIR", str(config.data_dir))
        monkeypatch.setenv("MAILPLANE_DATABASE_URL", config.database_url)
        monkeypatch.setenv("MAILPLANE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        monkeypatch.setenv("MAILPLANE_TRUSTED_PROXIES", trusted)
        args = ["--host", "127.0.0.1", "--port", str(port)]
        thread = threading.Thread(
            target=serve.main, args=(args,), kwargs={"standalone_mode": False}
        )
        thread.start()
        threads.append(thread)
        _wait_until_started(thread)
        return f"http://127.0.0.1:{port}/graphql"

    yield start

    for server in RecordedServer.started_servers:
        server.should_exit = True
    for thread in threads:
        thread.join(timeout=30)
    for server in RecordedServer.started_servers:
        server.config.app.state.runtime.engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_started(thread: threading.Thread) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and thread.is_alive():
        servers = RecordedServer.started_servers
        if servers and servers[-1].started:
            return
        time.sleep(0.05)
    raise AssertionError("mailplane serve did not start listening.")


def _login(url: str, username: str, password: str, forwarded_for: str) -> str | None:
    """The login's error code, or None when it issued a token."""
    body = {"query": LOGIN, "variables": {"u": username, "p": password}}
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.load(response)["data"]["login"]
    return payload["errors"][0]["code"] if payload["errors"] else None


def _fail_from(url: str, forwarded_for: str) -> None:
    """Enough failures from one client to slow it down, one per account."""
    for n in range(FREE_PER_ADDRESS):
        code = _login(url, f"ghost{n}@a.test", "wrong", forwarded_for)
        assert code == "INVALID_CREDENTIALS"


def test_trusted_proxy_throttles_forwarded_client(start_server, frozen):
    url = start_server("127.0.0.1")
    _fail_from(url, "203.0.113.5")

    throttled = _login(url, "admin", ADMIN_PASSWORD, "203.0.113.5")
    other = _login(url, "admin", ADMIN_PASSWORD, "203.0.113.6")

    assert (throttled, other) == ("TOO_MANY_ATTEMPTS", None)


def test_no_trusted_proxy_ignores_forwarded_header(start_server, frozen):
    url = start_server("")
    _fail_from(url, "203.0.113.5")

    other = _login(url, "admin", ADMIN_PASSWORD, "203.0.113.6")

    assert other == "TOO_MANY_ATTEMPTS"
