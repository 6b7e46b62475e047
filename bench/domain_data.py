"""The data of ``bench_domains``: seeding, the query, the baseline."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, func, insert, select, text, update

from core.db import session_scope
from core.models import Domain, User
from core.passwords import hash_password
from core.runtime import Runtime
from core.settings.section import SectionModel
from core.text import to_camel

DOMAINS = 10_000
PAGE = 100
PASSWORD = "bench-password"
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def selection(model: type[SectionModel]) -> str:
    parts = []
    for name, info in model.model_fields.items():
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, SectionModel):
            parts.append(f"{to_camel(name)} {{ {selection(nested)} }}")
        else:
            parts.append(to_camel(name))
    return " ".join(parts)


def page_query(runtime: Runtime) -> str:
    """``domains(first: 100)`` with every field of the list and every section."""
    sections = " ".join(
        f"{spec.name} {{ {selection(spec.model)} }}"
        for spec in runtime.registry.sections("domain")
    )
    return (
        f"query Page {{ domains(first: {PAGE}) {{ totalCount "
        "pageInfo { hasNextPage endCursor } nodes { "
        "name status hostname folder primaryAdmin userCount userAliasCount "
        "domainAliasCount mailingListCount diskUsedBytes createdAt "
        f"settings {{ {sections} }} }} }} }}"
    )


def domain_name(number: int) -> str:
    return f"domain{number:05}.example"


def seed_domains(runtime: Runtime) -> None:
    """10,000 domains with their own settings documents, in bulk."""
    defaults = runtime.registry.defaults("domain")
    rows = []
    for number in range(DOMAINS):
        settings = json.loads(json.dumps(defaults))
        settings["limits"]["users"] = 100 + number % 50
        name = domain_name(number)
        rows.append(
            {
                "name": name,
                "status": "enabled" if number % 10 else "disabled",
                "hostname": f"mail.{name}",
                "folder": str(runtime.config.domains_dir / name),
                "settings": settings,
                "disk_used_bytes": number * 1_048_576,
            }
        )
    with session_scope(runtime.engine) as session:
        session.execute(insert(Domain), rows)


def seed_users(runtime: Runtime, total: int) -> None:
    """Add users up to ``total``: an administrator per domain first, by name."""
    password_hash = hash_password(PASSWORD)
    with session_scope(runtime.engine) as session:
        have = session.execute(select(func.count(User.id))).scalar_one()
        ids = session.execute(select(Domain.id).order_by(Domain.name)).scalars().all()
        rows = [_user_row(ids, number, password_hash) for number in range(have, total)]
        for start in range(0, len(rows), 20_000):
            session.execute(insert(User), rows[start : start + 20_000])
        _link_admins_and_counts(session)


def _user_row(domain_ids: list[int], number: int, password_hash: str) -> dict:
    # The first user of each domain is its administrator; later ones spread.
    domain_id = domain_ids[number % len(domain_ids)]
    local = "postmaster" if number < len(domain_ids) else f"user{number}"
    return {
        "domain_id": domain_id,
        "local_part": local,
        "password_hash": password_hash,
        "is_domain_admin": number < len(domain_ids),
        "settings": {},
        "forwarding": {},
    }


def _link_admins_and_counts(session) -> None:
    admins = (
        select(User.id)
        .where(User.domain_id == Domain.id, User.local_part == "postmaster")
        .scalar_subquery()
    )
    counts = (
        select(func.count(User.id)).where(User.domain_id == Domain.id).scalar_subquery()
    )
    session.execute(update(Domain).values(primary_admin_id=admins, user_count=counts))


def baseline_page(engine) -> bytes:
    """The same rows by one plain query, serialised with ``json.dumps``."""
    admin = User.__table__.alias("admin")
    domain = Domain.__table__
    query = (
        select(domain, admin.c.local_part)
        .select_from(domain.outerjoin(admin, admin.c.id == domain.c.primary_admin_id))
        .order_by(domain.c.name, domain.c.id)
        .limit(PAGE)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return json.dumps([_plain(row) for row in rows]).encode()


def _plain(row) -> dict:
    local = row["local_part"]
    return {
        "name": row["name"],
        "status": row["status"],
        "hostname": row["hostname"],
        "folder": row["folder"],
        "primaryAdmin": f"{local}@{row['name']}" if local else None,
        "userCount": row["user_count"],
        "userAliasCount": row["user_alias_count"],
        "domainAliasCount": row["domain_alias_count"],
        "mailingListCount": row["mailing_list_count"],
        "diskUsedBytes": row["disk_used_bytes"],
        "createdAt": row["created_at"].isoformat(),
        "settings": row["settings"],
    }


@contextmanager
def scratch_database(backend: str) -> Iterator[str]:
    """No URL for SQLite (the data folder's file), else a fresh PostgreSQL one."""
    if backend == "sqlite":
        yield ""
        return
    name = f"mailplane_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
