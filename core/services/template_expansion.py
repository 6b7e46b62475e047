"""Template values checked once ``%domain%`` is expanded for a real name.

A template is validated with a stand-in for the variable
(``templates.PROBE``). The rules a real name can break in its place are
length limits (a host name's 253 characters, a URL's or a local part's
maximum), so only names longer than the stand-in need checking: here, when
a domain or user starts from a template, and before a propagation, which
leaves the domains a value would break unchanged and says why.

Host name patterns hold the variable as whole labels
(``core.validation.clean_hostname``), so their only limit is the total
length, and the names long enough to break one are found by length alone.
"""

import logging
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlmodel import Session

from core.errors import InvalidInput, InvalidInputs
from core.models import Domain
from core.runtime import Runtime
from core.services.propagation_sql import SettingWrite
from core.services.templates import PROBE, expand_variables, has_variable
from core.settings.registry import field_errors
from core.settings.section import Scope
from core.validation import DOMAIN_VARIABLE, expand_hostname

logger = logging.getLogger(__name__)

CODE = "TEMPLATE_VALUE_INVALID"
_MAX_HOSTNAME = 253


@dataclass(frozen=True)
class BrokenExpansion:
    """A domain whose name would make a propagated template value invalid."""

    domain_id: int
    domain: str
    message: str


def validate_expanded(
    runtime: Runtime,
    scope: Scope,
    template: dict,
    document: dict,
    domain_name: str,
    *,
    field: str | None = None,
) -> None:
    """Check the sections of ``document`` that came from values with the variable.

    ``template`` is the scope's template, variables unexpanded; ``document``
    the settings made from it for ``domain_name`` (and perhaps patched by
    the caller). Raises ``InvalidInputs`` coded ``TEMPLATE_VALUE_INVALID``,
    each error's field ``field`` or, when None, the setting's own path.
    """
    if len(domain_name) <= len(PROBE):
        return
    errors = []
    for name, section in template.items():
        if has_variable(section) and name in document:
            for error in _section_errors(runtime, scope, name, document[name]):
                message = _with_name(error, domain_name)
                errors.append(
                    InvalidInput(message, field=field or error.field, code=CODE)
                )
    if errors:
        raise InvalidInputs(errors)


def broken_expansions(
    session: Session,
    runtime: Runtime,
    scope: Scope,
    template: dict,
    writes: list[SettingWrite],
    domains: list[Domain] | None = None,
    *,
    hostname: str | None = None,
) -> list[BrokenExpansion]:
    """The domains for which a propagated value would be invalid once expanded.

    ``writes`` are the values to copy from ``template`` (the scope's, variables
    unexpanded); ``hostname`` the hostname pattern to copy too, if chosen;
    ``domains`` those the propagation reaches (None: all). One read
    of the domains whose names are long enough to break a value.
    """
    varying = [write for write in writes if has_variable(write.value)]
    if hostname is not None and DOMAIN_VARIABLE not in hostname:
        hostname = None
    thresholds = [len(PROBE)] if varying else []
    if hostname is not None:
        thresholds.append(_longest_fitting_name(hostname))
    if not thresholds:
        return []

    rows = session.execute(
        select(Domain.id, Domain.name)
        .where(func.length(Domain.name) > min(thresholds))
        .order_by(Domain.name)
    ).all()
    chosen = None if domains is None else {domain.id for domain in domains}
    broken = []
    for domain_id, name in rows:
        if chosen is not None and domain_id not in chosen:
            continue
        message = _first_break(runtime, scope, template, varying, hostname, name)
        if message is not None:
            broken.append(BrokenExpansion(domain_id, name, message))
    if broken:
        logger.info("Template values would be invalid in %d domains.", len(broken))
    return broken


def _first_break(runtime, scope, template, writes, hostname, name) -> str | None:
    if hostname is not None:
        try:
            expand_hostname(hostname, name)
        except InvalidInput:
            return f"The hostname {hostname!r} would be too long for {name}."
    if len(name) <= len(PROBE):
        return None
    for write in writes:
        # The whole section is checked, as rules may span its fields; only
        # errors about the written value count.
        section = expand_variables(template[write.section], name)
        errors = _section_errors(runtime, scope, write.section, section)
        touched = [e for e in errors if _inside(e.field, write)]
        if touched:
            return _with_name(touched[0], name)
    return None


def _section_errors(runtime, scope, name: str, values) -> list[InvalidInput]:
    spec = runtime.registry.get(scope, name)
    try:
        spec.model.model_validate(values)
    except ValidationError as exc:
        return field_errors(exc, f"settings.{name}")
    return []


def _inside(field: str, write: SettingWrite) -> bool:
    # A section-level error (a rule over several fields) may come from any
    # field, the written one among them.
    path = f"settings.{write.path}"
    return field == f"settings.{write.section}" or (
        field == path or field.startswith(f"{path}.") or path.startswith(f"{field}.")
    )


def _longest_fitting_name(pattern: str) -> int:
    """The longest domain name for which ``pattern`` gives a short enough host."""
    count = pattern.count(DOMAIN_VARIABLE)
    fixed = len(pattern) - count * len(DOMAIN_VARIABLE)
    return (_MAX_HOSTNAME - fixed) // count


def _with_name(error: InvalidInput, name: str) -> str:
    return f"{error.message.rstrip('.')} with %domain% as {name}."
