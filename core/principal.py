"""Who is asking: the caller of a request, and the scope that follows."""

from dataclasses import dataclass
from enum import Enum

from core.errors import NotFound, PermissionDenied, Unauthenticated


class Role(Enum):
    SYSTEM_ADMIN = "system_admin"
    DOMAIN_ADMIN = "domain_admin"
    USER = "user"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    ``domain_id`` is set for domain administrators and users; ``user_id`` for
    both; ``system_admin_id`` for system administrators. ``impersonator`` is
    the username of the system administrator acting through this session.
    """

    role: Role
    name: str
    token_id: int | None = None
    system_admin_id: int | None = None
    user_id: int | None = None
    domain_id: int | None = None
    impersonator: str | None = None

    @property
    def is_system_admin(self) -> bool:
        return self.role is Role.SYSTEM_ADMIN


ANONYMOUS = Principal(role=Role.ANONYMOUS, name="anonymous")


def require_authenticated(principal: Principal) -> Principal:
    if principal.role is Role.ANONYMOUS:
        raise Unauthenticated("Log in first: send Authorization: Bearer <token>.")
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
    raise domain_not_found(name)


def domain_not_found(name: str) -> NotFound:
    return NotFound(f"No domain named {name!r}.", field="name", code="DOMAIN_NOT_FOUND")
