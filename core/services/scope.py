"""Tenancy: which domains a caller administers and which account it owns.

Every lookup that fails for lack of scope raises the same ``*_NOT_FOUND``
error as a lookup of something that does not exist, so a caller learns
nothing about what lies outside its scope.
"""

from sqlmodel import Session, select

from core.errors import InvalidInput, NotFound
from core.models import Domain, DomainAlias
from core.principal import Principal, Role, require_authenticated
from core.text import quoted
from core.validation import clean_domain_name


def administers(principal: Principal, domain_id: int) -> bool:
    """System administrators administer every domain; domain administrators
    theirs; API keys those they reach."""
    if principal.is_system_admin or principal.holds_domain(domain_id):
        return True
    return principal.role is Role.DOMAIN_ADMIN and principal.domain_id == domain_id


def owns_account(principal: Principal, user_id: int) -> bool:
    return principal.user_id is not None and principal.user_id == user_id


def find_domain(session: Session, name: str) -> Domain | None:
    """The domain of that name, normalised; None for a bad or unknown name."""
    try:
        clean = clean_domain_name(name)
    except InvalidInput:
        return None
    return session.exec(select(Domain).where(Domain.name == clean)).first()


def mailbox_addresses(session: Session, domain: Domain, local_part: str) -> set[str]:
    """Every address that reaches one mailbox or alias: under the domain's
    own name and each of its domain aliases' (what a loop check compares)."""
    names = session.exec(
        select(DomainAlias.name).where(DomainAlias.domain_id == domain.id)
    ).all()
    return {f"{local_part}@{name}" for name in [domain.name, *names]}


def require_managed_domain(
    session: Session, principal: Principal, name: str, *, field: str = "domain"
) -> Domain:
    """The domain named, if the caller administers it; else ``DOMAIN_NOT_FOUND``."""
    require_authenticated(principal)
    domain = find_domain(session, name)
    if domain is None or not administers(principal, domain.id):
        raise domain_not_found(name, field)
    return domain


def domain_not_found(name: str, field: str) -> NotFound:
    return NotFound(
        f"No domain named {quoted(name)}.", field=field, code="DOMAIN_NOT_FOUND"
    )


def user_not_found(email: str, field: str = "email") -> NotFound:
    return NotFound(f"No user {quoted(email)}.", field=field, code="USER_NOT_FOUND")
