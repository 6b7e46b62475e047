"""What a mutation's transaction changed, row by row, as its flushes saw it.

A listener on every session's ``after_flush`` notes each created, updated
and deleted row while a ``Trail`` is attached to the session (``watch``);
sessions without one (workers, reads) cost a dictionary lookup. Changes
are kept per row across flushes: the first ``before`` and the last
``after`` of each column.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

TRAIL = "audit_trail"

# Tables whose rows are bookkeeping, not changes anyone made.
UNAUDITED = frozenset({"audit_entry", "login_failure"})

# A column or settings path naming one of these holds a secret: only the
# fact that it changed is recorded.
SECRET_WORDS = ("password", "secret", "token", "hash", "private")

REDACTED = "(secret)"
_CAMEL_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORDS = re.compile(r"[A-Za-z0-9]+")

CREATED, UPDATED, DELETED = "created", "updated", "deleted"


@dataclass
class RowChanges:
    """One row's changes in a transaction: column -> (before, after)."""

    obj: Any
    kind: str
    event: str
    columns: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def merge(self, event_name: str, columns: dict[str, tuple[Any, Any]]) -> None:
        if event_name == DELETED:
            self.event = DELETED
        for name, (before, after) in columns.items():
            first = self.columns.get(name, (before, after))[0]
            self.columns[name] = (first, after)


@dataclass
class Trail:
    """The rows a transaction changed, and what its services said about them."""

    rows: dict[int, RowChanges] = field(default_factory=dict)
    target: Any = None
    notes: list[dict] = field(default_factory=list)

    def saw(self, obj: Any, event_name: str, columns: dict) -> None:
        row = self.rows.get(id(obj))
        if row is None:
            self.rows[id(obj)] = RowChanges(obj, _kind(obj), event_name, columns)
        elif row.event == CREATED and event_name == DELETED:
            # Made and dropped in one transaction (a scratch row): no change.
            del self.rows[id(obj)]
        else:
            row.merge(event_name, columns)


def watch(session: Session) -> Trail:
    """Start noting the session's changes; returns the trail they go to."""
    trail = Trail()
    session.info[TRAIL] = trail
    return trail


def trail_of(session: Session) -> Trail | None:
    return session.info.get(TRAIL)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _flush_context) -> None:
    # After a flush, new, dirty and deleted still hold the flushed rows and
    # attribute history is intact; ids are assigned.
    trail = session.info.get(TRAIL)
    if trail is None:
        return
    for obj in session.new:
        if _audited(obj):
            trail.saw(obj, CREATED, _snapshot(obj, created=True))
    for obj in session.dirty:
        changed = _audited(obj) and _history(obj)
        if changed:
            trail.saw(obj, UPDATED, changed)
    for obj in session.deleted:
        if _audited(obj):
            trail.saw(obj, DELETED, _snapshot(obj, created=False))


def _kind(obj: Any) -> str:
    return inspect(obj).mapper.persist_selectable.name


def _audited(obj: Any) -> bool:
    return _kind(obj) not in UNAUDITED


def _snapshot(obj: Any, *, created: bool) -> dict[str, tuple[Any, Any]]:
    state = inspect(obj)
    values = {
        attr.key: state.dict.get(attr.key)
        for attr in state.mapper.column_attrs
        if attr.key != "id" and state.dict.get(attr.key) is not None
    }
    if created:
        return {name: (None, value) for name, value in values.items()}
    return {name: (value, None) for name, value in values.items()}


def _history(obj: Any) -> dict[str, tuple[Any, Any]]:
    state = inspect(obj)
    changed = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        # Limitation: a JSON column edited in place (not reassigned) has no
        # old value in its history, so its before reads as null — services
        # that reassign the column (as the settings patches do) lift it.
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changed[attr.key] = (before, after)
    return changed


# Turning noted columns into change items.


def change_items(row: RowChanges, object_label: str | None) -> list[dict[str, Any]]:
    """``{object, field, before, after, redacted}`` items for one row.

    Settings documents of updated rows are compared leaf by leaf.
    """
    items = []
    for column, (before, after) in row.columns.items():
        name = camel(column)
        if row.event == UPDATED and (
            isinstance(before, dict) or isinstance(after, dict)
        ):
            for path, old, new in _leaf_changes(before or {}, after or {}, name):
                items.append(change_item(object_label, path, old, new))
        else:
            items.append(change_item(object_label, name, before, after))
    return items


def change_item(obj: str | None, name: str, before: Any, after: Any) -> dict:
    """One change; a secret's values are left out."""
    if is_secret(name):
        return {
            "object": obj,
            "field": name,
            "before": None,
            "after": None,
            "redacted": True,
        }
    return {
        "object": obj,
        "field": name,
        "before": _scrubbed(jsonable(before)),
        "after": _scrubbed(jsonable(after)),
        "redacted": False,
    }


def _scrubbed(value: Any) -> Any:
    """A whole document with the values of its secret keys left out."""
    if not isinstance(value, dict):
        return value
    return {
        camel(key): REDACTED if is_secret(key) else _scrubbed(item)
        for key, item in value.items()
    }


def is_secret(name: str) -> bool:
    """Whether a column or settings path names a secret: one of its words
    is a secret word (``password_hash``, ``bindPassword``), not merely holds
    one (``showPasswordsToDomainAdmins`` is a switch anyone may see)."""
    words = _WORDS.findall(_CAMEL_BREAK.sub("_", name))
    return any(word.lower() in SECRET_WORDS for word in words)


def _leaf_changes(before: dict, after: dict, prefix: str):
    for key in sorted(set(before) | set(after), key=str):
        old, new = before.get(key), after.get(key)
        path = f"{prefix}.{camel(str(key))}"
        if isinstance(old, dict) or isinstance(new, dict):
            old_dict = old if isinstance(old, dict) else {}
            new_dict = new if isinstance(new, dict) else {}
            if old_dict or new_dict:
                yield from _leaf_changes(old_dict, new_dict, path)
                continue
        if old != new:
            yield path, old, new


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    return str(value)
