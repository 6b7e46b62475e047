"""Exporting a list's subscribers to CSV: inline for small lists, else a job.

The job streams the rows into a file through core's export writer, so
memory stays flat whatever the list's size, and the owner downloads the
file from ``/downloads/<job id>`` as for the domains and users exports.
"""

import csv
import io
import logging

from sqlalchemy import select
from sqlmodel import Session

from core.db import session_scope
from core.errors import LimitReached, NotFound
from core.models import Job
from core.models.base import as_utc
from core.principal import Principal
from core.runtime import Runtime
from core.services.export_columns import neutralise
from core.services.exports import write_export
from core.services.jobs import create_job
from plugins.mailing_lists.lists import list_address, require_list
from plugins.mailing_lists.models import MailingList, Subscriber

logger = logging.getLogger(__name__)

EXPORT_SUBSCRIBERS = "export_list_subscribers"
EXPORT_HEADER = ["email", "displayName", "subscribedAt"]
# Above this the text answer would hold megabytes in one response.
INLINE_MAX_SUBSCRIBERS = 10_000


def export_subscribers(
    session: Session, runtime: Runtime, principal: Principal, list_email: str
) -> tuple[str, int]:
    """The list's subscribers as CSV text (header first), and how many."""
    mailing_list, domain = require_list(session, runtime, principal, list_email)
    if mailing_list.subscriber_count > INLINE_MAX_SUBSCRIBERS:
        raise LimitReached(
            f"The list has over {INLINE_MAX_SUBSCRIBERS} subscribers; "
            "export it to a file with exportSubscribersCsv.",
            code="EXPORT_TOO_LARGE",
        )

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    rows = session.execute(_rows_of(mailing_list.id))
    count = 0
    for row in rows:
        writer.writerow(_cells(row))
        count += 1
    logger.info(
        "Exported %d subscribers of %s.", count, list_address(mailing_list, domain)
    )
    return buffer.getvalue(), count


def request_subscribers_export(
    session: Session, runtime: Runtime, principal: Principal, list_email: str
) -> Job:
    """Check the list and the caller, then queue the export to a file."""
    mailing_list, _domain = require_list(session, runtime, principal, list_email)
    params = {"listId": mailing_list.id}
    return create_job(session, runtime, principal, EXPORT_SUBSCRIBERS, params)


def run_subscribers_export(runtime: Runtime, job: Job) -> dict:
    """The job's body: every subscriber by address, streamed to the file."""
    list_id = job.params["listId"]
    with session_scope(runtime.engine, write=False) as session:
        mailing_list = session.get(MailingList, list_id)
        if mailing_list is None:
            raise NotFound("The list was deleted before its export ran.")
        total = mailing_list.subscriber_count

    def convert(batch: list) -> list:
        return [_cells(row) for row in batch]

    query = _rows_of(list_id)
    return write_export(runtime, job, EXPORT_HEADER, total, query, convert)


def _rows_of(list_id: int):
    return (
        select(Subscriber.address, Subscriber.display_name, Subscriber.created_at)
        .where(Subscriber.list_id == list_id)
        .order_by(Subscriber.address)
    )


def _cells(row) -> list[str]:
    address, name, created_at = row
    return [neutralise(address), neutralise(name), as_utc(created_at).isoformat()]
