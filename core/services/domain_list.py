"""The domain list: one page in two SQL queries, whatever the page size."""

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import false, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from core.models import Domain, User
from core.pagination import Page, after_condition
from core.principal import Principal, Role


class DomainOrderField(Enum):
    NAME = "name"
    CREATED_AT = "created_at"
    USER_COUNT = "user_count"
    DISK_USED = "disk_used_bytes"


@dataclass(frozen=True)
class DomainFilter:
    search: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class DomainRow:
    """A domain as the list shows it, with its primary administrator's address."""

    domain: Domain
    primary_admin: str | None

    def sort_value(self, order: DomainOrderField):
        value = getattr(self.domain, order.value)
        return value.isoformat() if order is DomainOrderField.CREATED_AT else value


def list_domains(
    session: Session,
    principal: Principal,
    *,
    first: int,
    after: str | None,
    filters: DomainFilter,
    order: DomainOrderField,
    descending: bool,
) -> Page:
    conditions = _scope_conditions(principal) + _filter_conditions(filters)
    total = session.execute(
        select(func.count(Domain.id)).where(*conditions)
    ).scalar_one()

    sort_column = getattr(Domain, order.value)
    page_conditions = list(conditions)
    if after:
        page_conditions.append(
            after_condition(sort_column, Domain.id, after, descending)
        )
    admin = aliased(User)
    ordering = (
        (sort_column.desc(), Domain.id.desc())
        if descending
        else (sort_column, Domain.id)
    )
    query = (
        select(Domain, admin.local_part)
        .outerjoin(admin, admin.id == Domain.primary_admin_id)
        .where(*page_conditions)
        .order_by(*ordering)
        .limit(first + 1)
    )
    rows = [
        DomainRow(domain, f"{local}@{domain.name}" if local else None)
        for domain, local in session.execute(query)
    ]
    return Page(rows[:first], total, len(rows) > first, after is not None)


def _scope_conditions(principal: Principal) -> list:
    if principal.role is Role.SYSTEM_ADMIN:
        return []
    if principal.role is Role.DOMAIN_ADMIN:
        return [Domain.id == principal.domain_id]
    return [false()]


def _filter_conditions(filters: DomainFilter) -> list:
    conditions = []
    if filters.search:
        conditions.append(
            Domain.name.contains(filters.search.strip().lower(), autoescape=True)
        )
    if filters.status:
        conditions.append(Domain.status == filters.status)
    return conditions
