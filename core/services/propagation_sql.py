"""SQL that copies template values into many settings documents at once.

A propagation is one UPDATE whatever the number of rows: the database
computes each new document (SQLite's JSON functions, PostgreSQL's jsonb
operators) and writes only the rows whose stored value differs. A section
missing from a stored document is created; a value holding ``%domain%`` is
expanded per row with the name of the row's domain. Every name and value is
a bound parameter.
"""

import json
from dataclasses import dataclass
from typing import Any

from core.services.templates import DOMAIN_VARIABLE, has_variable

USER_DOMAIN_NAME = '(SELECT domain.name FROM domain WHERE domain.id = "user".domain_id)'


@dataclass(frozen=True)
class SettingWrite:
    """A template value to copy: a whole section (``field`` None) or one field."""

    path: str
    section: str
    field: str | None
    value: Any


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

    def section(self, params: Params, section: str) -> str:
        return f"(settings -> {params.add(_path(section))})"

    def field(self, params: Params, section: str, field: str) -> str:
        return f"(settings -> {params.add(_path(section, field))})"

    def new_settings(self, params: Params, groups: dict, name_sql: str) -> str:
        # A merge patch (one parse of each document) creates missing sections
        # and sets plain fields; json_set sets what a merge patch can't: whole
        # sections, nulls (a patch deletes them) and nested objects (merged).
        patch, pairs = {}, []
        for section, group in groups.items():
            if isinstance(group, SettingWrite):
                pairs.append((_path(section), group.value))
                continue
            fields = patch.setdefault(section, {})
            for write in group:
                if write.value is None or isinstance(write.value, dict):
                    pairs.append((_path(section, write.field), write.value))
                else:
                    fields[write.field] = write.value
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


class _Postgres:
    def value(self, params: Params, value: Any, name_sql: str) -> str:
        return f"CAST({_text(params, value, name_sql)} AS jsonb)"

    def section(self, params: Params, section: str) -> str:
        return f"(settings -> {_key(params, section)})"

    def field(self, params: Params, section: str, field: str) -> str:
        return f"(settings -> {_key(params, section)} -> {_key(params, field)})"

    def new_settings(self, params: Params, groups: dict, name_sql: str) -> str:
        new = "settings"
        for section, group in groups.items():
            key = _key(params, section)
            if isinstance(group, SettingWrite):
                value = self.value(params, group.value, name_sql)
            else:
                patch = {write.field: write.value for write in group}
                current = f"coalesce(settings -> {key}, CAST('{{}}' AS jsonb))"
                value = f"{current} || {self.value(params, patch, name_sql)}"
            new = f"jsonb_set({new}, ARRAY[{key}], {value})"
        return new

    def id_list(self, params: Params, ids: list[int]) -> str:
        array = f"CAST({params.add(json.dumps(ids))} AS jsonb)"
        return f"SELECT CAST(value AS integer) FROM jsonb_array_elements_text({array})"


def dialect_of(name: str) -> _Sqlite | _Postgres:
    return _Sqlite() if name == "sqlite" else _Postgres()


def domain_update(dialect: str, writes: list[SettingWrite], hostname: str | None):
    """``UPDATE domain`` setting ``writes`` (and the hostname pattern, if given)."""
    sql, params = dialect_of(dialect), Params()
    assignments, differs = [], []
    if writes:
        groups = group_writes(writes)
        assignments.append(f"settings = {sql.new_settings(params, groups, 'name')}")
        differs += _differs(sql, params, writes, "name")
    if hostname is not None:
        pattern = _text(params, hostname, "name", raw=True)
        assignments.append(f"hostname = {pattern}")
        differs.append(f"hostname <> {pattern}")
    statement = f"UPDATE domain SET {', '.join(assignments)} WHERE {_any(differs)}"
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
    groups = group_writes(writes)
    new = sql.new_settings(params, groups, USER_DOMAIN_NAME)
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
    columns = ", ".join(sql.section(params, section) for section in sections)
    where = ""
    if domain_ids is not None:
        where = f" WHERE domain_id IN ({sql.id_list(params, domain_ids)})"
    positions = ", ".join(str(n) for n in range(3, len(sections) + 3))
    statement = (
        f'SELECT domain_id, count(*), {columns} FROM "user"{where} '
        f"GROUP BY 1, {positions}"
    )
    return statement, params.values


def group_writes(writes: list[SettingWrite]) -> dict[str, Any]:
    """Writes by section: a whole-section write, or the list of field writes."""
    groups: dict[str, Any] = {}
    for write in writes:
        if write.field is None:
            groups[write.section] = write
        elif not isinstance(groups.get(write.section), SettingWrite):
            groups.setdefault(write.section, []).append(write)
    return groups


def _differs(sql, params: Params, writes: list[SettingWrite], name_sql: str) -> list:
    conditions = []
    for write in writes:
        if write.field is None:
            stored = sql.section(params, write.section)
        else:
            stored = sql.field(params, write.section, write.field)
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


def _path(*keys: str) -> str:
    return "$" + "".join(f'."{key}"' for key in keys)
