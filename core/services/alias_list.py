"""The user aliases and domain aliases of a domain, one page at a time.

Each page is one SQL query, plus an aggregate only when a search narrows
the list (otherwise the domain's kept count is the total).
"""

from sqlalchemy import func, select
from sqlmodel import Session

from core.models import Domain, DomainAlias, UserAlias
from core.pagination import Page, clean_search
from core.services.user_list import keyset_after, parse_text


def list_user_aliases(
    session: Session,
    domain: Domain,
    *,
    first: int,
    after: str | None,
    search: str | None,
    descending: bool,
) -> Page:
    """User aliases in order of their address."""
    conditions = [UserAlias.domain_id == domain.id]
    total = domain.user_alias_count
    needle = clean_search(search)
    if needle:
        conditions.append(UserAlias.local_part.contains(needle, autoescape=True))
        total = session.execute(
            select(func.count(UserAlias.id)).where(*conditions)
        ).scalar_one()
    return _page(
        session,
        UserAlias.local_part,
        conditions,
        first=first,
        after=after,
        descending=descending,
        total=total,
    )


def list_domain_aliases(
    session: Session, domain: Domain, *, first: int, after: str | None
) -> Page:
    """Domain aliases in order of their name."""
    conditions = [DomainAlias.domain_id == domain.id]
    return _page(
        session,
        DomainAlias.name,
        conditions,
        first=first,
        after=after,
        descending=False,
        total=domain.domain_alias_count,
    )


def _page(
    session: Session,
    sort_column,
    conditions: list,
    *,
    first: int,
    after: str | None,
    descending: bool,
    total: int,
) -> Page:
    """One page of the model that ``sort_column`` belongs to, keyset-paginated."""
    model = sort_column.class_
    if after:
        conditions = [
            *conditions,
            keyset_after(sort_column, model.id, after, descending, parse_text),
        ]
    ordering = (
        (sort_column.desc(), model.id.desc()) if descending else (sort_column, model.id)
    )
    query = select(model).where(*conditions).order_by(*ordering).limit(first + 1)
    rows = list(session.execute(query).scalars())
    return Page(rows[:first], total, len(rows) > first, after is not None)
