"""Benchmark the user and domain lists, and createUser, as users grow 100-fold.

Run on demand, never as a test::

    .venv/bin/python bench/bench_users.py [--users 100000] [--domains 1000]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench]

It creates ``--domains`` domains through the service layer, each with its
primary administrator, and fills the first domain to ``users / domains``
users: the small size (about ``domains`` users). It then fills every domain
to that many users: the full size (``--users``). At each size it times,
through the HTTP endpoint (starlette's TestClient), ``users(domain, first:
100)`` on the first domain and ``domains(first: 100)``, each against a
baseline in the same run that reads the same rows with one plain SQL query
and serialises them with ``json.dumps``; it counts the SQL statements of
each request and times single ``createUser`` mutations. Passwords are
hashed once (``MAILPLANE_PASSWORD_COST=low``), so argon2 is not measured.

Targets: each list within 1.3x of its small-size time at the full size;
createUser flat.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("MAILPLANE_PASSWORD_COST", "low")

from sqlalchemy import event, text
from starlette.testclient import TestClient

from core.app import create_app
from core.config import Config
from core.db import session_scope
from core.migrate import upgrade
from core.passwords import hash_password
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.admins import ensure_bootstrap_admin
from core.services.domains import (
    DomainCreate,
    create_domain,
    require_domain,
    update_domain,
)
from core.services.users import UserCreate, create_user

ADMIN_PASSWORD = "bench-admin-password"
PASSWORD = "bench-password"
ROOT = Principal(Role.SYSTEM_ADMIN, "admin", system_admin_id=1)
PROBE_DOMAIN = "probe.bench"

USERS_PAGE = """
query Users($domain: String!) {
  users(domain: $domain, first: 100) {
    totalCount
    nodes {
      email displayName status isDomainAdmin authType mailboxSizeMb
      diskUsedBytes lastLoginAt createdAt
      profile { title fullName birthday mobilePhone jobTitle }
      forwarding { addresses }
      settings { serviceAccess { pop imap smtp webmail } }
    }
  }
}
"""

USERS_SQL = """
SELECT u.id, u.local_part || '@' || d.name AS email, u.display_name, u.status,
       u.is_domain_admin, u.auth_type, u.mailbox_size_mb, u.disk_used_bytes,
       u.last_login_at, u.created_at, u.title, u.full_name, u.birthday,
       u.mobile_phone, u.job_title, u.forwarding, u.settings
FROM "user" u JOIN domain d ON d.id = u.domain_id
WHERE d.name = :domain
ORDER BY u.local_part, u.id
LIMIT 100
"""

DOMAINS_PAGE = """
query {
  domains(first: 100) {
    totalCount
    nodes {
      name status hostname folder primaryAdmin userCount userAliasCount
      domainAliasCount mailingListCount diskUsedBytes createdAt
      settings { limits { users diskSpaceMb } }
    }
  }
}
"""

DOMAINS_SQL = """
SELECT d.name, d.status, d.hostname, d.folder, u.local_part AS primary_admin,
       d.user_count, d.user_alias_count, d.domain_alias_count,
       d.mailing_list_count, d.disk_used_bytes, d.created_at, d.settings
FROM domain d LEFT JOIN "user" u ON u.id = d.primary_admin_id
ORDER BY d.name, d.id
LIMIT 100
"""

CREATE_USER = """
mutation Create($input: UserCreateInput!) {
  createUser(input: $input) { user { email } errors { code } }
}
"""


def main() -> None:
    args = _arguments()
    per_domain = max(2, args.users // args.domains)
    with tempfile.TemporaryDirectory() as folder:
        bench = Bench(Path(folder), args.database_url, args.repeat)
        try:
            bench.run(args.domains, per_domain)
        finally:
            bench.close()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--domains", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=30, help="Timed runs each.")
    parser.add_argument(
        "--database-url", default="", help="An empty database; SQLite by default."
    )
    return parser.parse_args()


class Bench:
    """A server on a fresh database, its HTTP client, and the measurements."""

    def __init__(self, folder: Path, database_url: str, repeat: int) -> None:
        data_dir = folder / "data"
        (data_dir / "domains").mkdir(parents=True)
        config = Config(data_dir=data_dir, database_url=database_url)
        self.runtime = build_runtime(config, plugin_modules=[])
        upgrade(self.runtime.engine)
        with session_scope(self.runtime.engine) as session:
            ensure_bootstrap_admin(session, ADMIN_PASSWORD)
        self.http = TestClient(create_app(self.runtime))
        self.http.__enter__()
        self.headers: dict[str, str] = {}
        self.headers = {"Authorization": f"Bearer {self._login()}"}
        self.repeat = repeat
        self.password_hash = hash_password(PASSWORD)
        self.statements = 0
        event.listen(self.runtime.engine, "before_cursor_execute", self._count)
        self.probes = 0

    def close(self) -> None:
        self.http.__exit__(None, None, None)
        self.runtime.engine.dispose()

    def _count(self, *_args) -> None:
        self.statements += 1

    def _login(self) -> str:
        body = self.post(
            'mutation { login(input: {username: "admin", password: '
            f'"{ADMIN_PASSWORD}"}}) {{ token }} }}'
        )
        return body["data"]["login"]["token"]

    def post(self, query: str, variables: dict | None = None) -> dict:
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.headers,
        )
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body

    # Filling the database through the service layer.

    def run(self, domains: int, per_domain: int) -> None:
        started = time.perf_counter()
        names = [f"d{n:05}.bench" for n in range(domains)]
        self._create_domains([*names, PROBE_DOMAIN])
        self._make_room(PROBE_DOMAIN)
        self._fill(names[:1], per_domain)
        small = self.measure(names[0])
        print(f"Small size ready in {time.perf_counter() - started:.0f} s.")

        started = time.perf_counter()
        self._fill(names[1:], per_domain)
        print(f"Full size ready in {time.perf_counter() - started:.0f} s.")
        full = self.measure(names[0])
        report(small, full)

    def _create_domains(self, names: list[str]) -> None:
        for start in range(0, len(names), 100):
            with session_scope(self.runtime.engine) as session:
                for name in names[start : start + 100]:
                    create_domain(
                        session, self.runtime, DomainCreate(name, "boss", PASSWORD)
                    )

    def _make_room(self, name: str) -> None:
        with session_scope(self.runtime.engine) as session:
            domain = require_domain(session, ROOT, name)
            limits = {"limits": {"users": 1_000_000}}
            update_domain(
                session, self.runtime, ROOT, domain, hostname=None, settings=limits
            )

    def _fill(self, names: list[str], per_domain: int) -> None:
        """Give each domain ``per_domain`` users, its administrator included."""
        for count, name in enumerate(names, 1):
            with session_scope(self.runtime.engine) as session:
                for n in range(1, per_domain):
                    data = UserCreate(
                        f"user{n:05}@{name}",
                        password_hash=self.password_hash,
                        display_name=f"User {n}",
                    )
                    create_user(session, self.runtime, ROOT, data)
            if count % 50 == 0:
                print(f"  {count} of {len(names)} domains filled.", file=sys.stderr)

    # Measuring.

    def measure(self, domain: str) -> dict:
        """Time each page beside its baseline, run for run, and createUser."""
        self.analyze()
        figures = {"users": self.count_users()}
        figures["users_page"], figures["users_sql"] = self.timed_pair(
            lambda: self.post(USERS_PAGE, {"domain": domain}),
            lambda: self.plain(USERS_SQL, domain=domain),
        )
        figures["domains_page"], figures["domains_sql"] = self.timed_pair(
            lambda: self.post(DOMAINS_PAGE), lambda: self.plain(DOMAINS_SQL)
        )
        figures["create_user"], _ = self.timed_pair(
            self.create_probe_user, lambda: None, warmup=1
        )
        print_size(figures)
        return figures

    def analyze(self) -> None:
        """Refresh the planner's statistics, as autovacuum would in service."""
        engine = self.runtime.engine
        statement = (
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        )
        with engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.execute(text(statement))

    def count_users(self) -> int:
        with self.runtime.engine.connect() as connection:
            return connection.execute(text('SELECT count(*) FROM "user"')).scalar_one()

    def plain(self, sql: str, **params) -> str:
        with self.runtime.engine.connect() as connection:
            rows = connection.execute(text(sql), params).mappings().all()
        return json.dumps([dict(row) for row in rows], default=str)

    def create_probe_user(self) -> None:
        """One createUser mutation into a domain of its own, with room left."""
        self.probes += 1
        email = f"probe{self.probes:05}@{PROBE_DOMAIN}"
        variables = {"input": {"email": email, "password": PASSWORD}}
        body = self.post(CREATE_USER, variables)
        assert body["data"]["createUser"]["errors"] == [], body

    def timed_pair(
        self, action: Callable[[], object], baseline: Callable[[], object], warmup=3
    ) -> tuple[dict, dict]:
        """Time both, alternating, so that a busy machine slows both alike."""
        for _ in range(warmup):
            action()
            baseline()
        times: tuple[list, list] = ([], [])
        statements = 0
        for _ in range(self.repeat):
            for kind, step in enumerate((action, baseline)):
                before = self.statements
                started, cpu = time.perf_counter(), time.process_time()
                step()
                times[kind].append(
                    (time.perf_counter() - started, time.process_time() - cpu)
                )
                statements += (self.statements - before) if kind == 0 else 0
        first, second = (_summary(t) for t in times)
        first["statements"] = statements / self.repeat
        return first, second


def _summary(times: list[tuple[float, float]]) -> dict:
    """Median and best wall time, and median CPU time of this process, in ms.

    On a busy machine the wall time swings with other processes' load; the
    CPU time counts only this process's work (the SQLite engine included,
    a PostgreSQL server's excluded).
    """
    wall = [w for w, _cpu in times]
    return {
        "ms": statistics.median(wall) * 1000,
        "best_ms": min(wall) * 1000,
        "cpu_ms": statistics.median(c for _w, c in times) * 1000,
    }


def print_size(figures: dict) -> None:
    print(f"At {figures['users']:,} users (wall median / best / CPU median):")
    for page in ("users", "domains"):
        graphql, plain = figures[f"{page}_page"], figures[f"{page}_sql"]
        print(
            f"  {page}(first: 100): {_times(graphql)} in "
            f"{graphql['statements']:.0f} SQL statements; plain SQL + JSON "
            f"{_times(plain)}; {graphql['ms'] / plain['ms']:.1f}x the baseline"
        )
    create = figures["create_user"]
    print(
        f"  createUser: {_times(create)} in {create['statements']:.0f} SQL statements"
    )


def _times(figure: dict) -> str:
    return f"{figure['ms']:.2f} / {figure['best_ms']:.2f} / {figure['cpu_ms']:.2f} ms"


def report(small: dict, full: dict) -> None:
    print(f"Growth from {small['users']:,} to {full['users']:,} users:")
    for key, label, target in (
        ("users_page", "users(first: 100)", "target <= 1.3x"),
        ("domains_page", "domains(first: 100)", "target <= 1.3x"),
        ("create_user", "createUser", "target flat"),
    ):
        median = full[key]["ms"] / small[key]["ms"]
        best = full[key]["best_ms"] / small[key]["best_ms"]
        cpu = full[key]["cpu_ms"] / small[key]["cpu_ms"]
        line = f"  {label}: {median:.2f}x median, {best:.2f}x best, {cpu:.2f}x CPU"
        baseline = key.replace("_page", "_sql")
        if baseline in full:
            relative = (full[key]["ms"] / full[baseline]["ms"]) / (
                small[key]["ms"] / small[baseline]["ms"]
            )
            line += f", {relative:.2f}x relative to its baseline"
        print(f"{line} ({target})")


if __name__ == "__main__":
    main()
