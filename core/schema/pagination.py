"""Cursor connections shared by every list."""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from core.pagination import Page, encode_cursor

T = TypeVar("T")


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


def to_connection(
    page: Page,
    convert: Callable[[Any], T],
    sort_value: Callable[[Any], Any],
    row_id: Callable[[Any], int],
) -> Connection[T]:
    """Build a connection from a service page, converting each row once."""
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
