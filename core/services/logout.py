"""Where a user lands after logging out."""

from sqlmodel import Session

from core.models import Domain
from core.principal import Principal, Role
from core.runtime import Runtime

DOMAIN_ROLES = (Role.USER, Role.DOMAIN_ADMIN)


def get_logout_url(
    session: Session, runtime: Runtime, principal: Principal
) -> str | None:
    """The caller's domain's logout URL while it is on; None for everyone else.

    System administrators and API keys belong to no domain, so they get None.
    """
    if principal.role not in DOMAIN_ROLES or principal.domain_id is None:
        return None
    domain = session.get(Domain, principal.domain_id)
    if domain is None:
        return None
    misc = runtime.registry.read("domain", domain.settings, "misc")
    return misc.logout_url if misc.logout_url_enabled else None
