"""The domain list: one page in two SQL queries, whatever the page size."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import idna
from sqlalchemy import Row, false, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from core.models import Domain, User
from core.models.base import as_utc
from core.pagination import Page, after_condition, clean_search, is_int64
from core.principal import Principal, Role
from core.services.api_keys import key_domains_condition


class DomainOrderField(Enum):
    NAME = "name"
    CREATED_AT = "created_at"
    USER_COUNT = "user_count"
    DISK_USED = "disk_used_bytes"


def _whole_number(value) -> int:
    if not is_int64(value):
        raise TypeError("not a whole number of 64 bits")
    return value


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _timestamp(value) -> datetime:
    return as_utc(datetime.fromisoformat(_text(value)))


# How a cursor's sort value is read back, per order.
CURSOR_VALUES = {
    DomainOrderField.NAME: _text,
    DomainOrderField.CREATED_AT: _timestamp,
    DomainOrderField.USER_COUNT: _whole_number,
    DomainOrderField.DISK_USED: _whole_number,
}


@dataclass(frozen=True)
class DomainFilter:
    search: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class DomainRow:
    """A domain as the list shows it, with its primary administrator's address.

    ``domain`` is a ``Domain`` or, in lists, a read-only row with the same
    attributes: lists read plain columns, which costs a fraction of loading
    ORM objects and is all a page needs.
    """

    domain: Domain | Row
    primary_admin: str | None

    def sort_value(self, order: DomainOrderField):
        value = getattr(self.domain, order.value)
        if order is DomainOrderField.CREATED_AT:
            return as_utc(value).isoformat()
        return value


def list_domains(
    session: Session,
    principal: Principal,
    *,
    first: int,
    after: str | None,
    filters: DomainFilter,
    order: DomainOrderField,
    descending: bool,
) -> Page:
    """One page of the domains the caller may see: two SQL statements."""
    conditions = _scope_conditions(principal) + _filter_conditions(filters)
    total = session.execute(
        select(func.count(Domain.id)).where(*conditions)
    ).scalar_one()

    sort_column = getattr(Domain, order.value)
    if after:
        parse = CURSOR_VALUES[order]
        cursor = after_condition(sort_column, Domain.id, after, descending, parse)
        conditions.append(cursor)
    rows = session.execute(_page_query(conditions, sort_column, descending, first))
    page = [DomainRow(row, _address(row.admin_local_part, row.name)) for row in rows]
    return Page(page[:first], total, len(page) > first, after is not None)


def _page_query(conditions: list, sort_column, descending: bool, first: int):
    admin = aliased(User)
    ordering = (
        (sort_column.desc(), Domain.id.desc())
        if descending
        else (sort_column, Domain.id)
    )
    return (
        select(*Domain.__table__.columns, admin.local_part.label("admin_local_part"))
        .outerjoin(admin, admin.id == Domain.primary_admin_id)
        .where(*conditions)
        .order_by(*ordering)
        .limit(first + 1)
    )


def _address(local_part: str | None, domain_name: str) -> str | None:
    return f"{local_part}@{domain_name}" if local_part else None


def _scope_conditions(principal: Principal) -> list:
    if principal.is_system_admin:
        return []
    if principal.role is Role.DOMAIN_ADMIN:
        return [Domain.id == principal.domain_id]
    if principal.role is Role.API_KEY:
        return [key_domains_condition(principal, Domain.id)]
    return [false()]


def _stored_form(term: str) -> str:
    """A search term as names are stored: international labels IDNA-encoded."""
    # Limitation: a Unicode term finds whole labels only ("bücher", not
    # "üch") — a column holding the decoded names would lift it.
    if term.isascii():
        return term
    try:
        return idna.encode(term, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return term


def _filter_conditions(filters: DomainFilter) -> list:
    conditions = []
    term = clean_search(filters.search)
    if term:
        term = _stored_form(term)
        conditions.append(Domain.name.contains(term, autoescape=True))
    if filters.status:
        conditions.append(Domain.status == filters.status)
    return conditions
