"""What a propagation would change, domain by domain, without changing it.

Values are compared as they read (a section missing from a stored document
reads as its defaults), so a preview shows the effect a caller would see.
User previews are aggregated in SQL: per domain, each distinct stored value
with the number of users holding it.

A preview is paged in domain-name order (``PreviewWindow``): every domain is
judged, so the counts cover them all, but only the window's page is kept,
which bounds the answer at any number of domains.
"""

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from core.errors import InvalidInput
from core.models import Domain
from core.pagination import decode_cursor, encode_cursor
from core.runtime import Runtime
from core.services.propagation_sql import SettingWrite, user_section_counts
from core.services.templates import expand_variables
from core.settings.section import Scope

DEFAULT_PREVIEW_SIZE = 100


@dataclass(frozen=True)
class PreviewWindow:
    """Which page of a preview to return, in domain-name order.

    ``after`` is the cursor of the last domain of the previous page;
    ``changing_only`` leaves out domains the propagation would not change.
    """

    first: int = DEFAULT_PREVIEW_SIZE
    after: str | None = None
    changing_only: bool = False


@dataclass(frozen=True)
class PreviewPage:
    """A page of domain previews with counts over every domain judged.

    ``total_count`` counts the domains the window lists (the changing ones
    alone when it asks for them), ``changing`` those a propagation changes.
    """

    rows: list[Any]
    cursors: list[str]
    total_count: int
    changing: int
    has_next_page: bool
    has_previous_page: bool


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

    @property
    def changes(self) -> bool:
        return any(item.changes for item in self.settings)


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

    @property
    def changes(self) -> bool:
        return any(item.users_changing for item in self.settings)


def preview_domains(
    session: Session,
    runtime: Runtime,
    writes: list[SettingWrite],
    columns: dict[str, str] | None = None,
    window: PreviewWindow = PreviewWindow(),
    excluded_ids: Collection[int] = (),
) -> PreviewPage:
    """A page of domains, but the excluded ones, with each chosen setting
    before and after.

    ``columns`` are the chosen columns of the domain row (hostname, status)
    with their template values; they come first, named as the column.
    """
    columns = columns or {}
    excluded = set(excluded_ids)
    statement = select(
        Domain.id, Domain.name, Domain.hostname, Domain.status, Domain.settings
    ).order_by(by_name(session))
    rows = session.exec(statement.execution_options(yield_per=1000))
    previews = (
        (domain_id, _domain_preview(runtime, writes, columns, name, row, stored))
        for domain_id, name, *row, stored in rows
        if domain_id not in excluded
    )
    return page_previews(previews, window)


def _domain_preview(runtime, writes, columns, name, row, stored) -> DomainPreview:
    current = dict(zip(("hostname", "status"), row, strict=True))
    settings = [
        SettingPreview(column, current[column], expand_variables(value, name))
        for column, value in columns.items()
    ]
    # "After" is read back from the document as the UPDATE would leave it,
    # so a value the rest of a stored section keeps from taking effect (one
    # written outside the API) previews as it will read, not as copied.
    written = with_writes(stored, writes, name)
    settings += [
        SettingPreview(
            write.path,
            read_value(runtime, "domain", stored, write),
            read_value(runtime, "domain", written, write),
        )
        for write in writes
    ]
    return DomainPreview(name, settings)


def with_writes(stored: dict | None, writes: list[SettingWrite], name: str) -> dict:
    """A copy of a stored document with the writes applied, ``%domain%`` as
    ``name``; the objects on each write's way are copied, the rest shared."""
    document = dict(stored or {})
    for write in writes:
        *parents, last = write.keys
        node = document
        for key in parents:
            child = node.get(key)
            # As the UPDATE does, a missing object is created on the way.
            node[key] = dict(child) if isinstance(child, dict) else {}
            node = node[key]
        node[last] = expand_variables(write.value, name)
    return document


def preview_users(
    session: Session,
    runtime: Runtime,
    writes: list[SettingWrite],
    domains: list[Domain],
    window: PreviewWindow = PreviewWindow(),
) -> PreviewPage:
    """A page of the chosen domains with the values their users hold and would."""
    counts = _user_counts(session, runtime, writes, [d.id for d in domains])
    previews = (
        (domain.id, _user_domain_preview(writes, domain, counts.get(domain.id, {})))
        for domain in sorted(domains, key=lambda d: d.name)
    )
    return page_previews(previews, window)


def _user_domain_preview(writes, domain: Domain, held: dict) -> UserDomainPreview:
    # Limitation: "after" is the template's value, while a domain's preview
    # reads it back from the written document; a user whose stored section
    # breaks a rule (written outside the API) may read otherwise after the
    # run — reading back per distinct stored section, as the counts are
    # grouped, would lift it.
    settings = [
        UserSettingPreview(
            write.path,
            expand_variables(write.value, domain.name),
            [ValueCount(json.loads(v), n) for v, n in held.get(write.path, {}).items()],
        )
        for write in writes
    ]
    users = sum(held.get(writes[0].path, {}).values()) if writes else 0
    return UserDomainPreview(domain.name, users, settings)


def page_previews(
    previews: Iterable[tuple[int, DomainPreview | UserDomainPreview]],
    window: PreviewWindow,
) -> PreviewPage:
    """Keep the window's page of ``(domain id, preview)`` pairs in name order."""
    after = _cursor_name(window.after)
    rows, cursors = [], []
    total = changing = 0
    has_previous = has_next = False
    for domain_id, preview in previews:
        changing += preview.changes
        if window.changing_only and not preview.changes:
            continue
        total += 1
        if after is not None and preview.domain <= after:
            has_previous = True
        elif len(rows) == window.first:
            has_next = True
        else:
            rows.append(preview)
            cursors.append(encode_cursor(preview.domain, domain_id))
    return PreviewPage(rows, cursors, total, changing, has_next, has_previous)


def by_name(session: Session) -> Any:
    """Domain names in code-point order on every backend, as Python compares.

    PostgreSQL's locale collations skip punctuation, which would make a
    cursor compared in Python disagree with the order rows come in.
    """
    if session.get_bind().dialect.name == "postgresql":
        return Domain.name.collate("C")
    return Domain.name


def clean_preview_window(
    first: int | None, after: str | None, changing_only: bool, maximum: int
) -> PreviewWindow:
    """Check a requested page (``INVALID_PAGE_SIZE``, ``INVALID_CURSOR``)."""
    size = min(DEFAULT_PREVIEW_SIZE, maximum) if first is None else first
    if not 0 < size <= maximum:
        raise InvalidInput(
            f"first must be between 1 and {maximum}.",
            field="previewPage.first",
            code="INVALID_PAGE_SIZE",
        )
    _cursor_name(after)
    return PreviewWindow(size, after, changing_only)


def _cursor_name(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        name, _ = decode_cursor(cursor)
    except InvalidInput:
        name = None
    if not isinstance(name, str):
        raise InvalidInput(
            "The cursor is not valid.", field="previewPage.after", code="INVALID_CURSOR"
        )
    return name


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
