"""Keyset pagination: opaque cursors over (sort value, id)."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql import ColumnElement

from core.errors import InvalidInput

# Row ids and counts are 64-bit signed integers on both backends; a larger
# number in a cursor can't be compared with them, so the cursor is refused.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# Longer terms find nothing a name or an address could hold, and make
# SQLite give up on the LIKE pattern ("pattern too complex").
MAX_SEARCH_LENGTH = 256


@dataclass(frozen=True)
class Page:
    """One page of rows, with what a connection needs besides the rows."""

    rows: list[Any]
    total_count: int
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(value: Any, row_id: int) -> str:
    raw = json.dumps([value, row_id], default=str, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        value, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise _invalid_cursor() from None
    if not is_int64(row_id):
        raise _invalid_cursor()
    # PostgreSQL text can't hold NUL: comparing with such a value fails
    # instead of matching nothing.
    if isinstance(value, str) and "\x00" in value:
        raise _invalid_cursor()
    return value, row_id


def is_int64(value: Any) -> bool:
    """A whole number (not a bool) that fits a 64-bit signed column."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return INT64_MIN <= value <= INT64_MAX


def _invalid_cursor() -> InvalidInput:
    return InvalidInput(
        "The cursor is not valid.", field="after", code="INVALID_CURSOR"
    )


def clean_search(term: str | None, *, field: str = "filter.search") -> str | None:
    """A search term trimmed and lower-cased; None when there is none.

    Refused alike on both backends: NUL (PostgreSQL text can't hold it) and
    terms over ``MAX_SEARCH_LENGTH`` characters.
    """
    if not term:
        return None
    if "\x00" in term:
        raise InvalidInput(
            "A search term can't contain NUL characters.", field=field, code="INVALID"
        )
    if len(term) > MAX_SEARCH_LENGTH:
        raise InvalidInput(
            f"A search term has at most {MAX_SEARCH_LENGTH} characters.",
            field=field,
            code="TOO_LONG",
        )
    return term.strip().lower() or None


def clean_page_size(first: int | None, maximum: int, default: int = 50) -> int:
    size = default if first is None else first
    if not 0 < size <= maximum:
        raise InvalidInput(
            f"first must be between 1 and {maximum}.",
            field="first",
            code="INVALID_PAGE_SIZE",
        )
    return size


def after_condition(
    sort_column,
    id_column,
    cursor: str,
    descending: bool,
    parse: Callable[[Any], Any] | None = None,
) -> ColumnElement:
    """Rows strictly after the cursor in (sort, id) order.

    ``parse`` turns the cursor's sort value back into the column's type and
    raises ``ValueError`` or ``TypeError`` when it does not fit, which makes
    the cursor invalid (say, one taken from a list sorted another way).
    """
    value, row_id = decode_cursor(cursor)
    if parse is not None:
        try:
            value = parse(value)
        except (ValueError, TypeError):
            raise _invalid_cursor() from None
    if descending:
        return or_(sort_column < value, and_(sort_column == value, id_column < row_id))
    return or_(sort_column > value, and_(sort_column == value, id_column > row_id))
