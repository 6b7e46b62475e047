"""Importing subscribers from CSV, as a job with a report of rejected lines.

Each line holds an address and, optionally, a display name; a first line
naming the columns (``email``/``address``) is skipped. Lines are taken a
batch at a time: one transaction inserts the batch's new subscribers,
counts them and saves the job's checkpoint (the last line handled) with the
report so far, so a redelivered message carries on after the last batch
and adds nobody twice.
"""

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlmodel import Session

from core.db import session_scope
from core.errors import InvalidInput, MailplaneError
from core.models import Job
from core.principal import Principal
from core.runtime import Runtime
from core.services.jobs import JobCancelled, create_job, save_progress, update_progress
from plugins.mailing_lists.addresses import canonical_addresses
from plugins.mailing_lists.lists import require_list
from plugins.mailing_lists.models import Subscriber
from plugins.mailing_lists.subscribers import (
    change_count,
    clean_display_name,
    clean_subscriber_address,
    lock_list,
)

logger = logging.getLogger(__name__)

IMPORT_SUBSCRIBERS = "import_list_subscribers"
MAX_CSV_CHARS = 2_000_000
BATCH_LINES = 500
REJECTED_SHOWN = 100
SHOWN_TEXT = 100
HEADER_NAMES = {"email", "address", "emailaddress", "e-mail"}


def request_import(
    session: Session, runtime: Runtime, principal: Principal, list_email: str, text: str
) -> Job:
    """Check the list and the size of the CSV, then queue the import."""
    mailing_list, _domain = require_list(session, runtime, principal, list_email)
    if not text.strip():
        raise InvalidInput("The CSV is empty.", field="csv", code="REQUIRED")
    if len(text) > MAX_CSV_CHARS:
        raise InvalidInput(
            f"Import at most {MAX_CSV_CHARS} characters at a time.",
            field="csv",
            code="TOO_LONG",
        )
    params = {"listId": mailing_list.id, "csv": text}
    return create_job(session, runtime, principal, IMPORT_SUBSCRIBERS, params)


@dataclass
class ImportReport:
    """What an import did so far; it is the job's result."""

    added: int = 0
    already_subscribed: int = 0
    rejected: int = 0
    rejected_lines: list[dict] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.added + self.already_subscribed + self.rejected

    def reject(self, line: int, text: str, code: str) -> None:
        self.rejected += 1
        if len(self.rejected_lines) < REJECTED_SHOWN:
            shown = text[:SHOWN_TEXT]
            self.rejected_lines.append({"line": line, "text": shown, "code": code})

    def as_result(self) -> dict:
        return {
            "added": self.added,
            "alreadySubscribed": self.already_subscribed,
            "rejected": self.rejected,
            "rejectedLines": list(self.rejected_lines),
        }

    @classmethod
    def from_result(cls, result: dict | None) -> "ImportReport":
        result = result or {}
        return cls(
            result.get("added", 0),
            result.get("alreadySubscribed", 0),
            result.get("rejected", 0),
            list(result.get("rejectedLines", [])),
        )


Line = tuple[int, list[str]]


def run_import(runtime: Runtime, job: Job) -> dict:
    """The job's body: every line after the checkpoint, a batch at a time."""
    text = job.params["csv"]
    report = ImportReport.from_result(job.result)
    total = sum(1 for _ in read_lines(text))
    save_progress(runtime.engine, job.id, done=report.done, total=total)

    batch: list[Line] = []
    for number, cells in read_lines(text):
        if number <= job.checkpoint:
            continue
        batch.append((number, cells))
        if len(batch) == BATCH_LINES:
            import_batch(runtime, job, batch, report)
            batch = []
    if batch:
        import_batch(runtime, job, batch, report)
    logger.info(
        "Import job %d: %d added, %d subscribed already, %d rejected.",
        job.id,
        report.added,
        report.already_subscribed,
        report.rejected,
    )
    return report.as_result()


def read_lines(text: str) -> Iterator[Line]:
    """(line number, cells) of every line with content, the header skipped."""
    reader = csv.reader(io.StringIO(text))
    for cells in reader:
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        number = reader.line_num
        if number == 1 and cells[0].lower().replace(" ", "") in HEADER_NAMES:
            continue
        yield number, cells


def import_batch(runtime: Runtime, job: Job, batch: list[Line], report: ImportReport):
    """Insert a batch's new subscribers and save progress, in one transaction."""
    cleaned = _clean_batch(batch, report)
    with session_scope(runtime.engine) as session:
        lock_list(session, job.params["listId"])
        valid = _canonical(session, cleaned, report)
        existing = _existing(session, job.params["listId"], list(valid))
        new = {a: name for a, name in valid.items() if a not in existing}
        if new:
            _insert(session, job.params["listId"], new)
        report.added += len(new)
        report.already_subscribed += len(valid) - len(new)
        running = update_progress(
            session,
            job.id,
            done=report.done,
            checkpoint=batch[-1][0],
            result=report.as_result(),
        )
        if not running:
            # Cancelled meanwhile: this batch is rolled back with the rest.
            raise JobCancelled(job.id)


def _clean_batch(batch: list[Line], report: ImportReport) -> dict[str, str]:
    """Valid addresses of the batch (first of duplicates) with their names."""
    valid: dict[str, str] = {}
    for number, cells in batch:
        try:
            address = clean_subscriber_address(cells[0])
            name = clean_display_name(cells[1] if len(cells) > 1 else "")
        except MailplaneError as exc:
            report.reject(number, ",".join(cells), exc.code)
            continue
        if address in valid:
            report.already_subscribed += 1
            continue
        valid[address] = name
    return valid


def _canonical(
    session: Session, valid: dict[str, str], report: ImportReport
) -> dict[str, str]:
    """The batch under domains' own names; an alias's repeat counts as one."""
    canonical = canonical_addresses(session, valid)
    merged: dict[str, str] = {}
    for address, name in valid.items():
        if canonical[address] in merged:
            report.already_subscribed += 1
            continue
        merged[canonical[address]] = name
    return merged


def _existing(session: Session, list_id: int, addresses: list[str]) -> set[str]:
    if not addresses:
        return set()
    rows = session.execute(
        select(Subscriber.address).where(
            Subscriber.list_id == list_id, Subscriber.address.in_(addresses)
        )
    )
    return set(rows.scalars())


def _insert(session: Session, list_id: int, new: dict[str, str]) -> None:
    rows = [
        {"list_id": list_id, "address": address, "display_name": name}
        for address, name in new.items()
    ]
    session.execute(insert(Subscriber), rows)
    change_count(session, list_id, len(rows))
