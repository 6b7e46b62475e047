"""Cells computed by the database: text, neutralised, as the CSV file holds it.

Computing each cell in the export's query leaves Python nothing to do per
row but hand it to ``csv.writer``. Every expression returns text (or NULL,
an empty cell) and is typed ``String`` so that no result processing runs.
Dates and times come out in ISO 8601 on SQLite and PostgreSQL alike.
"""

from typing import Any

from sqlalchemy import String, case, false, func, literal, true, type_coerce
from sqlalchemy.sql import ColumnElement

from core.services.export_columns import FORMULA_START

ISO_TIMESTAMP = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


def neutralised(text: ColumnElement) -> ColumnElement:
    """``text`` with a quote in front when a spreadsheet would run it."""
    first = func.substr(text, 1, 1)
    return type_coerce(
        case((first.in_(FORMULA_START), literal("'") + text), else_=text), String
    )


def sql_cell(column: Any, kind: str, dialect: str) -> ColumnElement:
    """The cell of a column of ``kind`` (see ``KINDS``) as text."""
    return KINDS[kind](column, dialect)


def _as_is(column, _dialect: str) -> ColumnElement:
    return type_coerce(column, String)


def _text(column, _dialect: str) -> ColumnElement:
    return neutralised(column)


def _flag(column, _dialect: str) -> ColumnElement:
    return type_coerce(
        case((column.is_(true()), "true"), (column.is_(false()), "false")), String
    )


def _date(column, dialect: str) -> ColumnElement:
    if dialect == "postgresql":
        return type_coerce(func.to_char(column, "YYYY-MM-DD"), String)
    return type_coerce(column, String)  # stored as YYYY-MM-DD


def _timestamp(column, dialect: str) -> ColumnElement:
    if dialect == "postgresql":
        utc = func.timezone("UTC", column)
        return type_coerce(func.to_char(utc, ISO_TIMESTAMP), String)
    # SQLite holds "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.
    raw = type_coerce(column, String)
    return type_coerce(func.replace(raw, " ", "T") + "+00:00", String)


KINDS = {
    "text": _text,
    "trusted": _as_is,
    "number": _as_is,
    "flag": _flag,
    "date": _date,
    "datetime": _timestamp,
}
"""``text`` is neutralised; ``trusted`` text (names and states the services
validated, which never start like a formula) and ``number`` pass as they
are; ``flag``, ``date`` and ``datetime`` become text."""
