"""Fields propagated into sections whose rules span several fields.

A template is valid as a whole, but one of its fields copied into a
domain's own section may not be: two-step FORCED where the domain keeps
two-step off, external delivery where it names no host. Sections with such
rules (a model validator, or a field validator that reads the fields
declared before it) are checked here before a propagation of a field such
a rule judges; other fields need no check, as each is valid on its own.

The check reads the distinct stored values of the section, less the
fields being written (one grouped query: most domains share them), merges
the template's values into each, and validates it once. The domains or
users holding a value that fails are found by a second query, made only
then, and their domains are refused with the reason, as for a broken
expansion.
"""

import inspect
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, text
from sqlmodel import Session

from core.models import Domain
from core.runtime import Runtime
from core.services import propagation_sql
from core.services.propagation_sql import SettingWrite
from core.services.templates import PROBE, expand_variables
from core.settings.registry import field_errors
from core.settings.section import Scope

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrokenMix:
    """A domain whose own settings the propagated fields would not fit."""

    domain_id: int
    domain: str
    message: str


def broken_mixes(
    session: Session,
    runtime: Runtime,
    scope: Scope,
    writes: list[SettingWrite],
    domain_ids: list[int] | None = None,
) -> list[BrokenMix]:
    """The domains where a written field would break a rule of its section.

    ``writes`` are the template values to copy (variables unexpanded);
    ``domain_ids`` the domains the propagation reaches (None: all). For
    users, a domain is broken when one of its users would be.
    """
    failing: dict[int, str] = {}
    for section, fields in _coupled_writes(runtime, scope, writes).items():
        model = runtime.registry.get(scope, section).model
        bad = _failing_remainders(session, scope, section, fields, model, domain_ids)
        if bad:
            rows = _rows_holding(
                session, scope, section, fields, model, domain_ids, bad
            )
            for domain_id, message in rows.items():
                failing.setdefault(domain_id, message)
    if not failing:
        return []
    logger.info("Propagated fields would not fit %d domains.", len(failing))
    names = _names(session, list(failing))
    return [
        BrokenMix(domain_id, names[domain_id], failing[domain_id])
        for domain_id in sorted(failing, key=names.__getitem__)
    ]


@cache
def spans_fields(model: type[BaseModel]) -> bool:
    """Whether the model (or a model nested in it) checks fields together."""
    return any(is_coupled(model, name) for name in model.model_fields)


@cache
def is_coupled(model: type[BaseModel], name: str) -> bool:
    """Whether a rule of ``model`` judges field ``name`` with other fields."""
    decorators = model.__pydantic_decorators__
    if decorators.model_validators or _nests_spanning_model(model, name):
        return True
    order = list(model.model_fields)
    for decorator in decorators.field_validators.values():
        # (value, info): pydantic passes ``info``, whose ``data`` holds the
        # fields declared before the one validated, so such a validator
        # couples its fields with every field declared before them.
        if len(inspect.signature(decorator.func).parameters) < 2:
            continue
        if "*" in decorator.info.fields:
            return True
        judged = [order.index(field) for field in decorator.info.fields]
        if name in decorator.info.fields or order.index(name) < max(judged):
            return True
    return False


def _nests_spanning_model(model: type[BaseModel], name: str) -> bool:
    kind = model.model_fields[name].annotation
    return isinstance(kind, type) and issubclass(kind, BaseModel) and spans_fields(kind)


def _coupled_writes(
    runtime: Runtime, scope: Scope, writes: list[SettingWrite]
) -> dict[str, list[SettingWrite]]:
    """Field writes (not whole sections) into sections with spanning rules."""
    found: dict[str, list[SettingWrite]] = defaultdict(list)
    for write in writes:
        if write.field is None:
            continue
        model = runtime.registry.get(scope, write.section).model
        if is_coupled(model, write.field.split(".")[0]):
            found[write.section].append(write)
    return found


def _failing_remainders(
    session: Session,
    scope: Scope,
    section: str,
    writes: list[SettingWrite],
    model: type[BaseModel],
    domain_ids: list[int] | None,
) -> dict[str, list[str]]:
    """Each distinct remainder that fails once merged, with the errors."""
    statement, params = propagation_sql.section_remainders(
        _dialect(session), scope, section, [w.field for w in writes], domain_ids
    )
    failing = {}
    for stored, _count in session.execute(text(statement), params):
        rest = _document(stored)
        errors = _errors(model, section, _merged(rest, writes))
        if errors:
            failing[_key(rest)] = errors
    return failing


def _rows_holding(
    session: Session,
    scope: Scope,
    section: str,
    writes: list[SettingWrite],
    model: type[BaseModel],
    domain_ids: list[int] | None,
    failing: dict[str, list[str]],
) -> dict[int, str]:
    """The domains with a row whose merge breaks a rule anew.

    An error the stored section already has (a value written outside the
    API, a rule tightened since) is not the propagation's doing: a row is
    refused only for errors its merge adds.
    """
    statement, params = propagation_sql.section_remainders(
        _dialect(session),
        scope,
        section,
        [w.field for w in writes],
        domain_ids,
        per_domain=True,
    )
    found: dict[int, str] = {}
    present: dict[str, list[str]] = {}
    for domain_id, rest, whole in session.execute(text(statement), params):
        errors = failing.get(_key(_document(rest)))
        if errors is None or domain_id in found:
            continue
        stored = _document(whole)
        key = _key(stored)
        if key not in present:
            present[key] = _errors(model, section, stored)
        added = [error for error in errors if error not in present[key]]
        if added:
            found[domain_id] = _message(writes, added[0])
    return found


def _merged(rest: dict, writes: list[SettingWrite]) -> dict:
    merged = json.loads(json.dumps(rest))
    for write in writes:
        *parents, last = write.field.split(".")
        node = merged
        for key in parents:
            # As the UPDATE does, a missing object is created on the way.
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        # %domain% stands for a name here; names that outgrow the stand-in
        # are template_expansion's concern.
        node[last] = expand_variables(write.value, PROBE)
    return merged


def _errors(model: type[BaseModel], section: str, values: dict) -> list[str]:
    try:
        model.model_validate(values)
    except ValidationError as exc:
        found = field_errors(exc, f"settings.{section}", model)
        return [error.message for error in found]
    return []


def _message(writes: list[SettingWrite], error: str) -> str:
    paths = ", ".join(write.path for write in writes)
    return f"{paths} from the template would not fit its other settings: {error}"


def _document(stored: Any) -> dict:
    if stored is None:
        return {}
    value = json.loads(stored) if isinstance(stored, str) else stored
    return value if isinstance(value, dict) else {}


def _key(document: dict) -> str:
    return json.dumps(document, sort_keys=True)


def _names(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(Domain.id, Domain.name).where(Domain.id.in_(ids)))
    return dict(rows.all())


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
