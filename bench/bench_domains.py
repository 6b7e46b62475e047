"""Benchmark the domain list over HTTP against one plain SQL query.

Run on demand, never as a test::

    .venv/bin/python -m bench domains                 # SQLite (the default)
    .venv/bin/python -m bench.bench_domains postgresql  # or: sqlite postgresql

On each backend (PostgreSQL at 127.0.0.1:5432 in a scratch database) it
seeds 10,000 domains with bulk inserts, first with 1,000 users, then with
100,000. A real uvicorn server on 127.0.0.1 serves the app; the client
posts ``domains(first: 100)`` asking for every field of the list, settings
included, and counts the SQL statements each request sends (transaction
control aside). The baseline, in the same run, reads the same 100 rows
with one plain SQL query and serialises them with ``json.dumps``; it is
timed in process and, for the cost of HTTP alone, behind a bare route of
the same server. Each figure is the median of many requests.

The two states (1,000 and 100,000 users) are two databases served side by
side, and all contenders are timed in turn, request after request, so that
whatever else loads the machine weighs on each of them alike.

Targets: at most 5 SQL statements; within 10x of the baseline; the page at
100,000 users within 1.3x of the page at 1,000 users.
"""

import http.client
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from sqlalchemy import event
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.routing import Route

from bench.domain_data import (
    DOMAINS,
    PAGE,
    PASSWORD,
    baseline_page,
    page_query,
    scratch_database,
    seed_domains,
    seed_users,
)
from core.app import create_app
from core.config import Config
from core.db import session_scope
from core.migrate import upgrade
from core.runtime import Runtime, build_runtime
from core.services.admins import ensure_bootstrap_admin

FEW_USERS = 1_000
MANY_USERS = 100_000
WARMUP = 20
RUNS = 100
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")
LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) { token }
}
"""
TARGETS = {"queries": 5, "baseline": 10.0, "users": 1.3}


@contextmanager
def serve(runtime: Runtime) -> Iterator[int]:
    """The app (and a bare baseline route) on a free port of 127.0.0.1."""
    app = create_app(runtime)
    app.router.routes.append(Route("/baseline", _baseline_endpoint(runtime.engine)))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join()


def _baseline_endpoint(engine):
    async def endpoint(_request) -> Response:
        body = await run_in_threadpool(baseline_page, engine)
        return Response(body, media_type="application/json")

    return endpoint


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """Keep-alive HTTP to the server, as a portal or a script would use it."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.token = ""

    def post(self, body: dict) -> bytes:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.connection.request("POST", "/graphql", json.dumps(body), headers)
        return self.connection.getresponse().read()

    def get(self, path: str) -> bytes:
        self.connection.request("GET", path)
        return self.connection.getresponse().read()

    def login(self) -> None:
        credentials = {"username": "admin", "password": PASSWORD}
        body = json.loads(self.post({"query": LOGIN, "variables": credentials}))
        self.token = body["data"]["login"]["token"]


@contextmanager
def counting(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(CONTROL):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def count_statements(runtime: Runtime, client: Client, query: str) -> int:
    body = json.loads(client.post({"query": query}))
    assert "errors" not in body, body["errors"]
    assert len(body["data"]["domains"]["nodes"]) == PAGE
    with counting(runtime.engine) as statements:
        client.post({"query": query})
    return len(statements)


def measure(states: dict[str, tuple[Runtime, Client]], query: str) -> dict:
    """Time every contender in turn, request after request.

    Interleaving puts each of them under the same load, whatever else the
    machine does meanwhile; ratios are taken run by run.
    """
    contenders = {}
    for label, (runtime, client) in states.items():
        contenders[f"graphql {label}"] = lambda c=client: c.post({"query": query})
        contenders[f"baseline {label}"] = lambda r=runtime: baseline_page(r.engine)
        contenders[f"http baseline {label}"] = lambda c=client: c.get("/baseline")
    for _ in range(WARMUP):
        for action in contenders.values():
            action()
    times = {name: [] for name in contenders}
    for _ in range(RUNS):
        for name, action in contenders.items():
            times[name].append(timed(action))
    return times


@contextmanager
def seeded_state(backend: str, folder: Path, users: int) -> Iterator[Runtime]:
    """A database of its own with 10,000 domains and ``users`` users."""
    with scratch_database(backend) as url:
        config = Config(data_dir=folder, database_url=url, admin_password=PASSWORD)
        config.domains_dir.mkdir(parents=True)
        runtime = build_runtime(config)
        upgrade(runtime.engine)
        with session_scope(runtime.engine) as session:
            ensure_bootstrap_admin(session, PASSWORD)
        seed_domains(runtime)
        seed_users(runtime, users)
        try:
            yield runtime
        finally:
            runtime.engine.dispose()


def run_backend(backend: str, folder: Path) -> dict:
    """Both states side by side, each served by its own server."""
    with (
        seeded_state(backend, folder / "few", FEW_USERS) as few,
        seeded_state(backend, folder / "many", MANY_USERS) as many,
        serve(few) as few_port,
        serve(many) as many_port,
    ):
        states = {"1k": (few, Client(few_port)), "100k": (many, Client(many_port))}
        query = page_query(few)
        for _runtime, client in states.values():
            client.login()
        queries = {
            label: count_statements(runtime, client, query)
            for label, (runtime, client) in states.items()
        }
        size = len(states["100k"][1].post({"query": query}))
        return {"queries": queries, "bytes": size, "times": measure(states, query)}


def ratio(times: dict, top: str, bottom: str) -> tuple[float, float]:
    """The median of run-by-run ratios, and the ratio of the best runs."""
    pairs = [a / b for a, b in zip(times[top], times[bottom], strict=True)]
    return statistics.median(pairs), min(times[top]) / min(times[bottom])


def report(backend: str, results: dict) -> list[str]:
    times = results["times"]
    ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
    lines = [
        f"{backend}: {DOMAINS:,} domains; domains(first: {PAGE}) with every field "
        f"({results['bytes']:,} bytes); medians of {RUNS} interleaved runs",
    ]
    for label, users in (("1k", "1,000"), ("100k", "100,000")):
        inproc, inproc_best = ratio(times, f"graphql {label}", f"baseline {label}")
        http, http_best = ratio(times, f"graphql {label}", f"http baseline {label}")
        lines.append(
            f"  {users:>7} users: graphql {ms[f'graphql {label}']:6.2f} ms, "
            f"{results['queries'][label]} SQL statements | baseline "
            f"{ms[f'baseline {label}']:5.2f} ms: x{inproc:.1f} (best runs "
            f"x{inproc_best:.1f}) | baseline over HTTP "
            f"{ms[f'http baseline {label}']:5.2f} ms: x{http:.1f} (x{http_best:.1f})"
        )
    users, users_best = ratio(times, "graphql 100k", "graphql 1k")
    lines.append(
        f"  100,000 / 1,000 users: x{users:.2f} (best runs x{users_best:.2f}); "
        f"targets: <= {TARGETS['queries']} SQL, <= x{TARGETS['baseline']:.0f} "
        f"baseline, <= x{TARGETS['users']} users"
    )
    return lines


def main(argv: list[str]) -> None:
    for backend in argv or ["sqlite"]:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            results = run_backend(backend, Path(tmp))
            elapsed = time.perf_counter() - started
        print("\n".join(report(backend, results)), f"({elapsed:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
