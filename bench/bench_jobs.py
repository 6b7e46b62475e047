"""Benchmark the users CSV export and mass email delivery against baselines.

Run on demand, never as a test::

    .venv/bin/python -m bench jobs
    .venv/bin/python bench/bench_jobs.py [--users 100000] [--domains 1000]
        [--mail-users 10000] [--repeat 3] [--database-url postgresql://…]

It seeds two databases: --users users across --domains domains (the full
export), and --mail-users users across a tenth of the domains (the small
export, and the mass email, each user with an existing Inbox). Then:

- export: ``export_users`` (the job's code, without the broker) against a
  baseline in the same run that runs the same query as plain SQL and writes
  the rows with ``csv.writer``; timed as the best of --repeat, and peak
  Python memory (tracemalloc) in a separate traced run, at both sizes;
- delivery: ``run_mass_email`` to every user of the small database against
  a baseline that builds the same message for each user with a format
  string and writes it as Maildir delivery does (tmp/, fsync, rename into
  new/, fsync the folder), one after the other.

Targets: the export within 1.5x of its baseline and its peak memory the
same at both sizes; the delivery within 2x of its baseline.
"""

import argparse
import csv
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, text

from core.config import Config
from core.db import session_scope
from core.mailstore import create_folder
from core.migrate import upgrade
from core.models import Domain, SystemAdmin, User
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.exports import export_path, export_users, request_export
from core.services.jobs import start_job
from core.services.mail_compose import DEFAULT_SENDER
from core.services.mass_mail import request_mass_email, run_mass_email
from core.services.recipients import RecipientGroup

MIB = 1024 * 1024
BODY = "The server restarts tonight at ten.\nIt will be back within minutes.\n" * 6
BASELINE_QUERY = """
SELECT u.local_part, d.name, u.display_name, u.auth_type, u.title, u.full_name,
       u.birthday, u.mobile_phone, u.home_phone, u.work_phone, u.home_address,
       u.work_address, u.job_title, u.disk_used_bytes, u.mailbox_size_mb,
       u.status, u.is_domain_admin, u.last_login_at, u.created_at
FROM "user" u JOIN domain d ON d.id = u.domain_id
ORDER BY d.name, u.local_part
"""


def make_runtime(folder: Path, database_url: str):
    config = Config(data_dir=folder, database_url=database_url)
    (folder / "domains").mkdir(parents=True)
    runtime = build_runtime(config, plugin_modules=[])
    upgrade(runtime.engine)
    with session_scope(runtime.engine) as session:
        session.add(SystemAdmin(username="admin", password_hash="x"))
    return runtime


def seed(runtime, users: int, domains: int, *, inboxes: bool) -> None:
    """Domains of users/domains users each, profiles filled, in bulk."""
    per_domain = users // domains
    defaults = runtime.registry.defaults("domain")
    with session_scope(runtime.engine) as session:
        for number in range(domains):
            name = f"d{number:05d}.example"
            folder = runtime.config.domains_dir / name
            folder.mkdir()
            session.execute(
                insert(Domain),
                [
                    {
                        "name": name,
                        "folder": str(folder),
                        "settings": defaults,
                        "user_count": per_domain,
                    }
                ],
            )
        ids = dict(session.execute(text("SELECT name, id FROM domain")).all())
        for domain_id in ids.values():
            session.execute(insert(User), _user_rows(domain_id, per_domain))
    if inboxes:
        for name in ids:
            for n in range(per_domain):
                user_dir = runtime.config.domains_dir / name / f"user{n:05d}"
                user_dir.mkdir()
                create_folder(user_dir, "INBOX")


def _user_rows(domain_id: int, count: int) -> list[dict]:
    return [
        {
            "domain_id": domain_id,
            "local_part": f"user{n:05d}",
            "password_hash": "x",
            "display_name": f"User {n} of {domain_id}",
            "settings": {},
            "forwarding": {},
            "title": "Dr." if n % 7 == 0 else "",
            "full_name": f"=Formula {n}" if n % 97 == 0 else f"Full Name {n}",
            "birthday": date(1980 + n % 30, 1 + n % 12, 1 + n % 28),
            "mobile_phone": f"+1 555 {n:07d}",
            "home_address": f"{n} Main Street, Springfield",
            "job_title": "Engineer",
            "disk_used_bytes": n * 1024,
            "last_login_at": datetime(2026, 1, 1, tzinfo=UTC),
        }
        for n in range(count)
    ]


def admin_of(runtime) -> Principal:
    with session_scope(runtime.engine, write=False) as session:
        admin_id = session.execute(text("SELECT id FROM system_admin")).scalar_one()
    return Principal(Role.SYSTEM_ADMIN, "admin", system_admin_id=admin_id)


def running_job(runtime, request: Callable):
    with session_scope(runtime.engine) as session:
        job_id = request(session).id
    return start_job(runtime.engine, job_id)


# The export and its baseline.


def ours_export(runtime) -> None:
    admin = admin_of(runtime)
    job = running_job(
        runtime, lambda s: request_export(s, runtime, admin, "export_users")
    )
    export_users(runtime, job)
    export_path(runtime.config, job.id).unlink()


def baseline_export(runtime) -> None:
    path = runtime.config.data_dir / "baseline.csv"
    with (
        runtime.engine.connect() as connection,
        path.open("w", newline="", encoding="utf-8") as handle,
    ):
        writer = csv.writer(handle)
        result = connection.execution_options(yield_per=1000).execute(
            text(BASELINE_QUERY)
        )
        for rows in result.partitions():
            writer.writerows(rows)
    path.unlink()


# The delivery and its baseline.


def ours_delivery(runtime) -> None:
    admin = admin_of(runtime)
    job = running_job(
        runtime,
        lambda s: request_mass_email(
            s,
            runtime,
            admin,
            group=RecipientGroup.ALL_USERS,
            domain=None,
            user=None,
            sender=None,
            friendly_name=None,
            subject="Maintenance",
            body=BODY,
            html=False,
        ),
    )
    result = run_mass_email(runtime, job)
    assert result["skipped"] == 0, result


def baseline_delivery(runtime) -> None:
    with runtime.engine.connect() as connection:
        rows = connection.execute(
            text(
                'SELECT u.id, u.local_part, d.name, d.folder FROM "user" u '
                "JOIN domain d ON d.id = u.domain_id ORDER BY u.id"
            )
        ).all()
    stamp = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    for n, (user_id, local, domain, folder) in enumerate(rows):
        message = (
            f"From: {DEFAULT_SENDER} <postmaster@{domain}>\nTo: {local}@{domain}\n"
            f"Message-ID: <base.{user_id}@{domain}>\nSubject: Maintenance\n"
            f"Date: {stamp}\nMIME-Version: 1.0\n"
            'Content-Type: text/plain; charset="utf-8"\n'
            f"Content-Transfer-Encoding: 7bit\n\n{BODY}"
        ).encode()
        write_maildir(Path(folder) / local / "Maildir", f"base{n}.eml", message)


def write_maildir(maildir: Path, name: str, data: bytes) -> None:
    staged = maildir / "tmp" / name
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(staged, maildir / "new" / name)
    fd = os.open(maildir / "new", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Measuring.


def best_time(action: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def peak_memory(action: Callable[[], None]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def report(label: str, ours: float, base: float, unit: str = "s") -> float:
    ratio = ours / base if base else float("inf")
    print(
        f"  {label:<28} ours {ours:8.2f} {unit:<3}  baseline {base:8.2f} {unit:<3}"
        f"  ratio {ratio:5.2f}x",
        flush=True,
    )
    return ratio


def bench_export(small, large, repeat: int) -> None:
    print("Users CSV export:", flush=True)
    peaks = {}
    for name, runtime in (("small", small), ("large", large)):
        report(
            f"time, {name}",
            best_time(lambda r=runtime: ours_export(r), repeat),
            best_time(lambda r=runtime: baseline_export(r), repeat),
        )
        peaks[name] = peak_memory(lambda r=runtime: ours_export(r))
        report(
            f"peak memory, {name}",
            peaks[name],
            peak_memory(lambda r=runtime: baseline_export(r)),
            "MiB",
        )
    flat = peaks["large"] / peaks["small"]
    print(f"  peak memory large / small: {flat:.2f}x", flush=True)


def bench_delivery(small, users: int) -> None:
    print("Mass email delivery:", flush=True)
    base = best_time(lambda: baseline_delivery(small), 1)
    ours = best_time(lambda: ours_delivery(small), 1)
    report(f"time, {users} users", ours, base)
    report(
        f"peak memory, {users} users",
        peak_memory(lambda: ours_delivery(small)),
        peak_memory(lambda: baseline_delivery(small)),
        "MiB",
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--domains", type=int, default=1_000)
    parser.add_argument("--mail-users", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL server URL ending in a /"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        large = make_runtime(root / "large", database(args, root, "large"))
        small = make_runtime(root / "small", database(args, root, "small"))
        print(f"Seeding {args.users} and {args.mail_users} users...", flush=True)
        seed(large, args.users, args.domains, inboxes=False)
        seed(small, args.mail_users, max(1, args.domains // 10), inboxes=True)

        bench_export(small, large, args.repeat)
        bench_delivery(small, args.mail_users)
        for runtime in (small, large):
            runtime.engine.dispose()
    return 0


def database(args, root: Path, name: str) -> str:
    if not args.database_url:
        return f"sqlite:///{root}/{name}.db"
    return create_database(args.database_url, f"bench_jobs_{name}_{os.getpid()}")


def create_database(server_url: str, name: str) -> str:
    from sqlalchemy import create_engine

    admin = create_engine(server_url + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url + name


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
