"""The users of a domain, one page at a time, in at most two SQL queries.

The page is one query whatever its size; the total is the domain's kept
count when no filter applies, and one aggregate otherwise. The caller has
already checked that it may list the domain.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from core.errors import InvalidInput
from core.models import Domain, User
from core.models.base import as_utc
from core.pagination import Page, clean_search, decode_cursor, is_int64
from core.sql_text import unicode_lower


class UserOrderField(Enum):
    EMAIL = "local_part"
    DISPLAY_NAME = "display_name"
    CREATED_AT = "created_at"
    DISK_USED = "disk_used_bytes"


@dataclass(frozen=True)
class UserFilter:
    search: str | None = None
    status: str | None = None
    is_domain_admin: bool | None = None

    def is_empty(self) -> bool:
        return not self.search and self.status is None and self.is_domain_admin is None


def list_users(
    session: Session,
    domain: Domain,
    *,
    first: int,
    after: str | None,
    filters: UserFilter,
    order: UserOrderField,
    descending: bool,
) -> Page:
    conditions = [User.domain_id == domain.id, *_filter_conditions(filters)]
    if filters.is_empty():
        total = domain.user_count
    else:
        total = session.execute(
            select(func.count(User.id)).where(*conditions)
        ).scalar_one()

    sort_column = getattr(User, order.value)
    if after:
        parse = _CURSOR_PARSERS[order]
        conditions.append(keyset_after(sort_column, User.id, after, descending, parse))
    ordering = (
        (sort_column.desc(), User.id.desc()) if descending else (sort_column, User.id)
    )
    query = select(User).where(*conditions).order_by(*ordering).limit(first + 1)
    rows = list(session.execute(query).scalars())
    return Page(rows[:first], total, len(rows) > first, after is not None)


def sort_value(user: User, order: UserOrderField) -> Any:
    value = getattr(user, order.value)
    return as_utc(value).isoformat() if order is UserOrderField.CREATED_AT else value


def keyset_after(
    sort_column,
    id_column,
    cursor: str,
    descending: bool,
    parse: Callable[[Any], Any],
) -> ColumnElement:
    """Rows strictly after the cursor in (sort, id) order; a bad cursor is refused."""
    raw, row_id = decode_cursor(cursor)
    try:
        value = parse(raw)
    except (TypeError, ValueError):
        raise InvalidInput(
            "The cursor is not valid.", field="after", code="INVALID_CURSOR"
        ) from None
    if descending:
        return or_(sort_column < value, and_(sort_column == value, id_column < row_id))
    return or_(sort_column > value, and_(sort_column == value, id_column > row_id))


def parse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a text cursor holds text")
    return value


def _parse_int(value: Any) -> int:
    if not is_int64(value):
        raise TypeError("a number cursor holds a number of 64 bits")
    return value


def _parse_time(value: Any) -> datetime:
    return as_utc(datetime.fromisoformat(parse_text(value))).astimezone(UTC)


_CURSOR_PARSERS = {
    UserOrderField.EMAIL: parse_text,
    UserOrderField.DISPLAY_NAME: parse_text,
    UserOrderField.CREATED_AT: _parse_time,
    UserOrderField.DISK_USED: _parse_int,
}


def _filter_conditions(filters: UserFilter) -> list:
    conditions = []
    needle = clean_search(filters.search)
    if needle:
        conditions.append(
            or_(
                User.local_part.contains(needle, autoescape=True),
                unicode_lower(User.display_name).contains(needle, autoescape=True),
            )
        )
    if filters.status is not None:
        conditions.append(User.status == filters.status)
    if filters.is_domain_admin is not None:
        conditions.append(User.is_domain_admin == filters.is_domain_admin)
    return conditions
