"""Who may change which settings, and checks that span server settings."""

from sqlmodel import Session

from core.errors import InvalidInput, InvalidInputs, PermissionDenied
from core.principal import Principal
from core.runtime import Runtime
from core.services.server_settings import read_server_settings
from core.settings.section import Scope
from core.text import to_camel


def clean_settings_patch(
    session: Session, runtime: Runtime, principal: Principal, scope: Scope, patch: dict
) -> dict[str, dict]:
    """Refuse fields the caller may not change and choices the server lacks."""
    if not principal.is_system_admin:
        _check_domain_admin_fields(runtime, scope, patch)
    if scope == "domain":
        _check_server_choices(session, patch)
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


def _check_server_choices(session: Session, patch: dict) -> None:
    server = read_server_settings(session)
    checks = [
        ("options", "outgoing_gateway", server.outgoing_gateways),
        ("security", "outbound_ipv4", server.outbound_ipv4_addresses),
        ("security", "outbound_ipv6", server.outbound_ipv6_addresses),
    ]
    errors = []
    for section, field, choices in checks:
        value = patch.get(section, {}).get(field)
        if value is not None and value not in choices:
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
