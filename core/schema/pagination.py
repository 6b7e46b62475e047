"""Cursor connections shared by every list, and the plumbing of a list query."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from sqlmodel import Session

from core.pagination import Page, clean_page_size, encode_cursor
from core.schema.context import Context, Info
from core.schema.errors import run_query

T = TypeVar("T")

First = Annotated[int | None, strawberry.argument(description="Page size.")]
After = Annotated[str | None, strawberry.argument(description="Cursor to start after.")]


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More rows follow this page.")
    has_previous_page: bool = strawberry.field(description="Rows precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first row.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last row; pass as after."
    )


@strawberry.type(description="A row of a list with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this row.")
    node: T = strawberry.field(description="The row.")


@strawberry.type(description="One page of a list.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The rows with their cursors.")
    nodes: list[T] = strawberry.field(description="The rows alone.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="Rows in the whole filtered list.")


@dataclass(frozen=True)
class PageRequest:
    """The page a list query was asked for, ``first`` and ``after`` as given."""

    first: int | None
    after: str | None
    maximum: int

    @property
    def size(self) -> int:
        # Checked only when the read asks for it, so that a resolver's own
        # checks of the caller's scope answer before a bad page size does.
        return clean_page_size(self.first, self.maximum)


def run_list(
    info: Info,
    first: int | None,
    after: str | None,
    read: Callable[[Session, Context, PageRequest], Connection[T]],
) -> Connection[T]:
    """Run a list query's read in its own session.

    ``read`` gets the session, the context and the ``PageRequest`` to pass to
    its service, and returns the connection (see ``to_connection``).
    """

    def action(session: Session, ctx: Context) -> Connection[T]:
        request = PageRequest(first, after, ctx.runtime.config.max_page_size)
        return read(session, ctx, request)

    return run_query(info, action)


def _own_id(row: Any) -> int:
    return row.id


def to_connection(
    page: Page,
    convert: Callable[[Any], T],
    sort_value: Callable[[Any], Any] | None = None,
    row_id: Callable[[Any], int] = _own_id,
) -> Connection[T]:
    """Build a connection from a service page, converting each row once.

    Without ``sort_value`` the list is taken to be ordered by ``row_id`` alone.
    """
    sort_value = sort_value or row_id
    cursors = [encode_cursor(sort_value(row), row_id(row)) for row in page.rows]
    nodes = [convert(row) for row in page.rows]
    edges = [Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
    return Connection(
        edges=edges, nodes=nodes, page_info=info, total_count=page.total_count
    )
