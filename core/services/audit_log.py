"""Reading the audit log: newest first, filtered, within the caller's scope.

System administrators (and keys that reach the whole server) read every
entry; a domain administrator reads its domain's, an API key its
domains'. A domain's entries are those written since it was created, so
a domain that reuses a deleted one's id inherits none of its history.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlmodel import Session

from core.errors import InvalidInput, PermissionDenied
from core.models import AuditEntry, Domain
from core.models.base import as_utc
from core.pagination import Page, after_condition
from core.principal import Principal, Role, require_authenticated
from core.services.api_keys import key_domains_condition
from core.services.scope import administers, domain_not_found, find_domain
from core.validation import clean_domain_name


@dataclass(frozen=True)
class AuditFilter:
    domain: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_audit_entries(
    session: Session,
    principal: Principal,
    *,
    first: int,
    after: str | None,
    filters: AuditFilter,
) -> Page:
    """One page of the entries the caller may read, in two queries."""
    conditions = _scope(session, principal, filters.domain)
    conditions += _filter_conditions(filters)
    total = session.execute(
        select(func.count(AuditEntry.id)).where(*conditions)
    ).scalar_one()

    if after:
        conditions.append(after_condition(AuditEntry.id, AuditEntry.id, after, True))
    query = (
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .limit(first + 1)
    )
    rows = list(session.execute(query).scalars())
    return Page(rows[:first], total, len(rows) > first, after is not None)


def _scope(session: Session, principal: Principal, name: str | None) -> list:
    require_authenticated(principal)
    if principal.is_system_admin:
        return _domain_named(session, name) if name else []
    if principal.role is Role.DOMAIN_ADMIN:
        own = Domain.id == principal.domain_id
    elif principal.role is Role.API_KEY:
        own = key_domains_condition(principal, Domain.id)
    else:
        raise PermissionDenied("Only administrators may read the audit log.")

    if name:
        domain = find_domain(session, name)
        if domain is None or not administers(principal, domain.id):
            raise domain_not_found(name, "filter.domain")
        own = and_(own, Domain.id == domain.id)
    return [_of_domains(own)]


def _of_domains(condition) -> object:
    """Entries of the domains ``condition`` picks, since each was created."""
    return exists(
        select(Domain.id).where(
            condition,
            Domain.id == AuditEntry.domain_id,
            Domain.created_at <= AuditEntry.at,
        )
    )


def _domain_named(session: Session, name: str) -> list:
    """A system administrator's domain filter: the domain as it is now
    (under its former names too), and earlier domains of that name."""
    domain = find_domain(session, name)
    if domain is None:
        try:
            clean = clean_domain_name(name, field="filter.domain")
        except InvalidInput:
            clean = name.strip().lower()
        return [AuditEntry.domain_name == clean]
    current = and_(
        AuditEntry.domain_id == domain.id, AuditEntry.at >= domain.created_at
    )
    return [or_(current, AuditEntry.domain_name == domain.name)]


def _filter_conditions(filters: AuditFilter) -> list:
    conditions = []
    if filters.actor:
        actor = filters.actor.strip().lower()
        conditions.append(func.lower(AuditEntry.actor) == actor)
    if filters.action:
        conditions.append(AuditEntry.action == filters.action.strip())
    if filters.since is not None:
        conditions.append(AuditEntry.at >= _utc(filters.since))
    if filters.until is not None:
        conditions.append(AuditEntry.at < _utc(filters.until))
    return conditions


def _utc(value: datetime) -> datetime:
    """Stored times are UTC (SQLite keeps no offset): compare in UTC."""
    return as_utc(value).astimezone(UTC)
