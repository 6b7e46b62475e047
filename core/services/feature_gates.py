"""Settings that need more than the caller's rights: a feature to be switched on.

Three tables, one rule each:

- ``LICENSED_FIELDS``: domain settings that only a license granting a
  feature may switch on (the reference's Enterprise-only options). Anyone
  allowed to change them may switch them off, license or not.
- ``DOMAIN_ADMIN_GATES``: domain sections that domain administrators may
  change only while a feature of their domain is on; system administrators
  always may.
- ``USER_FEATURE_FIELDS``: user settings that may be switched on only while
  the user's domain has a feature on; a user has the feature only while both
  are on (``user_has_feature``).
"""

import logging

from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from core.errors import InvalidInputs, MailplaneError, PermissionDenied
from core.licensing import License
from core.models import Domain
from core.principal import Principal, Role
from core.runtime import Runtime
from core.settings.section import Scope
from core.text import to_camel

logger = logging.getLogger(__name__)

# (domain section, field) -> the license feature that allows switching it on.
LICENSED_FIELDS: dict[tuple[str, str], str] = {
    ("features", "directory_integration"): "directory_integration",
    ("features", "chat"): "chat",
    ("features", "global_address_list"): "global_address_list",
    ("features", "team_workspaces"): "team_workspaces",
    # Leaving the global address list means nothing without one.
    ("misc", "users_opt_out_of_directory"): "global_address_list",
}

# domain section -> the field of the domain's features section that lets
# its domain administrators change the section.
DOMAIN_ADMIN_GATES: dict[str, str] = {
    "loginDisplay": "login_customization",
    "directory": "directory_integration",
}

# (user section, field) -> the field of the domain's features section that
# must be on for the user's field to be switched on.
USER_FEATURE_FIELDS: dict[tuple[str, str], str] = {
    ("smtpAccounts", "enabled"): "smtp_accounts",
}

_BOOL = TypeAdapter(bool)


def validate_feature_gates(
    session: Session, runtime: Runtime, principal: Principal, scope: Scope, patch: dict
) -> None:
    """Refuse a domain settings patch that switches on what a feature withholds.

    Raises ``InvalidInputs`` holding a ``PermissionDenied`` per field at
    fault: ``LICENSE_REQUIRED`` for a licensed field the license in force
    does not grant, ``FEATURE_DISABLED`` for a domain administrator's change
    to a section whose domain feature is off.
    """
    if scope != "domain":
        return
    errors = licensed_field_errors(runtime.license, patch)
    if not principal.is_system_admin:
        errors += _domain_admin_gate_errors(session, runtime, principal, patch)
    if errors:
        raise InvalidInputs(errors)


def licensed_field_errors(license: License, patch: dict) -> list[MailplaneError]:
    """A ``LICENSE_REQUIRED`` error for each licensed field switched on unlicensed."""
    errors: list[MailplaneError] = []
    for (section, field), feature in LICENSED_FIELDS.items():
        if _turns_on(patch, section, field) and not license.grants(feature):
            path = f"settings.{section}.{to_camel(field)}"
            errors.append(
                PermissionDenied(
                    f"Turning on {path} needs a license granting the "
                    f"{feature!r} feature.",
                    field=path,
                    code="LICENSE_REQUIRED",
                )
            )
    return errors


def withhold_unlicensed(license: License, settings: dict) -> dict:
    """Domain settings (from the template) with the licensed fields the
    license doesn't grant switched off: a new domain starts as the license
    allows, whatever the template kept from an earlier license."""
    withheld = {}
    for (section, field), feature in LICENSED_FIELDS.items():
        if _turns_on(settings, section, field) and not license.grants(feature):
            withheld.setdefault(section, dict(settings[section]))[field] = False
    if withheld:
        logger.info(
            "Switched off %s for a new domain: the license doesn't grant them.",
            ", ".join(sorted(withheld)),
        )
    return {**settings, **withheld}


def gated_user_fields(section: str, field: str | None, value) -> list[tuple]:
    """``(user section, field, domain feature)`` of a propagated user value
    that switches on a field ``USER_FEATURE_FIELDS`` gates; ``field`` None
    when ``value`` is the whole section."""
    patch = {section: value if field is None else {field: value}}
    return [
        (gated_section, gated_field, feature)
        for (gated_section, gated_field), feature in USER_FEATURE_FIELDS.items()
        if _turns_on(patch, gated_section, gated_field)
    ]


def domains_withholding(
    runtime: Runtime, gated: list[tuple], domains: list[Domain]
) -> list[tuple[int, str, str]]:
    """``(domain id, name, reason)`` of the domains whose features are off
    for a gated user value a propagation would switch on (``gated`` as
    ``gated_user_fields`` gives it)."""
    found = []
    for domain in domains:
        features = runtime.registry.read("domain", domain.settings, "features")
        for section, field, feature in gated:
            if not getattr(features, feature):
                reason = (
                    f"{section}.{to_camel(field)} can't be turned on while the "
                    f"domain's features.{to_camel(feature)} is off."
                )
                found.append((domain.id, domain.name, reason))
                break
    return found


def _domain_admin_gate_errors(
    session: Session, runtime: Runtime, principal: Principal, patch: dict
) -> list[MailplaneError]:
    gated = [name for name in DOMAIN_ADMIN_GATES if _changes(patch, name)]
    if not gated:
        return []
    features = _own_domain_features(session, runtime, principal)
    errors: list[MailplaneError] = []
    for name in gated:
        feature = DOMAIN_ADMIN_GATES[name]
        if features is not None and getattr(features, feature):
            continue
        errors += [_feature_disabled(name, field, feature) for field in patch[name]]
    return errors


def _own_domain_features(session: Session, runtime: Runtime, principal: Principal):
    """The features of the domain a domain administrator's patch is for.

    A domain administrator changes its own domain alone, so the principal
    names it; for anyone else (an API key scoped to some domains) it is
    unknown here and None comes back, which refuses the change.
    """
    # Limitation: API keys scoped to domains can't change gated sections even
    # where the feature is on — passing the target domain from update_domain
    # into clean_settings_patch would let them.
    if principal.role is not Role.DOMAIN_ADMIN or principal.domain_id is None:
        return None
    domain = session.get(Domain, principal.domain_id)
    if domain is None:
        return None
    return runtime.registry.read("domain", domain.settings, "features")


def _feature_disabled(section: str, field: str, feature: str) -> PermissionDenied:
    path = f"settings.{section}.{to_camel(field)}"
    return PermissionDenied(
        f"Domain administrators may change {path} only while the domain's "
        f"features.{to_camel(feature)} is on.",
        field=path,
        code="FEATURE_DISABLED",
    )


def validate_user_features(
    runtime: Runtime, domain_settings: dict, current: dict, patch: dict
) -> None:
    """Refuse switching on a user setting whose domain feature is off.

    ``current`` holds the user's settings before ``patch`` (the template's,
    for a new user), so that repeating a value that is already on asks for
    nothing. ``patch`` maps section names to snake_case fields; raises
    ``InvalidInputs`` of ``FEATURE_DISABLED`` errors, one per field.
    """
    features = runtime.registry.read("domain", domain_settings, "features")
    errors: list[MailplaneError] = []
    for (section, field), feature in USER_FEATURE_FIELDS.items():
        if getattr(features, feature) or not _turns_on(patch, section, field):
            continue
        if getattr(runtime.registry.read("user", current, section), field):
            continue
        path = f"settings.{section}.{to_camel(field)}"
        errors.append(
            PermissionDenied(
                f"{path} can't be turned on while the domain's "
                f"features.{to_camel(feature)} is off.",
                field=path,
                code="FEATURE_DISABLED",
            )
        )
    if errors:
        raise InvalidInputs(errors)


def user_has_feature(
    runtime: Runtime, domain_settings: dict, user_settings: dict, section: str
) -> bool:
    """Whether a user has a gated feature: its own field and its domain's on.

    ``section`` names the user section of ``USER_FEATURE_FIELDS``, such as
    ``smtpAccounts``.
    """
    gates = [
        (f, feature) for (s, f), feature in USER_FEATURE_FIELDS.items() if s == section
    ]
    if not gates:
        raise ValueError(f"No feature gates the user section {section!r}.")
    features = runtime.registry.read("domain", domain_settings, "features")
    own = runtime.registry.read("user", user_settings, section)
    return all(getattr(own, f) and getattr(features, feature) for f, feature in gates)


def _changes(patch: dict, section: str) -> dict:
    """A section's changes; anything but a dict is the registry's to refuse."""
    changes = patch.get(section)
    return changes if isinstance(changes, dict) else {}


def _turns_on(patch: dict, section: str, field: str) -> bool:
    value = _changes(patch, section).get(field)
    if value is None:
        return False
    try:
        return _BOOL.validate_python(value)
    except ValidationError:
        # Not a boolean at all: the section's own validation reports it.
        return False
