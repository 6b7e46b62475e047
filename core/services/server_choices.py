"""Clearing what domains chose once the server stops offering it.

A gateway or outbound address taken off the server settings' lists is set
to null (a gateway: send directly; an address: the default one) in the
domain template and in every domain holding it, in the caller's
transaction. The domains change in one UPDATE a setting, whatever their
number, built from the pieces of ``core.services.propagation_sql``.
"""

import copy
import json
import logging
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from core.db import on_commit
from core.models import ServerSetting
from core.services import audit
from core.services.propagation_sql import Params, SettingWrite, dialect_of
from core.services.server_settings import ServerSettings
from core.services.settings_access import SERVER_CHOICES
from core.services.templates import KEYS
from core.text import to_camel

logger = logging.getLogger(__name__)


def clear_withdrawn_choices(
    session: Session, before: ServerSettings, after: ServerSettings
) -> dict[str, dict[str, str]]:
    """Null each domain setting holding a value ``after`` no longer lists.

    Returns, by setting path (``options.outgoingGateway``), the domains
    cleared and the value each held.
    """
    cleared = {}
    for section, field, choices, _normalise in SERVER_CHOICES:
        withdrawn = sorted(set(choices(before)) - set(choices(after)))
        if not withdrawn:
            continue
        write = SettingWrite(f"{section}.{to_camel(field)}", section, field, None)
        _clear_template(session, write, withdrawn)
        cleared[write.path] = _clear_domains(session, write, withdrawn)
    return cleared


def _clear_template(
    session: Session, write: SettingWrite, withdrawn: list[str]
) -> None:
    row = session.get(ServerSetting, KEYS["domain"])
    if row is None:
        return
    # A copy, reassigned whole: the column tracks top-level changes only,
    # and the audit trail needs the old document intact.
    document = copy.deepcopy(dict(row.value))
    section = (document.get("settings") or {}).get(write.section)
    if not isinstance(section, dict) or section.get(write.field) not in withdrawn:
        return
    section[write.field] = None
    row.value = document
    session.add(row)


def _clear_domains(
    session: Session, write: SettingWrite, withdrawn: list[str]
) -> dict[str, str]:
    dialect = session.get_bind().dialect.name
    sql, params = dialect_of(dialect), Params()
    stored = sql.stored(params, write.keys)
    values = ", ".join(sql.value(params, value, "name") for value in withdrawn)
    holding = f"{stored} IN ({values})"
    # Pending ORM changes go first: the statements read what is stored,
    # and the expiry below would drop them.
    session.flush()

    # Read in the clearing transaction; on PostgreSQL a value chosen by
    # another transaction meanwhile is cleared by the UPDATE, not listed.
    rows = session.execute(
        text(f"SELECT name, {stored} FROM domain WHERE {holding} ORDER BY name"),
        params.values,
    )
    holders = {name: _decoded(value, dialect) for name, value in rows}

    new = sql.new_settings(params, [write], "name")
    statement = f"UPDATE domain SET settings = {new} WHERE {holding}"
    changed = session.execute(text(statement), params.values).rowcount
    # Rows loaded before the UPDATE hold the old documents.
    session.expire_all()

    if holders:
        audit.note_change(session, f"domains.{write.path}", holders, None)
    on_commit(
        session,
        lambda: logger.info(
            "Cleared %s on %d domains: the server no longer offers it.",
            write.path,
            changed,
        ),
    )
    return holders


def _decoded(value: Any, dialect: str) -> Any:
    # SQLite hands a value inside a document back as JSON text.
    return json.loads(value) if dialect == "sqlite" else value
