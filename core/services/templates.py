"""The defaults templates that new domains and users start from.

Each template is one document in ``server_setting``: the domain template
holds a hostname pattern, a status and every domain settings section, the user
template every user settings section. A section missing from a stored
template (its plugin was enabled later) reads as the registry's defaults, so
plugin sections appear in templates with no step of their own. Changing a
template changes no existing domain or user; propagation does that.

String values may hold the variable ``%domain%``, replaced by the domain's
name wherever a template is applied (new domains, propagation).
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from core.errors import InvalidInput, InvalidInputs
from core.models import ServerSetting
from core.principal import Principal
from core.runtime import Runtime
from core.services.settings_access import clean_settings_patch
from core.settings.section import Scope, SectionModel
from core.text import to_camel
from core.validation import DOMAIN_VARIABLE, clean_hostname, normalise_hostname

logger = logging.getLogger(__name__)

DEFAULT_HOSTNAME = "mail.%domain%"
DEFAULT_STATUS = "enabled"
KEYS: dict[Scope, str] = {"domain": "template.domain", "user": "template.user"}

# Templates are validated with this name standing in for the variable: what
# a validator (a host name, a URL, a length) accepts with it, it accepts with
# any real domain name no longer than it. Longer names are checked once
# expanded, by ``core.services.template_expansion``.
PROBE = "domain-variable.invalid"


@dataclass(frozen=True)
class DomainTemplate:
    """The hostname pattern, the status and every domain section, variables
    unexpanded."""

    hostname: str
    settings: dict[str, dict]
    status: str = DEFAULT_STATUS


def domain_template(session: Session, runtime: Runtime) -> dict:
    """The hostname pattern, status and settings a new domain starts from."""
    template = read_domain_template(session, runtime)
    return {
        "hostname": template.hostname,
        "status": template.status,
        "settings": template.settings,
    }


def user_template(
    session: Session,
    runtime: Runtime,
    domain_name: str | None = None,
    *,
    field: str | None = None,
) -> dict:
    """The settings a new user starts from: every user section.

    With ``domain_name`` (the new user's domain), ``%domain%`` is expanded,
    and a value the name makes invalid raises ``TEMPLATE_VALUE_INVALID``
    about ``field`` (None: the setting's path).
    """
    # Imported here: template_expansion imports this module.
    from core.services.template_expansion import validate_expanded

    settings = read_template_settings(session, runtime, "user")
    if domain_name is None:
        return settings
    validate_expanded(runtime, "user", settings, domain_name, field=field)
    return expand_variables(settings, domain_name)


def read_domain_template(session: Session, runtime: Runtime) -> DomainTemplate:
    stored = _load(session, "domain")
    return DomainTemplate(
        hostname=normalise_hostname(stored.get("hostname") or DEFAULT_HOSTNAME),
        settings=_complete(runtime, "domain", stored.get("settings")),
        status=stored.get("status") or DEFAULT_STATUS,
    )


def read_template_settings(session: Session, runtime: Runtime, scope: Scope) -> dict:
    """Every section of a scope's template, as stored in domains or users."""
    return _complete(runtime, scope, _load(session, scope).get("settings"))


def update_domain_template(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    *,
    hostname: str | None,
    settings: dict[str, dict] | None,
    status: str | None = None,
) -> DomainTemplate:
    """Change the hostname pattern and status and patch sections, all or nothing.

    ``status`` is one of ``core.services.domains.DOMAIN_STATUSES``; another
    value raises ``InvalidInput`` (field ``status``, code ``INVALID``).
    """
    # Imported here: domains imports users, which imports this module.
    from core.services.domains import clean_domain_status

    document = _load(session, "domain")
    if hostname is not None:
        document["hostname"] = clean_hostname(hostname)
        # Checked once cleaned: look-alike letters clean into the stand-in.
        validate_no_probe({"hostname": document["hostname"]}, prefix="")
    if status is not None:
        document["status"] = clean_domain_status(status)
    if settings:
        document["settings"] = _patched(
            session, runtime, principal, "domain", document.get("settings"), settings
        )
    _store(session, "domain", document)
    return read_domain_template(session, runtime)


def update_user_template(
    session: Session, runtime: Runtime, principal: Principal, settings: dict | None
) -> dict:
    """Patch sections of the user template, all or nothing."""
    document = _load(session, "user")
    if settings:
        document["settings"] = _patched(
            session, runtime, principal, "user", document.get("settings"), settings
        )
    _store(session, "user", document)
    return read_template_settings(session, runtime, "user")


def template_sections(
    runtime: Runtime, scope: Scope, settings: dict
) -> dict[str, SectionModel]:
    """A template's sections as models, variables kept, for display."""
    probe = substitute(settings, DOMAIN_VARIABLE, PROBE)
    return {
        name: _restore_variable(model)
        for name, model in runtime.registry.read_all(scope, probe).items()
    }


def expand_variables(value: Any, domain_name: str) -> Any:
    """A template value (or whole document) as it applies to one domain."""
    return substitute(value, DOMAIN_VARIABLE, domain_name)


def has_variable(value: Any) -> bool:
    if isinstance(value, str):
        return DOMAIN_VARIABLE in value
    if isinstance(value, dict):
        return any(has_variable(item) for item in value.values())
    if isinstance(value, list):
        return any(has_variable(item) for item in value)
    return False


def substitute(value: Any, old: str, new: str) -> Any:
    """Replace ``old`` by ``new`` in every string of a JSON value."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {key: substitute(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, old, new) for item in value]
    return value


def _load(session: Session, scope: Scope) -> dict:
    row = session.get(ServerSetting, KEYS[scope])
    return dict(row.value) if row is not None else {}


def _store(session: Session, scope: Scope, document: dict) -> None:
    row = session.get(ServerSetting, KEYS[scope]) or ServerSetting(key=KEYS[scope])
    row.value = document
    session.add(row)
    logger.info("Updated the %s defaults template.", scope)


def _complete(runtime: Runtime, scope: Scope, stored: dict | None) -> dict:
    """Every registered section, validated, with the variable in place."""
    probe = substitute(stored or {}, DOMAIN_VARIABLE, PROBE)
    return {
        name: substitute(model.model_dump(mode="json"), PROBE, DOMAIN_VARIABLE)
        for name, model in runtime.registry.read_all(scope, probe).items()
    }


def _patched(session, runtime, principal, scope, stored, patch) -> dict:
    validate_no_probe(patch)
    # Sections of plugins now disabled stay stored, for when they return.
    document = {**(stored or {}), **_complete(runtime, scope, stored)}
    probe_patch = substitute(patch, DOMAIN_VARIABLE, PROBE)
    try:
        clean_settings_patch(session, runtime, principal, scope, probe_patch)
        patched = runtime.registry.apply_patch(
            scope,
            substitute(document, DOMAIN_VARIABLE, PROBE),
            probe_patch,
            prefix="settings",
        )
    except InvalidInput as exc:
        raise _with_variable(exc) from None
    _validate_no_hidden_probe(patch, patched)
    return substitute(patched, PROBE, DOMAIN_VARIABLE)


def validate_no_probe(patch: dict, prefix: str = "settings") -> None:
    """Refuse the stand-in name in a template value: it would read back as
    ``%domain%`` (``RESERVED_NAME``)."""
    errors = [
        InvalidInput(
            f"{path} may not hold {PROBE!r}, which stands for %domain% here.",
            field=path,
            code="RESERVED_NAME",
        )
        for path in _paths_holding_probe(patch, prefix)
    ]
    if errors:
        raise InvalidInputs(errors)


def _validate_no_hidden_probe(patch: dict, patched: dict) -> None:
    """Refuse a value its cleaning turned into the stand-in (look-alike
    letters, a full-width dot): it too would read back as ``%domain%``."""
    errors = [
        InvalidInput(
            f"{path} may not hold {PROBE!r}, which stands for %domain% here.",
            field=path,
            code="RESERVED_NAME",
        )
        for path in _grown_probes(patch, patched, "settings")
    ]
    if errors:
        raise InvalidInputs(errors)


def _grown_probes(given: Any, cleaned: Any, path: str) -> list[str]:
    """Paths of the given values holding the stand-in more often once cleaned
    than they held the variable."""
    if isinstance(given, dict) and isinstance(cleaned, dict):
        return [
            found
            for key, item in given.items()
            for found in _grown_probes(
                item, cleaned.get(key), _joined(path, to_camel(key))
            )
        ]
    written = json.dumps(given, ensure_ascii=False).count(DOMAIN_VARIABLE)
    stored = json.dumps(cleaned, ensure_ascii=False).lower().count(PROBE)
    return [path] if stored > written else []


def _paths_holding_probe(value: Any, path: str) -> list[str]:
    if isinstance(value, str):
        return [path] if PROBE in value.lower() else []
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in _paths_holding_probe(item, _joined(path, to_camel(key)))
        ]
    if isinstance(value, list):
        return [
            found
            for index, item in enumerate(value)
            for found in _paths_holding_probe(item, _joined(path, str(index)))
        ]
    return []


def _joined(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _with_variable(exc: InvalidInput) -> InvalidInput:
    """The error as the caller wrote the value, variable and all."""
    if isinstance(exc, InvalidInputs):
        return InvalidInputs([_with_variable(error) for error in exc.errors])
    message = exc.message.replace(PROBE, DOMAIN_VARIABLE)
    return type(exc)(message, field=exc.field, code=exc.code)


def _restore_variable(model: SectionModel) -> SectionModel:
    changes = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SectionModel):
            changes[name] = _restore_variable(value)
        elif isinstance(value, str | list):
            restored = substitute(value, PROBE, DOMAIN_VARIABLE)
            if restored != value:
                changes[name] = restored
    # Copies skip validation: the variable itself is no valid host name.
    return model.model_copy(update=changes)
