"""Template values checked once ``%domain%`` is expanded for a real name.

A template is validated with a stand-in for the variable
(``templates.PROBE``). The rules a real name can break in its place are
lengths: the value's (a URL's or a local part's maximum), and a host name
label's, where a value glues the variable to other letters
(``mx-%domain%`` fuses the name's first label with ``mx-``), and the
hyphens IDNA reserves in such a fused label. So only names longer than the
stand-in, or with a longer first or last label, or one holding ``--``, need
checking: here, when a domain or user starts from a template, and before a
propagation, which leaves the domains a value would break unchanged and
says why.

A hostname pattern holds the variable as whole labels
(``core.validation.clean_hostname``), so its only limit is the total
length, and the names long enough to break it are found by length alone.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from core.errors import InvalidInput, InvalidInputs
from core.models import Domain
from core.runtime import Runtime
from core.services.propagation_sql import SettingWrite
from core.services.templates import PROBE, expand_variables, has_variable
from core.settings.registry import field_errors
from core.settings.section import Scope
from core.text import to_camel
from core.validation import DOMAIN_VARIABLE, expand_hostname, has_glued_variable

logger = logging.getLogger(__name__)

CODE = "TEMPLATE_VALUE_INVALID"
_MAX_HOSTNAME = 253
_PROBE_LABELS = PROBE.split(".")


@dataclass(frozen=True)
class BrokenExpansion:
    """A domain whose name would make a propagated template value invalid."""

    domain_id: int
    domain: str
    message: str


def outgrows_probe(name: str) -> bool:
    """Whether a value valid with the stand-in may break with ``name``."""
    first, last = (labels := name.split("."))[0], labels[-1]
    return (
        len(name) > len(PROBE)
        or len(first) > len(_PROBE_LABELS[0])
        or len(last) > len(_PROBE_LABELS[-1])
        # Glued to a letter, a label's "--" could land where IDNA reserves it.
        or "--" in first
        or "--" in last
    )


def validate_expanded(
    runtime: Runtime,
    scope: Scope,
    template: dict,
    domain_name: str,
    *,
    field: str | None = None,
    given: dict | None = None,
) -> None:
    """Check the template's sections with the variable, expanded for a domain.

    ``template`` is the scope's template, variables unexpanded; ``given`` a
    settings patch (snake_case, as ``clean_settings_patch`` returns it)
    whose values replace the template's, so their errors don't count.
    Raises ``InvalidInputs`` coded ``TEMPLATE_VALUE_INVALID``, each error's
    field ``field`` or, when None, the setting's own path.
    """
    if not outgrows_probe(domain_name):
        return
    replaced = list(_given_paths(given or {}))
    errors = []
    for name, section in template.items():
        if not has_variable(section):
            continue
        expanded = expand_variables(section, domain_name)
        for error in _section_errors(runtime, scope, name, expanded):
            if not any(_within(error.field, path) for path in replaced):
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
    ``domains`` those the propagation reaches (None: all). One read of the
    domain names, when a value holds the variable.
    """
    varying = [write for write in writes if has_variable(write.value)]
    if hostname is not None and DOMAIN_VARIABLE not in hostname:
        hostname = None
    if not varying and hostname is None:
        return []

    chosen = None if domains is None else {domain.id for domain in domains}
    fitting = _longest_fitting_name(hostname) if hostname is not None else None
    broken = []
    for domain_id, name in _names(session):
        if chosen is not None and domain_id not in chosen:
            continue
        message = _first_break(runtime, scope, template, varying, name)
        if message is None and fitting is not None and len(name) > fitting:
            message = _hostname_break(hostname, name)
        if message is not None:
            broken.append(BrokenExpansion(domain_id, name, message))
    if broken:
        logger.info("Template values would be invalid in %d domains.", len(broken))
    return broken


def _names(session: Session) -> list[tuple[int, str]]:
    # FOR KEY SHARE on PostgreSQL: a rename (name is a unique key) committed
    # between this check and the propagating UPDATE would be expanded
    # unchecked; other updates of the rows (counters, settings) go on.
    statement = select(Domain.id, Domain.name).order_by(Domain.name)
    locked = statement.with_for_update(read=True, key_share=True)
    return list(session.execute(locked).all())


def _first_break(
    runtime: Runtime,
    scope: Scope,
    template: dict,
    writes: list[SettingWrite],
    name: str,
) -> str | None:
    if not writes or not outgrows_probe(name):
        return None
    for write in writes:
        # The whole section is checked, as rules may span its fields; only
        # errors about the written value (or the whole section) count.
        section = expand_variables(template[write.section], name)
        errors = _section_errors(runtime, scope, write.section, section)
        path = f"settings.{write.path}"
        touched = [
            error
            for error in errors
            if _within(error.field, path) or _within(path, error.field)
        ]
        if touched:
            return _with_name(touched[0], name)
    return None


def _hostname_break(pattern: str, name: str) -> str | None:
    try:
        expand_hostname(pattern, name)
    except InvalidInput:
        return f"The hostname {pattern!r} would be too long for {name}."
    return None


def _section_errors(
    runtime: Runtime, scope: Scope, name: str, values: dict
) -> list[InvalidInput]:
    spec = runtime.registry.get(scope, name)
    try:
        spec.model.model_validate(values)
    except ValidationError as exc:
        return field_errors(exc, f"settings.{name}", spec.model)
    return []


def _given_paths(patch: dict, prefix: str = "settings") -> Iterable[str]:
    """``settings.<section>.<camelCase path>`` of every value in a patch."""
    for key, value in patch.items():
        name = key if prefix == "settings" else to_camel(key)
        path = f"{prefix}.{name}"
        if isinstance(value, dict):
            yield from _given_paths(value, path)
        else:
            yield path


def _within(field: str, path: str) -> bool:
    return field == path or field.startswith(f"{path}.")


def _longest_fitting_name(pattern: str) -> int:
    """The longest domain name for which ``pattern`` gives a short enough host.

    A pattern stored before whole labels and ASCII were required fits no
    name for sure, so every name is checked against it.
    """
    if has_glued_variable(pattern) or not pattern.isascii():
        return 0
    count = pattern.count(DOMAIN_VARIABLE)
    fixed = len(pattern) - count * len(DOMAIN_VARIABLE)
    return (_MAX_HOSTNAME - fixed) // count


def _with_name(error: InvalidInput, name: str) -> str:
    return f"{error.message.rstrip('.')} with %domain% as {name}."
