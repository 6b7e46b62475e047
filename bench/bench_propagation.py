"""Benchmark propagation against one hand-written SQL UPDATE doing the same.

Run on demand, never as a test::

    .venv/bin/python bench/bench_propagation.py [sqlite|postgresql ...]

On each backend (default both; PostgreSQL at 127.0.0.1:5432 in a scratch
database) it seeds 10,000 domains and 100,000 users across 1,000 of them,
then times six propagations through the service layer, each against a
baseline in the same run: one UPDATE written by hand that makes the same
change and nothing else. EAS and MAPI/EWS are licensed, as on an Enterprise
server: their propagation hooks must cost nothing for the sections they
don't judge. The two alternate and each run changes the value
the other left, so every row is rewritten every time; each contender runs
several times and the best time counts.
Target: every ratio within 2x.
"""

import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

import plugins.autodiscover
import plugins.eas
import plugins.mapi_ews
from core.config import Config
from core.db import make_engine, session_scope
from core.licensing import (
    Edition,
    LicensePayload,
    generate_keypair,
    load_private_key,
    sign_license,
)
from core.migrate import upgrade
from core.models import Domain, User
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.propagation import (
    propagate_domain_defaults,
    propagate_user_defaults,
)
from core.services.templates import update_domain_template, update_user_template

DOMAINS = 10_000
USER_DOMAINS = 1_000
USERS_PER_DOMAIN = 100
RUNS = 7
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="bench", system_admin_id=1)

# The same on both backends: the variable expanded per row.
HOSTNAME = "UPDATE domain SET hostname = replace(:pattern, '%domain%', name)"
BASELINES = {
    "sqlite": {
        "field": "UPDATE domain SET settings = "
        "json_set(settings, '$.limits.disk_space_mb', :value)",
        "section": "UPDATE domain SET settings = "
        "json_set(settings, '$.throttling', json(:section))",
        "nested": "UPDATE domain SET settings = "
        "json_set(settings, '$.autodiscover.imap.port', :value)",
        "url": "UPDATE domain SET settings = json_set(settings, "
        "'$.misc.logout_url', replace(:url, '%domain%', name))",
        "user": 'UPDATE "user" SET settings = '
        "json_set(settings, '$.serviceAccess.pop', json(:flag))",
    },
    "postgresql": {
        "field": "UPDATE domain SET settings = jsonb_set(settings, "
        "'{limits,disk_space_mb}', to_jsonb(CAST(:value AS integer)))",
        "section": "UPDATE domain SET settings = "
        "settings || jsonb_build_object('throttling', CAST(:section AS jsonb))",
        "nested": "UPDATE domain SET settings = jsonb_set(settings, "
        "'{autodiscover,imap,port}', to_jsonb(CAST(:value AS integer)))",
        "url": "UPDATE domain SET settings = jsonb_set(settings, "
        "'{misc,logout_url}', to_jsonb(replace(CAST(:url AS text), "
        "'%domain%', name)))",
        "user": 'UPDATE "user" SET settings = jsonb_set(settings, '
        "'{serviceAccess,pop}', CAST(:flag AS jsonb))",
    },
}


def seed(runtime) -> None:
    domain_defaults = runtime.registry.defaults("domain")
    user_defaults = runtime.registry.defaults("user")
    with session_scope(runtime.engine) as session:
        domains = [
            _row(Domain(name=domain_name(n), folder=f"/bench/{n}", settings={}))
            | {"settings": domain_defaults}
            for n in range(DOMAINS)
        ]
        session.execute(insert(Domain), domains)
    with session_scope(runtime.engine) as session:
        ids = session.execute(text("SELECT id FROM domain ORDER BY id")).scalars()
        users = [
            _row(User(domain_id=domain_id, local_part=f"u{n}", password_hash="x"))
            | {"settings": user_defaults}
            for domain_id in list(ids)[:USER_DOMAINS]
            for n in range(USERS_PER_DOMAIN)
        ]
        session.execute(insert(User), users)


def domain_name(n: int) -> str:
    # One in five is longer than the stand-in that templates are checked
    # with, so propagating a value holding %domain% checks it once expanded.
    if n % 5 == 0:
        return f"department-{n:05}.example.test"
    return f"d{n:05}.test"


def _row(model) -> dict:
    return model.model_dump(exclude={"id"})


def race(engine, baseline: Callable, ours: Callable, prepare: Callable):
    """The best of ``RUNS`` timed runs of each; run ``k`` writes values of its own.

    The two alternate, each after a VACUUM (PostgreSQL) or a WAL checkpoint
    (SQLite), so that neither pays for the other's leftovers.
    """
    times: dict[str, list[float]] = {"baseline": [], "ours": []}
    for k in range(RUNS):
        prepare(k)
        for name, action in (("baseline", baseline), ("ours", ours)):
            vacuum(engine)
            start = time.perf_counter()
            action(k)
            times[name].append(time.perf_counter() - start)
    return min(times["baseline"]), min(times["ours"])


def vacuum(engine) -> None:
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text('VACUUM domain, "user"'))


def measure(runtime, dialect: str) -> list[tuple[str, float, float]]:
    sql = BASELINES[dialect]
    engine = runtime.engine

    def baseline(statement: str, **params) -> None:
        with session_scope(engine) as session:
            session.execute(text(statement), params)

    def propagate(paths: list[str], *, scope: str = "domain") -> None:
        with session_scope(engine) as session:
            if scope == "domain":
                propagate_domain_defaults(session, runtime, paths)
            else:
                propagate_user_defaults(session, runtime, paths)

    def domain_template(k: int) -> dict:
        return {
            "limits": {"disk_space_mb": 1000 + k},
            "throttling": {"outgoing_messages_per_hour": 6000 + k},
            "autodiscover": {"imap": {"port": 1000 + k}},
            "misc": {"logout_url": f"https://%domain%/bye{k}"},
        }

    def set_template(k: int) -> None:
        with session_scope(engine) as session:
            update_domain_template(
                session,
                runtime,
                ADMIN,
                hostname=f"mx{k}.%domain%",
                settings=domain_template(k),
            )
            update_user_template(
                session, runtime, ADMIN, {"serviceAccess": {"pop": True}}
            )

    def throttling(k: int) -> str:
        section = runtime.registry.defaults("domain")["throttling"]
        section["outgoing_messages_per_hour"] = 7000 + k
        return json.dumps(section)

    cases = [
        (
            f"limits.diskSpaceMb to {DOMAINS} domains",
            lambda k: baseline(sql["field"], value=2000 + k),
            lambda k: propagate(["limits.diskSpaceMb"]),
        ),
        (
            f"throttling to {DOMAINS} domains",
            lambda k: baseline(sql["section"], section=throttling(k)),
            lambda k: propagate(["throttling"]),
        ),
        (
            f"autodiscover.imap.port to {DOMAINS} domains",
            lambda k: baseline(sql["nested"], value=2000 + k),
            lambda k: propagate(["autodiscover.imap.port"]),
        ),
        (
            f"misc.logoutUrl with %domain% to {DOMAINS} domains",
            lambda k: baseline(sql["url"], url=f"https://%domain%/base{k}"),
            lambda k: propagate(["misc.logoutUrl"]),
        ),
        (
            f"hostname mx.%domain% to {DOMAINS} domains",
            lambda k: baseline(HOSTNAME, pattern=f"base{k}.%domain%"),
            lambda k: propagate(["hostname"]),
        ),
        (
            f"serviceAccess.pop to {USER_DOMAINS * USERS_PER_DOMAIN} users",
            # Users start with POP on: the baseline turns it off, we back on.
            lambda k: baseline(sql["user"], flag="false"),
            lambda k: propagate(["serviceAccess.pop"], scope="user"),
        ),
    ]
    # The template changes before each timed run, outside the timing.
    return [
        (name, *race(engine, base, ours, set_template)) for name, base, ours in cases
    ]


def run_backend(backend: str, workdir: Path) -> list[tuple[str, float, float]]:
    if backend == "sqlite":
        return _run(f"sqlite:///{workdir / 'bench.db'}", workdir, "sqlite")
    name = f"mailplane_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        return _run(url, workdir, "postgresql")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(url: str, workdir: Path, dialect: str) -> list[tuple[str, float, float]]:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    runtime = build_runtime(
        _licensed_config(workdir, url),
        # autodiscover's section nests a model per protocol; EAS and
        # MAPI/EWS judge user propagations of their own sections.
        plugin_modules=[plugins.autodiscover, plugins.eas, plugins.mapi_ews],
    )
    try:
        seed(runtime)
        return measure(runtime, dialect)
    finally:
        runtime.engine.dispose()


def _licensed_config(workdir: Path, url: str) -> Config:
    """An Enterprise license for EAS and MAPI/EWS, signed by a fresh key."""
    private_pem, public_pem = generate_keypair()
    issued = datetime.now(UTC).replace(microsecond=0)
    payload = LicensePayload(
        license_id="bench",
        licensee="Benchmark",
        edition=Edition.ENTERPRISE,
        features=("eas", "mapi_ews"),
        mailbox_cap=None,
        issued_at=issued,
        expires_at=issued + timedelta(days=1),
    )
    path = workdir / "bench.license"
    path.write_text(sign_license(payload, load_private_key(private_pem)))
    return Config(
        data_dir=workdir,
        database_url=url,
        license_file=path,
        license_public_key=public_pem,
    )


def main(argv: list[str]) -> None:
    backends = argv or ["sqlite", "postgresql"]
    print(f"{'backend':<11} | {'propagation':<46} | baseline s | ours s | ratio")
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            for name, base, ours in run_backend(backend, Path(tmp)):
                print(
                    f"{backend:<11} | {name:<46} | {base:>10.3f} | {ours:>6.3f} "
                    f"| {ours / base:>5.2f}"
                )
    print("target: ratio <= 2.0")


if __name__ == "__main__":
    main(sys.argv[1:])
