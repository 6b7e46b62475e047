"""The audit side of ``run_mutation``: every mutation writes an entry.

A mutation that succeeds writes its entry in its own transaction; one that
is refused writes one in a transaction of its own, so that attempts (a
failed login, a permission refused) show in the log too.
"""

from typing import Any

from sqlmodel import Session, SQLModel

from core.errors import MailplaneError
from core.schema.context import Info
from core.services import audit

# Input fields that name the object a mutation is about, most telling first.
NAMING_FIELDS = (
    "email",
    "adminEmail",
    "alias",
    "list",
    "name",
    "domain",
    "username",
    "id",
)


def watch_mutation(session: Session) -> None:
    audit.watch(session)


def record_success(session: Session, info: Info) -> None:
    audit.record_mutation(session, info.context, info.field_name, input_target(info))


def record_refusal(info: Info, exc: MailplaneError) -> None:
    context = info.context
    audit.record_refusal(
        context.runtime.engine,
        context,
        info.field_name,
        input_target(info),
        exc.code,
    )


def input_target(info: Info) -> audit.Target | None:
    """The object the mutation's input names, if it names one."""
    arguments: dict[str, Any] = info.selected_fields[0].arguments
    values = arguments.get("input")
    values = values if isinstance(values, dict) else arguments
    for key in NAMING_FIELDS:
        value = values.get(key)
        if isinstance(value, str | int) and str(value):
            return audit.Target(_kind(info.field_name, key), str(value)[:320])
    return None


def _kind(action: str, key: str) -> str:
    """The table the mutation's name speaks of (the longest that fits)."""
    noun = action.lower()
    kinds = [name for name in SQLModel.metadata.tables if name.replace("_", "") in noun]
    if kinds:
        return max(kinds, key=len)
    return "account" if key == "username" else key
