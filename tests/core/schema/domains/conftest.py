"""Fixtures of the domain API tests: domains, their administrators, snapshots."""

from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import select

from core.db import session_scope
from core.models import Domain, User

PASSWORD = "pw-123456"

CREATE = """
mutation Create($input: DomainCreateInput!) {
  createDomain(input: $input) {
    domain { name folder hostname primaryAdmin userCount }
    errors { field code message }
  }
}
"""


UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain {
      hostname
      settings {
        options { outgoingGateway }
        limits { users diskSpaceMb }
        email { inboundDelivery inboundHost autoresponderExclusions }
        security { outboundIpv4 outboundIpv6 tls }
        misc { logoutUrl calendarAutoCleanMonths }
        throttling { outgoingMessagesPerHour messageAction }
        features { chat fileStorage }
      }
    }
    errors { field code message }
  }
}
"""


def update_domain_settings(client, settings: dict | None = None, **fields) -> dict:
    changes = {"name": "example.com", **fields}
    if settings is not None:
        changes["settings"] = settings
    return client.mutate(UPDATE, changes)


@pytest.fixture
def make_domain(admin):
    """Create a domain through the API and return it as the payload shows it."""

    def make(name: str = "example.com", username: str = "jdoe", **extra) -> dict:
        payload = admin.mutate(
            CREATE,
            {"name": name, "adminUsername": username, "adminPassword": PASSWORD}
            | extra,
        )
        assert payload["errors"] == [], payload["errors"]
        return payload["domain"]

    return make


@pytest.fixture
def domain(make_domain) -> dict:
    return make_domain()


@pytest.fixture
def domain_admin(client, domain):
    """The client, acting as the primary administrator of example.com."""
    return client.as_token(client.login("jdoe@example.com", PASSWORD))


@pytest.fixture
def snapshot(runtime, config):
    """What a failed mutation must leave alone: rows of domains and users, files."""

    def take(*extra_roots: Path) -> dict:
        with session_scope(runtime.engine, write=False) as session:
            domains = [_domain_state(row) for row in session.exec(select(Domain))]
            users = [
                (row.domain_id, row.local_part, row.password_hash, row.is_domain_admin)
                for row in session.exec(select(User))
            ]
        roots = (config.data_dir, *extra_roots)
        return {
            "domains": sorted(domains, key=repr),
            "users": sorted(users, key=repr),
            "files": sorted(_tree(root) for root in roots),
        }

    return take


def _domain_state(row: Domain) -> tuple:
    return (
        row.name,
        row.status,
        row.hostname,
        row.folder,
        row.primary_admin_id,
        row.user_count,
        dict(row.settings),
    )


def _tree(root: Path) -> list[tuple[str, bytes | None]]:
    if not root.exists():
        return []
    return sorted(
        (str(path.relative_to(root)), path.read_bytes() if path.is_file() else None)
        for path in root.rglob("*")
    )


@pytest.fixture
def count_queries(runtime):
    """Count the SQL statements (transaction control aside) ``action`` sends."""

    def count(action) -> int:
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            if not statement.lstrip().upper().startswith(_CONTROL):
                statements.append(statement)

        event.listen(runtime.engine, "before_cursor_execute", record)
        try:
            action()
        finally:
            event.remove(runtime.engine, "before_cursor_execute", record)
        return len(statements)

    return count


_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


def selection(model) -> str:
    """Every field of a settings model, as a GraphQL selection."""
    from core.settings.section import SectionModel
    from core.text import to_camel

    parts = []
    for name, info in model.model_fields.items():
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, SectionModel):
            parts.append(f"{to_camel(name)} {{ {selection(nested)} }}")
        else:
            parts.append(to_camel(name))
    return " ".join(parts)


def every_domain_field() -> str:
    """The Domain selection with every field the list shows, settings included."""
    from core.settings.domain import SECTIONS

    sections = " ".join(f"{s.name} {{ {selection(s.model)} }}" for s in SECTIONS)
    return (
        "name status hostname folder primaryAdmin userCount userAliasCount "
        "domainAliasCount mailingListCount diskUsedBytes createdAt "
        f"settings {{ {sections} }}"
    )


@pytest.fixture
def seed_domains(runtime):
    """Insert domains (each with a primary administrator) in bulk, fast.

    Each spec is a dict of Domain columns; ``name`` is required.
    """

    def seed(specs: list[dict]) -> None:
        defaults = runtime.registry.defaults("domain")
        with session_scope(runtime.engine) as session:
            for spec in specs:
                row = Domain(
                    folder=f"/srv/mail/{spec['name']}", settings=defaults, **spec
                )
                session.add(row)
                session.flush()
                admin = User(
                    domain_id=row.id, local_part="postmaster", password_hash="x"
                )
                session.add(admin)
                session.flush()
                row.primary_admin_id = admin.id

    return seed
