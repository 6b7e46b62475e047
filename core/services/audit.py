"""The audit log: an entry for every mutation, by anyone, as it happens.

``core.schema.errors.run_mutation`` watches each mutation's transaction
(``watch``), and writes its entry in that transaction once the action
succeeded (``record_mutation``), or in a transaction of its own when it
was refused (``record_refusal``). Services may name the entry's target
(``set_target``) and add changes the row trail can't see
(``note_change``); ``record`` writes an entry for anything else. There
is no API to change or delete an entry.
"""

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import session_scope
from core.models import AuditEntry, Domain
from core.principal import Principal
from core.services.audit_trail import (
    CREATED,
    DELETED,
    RowChanges,
    Trail,
    change_item,
    change_items,
    trail_of,
    watch,
)

logger = logging.getLogger(__name__)

__all__ = [
    "Caller",
    "Target",
    "note_change",
    "record",
    "record_mutation",
    "record_refusal",
    "set_target",
    "watch",
]

SUCCEEDED, REFUSED = "succeeded", "refused"
MAX_CHANGES = 500


@dataclass(frozen=True)
class Target:
    """The object an entry is about, and the domain it belongs to."""

    kind: str | None
    name: str | None
    domain_id: int | None = None
    domain_name: str | None = None


@dataclass(frozen=True)
class Caller:
    """Who an entry written outside a request names (a job's owner, say)."""

    principal: Principal
    client_address: str | None = None


def set_target(session: Session, target: Target) -> None:
    """Name the object the current mutation's entry is about."""
    trail = trail_of(session)
    if trail is not None:
        trail.target = target


def note_change(session: Session, field: str, before: Any, after: Any) -> None:
    """Add a change the row trail can't see (a bulk statement, a file)."""
    # Limitation: rows changed by bulk UPDATE/INSERT statements (propagation,
    # job progress) are not itemised unless their service notes them here —
    # an ORM-level do_orm_execute hook reading the statements would lift it.
    trail = trail_of(session)
    if trail is not None:
        trail.notes.append(change_item(None, field, before, after))


def record(
    session: Session,
    context: Any,
    action: str,
    target: Target | None,
    changes: list[dict],
    *,
    outcome: str = SUCCEEDED,
    error_code: str | None = None,
) -> AuditEntry:
    """Write one entry in ``session``'s transaction.

    ``context`` gives the caller (``principal``) and its address
    (``client_address``); ``changes`` are ``{field, before, after}`` items,
    whose secret fields are recorded only as changed.
    """
    principal: Principal = context.principal
    actor, on_behalf_of = _actor(principal)
    domain_id, domain_name = _entry_domain(session, principal, target)
    entry = AuditEntry(
        action=action,
        outcome=outcome,
        error_code=error_code,
        actor=actor[:320],
        actor_kind=principal.role.value,
        on_behalf_of=on_behalf_of,
        target_kind=target.kind if target else None,
        target=(target.name or "")[:320] if target else None,
        domain_id=domain_id,
        domain_name=domain_name,
        address=(context.client_address or None) and context.client_address[:64],
        changes=_capped(_clean(changes)),
    )
    session.add(entry)
    return entry


def record_mutation(
    session: Session, context: Any, action: str, hint: Target | None
) -> None:
    """The entry of a mutation that succeeded, before its transaction commits.

    The target is the one a service named, else the changed row the
    mutation's name speaks of, else the object its input named (``hint``),
    else the first changed row.
    """
    trail = trail_of(session)
    if trail is None:
        return
    session.flush()
    describe = _Describer(session, trail)
    rows = list(trail.rows.values())
    target = trail.target or _named_row(describe, rows, action) or hint
    target = target or next(filter(None, map(describe, rows)), None)
    if target is not None and target.domain_id is None:
        target = _with_domain(target, map(describe, rows))
    changes = [*trail.notes]
    for row in rows:
        own = target is not None and describe(row) == target
        label = None if own else _label(describe(row), row)
        changes += change_items(row, label)
    record(session, context, action, target, changes)


def record_refusal(
    engine: Engine, context: Any, action: str, hint: Target | None, code: str
) -> None:
    """The entry of a refused mutation, in a transaction of its own.

    Its own failure is logged and swallowed: the caller still gets its
    answer.
    """
    try:
        with session_scope(engine) as session:
            record(session, context, action, hint, [], outcome=REFUSED, error_code=code)
    except Exception:
        logger.exception("Could not record the refusal of %s.", action)


def _with_domain(target: Target, described) -> Target:
    """A target the input named takes the domain of the rows that changed."""
    for row in described:
        if row is not None and row.domain_id is not None:
            return Target(target.kind, target.name, row.domain_id, row.domain_name)
    return target


def _actor(principal: Principal) -> tuple[str, str | None]:
    """Who is at the keyboard, and whose account a session of theirs uses."""
    if principal.impersonator:
        return principal.impersonator, principal.name
    return principal.name, None


def _entry_domain(
    session: Session, principal: Principal, target: Target | None
) -> tuple[int | None, str | None]:
    if target is not None and target.domain_id is not None:
        return target.domain_id, target.domain_name
    if principal.domain_id is None:
        return None, None
    domain = session.get(Domain, principal.domain_id)
    return principal.domain_id, domain.name if domain else None


def _clean(changes: list[dict]) -> list[dict]:
    return [
        item
        if "redacted" in item
        else change_item(
            item.get("object"), item["field"], item.get("before"), item.get("after")
        )
        for item in changes
    ]


def _capped(changes: list[dict]) -> list[dict]:
    """At most ``MAX_CHANGES`` items, the last one counting those left out."""
    if len(changes) <= MAX_CHANGES:
        return changes
    left_out = len(changes) - MAX_CHANGES + 1
    return [
        *changes[: MAX_CHANGES - 1],
        change_item(None, "moreChanges", None, left_out),
    ]


def _label(target: Target | None, row: RowChanges) -> str:
    if target is None:
        return row.kind
    return f"{target.kind} {target.name}"


def _named_row(describe, rows: list[RowChanges], action: str) -> Target | None:
    """The row whose kind the mutation's name holds (createUserAlias: a
    user_alias); the longest kind wins, then a created or deleted row."""
    noun = action.lower()
    named = [row for row in rows if row.kind.replace("_", "") in noun and describe(row)]
    if not named:
        return None
    named.sort(key=lambda row: (-len(row.kind), row.event not in {CREATED, DELETED}))
    return describe(named[0])


class _Describer:
    """Names rows as targets: a domain by name, a user by address."""

    def __init__(self, session: Session, trail: Trail) -> None:
        self.session = session
        self.domains = {
            row.obj.id: row.obj
            for row in trail.rows.values()
            if isinstance(row.obj, Domain)
        }
        self.cache: dict[int, Target | None] = {}

    def __call__(self, row: RowChanges) -> Target | None:
        if id(row.obj) not in self.cache:
            self.cache[id(row.obj)] = self._describe(row.obj, row.kind)
        return self.cache[id(row.obj)]

    def _describe(self, obj: Any, kind: str) -> Target | None:
        values = inspect(obj).dict
        domain = obj if isinstance(obj, Domain) else self._domain(values)
        name = _name_of(values, domain)
        if name is None:
            return None
        if domain is None:
            return Target(kind, name)
        return Target(kind, name, domain.id, domain.name)

    def _domain(self, values: dict) -> Domain | None:
        domain_id = values.get("domain_id")
        if domain_id is None:
            return None
        if domain_id not in self.domains:
            self.domains[domain_id] = self.session.get(Domain, domain_id)
        return self.domains[domain_id]


def _name_of(values: dict, domain: Domain | None) -> str | None:
    if values.get("local_part") and domain is not None:
        return f"{values['local_part']}@{domain.name}"
    for key in ("email", "name", "username"):
        if isinstance(values.get(key), str):
            return values[key]
    return None
