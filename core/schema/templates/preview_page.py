"""Paging of a propagation dry run's preview: which page, and where it sits."""

import strawberry

from core.schema.pagination import PageInfo
from core.services.propagation_preview import (
    PreviewPage,
    PreviewWindow,
    clean_preview_window,
)


@strawberry.input(
    description="Which page of a dry run's preview to return, in domain-name order."
)
class PreviewPageInput:
    first: int | None = strawberry.field(
        default=None,
        description="Domains on the page: 100 by default, at most the server's "
        "page size (MAILPLANE_MAX_PAGE_SIZE).",
    )
    after: str | None = strawberry.field(
        default=None, description="The endCursor of the previous page."
    )
    changing_only: bool = strawberry.field(
        default=False,
        description="List only the domains that the propagation would change.",
    )


@strawberry.type(
    description="Where a dry run's preview page sits, with counts over every "
    "domain the dry run judged."
)
class PropagationPreviewPage:
    total_count: int = strawberry.field(
        description="Domains the preview lists over all its pages (only the "
        "changing ones when changingOnly is set)."
    )
    domains_changing: int = strawberry.field(
        description="Domains where the propagation changes at least one value "
        "(for user defaults: at least one user's)."
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits.")


def clean_window(
    page: PreviewPageInput | None, dry_run: bool, maximum: int
) -> PreviewWindow | None:
    """The requested window; a dry run without one gets the first page."""
    if page is None and not dry_run:
        return None
    page = page or PreviewPageInput()
    return clean_preview_window(page.first, page.after, page.changing_only, maximum)


def to_preview_page(page: PreviewPage | None) -> PropagationPreviewPage | None:
    if page is None:
        return None
    info = PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )
    return PropagationPreviewPage(
        total_count=page.total_count, domains_changing=page.changing, page_info=info
    )
