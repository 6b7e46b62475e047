"""SQL that copies template values into many settings documents at once.

A propagation is one UPDATE whatever the number of rows: the database
computes each new document (SQLite's JSON functions, PostgreSQL's jsonb
operators) and writes only the rows whose stored value differs. A value may
lie in a nested object (``autodiscover.imap.port``): its siblings keep their
stored values, and a section or object missing from a stored document is
created on the way. A value holding ``%domain%`` is expanded per row with
the name of the row's domain. Every name and value is a bound parameter.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.services.templates import DOMAIN_VARIABLE, has_variable

USER_DOMAIN_NAME = '(SELECT domain.name FROM domain WHERE domain.id = "user".domain_id)'

# Columns of the domain row a propagation may set; their names go into the
# statement's text, so only these are accepted.
DOMAIN_COLUMNS = ("hostname", "status")


@dataclass(frozen=True)
class SettingWrite:
    """A template value to copy: a whole section (``field`` None) or a field.

    ``field`` is the snake_case path inside the section, dotted when it runs
    into a nested model (``imap.port``; snake names hold no dots); ``path``
    is the camelCase path callers wrote (``autodiscover.imap.port``).
    """

    path: str
    section: str
    field: str | None
    value: Any
    # What a document lacking the value reads as (the registry's default):
    # the value is written only where it differs from what reads.
    default: Any = None

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys from the document's root down to the value."""
        if self.field is None:
            return (self.section,)
        return (self.section, *self.field.split("."))


class Params:
    """Bound parameters of one statement, named in order."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


class _Sqlite:
    def value(self, params: Params, value: Any, name_sql: str) -> str:
        return f"json({_text(params, value, name_sql)})"

    def stored(self, params: Params, keys: tuple[str, ...]) -> str:
        return f"(settings -> {params.add(_path(*keys))})"

    def new_settings(
        self, params: Params, writes: list[SettingWrite], name_sql: str
    ) -> str:
        # A merge patch (one parse of each document) merges objects at every
        # depth, creating missing ones, and sets plain values; json_set sets
        # what a merge patch can't: nulls (a patch deletes them) and objects
        # (a patch would merge them). The patch also makes every object on
        # a json_set path an object, as json_set skips a path through a
        # scalar.
        patch: dict[str, Any] = {}
        pairs = []
        for write in writes:
            *parents, last = write.keys
            node = patch
            for key in parents:
                node = node.setdefault(key, {})
            if write.value is None or isinstance(write.value, dict):
                pairs.append((_path(*write.keys), write.value))
            else:
                node[last] = write.value
        new = "settings"
        if patch:
            new = f"json_patch(settings, {_text(params, patch, name_sql)})"
        if pairs:
            values = ", ".join(
                f"{params.add(path)}, {self.value(params, value, name_sql)}"
                for path, value in pairs
            )
            new = f"json_set({new}, {values})"
        return new

    def id_list(self, params: Params, ids: list[int]) -> str:
        return f"SELECT value FROM json_each({params.add(json.dumps(ids))})"

    def removed(self, params: Params, document: str, keys: tuple[str, ...]) -> str:
        return f"json_remove({document}, {params.add(_path(*keys))})"


class _Postgres:
    def value(self, params: Params, value: Any, name_sql: str) -> str:
        return f"CAST({_text(params, value, name_sql)} AS jsonb)"

    def stored(self, params: Params, keys: tuple[str, ...]) -> str:
        return f"(settings #> {_array(params, keys)})"

    def new_settings(
        self, params: Params, writes: list[SettingWrite], name_sql: str
    ) -> str:
        return self._merged(params, _tree(writes), (), name_sql)

    def _merged(self, params: Params, node: dict, keys: tuple, name_sql: str) -> str:
        """The stored object at ``keys`` with the writes of ``node`` merged in.

        ``||`` merges one level only, so each object on a write's path is
        rebuilt from its stored value: the stored object, then the values
        written into it, then the objects below it, each rebuilt the same way.
        Siblings of a written value keep their stored values.
        """
        parts = [self._object_at(params, keys)]
        values = {k: w.value for k, w in node.items() if isinstance(w, SettingWrite)}
        if values:
            parts.append(self.value(params, values, name_sql))
        below = [(k, n) for k, n in node.items() if not isinstance(n, SettingWrite)]
        # jsonb_build_object takes at most 100 arguments.
        for start in range(0, len(below), 50):
            pairs = ", ".join(
                f"{_key(params, key)}, "
                f"{self._merged(params, child, (*keys, key), name_sql)}"
                for key, child in below[start : start + 50]
            )
            parts.append(f"jsonb_build_object({pairs})")
        return "(" + " || ".join(parts) + ")"

    def _object_at(self, params: Params, keys: tuple) -> str:
        # A missing (or non-object) value reads as an empty object, as a
        # merge patch treats it on SQLite.
        if not keys:
            return "settings"
        stored = self.stored(params, keys)
        return (
            f"(CASE WHEN jsonb_typeof({stored}) = 'object' THEN {stored} "
            "ELSE CAST('{}' AS jsonb) END)"
        )

    def removed(self, params: Params, document: str, keys: tuple[str, ...]) -> str:
        return f"({document} #- {_array(params, keys)})"

    def id_list(self, params: Params, ids: list[int]) -> str:
        array = f"CAST({params.add(json.dumps(ids))} AS jsonb)"
        return f"SELECT CAST(value AS integer) FROM jsonb_array_elements_text({array})"


def dialect_of(name: str) -> _Sqlite | _Postgres:
    return _Sqlite() if name == "sqlite" else _Postgres()


def domain_update(
    dialect: str,
    writes: list[SettingWrite],
    columns: dict[str, str] | None = None,
    *,
    excluded_ids: Sequence[int] = (),
):
    """``UPDATE domain`` setting ``writes`` and ``columns`` (``DOMAIN_COLUMNS``:
    the hostname pattern, the status), in the rows where one of them differs,
    but the excluded ones."""
    sql, params = dialect_of(dialect), Params()
    assignments, differs = [], []
    if writes:
        writes = uncovered(writes)
        assignments.append(f"settings = {sql.new_settings(params, writes, 'name')}")
        differs += _differs(sql, params, writes, "name")
    for column, value in (columns or {}).items():
        if column not in DOMAIN_COLUMNS:
            raise ValueError(f"Propagation can't set the domain column {column!r}.")
        pattern = _text(params, value, "name", raw=True)
        assignments.append(f"{column} = {pattern}")
        differs.append(f"{column} <> {pattern}")
    where = _any(differs)
    if excluded_ids:
        where += f" AND id NOT IN ({sql.id_list(params, list(excluded_ids))})"
    statement = f"UPDATE domain SET {', '.join(assignments)} WHERE {where}"
    return statement, params.values


def user_update(
    dialect: str,
    writes: list[SettingWrite],
    *,
    domain_ids: list[int] | None,
    excluded_ids: list[int],
):
    """``UPDATE "user"`` of the given domains (None: all) but the excluded ones."""
    sql, params = dialect_of(dialect), Params()
    writes = uncovered(writes)
    new = sql.new_settings(params, writes, USER_DOMAIN_NAME)
    where = [_any(_differs(sql, params, writes, USER_DOMAIN_NAME))]
    if domain_ids is not None:
        where.append(f"domain_id IN ({sql.id_list(params, domain_ids)})")
    if excluded_ids:
        where.append(f"domain_id NOT IN ({sql.id_list(params, excluded_ids)})")
    statement = f'UPDATE "user" SET settings = {new} WHERE {" AND ".join(where)}'
    return statement, params.values


def user_section_counts(
    dialect: str, sections: list[str], domain_ids: list[int] | None
):
    """Users per domain and distinct stored value of each section, for previews."""
    sql, params = dialect_of(dialect), Params()
    columns = ", ".join(sql.stored(params, (section,)) for section in sections)
    where = ""
    if domain_ids is not None:
        where = f" WHERE domain_id IN ({sql.id_list(params, domain_ids)})"
    positions = ", ".join(str(n) for n in range(3, len(sections) + 3))
    statement = (
        f'SELECT domain_id, count(*), {columns} FROM "user"{where} '
        f"GROUP BY 1, {positions}"
    )
    return statement, params.values


def section_remainders(
    dialect: str,
    scope: str,
    section: str,
    fields: list[str],
    domain_ids: list[int] | None,
    *,
    per_domain: bool = False,
):
    """Distinct stored values of ``section`` less ``fields`` (dotted paths).

    Grouped with their row counts; with ``per_domain``, each distinct
    (domain id, remainder, whole stored section) instead. ``scope`` is
    "domain" or "user"; ``domain_ids`` limits the rows to those domains
    (None: all).
    """
    sql, params = dialect_of(dialect), Params()
    whole = sql.stored(params, (section,))
    rest = whole
    for name in fields:
        rest = sql.removed(params, rest, tuple(name.split(".")))
    table, owner = ("domain", "id") if scope == "domain" else ('"user"', "domain_id")
    where = ""
    if domain_ids is not None:
        where = f" WHERE {owner} IN ({sql.id_list(params, domain_ids)})"
    if per_domain:
        statement = f"SELECT DISTINCT {owner}, {rest}, {whole} FROM {table}{where}"
    else:
        statement = f"SELECT {rest}, count(*) FROM {table}{where} GROUP BY 1"
    return statement, params.values


def uncovered(writes: list[SettingWrite]) -> list[SettingWrite]:
    """The writes not inside another one's value (a section or object chosen whole)."""
    chosen = {write.keys for write in writes}
    return [
        write
        for write in writes
        if not any(write.keys[:depth] in chosen for depth in range(1, len(write.keys)))
    ]


def _tree(writes: list[SettingWrite]) -> dict[str, Any]:
    """Uncovered writes by key, level by level: a write, or a dict of the next keys."""
    root: dict[str, Any] = {}
    for write in writes:
        *parents, last = write.keys
        node = root
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = write
    return root


def _differs(sql, params: Params, writes: list[SettingWrite], name_sql: str) -> list:
    # Limitation: SQLite compares objects as JSON text, so a stored object
    # holding the template's values in another key order counts as changed
    # (and is rewritten, equal) — comparing leaf by leaf would lift it at
    # the cost of one JSON extraction per field and row.
    conditions = []
    for write in writes:
        stored = sql.stored(params, write.keys)
        if write.default is not None:
            default = sql.value(params, write.default, name_sql)
            stored = f"COALESCE({stored}, {default})"
        value = sql.value(params, write.value, name_sql)
        operator = "IS NOT" if isinstance(sql, _Sqlite) else "IS DISTINCT FROM"
        conditions.append(f"{stored} {operator} {value}")
    return conditions


def _any(conditions: list[str]) -> str:
    return "(" + " OR ".join(conditions) + ")"


def _text(params: Params, value: Any, name_sql: str, *, raw: bool = False) -> str:
    """A JSON text (or raw string) parameter, expanded per row if it has variables."""
    text = params.add(value if raw else json.dumps(value))
    if not has_variable(value):
        return text
    return f"replace({text}, {params.add(DOMAIN_VARIABLE)}, {name_sql})"


def _key(params: Params, key: str) -> str:
    return f"CAST({params.add(key)} AS text)"


def _array(params: Params, keys: tuple[str, ...]) -> str:
    return f"ARRAY[{', '.join(_key(params, key) for key in keys)}]"


def _path(*keys: str) -> str:
    return "$" + "".join(f'."{key}"' for key in keys)
