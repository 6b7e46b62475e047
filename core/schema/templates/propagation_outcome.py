"""What both propagation mutations return: their job, or what they changed."""

from collections.abc import Callable
from typing import Any

from core.models import Job as JobRow
from core.schema.jobs.types import to_job
from core.schema.templates.preview_page import clean_window, to_preview_page
from core.schema.templates.types import to_refusal
from core.services.propagation_preview import PreviewWindow


def request_window(input: Any, max_page_size: int) -> PreviewWindow | None:
    """The preview window asked for by a propagate input (dryRun, previewPage)."""
    return clean_window(input.preview_page, input.dry_run, max_page_size)


def to_outcome_fields(
    outcome: Any, count_field: str, to_preview: Callable[[Any], Any]
) -> dict[str, Any]:
    """Payload fields of a propagation run here, or of the job it was queued as.

    ``count_field`` names the payload's count of changed rows
    (``domains_changed`` or ``users_changed``).
    """
    if isinstance(outcome, JobRow):
        return {"job": to_job(outcome)}
    return {
        count_field: outcome.changed,
        "refused": [to_refusal(item) for item in outcome.refused],
        "preview": [to_preview(item) for item in outcome.preview],
        "preview_page": to_preview_page(outcome.page),
    }
