"""The columns of the CSV exports: core's, the settings registry's, the plugins'.

A column is a header and either a SQL expression selected with every row
(best: the database does the work and the export stays a single streamed
query) or a function of the row. Cells become text here, and text a
spreadsheet would run as a formula is neutralised.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Boolean

from core.errors import PluginError
from core.text import to_camel

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportColumn:
    """A column of a CSV export, as plugins return them from a hook.

    ``name`` is the header. Give ``expression``, a SQL column expression over
    the ``user`` or ``domain`` table (a JSON path, a correlated subquery),
    to have its value selected with each row; or ``value``, called with
    the row (attributes named like the model's columns) to return the
    cell. Cells are text; None is an empty cell.
    """

    name: str
    value: Callable[[Any], Any] | None = None
    expression: Any = None


def neutralise(text: str | None) -> str | None:
    """Prefix a quote to text a spreadsheet would read as a formula."""
    if text and text[0] in FORMULA_START:
        return "'" + text
    return text


def to_cell(value: Any) -> Any:
    """Text for one cell, whatever the type of the value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return neutralise(str(value.value))
    if isinstance(value, list | tuple):
        return neutralise(";".join(str(item) for item in value))
    return neutralise(str(value))


def iso_datetime(value: datetime | None) -> str | None:
    """ISO 8601 with its offset; naive values (SQLite) were stored as UTC."""
    if value is None:
        return None
    text = value.isoformat()
    return text if value.tzinfo else text + "+00:00"


def settings_columns(registry, scope: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(header, section, path) of every settings field, nested ones flattened."""
    columns = []
    for spec in registry.sections(scope):
        for path in _field_paths(spec.model):
            header = ".".join((spec.name, *(to_camel(part) for part in path)))
            columns.append((header, spec.name, path))
    return columns


def _field_paths(model, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, info in model.model_fields.items():
        kind = info.annotation
        if isinstance(kind, type) and hasattr(kind, "model_fields"):
            yield from _field_paths(kind, (*prefix, name))
        else:
            yield (*prefix, name)


def dig(document: dict, path: tuple[str, ...]) -> Any:
    for part in path:
        document = document.get(part) if isinstance(document, dict) else None
    return document


def plugin_columns(plugins, kind: str, taken: list[str]) -> list[Any]:
    """The plugins' columns for ``kind``; a header used twice stops the export."""
    owners = dict.fromkeys(taken, "core")
    columns = []
    for plugin, column in plugins.export_columns(kind):
        if column.name in owners:
            raise PluginError(
                f"The {kind} export column {column.name!r} of plugin {plugin!r} "
                f"is already defined by {owners[column.name]!r}; rename one."
            )
        owners[column.name] = plugin
        columns.append(column)
    return columns


def plugin_cells(columns: list[Any]) -> list[tuple[str | None, Callable]]:
    """For each plugin column: the label its expression is selected under, if
    any, and a function from the row to its cell."""
    cells = []
    for index, column in enumerate(columns):
        expression = getattr(column, "expression", None)
        if expression is not None:
            label = f"plugin_{index}"
            # SQLite hands booleans (an EXISTS, say) back as 0 and 1.
            flag = isinstance(getattr(expression, "type", None), Boolean)
            cells.append((label, _selected(label, flag)))
        else:
            cells.append((None, _computed(column.value)))
    return cells


def _selected(label: str, flag: bool) -> Callable[[Any], Any]:
    if flag:
        return lambda row: to_cell(_flag(getattr(row, label)))
    return lambda row: to_cell(getattr(row, label))


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _computed(value: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda row: to_cell(value(row))
