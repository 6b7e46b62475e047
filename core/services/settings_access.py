"""Who may change which settings, and checks that span server settings."""

from collections.abc import Callable

from sqlmodel import Session

from core.errors import InvalidInput, InvalidInputs, PermissionDenied
from core.principal import Principal
from core.runtime import Runtime
from core.services.feature_gates import validate_feature_gates
from core.services.server_settings import (
    ServerSettings,
    clean_ipv4,
    clean_ipv6,
    read_server_settings,
)
from core.settings.section import Scope
from core.text import to_camel
from core.validation import clean_hostname_or_ip


def clean_settings_patch(
    session: Session, runtime: Runtime, principal: Principal, scope: Scope, patch: dict
) -> dict[str, dict]:
    """Refuse fields the caller may not change and choices the server lacks.

    ``patch`` maps section names to snake_case field changes; it is returned
    unchanged. Raises ``PermissionDenied`` for a field outside the section's
    ``domain_admin_fields`` when the caller is not a system administrator,
    and ``InvalidInputs`` (code ``NOT_A_SERVER_CHOICE``) for a gateway or
    outbound address the server settings don't list. A domain administrator's
    change to the logout URL also needs ``domainAdminsMayOverrideLogoutUrl``
    (``PermissionDenied``), and an outbound IPv6 address needs
    ``outboundIpv6Enabled`` (``InvalidInput``, code ``IPV6_DISABLED``).
    Fields behind a license or domain feature follow ``feature_gates``.
    """
    if not principal.is_system_admin:
        _check_domain_admin_fields(runtime, scope, patch)
        _check_logout_url_override(session, scope, patch)
    if scope == "domain":
        _check_server_choices(read_server_settings(session), patch)
    validate_feature_gates(session, runtime, principal, scope, patch)
    return patch


def _check_domain_admin_fields(runtime: Runtime, scope: Scope, patch: dict) -> None:
    for name, changes in patch.items():
        spec = runtime.registry.get(scope, name)
        allowed = spec.domain_admin_fields if spec else frozenset()
        for field in changes:
            if field not in allowed:
                raise PermissionDenied(
                    f"Only a system administrator may change {name}.{to_camel(field)}.",
                    field=f"settings.{name}.{to_camel(field)}",
                )


LOGOUT_URL_FIELDS = ("logout_url_enabled", "logout_url")


def _check_logout_url_override(session: Session, scope: Scope, patch: dict) -> None:
    """The logout URL is a domain administrator's only while the server allows."""
    misc = (patch.get("misc") or {}) if scope == "domain" else {}
    touched = [field for field in LOGOUT_URL_FIELDS if field in misc]
    if not touched:
        return
    if read_server_settings(session).domain_admins_may_override_logout_url:
        return
    path = f"settings.misc.{to_camel(touched[0])}"
    raise PermissionDenied(
        f"Only a system administrator may change {path} while the server setting "
        "domainAdminsMayOverrideLogoutUrl is off.",
        field=path,
    )


# (section, field, the server's list, how values are normalised)
ServerChoice = tuple[str, str, Callable[[ServerSettings], list[str]], Callable]

SERVER_CHOICES: list[ServerChoice] = [
    (
        "options",
        "outgoing_gateway",
        lambda s: s.outgoing_gateways,
        clean_hostname_or_ip,
    ),
    ("security", "outbound_ipv4", lambda s: s.outbound_ipv4_addresses, clean_ipv4),
    # With IPv6 off the server offers no IPv6 address, so switching it off
    # withdraws them all (``core.services.server_choices``).
    (
        "security",
        "outbound_ipv6",
        lambda s: s.outbound_ipv6_addresses if s.outbound_ipv6_enabled else [],
        clean_ipv6,
    ),
]


def _check_server_choices(server: ServerSettings, patch: dict) -> None:
    _check_ipv6_enabled(server, patch)
    errors = []
    for section, field, choices, normalise in SERVER_CHOICES:
        value = patch.get(section, {}).get(field)
        if value is None or _normalised(value, normalise) in choices(server):
            continue
        path = f"settings.{section}.{to_camel(field)}"
        errors.append(
            InvalidInput(
                f"{value!r} is not one of the server's choices for {path}.",
                field=path,
                code="NOT_A_SERVER_CHOICE",
            )
        )
    if errors:
        raise InvalidInputs(errors)


def _check_ipv6_enabled(server: ServerSettings, patch: dict) -> None:
    """Refuse an outbound IPv6 address while the server sends over IPv4 only."""
    value = (patch.get("security") or {}).get("outbound_ipv6")
    if value is None or server.outbound_ipv6_enabled:
        return
    raise InvalidInput(
        f"{value!r} can't be used: IPv6 for outgoing SMTP is off "
        "(server setting outboundIpv6Enabled).",
        field="settings.security.outboundIpv6",
        code="IPV6_DISABLED",
    )


def _normalised(value: str, normalise: Callable[[str], str]) -> str:
    try:
        return normalise(value)
    except ValueError:
        return value
