"""Who is asking: the caller of a request, and the scope that follows."""

from dataclasses import dataclass
from enum import Enum

from core.errors import NotFound, PermissionDenied, Unauthenticated


class Role(Enum):
    SYSTEM_ADMIN = "system_admin"
    DOMAIN_ADMIN = "domain_admin"
    USER = "user"
    API_KEY = "api_key"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    ``domain_id`` is set for domain administrators and users; ``user_id`` for
    both; ``system_admin_id`` for system administrators. ``impersonator`` is
    the username of the system administrator acting through this session.
    ``restricted_to`` names the only operations a restricted session may use
    (``twostep_setup``: a forced two-step set-up); core refuses it elsewhere.
    An API key (``api_key_id``) reaches the domains in ``key_domain_ids``,
    or the whole server when that is None, and changes nothing when
    ``read_only``.
    """

    role: Role
    name: str
    token_id: int | None = None
    system_admin_id: int | None = None
    user_id: int | None = None
    domain_id: int | None = None
    impersonator: str | None = None
    restricted_to: str | None = None
    api_key_id: int | None = None
    key_domain_ids: frozenset[int] | None = None
    read_only: bool = False

    @property
    def is_system_admin(self) -> bool:
        """System administrators, and API keys that reach the whole server."""
        if self.role is Role.API_KEY:
            return self.key_domain_ids is None
        return self.role is Role.SYSTEM_ADMIN

    def holds_domain(self, domain_id: int) -> bool:
        """Whether an API key reaches the domain (any domain, server-wide)."""
        if self.role is not Role.API_KEY:
            return False
        return self.key_domain_ids is None or domain_id in self.key_domain_ids


ANONYMOUS = Principal(role=Role.ANONYMOUS, name="anonymous")


def require_authenticated(
    principal: Principal, *, allow_restricted: bool = False
) -> Principal:
    if principal.role is Role.ANONYMOUS:
        raise Unauthenticated("Log in first: send Authorization: Bearer <token>.")
    if principal.restricted_to is not None and not allow_restricted:
        raise PermissionDenied(
            f"This session may only be used for {principal.restricted_to}.",
            code="SESSION_RESTRICTED",
        )
    return principal


def require_system_admin(principal: Principal) -> Principal:
    require_authenticated(principal)
    if not principal.is_system_admin:
        raise PermissionDenied("Only a system administrator may do this.")
    return principal


def require_domain_scope(principal: Principal, domain_id: int, name: str) -> None:
    """Admit system administrators and the domain's own administrators.

    Everyone else is told the domain does not exist, so that nothing is
    revealed about domains outside the caller's scope.
    """
    require_authenticated(principal)
    if principal.is_system_admin:
        return
    if principal.role is Role.DOMAIN_ADMIN and principal.domain_id == domain_id:
        return
    if principal.holds_domain(domain_id):
        return
    raise domain_not_found(name)


def require_domain_operator(principal: Principal) -> Principal:
    """Admit system administrators and API keys to whole-domain operations.

    A key scoped to some domains passes; the domain lookup that follows
    (``require_domain_scope``) keeps it to those.
    """
    require_authenticated(principal)
    if not (principal.is_system_admin or principal.role is Role.API_KEY):
        raise PermissionDenied("Only a system administrator may do this.")
    return principal


def domain_not_found(name: str) -> NotFound:
    return NotFound(f"No domain named {name!r}.", field="name", code="DOMAIN_NOT_FOUND")
