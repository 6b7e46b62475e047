"""Text functions that behave alike on SQLite and PostgreSQL.

SQLite's built-in ``lower()`` folds ASCII letters only, so a search for
"émile" would miss "Émile" there while PostgreSQL finds it. ``unicode_lower``
compiles to ``lower()`` on PostgreSQL and, on SQLite, to a function each
connection registers (``register_sqlite_functions``) that folds as Python's
``str.lower`` does, as search terms are folded.
"""

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

SQLITE_LOWER = "mailplane_lower"


class unicode_lower(FunctionElement):
    """``lower(text)`` with every letter folded, on either backend."""

    type = String()
    inherit_cache = True


@compiles(unicode_lower)
def _lower(element: unicode_lower, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(unicode_lower, "sqlite")
def _sqlite_lower(element: unicode_lower, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Give a new SQLite connection the functions above need."""
    dbapi_connection.create_function(SQLITE_LOWER, 1, _fold, deterministic=True)


def _fold(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value
