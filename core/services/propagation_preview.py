"""What a propagation would change, domain by domain, without changing it.

Values are compared as they read (a section missing from a stored document
reads as its defaults), so a preview shows the effect a caller would see.
User previews are aggregated in SQL: per domain, each distinct stored value
with the number of users holding it.
"""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from core.models import Domain
from core.runtime import Runtime
from core.services.propagation_sql import SettingWrite, user_section_counts
from core.services.templates import expand_variables
from core.settings.section import Scope


@dataclass(frozen=True)
class SettingPreview:
    """One setting of one domain: its value now and after propagation."""

    path: str
    before: Any
    after: Any

    @property
    def changes(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class DomainPreview:
    domain: str
    settings: list[SettingPreview]


@dataclass(frozen=True)
class ValueCount:
    """A value some users of a domain hold now, and how many hold it."""

    value: Any
    users: int


@dataclass(frozen=True)
class UserSettingPreview:
    path: str
    after: Any
    before: list[ValueCount]

    @property
    def users_changing(self) -> int:
        return sum(item.users for item in self.before if item.value != self.after)


@dataclass(frozen=True)
class UserDomainPreview:
    domain: str
    users: int
    settings: list[UserSettingPreview]


def preview_domains(
    session: Session,
    runtime: Runtime,
    writes: list[SettingWrite],
    columns: dict[str, str] | None = None,
) -> list[DomainPreview]:
    """Every domain, by name, with each chosen setting before and after.

    ``columns`` are the chosen columns of the domain row (hostname, status)
    with their template values; they come first, named as the column.
    """
    # Limitation: a preview lists every domain in one payload — paging it
    # (a connection over a stored preview) would bound very large ones.
    columns = columns or {}
    rows = session.exec(
        select(Domain.name, Domain.hostname, Domain.status, Domain.settings).order_by(
            Domain.name
        )
    ).all()
    previews = []
    for name, hostname, status, stored in rows:
        current = {"hostname": hostname, "status": status}
        settings = [
            SettingPreview(column, current[column], expand_variables(value, name))
            for column, value in columns.items()
        ]
        settings += [
            SettingPreview(
                write.path,
                read_value(runtime, "domain", stored, write),
                expand_variables(write.value, name),
            )
            for write in writes
        ]
        previews.append(DomainPreview(name, settings))
    return previews


def preview_users(
    session: Session,
    runtime: Runtime,
    writes: list[SettingWrite],
    domains: list[Domain],
) -> list[UserDomainPreview]:
    """The chosen domains, by name, with the values their users hold and would."""
    counts = _user_counts(session, runtime, writes, [d.id for d in domains])
    previews = []
    for domain in sorted(domains, key=lambda d: d.name):
        held = counts.get(domain.id, {})
        settings = [
            UserSettingPreview(
                write.path,
                expand_variables(write.value, domain.name),
                [
                    ValueCount(json.loads(v), n)
                    for v, n in held.get(write.path, {}).items()
                ],
            )
            for write in writes
        ]
        users = sum(held.get(writes[0].path, {}).values()) if writes else 0
        previews.append(UserDomainPreview(domain.name, users, settings))
    return previews


def read_value(runtime: Runtime, scope: Scope, stored: dict | None, write) -> Any:
    """A setting's value as it reads from a stored document."""
    value = runtime.registry.read(scope, stored, write.section).model_dump(mode="json")
    for key in write.keys[1:]:
        value = value[key]
    return value


def _user_counts(session, runtime, writes, domain_ids) -> dict[int, dict]:
    """{domain id: {path: {value as JSON text: users}}}."""
    sections = sorted({write.section for write in writes})
    dialect = session.get_bind().dialect.name
    statement, params = user_section_counts(dialect, sections, domain_ids)
    counts: dict[int, dict] = {}
    for domain_id, users, *raw in session.execute(text(statement), params):
        stored = {s: _decode(v) for s, v in zip(sections, raw, strict=True)}
        held = counts.setdefault(domain_id, {})
        for write in writes:
            value = json.dumps(read_value(runtime, "user", stored, write))
            by_value = held.setdefault(write.path, {})
            by_value[value] = by_value.get(value, 0) + users
    return counts


def _decode(raw: Any) -> Any:
    # SQLite hands back JSON text, PostgreSQL parsed jsonb; sections are
    # objects, so a string is always JSON text.
    return json.loads(raw) if isinstance(raw, str) else raw
